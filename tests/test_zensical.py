"""The Zensical project folder: links in generated HTML rewritten relative to their source file,
and a configuration without our plugin."""

from __future__ import annotations

import posixpath
from pathlib import Path

import yaml

from generator.site.zensical import SEARCH_ZH, source_relative, write_assets, zensical_config

from .conftest import ROOT


def _zensical_reads(link: str, uri: str) -> str:
    """Where Zensical takes a relative link in a page's HTML: from the source file's folder,
    with the `../` the page's own folder adds (the address it ends up at)."""
    folder = "/" + posixpath.dirname(uri)
    return posixpath.normpath(posixpath.join(folder, link))


def test_links_lead_where_mkdocs_served_them() -> None:
    body = (
        '<a href="../../unions/caimao/">工会</a> <a href="../category/legal-aid/">类别</a>'
        '<img src="../../recognitions/photos/a.jpg"> <a href="https://example.org/x">外</a>'
        '<a href="#top">顶</a> <a href="../../downloads/notice.pdf#page=2">通知</a>'
    )
    out = source_relative(body, "projects/x.md")
    assert 'href="../unions/caimao/"' in out
    assert 'href="category/legal-aid/"' in out
    assert 'src="../recognitions/photos/a.jpg"' in out
    assert 'href="https://example.org/x"' in out and 'href="#top"' in out
    assert 'href="../downloads/notice.pdf#page=2"' in out
    assert _zensical_reads("../unions/caimao/", "projects/x.md") == "/unions/caimao"
    assert _zensical_reads("category/legal-aid/", "projects/x.md") == "/projects/category/legal-aid"


def test_an_index_page_keeps_its_links() -> None:
    body = '<a href="../unions/caimao/">工会</a>'
    assert source_relative(body, "projects/index.md") == body
    assert source_relative(body, "index.md") == body


def test_the_configuration_leaves_our_plugin_out() -> None:
    config = yaml.safe_load(zensical_config(ROOT / "mkdocs.yml"))
    assert config["docs_dir"] == "docs" and "watch" not in config
    assert "volunteers" not in str(config["plugins"])
    assert {"search": {"lang": "zh"}} in config["plugins"]
    assert config["theme"]["language"] == "zh"


def test_the_search_dialog_script_is_written_and_added(tmp_path: Path) -> None:
    config = yaml.safe_load(zensical_config(ROOT / "mkdocs.yml"))
    mkdocs = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["extra_javascript"] == [*mkdocs["extra_javascript"], SEARCH_ZH]
    (written,) = write_assets(tmp_path / "docs")
    assert written == tmp_path / "docs" / SEARCH_ZH
    script = written.read_text(encoding="utf-8")
    assert "search.result.other" in script and "个符合条件的结果" in script


def test_a_pinned_zensical_builds_it_in_make_test() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "ZENSICAL_VERSION := 0.0.73" in makefile
    assert "zensical-if-possible" in makefile.split("test: setup lint", 1)[1].split("\n\n")[0]
    assert Path(ROOT / "tools/linkcheck.py").is_file()
