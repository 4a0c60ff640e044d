"""Rendering helpers: Chinese line joins, tap-to-call numbers, dates, table cells."""

from __future__ import annotations

from datetime import date

import pytest

from generator.site import escaping
from generator.site.render import cjk_join, cn_date, relative, tel, url


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("准备材料，\n  并为新生", "准备材料，并为新生"),
        ("- 服务对象：困难\n  职工子女", "- 服务对象：困难职工子女"),
        ("## 标题\n正文", "## 标题\n正文"),
        ("第一段。\n\n第二段", "第一段。\n\n第二段"),
        ("中文\n- 列表", "中文\n- 列表"),
        ("English\nline", "English\nline"),
        ("数字 2012\n年", "数字 2012\n年"),
    ],
)
def test_cjk_join(text: str, joined: str) -> None:
    assert cjk_join(text) == joined


def test_tel_is_a_tap_to_call_link() -> None:
    assert (
        str(tel("0411-82610421 转 123"))
        == '<a class="tel" href="tel:041182610421">0411-82610421 转 123</a>'
    )
    assert str(tel("<b>")) == '<a class="tel" href="tel:">&lt;b&gt;</a>'


def test_small_helpers() -> None:
    assert cn_date(date(2012, 7, 3)) == "2012年7月3日"
    assert str(escaping.text("a|b\n<c>")) == "a&#124;b &lt;c&gt;"
    assert relative("projects/x.md", "unions/y.md") == "../unions/y.md"
    assert relative("index.md", "downloads/a.pdf") == "downloads/a.pdf"


@pytest.mark.parametrize(
    ("here", "there", "link"),
    [
        ("projects/x.md", "unions/y.md", "../../unions/y/"),
        ("index.md", "projects/index.md", "projects/"),
        ("projects/index.md", "projects/2.md", "2/"),
        ("projects/2.md", "projects/index.md", "../"),
        ("projects/category/c/3.md", "projects/x.md", "../../../x/"),
        ("projects/x.md", "index.md", "../../"),
        ("index.md", "index.md", "./"),
        ("recognitions/2.md", "recognitions/index.md#r-1", "../#r-1"),
        ("unions/a.md", "downloads/roster-a.pdf", "../../downloads/roster-a.pdf"),
    ],
)
def test_html_links_are_the_served_urls(here: str, there: str, link: str) -> None:
    assert url(here, there) == link


@pytest.mark.parametrize(("example", "union"), [(True, "xigang"), (False, None)])
def test_a_listing_item_says_what_the_badge_macros_say(example: bool, union: str | None) -> None:
    """project_list writes status(p), badges(p) and union_name(site, p.union) out for speed:
    the item must read as the macros do."""
    from types import SimpleNamespace as Obj

    from generator.site.render import environment

    site = Obj(categories={"care": Obj(name="关爱")}, unions={"xigang": Obj(name="西岗区总工会")})
    project = Obj(
        id="p1", title="项目", example=example, category="care", union=union,
        status=Obj(value="ongoing", label="进行中"), start=date(2012, 7, 1), summary="简介",
    )  # fmt: skip
    template = environment().from_string(
        "{% import '_macros.md.j2' as m %}{{ m.project_list(site, 'projects/index.md', [p]) }}"
        "\n---\n{{ m.status(p) }} {{ m.badges(p) }}|{{ m.union_name(site, p.union) }}"
    )
    listing, _, macros = template.render(site=site, p=project).partition("\n---\n")
    badges, _, union_name = macros.partition("|")
    assert f"</a></strong> {badges}<br>" in listing
    assert f" · {union_name} · " in listing
    assert ("示例" in listing) == example and ("西岗区总工会" in listing) == bool(union)


@pytest.mark.parametrize("example", [True, False])
def test_a_project_page_says_what_the_badge_macros_say(example: bool) -> None:
    """project.html.j2 writes status(p) and badges(p) out too."""
    from types import SimpleNamespace as Obj

    from generator.site.render import environment

    project = Obj(example=example, status=Obj(value="completed", label="已完成"))
    env = environment()
    source = env.loader.get_source(env, "pages/project.html.j2")[0]  # type: ignore[union-attr]
    start = source.index('<p><span class="badge')
    line = source[start : source.index("\n", start)]
    written = env.from_string(line).render(project=project)
    macros = env.from_string(
        "{% import '_macros.md.j2' as m %}<p>{{ m.status(project) }} {{ m.badges(project) }}</p>"
    ).render(project=project)
    assert written == macros
