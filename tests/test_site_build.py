"""The real data built by the real MkDocs: what the public reads is there, local, and bounded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from tests.conftest import copy_project, mkdocs_build

UNION_NAMES = (
    "中山区总工会 西岗区总工会 沙河口区总工会 甘井子区总工会 金州新区总工会 旅顺口区总工会 高新区总工会 "
    "保税区总工会 瓦房店市总工会 普兰店市总工会 庄河市总工会 长海县总工会 长兴岛区总工会 花园口区总工会 "
    "机械重工工会 海员工会 财贸工会 轻纺工会 教育工会"
).split()


def text_of(site: Path, page: str) -> str:
    html = (site / page).read_text(encoding="utf-8")
    body = html.split('<article class="md-content__inner md-typeset">', 1)[1].split(
        "</article>", 1
    )[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_quota_table_lists_all_unions_and_the_total(built_site: Path) -> None:
    text = text_of(built_site, "quotas/index.html")
    positions = [text.index(name) for name in UNION_NAMES]
    assert positions == sorted(positions), "unions in the order of attachment 1"
    assert "合计 5800" in text
    assert re.search(r"19 教育工会 300", text)


def test_every_union_has_its_page(built_site: Path) -> None:
    pages = sorted((built_site / "unions").glob("*/index.html"))
    assert len(pages) == 19
    assert "甘井子区总工会" in text_of(built_site, "unions/ganjingzi/index.html")
    pulandian = text_of(built_site, "unions/pulandian/index.html")
    assert "2015年起为普兰店区总工会" in pulandian and "300 人" in pulandian


def test_notice_in_full(built_site: Path) -> None:
    text = text_of(built_site, "notice/index.html")
    for heading in (
        "一、宗旨目的",
        "二、组织形式",
        "三、志愿者条件",
        "四、服务内容",
        "五、具体要求",
    ):
        assert heading in text
    for phrase in (
        "大工办发[2012]18号",
        "奉献、友爱、互助、进步",
        "于7月15日前",
        "联 系 人：梁玉叶",
        "82610421",
        "服务帮扶志愿者花名册",
        "2012年7月3日印发",
    ):
        assert phrase in text


def test_projects_and_examples_are_marked(built_site: Path) -> None:
    listing = (built_site / "projects/index.html").read_text(encoding="utf-8")
    assert listing.count("badge-example") == 4
    page = text_of(built_site, "projects/jinqiu-zhuxue-2012/index.html")
    for phrase in ("金秋助学", "甘井子区总工会", "示例", "已完成", "2012年8月1日至2012年9月30日"):
        assert phrase in page
    assert "一助一" in text_of(built_site, "services/index.html")


def test_home_shows_key_figures(built_site: Path) -> None:
    text = text_of(built_site, "index.html")
    assert (
        "5800 名志愿者" in text
        and "19 个区市县、产业工会" in text
        and "奉献、友爱、互助、进步" in text
    )


EXTERNAL = re.compile(
    r"""(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//(?!127\.0\.0\.1|localhost)"""
    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    offenders = []
    for file in built_site.rglob("*"):
        if file.suffix in {".html", ".css"}:
            text = file.read_text(encoding="utf-8")
            # Outbound links for people to click (<a href>) are not requests; everything else is.
            text = re.sub(r"<a\s[^>]*>", "", text)
            offenders += [
                f"{file.relative_to(built_site)}: {m.group(0)}" for m in EXTERNAL.finditer(text)
            ]
    assert offenders == []
    assert "fonts.googleapis" not in (built_site / "index.html").read_text(encoding="utf-8")


def _add_projects(root: Path, count: int) -> None:
    template = (root / "data/projects/jinqiu-zhuxue-2012.yml").read_text(encoding="utf-8")
    for i in range(count):
        text = template.replace("甘井子区金秋助学志愿服务", f"批量测试项目{i:05d}")
        (root / f"data/projects/bulk-{i:05d}.yml").write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_page_size_does_not_grow_with_projects(tmp_path: Path) -> None:
    sizes = {}
    for count in (40, 1000):
        root = copy_project(tmp_path / f"p{count}")
        _add_projects(root, count)
        result = mkdocs_build(root, root / "site")
        assert result.returncode == 0, result.stderr
        pages = list((root / "site").rglob("*.html"))
        sizes[count] = {
            "largest": max(p.stat().st_size for p in pages),
            "home": (root / "site/index.html").stat().st_size,
            "union": (root / "site/unions/ganjingzi/index.html").stat().st_size,
            "project": (root / "site/projects/jinqiu-zhuxue-2012/index.html").stat().st_size,
        }
    for key, small in sizes[40].items():
        assert sizes[1000][key] <= small * 1.02, (key, sizes)


LINK = re.compile(r'\b(?:href|src)="([^"]*)"')


def _broken_links(site: Path) -> list[str]:
    """Every link or source in every page that does not lead to a file of the built site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        # 404.html too: its links are relative to the root folder it lives in (a script
        # corrects them where a host serves it at another address; tests/browser/test_citizen.py).
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            path = target.split("#", 1)[0].split("?", 1)[0]
            if not path or re.match(r"^[a-z]+:|^//", path):
                continue  # an anchor, another scheme; other hosts are tested apart
            resolved = (page.parent / path).resolve()
            if resolved.is_dir():
                resolved /= "index.html"
            if not resolved.is_file() or not resolved.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)} → {target}")
    return broken


def test_every_link_leads_somewhere_with_listings_of_several_pages(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    _add_projects(root, 45)  # three pages of all projects, of 甘井子 and of 金秋助学
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert (site / "projects/3/index.html").is_file()
    assert (site / "projects/union/ganjingzi/3/index.html").is_file()
    assert _broken_links(site) == []
    pager = (site / "projects/2/index.html").read_text(encoding="utf-8")
    assert '<a href="../">上一页</a>' in pager and '<a href="../3/">下一页</a>' in pager

    # The project pages are indexed for search (by the plugin, not by Material's own pass).
    raw = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "金秋助学" in raw and "\\u91d1" not in raw, "Chinese written as UTF-8, not escaped"
    index = json.loads(raw)
    projects = {d["location"]: d for d in index["docs"] if d["location"].startswith("projects/")}
    assert len(projects) == 4 + 45
    assert all((site / location / "index.html").is_file() for location in projects)
    entry = projects["projects/jinqiu-zhuxue-2012/"]
    assert entry["title"].replace("\u200b", "") == "甘井子区金秋助学志愿服务"
    assert entry["title"].split("\u200b") == ["甘井子区", "金秋助学", "志愿", "服务"]
    assert "当年考入大学的困难职工子女" in entry["text"].replace("\u200b", "")
    assert not any("<" in d["text"] for d in projects.values())


@pytest.mark.slow
def test_blocks_rendered_once_per_depth_are_what_the_theme_renders(tmp_path: Path) -> None:
    """The theme override renders the sidebars and the script configuration once for all the
    pages that share them; every page must come out as Material alone would render it."""
    sites = {}
    for variant in ("shared", "plain"):
        root = copy_project(tmp_path / variant)
        _add_projects(root, 25)
        if variant == "plain":
            main = root / "site_templates/theme/main.html"
            text = main.read_text(encoding="utf-8")
            main.write_text(text.split("{% block site_nav %}", 1)[0], encoding="utf-8")
            config = root / "mkdocs.yml"  # a custom_dir replaces the package's theme override
            config.write_text(
                config.read_text(encoding="utf-8").replace(
                    "  name: material\n", "  name: material\n  custom_dir: site_templates/theme\n"
                ),
                encoding="utf-8",
            )
        result = mkdocs_build(root, root / "site")
        assert result.returncode == 0, result.stderr
        sites[variant] = root / "site"
    pages = sorted(p.relative_to(sites["plain"]) for p in sites["plain"].rglob("*.html"))
    assert len(pages) > 60
    for page in pages:
        shared, plain = ((sites[v] / page).read_text(encoding="utf-8") for v in sites)
        assert " ".join(shared.split()) == " ".join(plain.split()), page


def test_check_command_lists_every_error_with_file_and_line(project: Path) -> None:
    quotas = project / "data/quotas.yml"
    quotas.write_text(
        quotas.read_text(encoding="utf-8").replace("total: 5800", "total: 5801"), encoding="utf-8"
    )
    proj = project / "data/projects/jinqiu-zhuxue-2012.yml"
    proj.write_text(
        proj.read_text(encoding="utf-8").replace("category: student-aid", "category: 金秋"), "utf-8"
    )
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(
        "data/projects/jinqiu-zhuxue-2012.yml:3 category: 未知的服务类别 “金秋”"
    )
    assert lines[1] == "data/quotas.yml:3 total: 合计应为各工会名额之和 5800，实际填写 5801"
    assert lines[2] == "共 2 处错误。"


def test_check_command_passes_on_the_real_data(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert "19 个工会，名额合计 5800" in result.output


def test_build_fails_on_bad_data_and_names_the_place(project: Path, tmp_path: Path) -> None:
    quotas = project / "data/quotas.yml"
    quotas.write_text(
        quotas.read_text(encoding="utf-8").replace("count: 400", "count: 四百", 1), "utf-8"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "data/quotas.yml:12 quotas[ganjingzi].count: 应为整数，实际为 “四百”" in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_generate_runs_without_mkdocs(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    result = CliRunner().invoke(main, ["generate", "--out", str(out), "--root", str(project)])
    assert result.exit_code == 0, result.output
    home = (out / "index.md").read_text(encoding="utf-8")
    assert "<!-- volunteers:" not in home and "个区市县、产业工会" in home
    for path in (
        "quotas.md",
        "unions/ganjingzi.md",
        "projects/jinqiu-zhuxue-2012.md",
        "downloads.md",
        "downloads/notice.pdf",
        "downloads/roster-template.xlsx",
        "data/quotas.json",
        "feed.xml",
        "assets/site.css",
    ):
        assert (out / path).is_file(), path
    assert "合计" in (out / "quotas.md").read_text(encoding="utf-8")


def test_unknown_marker_names_the_page(project: Path) -> None:
    page = project / "content/contact.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- volunteers:nothing -->\n", "utf-8")
    result = CliRunner().invoke(
        main, ["generate", "--out", str(project / "out"), "--root", str(project)]
    )
    assert result.exit_code == 1
    assert result.output.startswith("content/contact.md:")
    assert "未知的数据占位符 “nothing”" in result.output
