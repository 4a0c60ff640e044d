"""How a build spends less: a build that renders its pages in a second process renders its PDFs
in one (a third process on two cores pays its start-up and gives no time back); theme blocks
shared between pages print the same bytes as blocks rendered for each page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from generator.core.validate import load_site
from generator.paperwork.pdf import PdfRenderer
from generator.site import pipeline
from generator.site.contentblock import ContentBlocks, content_key
from generator.site.mkdocs_plugin import SHARING

from .conftest import ROOT, copy_project, mkdocs_build
from .test_privacy_guard import make_mobile


@pytest.mark.parametrize(("apart", "workers"), [(True, 1), (False, None)])
def test_pdfs_take_no_second_process_while_the_pages_have_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apart: bool, workers: int | None
) -> None:
    asked: list[int | None] = []

    def render_all(self: PdfRenderer, jobs: Any, workers: int | None = None, *_: Any) -> Any:
        asked.append(workers)
        return {}

    monkeypatch.setattr(PdfRenderer, "render_all", render_all)
    monkeypatch.setattr(pipeline, "RENDER_APART_ABOVE", 0)
    site = load_site(ROOT)
    generated = pipeline.generate_site(site, tmp_path, apart=apart)
    bodies = generated.bodies()
    assert asked == [workers]
    assert set(bodies) == set(generated.html) and all(bodies.values())


def test_sharing_theme_blocks_changes_no_byte_of_the_site(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme's blocks shared between pages (header, sidebars, scripts, the content partial
    around the body, the language's texts) print what rendering each for its page prints."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv(SHARING, "0")
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    alone = {p.relative_to(root / "site"): p.read_bytes() for p in _files(root / "site")}
    shared = {p.relative_to(built_site): p.read_bytes() for p in _files(built_site)}
    assert len(shared) > 100 and alone.keys() == shared.keys()
    assert [path for path in alone if alone[path] != shared[path]] == []


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _page(body: str, **meta: object) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(content=body, meta=meta, edit_url=None, title="标题", url="p/")


def test_the_content_partial_is_spliced_only_where_it_prints_nothing_of_its_own() -> None:
    a, b = _page("<h1>甲</h1><p>一</p>"), _page("<h1>乙</h1><p>二</p>", title="乙")
    assert content_key(a) == content_key(b) is not None
    assert content_key(_page("<p>无标题</p>")) != content_key(a)  # the partial adds a heading
    for meta in ({"tags": ["x"]}, {"git_revision_date_localized": "x"}, {"revision_date": "x"}):
        assert content_key(_page("<h1>甲</h1>", **meta)) is None
    assert content_key(_page("<h1>甲</h1>", hide=["feedback"])) != content_key(a)


def test_a_splice_that_differs_from_the_partial_is_dropped() -> None:
    """A partial that prints something of the page the key does not name (here its address)
    is caught at the first page it is checked on, and rendered for each page from then on."""
    blocks = ContentBlocks()
    pages = [_page(f"<h1>{n}</h1>") for n in range(4)]
    for n, page in enumerate(pages):
        page.url = f"p{n}/"

    def render_for(page: Any) -> Any:
        return lambda: f"<article>{page.content}<a href='{page.url}'></a></article>"

    assert [blocks.render(p, render_for(p)) for p in pages] == [render_for(p)() for p in pages]
    same = ContentBlocks()
    plain = [_page(f"<h1>{n}</h1>") for n in range(4)]
    calls = []

    def counted(page: Any) -> Any:
        def render() -> str:
            calls.append(page.content)
            return f"<article>{page.content}</article>"

        return render

    assert [same.render(p, counted(p)) for p in plain] == [
        f"<article>{p.content}</article>" for p in plain
    ]
    assert len(calls) == 3  # the placeholder and the first page, the second (its check)


def test_the_data_is_set_aside_from_the_collector_during_a_build_and_brought_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loaded data (and the pages made from it) are kept out of the cyclic collector's walks
    while the site renders, and collectable again when the build ends, so that a serve's next
    build does not keep the old data for ever."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from generator.core import gcpause

    frozen: list[int] = []
    real = gcpause.set_aside

    def set_aside() -> None:
        real()
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(gcpause, "set_aside", set_aside)
    monkeypatch.setenv(
        "VOLUNTEERS_CACHE", os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache")
    )
    root = copy_project(tmp_path / "project")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert len(frozen) == 2 and 10_000 < frozen[0] <= frozen[1]
    assert gc.get_freeze_count() == 0 and (tmp_path / "site" / "index.html").is_file()
    # a build stopped after the data was set aside (the privacy guard) brings it back too
    contact = root / "content" / "contact.md"
    contact.write_text(contact.read_text("utf-8") + f"\n值班手机：{make_mobile(7)}\n", "utf-8")
    with pytest.raises(Abort):  # MkDocs' own for a plugin's error, after on_build_error
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert len(frozen) == 4 and gc.get_freeze_count() == 0
