"""What the cold build's shortcuts must keep: links as posixpath writes them, and the search
dialog rendered once per build yet the same as the theme's partial on every page."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.mkdocs_plugin import shared_key
from generator.site.render import relpath, url

_NAMES = st.sampled_from(["projects", "unions", "x", "bench-00001", "2", "index.html", "a.b"])
_PATHS = st.lists(_NAMES, max_size=4).map("/".join)


@given(_PATHS, _PATHS, st.booleans(), st.booleans())
def test_relpath_is_posixpaths(target: str, folder: str, slash_t: bool, slash_f: bool) -> None:
    target += "/" if slash_t and target else ""
    folder += "/" if slash_f and folder else ""
    assert relpath(target, folder) == posixpath.relpath("/" + target, "/" + folder)


@pytest.mark.parametrize(
    ("target", "folder"), [("a/../b", "c"), ("a/./b", "a"), ("a//b", "a/"), ("", ""), ("a", "")]
)
def test_relpath_odd_paths(target: str, folder: str) -> None:
    assert relpath(target, folder) == posixpath.relpath("/" + target, "/" + folder)


def test_url_links_as_served() -> None:
    assert url("projects/x.md", "unions/y.md") == "../../unions/y/"
    assert url("projects/x.md", "projects/x.md#description") == "./#description"
    assert url("index.md", "projects/index.md") == "projects/"
    assert url("projects/category/a/2.md", "downloads/f.pdf") == "../../../../downloads/f.pdf"
    # memoised, and still the link of each pair asked for
    assert url("projects/y.md", "unions/y.md") == "../../unions/y/"
    assert url("unions/y.md", "projects/x.md") == "../../projects/x/"


def test_the_search_dialog_is_shared_by_every_page() -> None:
    assert shared_key("search", None, None, "") == shared_key("search", None, None, "../../")


def test_asset_blocks_are_shared_by_depth_and_footer_links_are_not() -> None:
    """Style sheets, scripts and footer are rendered once per page depth; a footer that links
    to the pages before and after is the page's own."""
    from types import SimpleNamespace

    def page(url: str, before: object = None) -> Any:
        return SimpleNamespace(url=url, previous_page=before, next_page=None, meta={})

    a, b = page("projects/a/"), page("projects/b/")
    for block in ("styles", "scripts", "footer", "fonts", "libs", "analytics"):
        assert shared_key(block, a, None, "../..") == shared_key(block, b, None, "../..")
        assert shared_key(block, a, None, "../..") != shared_key(block, a, None, "..")
    assert shared_key("footer", page("notice/", before=a), None, "..") is None
    assert shared_key("scripts", page("notice/", before=a), None, "..") is not None
    assert shared_key("header", a, None, "../..") == shared_key("header", b, None, "../..")
    assert shared_key("header", a, None, "../..") != shared_key("header", a, None, "..")


def test_every_page_has_the_theme_search_dialog(built_site: Path) -> None:
    """Rendered once, printed on every page: the same dialog everywhere, with its accessible
    name (the shared copy is the partial's own output, not a stale one)."""
    dialogs = set()
    pages = [p for p in built_site.rglob("*.html") if p.name != "404.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        start = html.index('<div class="md-search" id="volunteers-search"')
        end = html.index("</form>", start)
        dialogs.add(html[start:end])
    assert len(pages) > 20 and len(dialogs) == 1
    (dialog,) = dialogs
    assert 'role="dialog" aria-label="查找"' in dialog and 'name="query"' in dialog


def test_pdf_text_reads_what_pypdf_reads(built_site: Path) -> None:
    """The privacy scan reads a PDF's pages with PDFium (ten times faster than pypdf): for every
    PDF of the site, the same characters as pypdf's text extraction and the same runs of digits
    (what the scanner looks for), then the form fields and the metadata."""
    import io

    from pypdf import PdfReader

    from generator.core.digitgroups import digit_runs
    from generator.site import privacy

    def runs(text: str) -> list[str]:
        return sorted("".join(g.digits for g in run) for run in digit_runs(text))

    pdfs = sorted(built_site.rglob("*.pdf"))
    assert len(pdfs) > 20
    for pdf in pdfs:
        raw = pdf.read_bytes()
        text = privacy._pdf_text(raw)
        reader = PdfReader(io.BytesIO(raw))
        own = "\n\n".join(page.extract_text() or "" for page in reader.pages)
        metadata = [str(v) for v in dict(reader.metadata or {}).values()]
        pages = text[: len(text) - len("\n\n".join(["", *metadata]))]
        assert sorted(pages.split()) != [] and text.endswith("\n\n".join(["", *metadata]))
        assert sorted("".join(pages.split())) == sorted("".join(own.split())), pdf.name
        assert runs(pages) == runs(own), pdf.name
        assert "大连" in text or "志愿者" in text


_MARKUP_PIECES = st.sampled_from(
    ["1", "9", "３", " ", "-", ".", "(", "\n", "<b>", "</span>", "<B >", "<div>", "<", "&",
     "&nbsp;", "&#49;", "&#", "a", "X", "号", "<wbr/>", "&amp;", ";", "#"]
)  # fmt: skip


@settings(max_examples=400)
@given(st.lists(_MARKUP_PIECES, max_size=40).map("".join))
def test_split_by_markup_is_the_patterns_search(text: str) -> None:
    from generator.site import privacy

    assert privacy._split_by_markup(text) == bool(privacy._SPLIT_BY_MARKUP.search(text))


def test_only_real_json_escapes_send_a_file_to_the_closer_reading(tmp_path: Path) -> None:
    """The search index's separator setting (`\\\\u200b`: an escaped backslash) is text, not an
    escape; a number written in escapes after escaped backslashes is still found."""
    from generator.site import privacy

    assert privacy._ESCAPED.search(r'{"separator":"[\\s\\u200b\\u3000\\-]+"}') is None
    mobile = "139" + "1234" + "5678"
    escaped = "".join(f"\\u{ord(c):04x}" for c in mobile)
    for prefix in ("", "\\\\", "\\\\\\\\", "x\\\\"):
        (tmp_path / "a.json").write_text(f'{{"t": "{prefix}{escaped}"}}', encoding="utf-8")
        (finding,) = privacy.scan_site(tmp_path)
        assert finding.kind == "mobile" and finding.masked == "139****5678"


_PLAIN_PIECES = st.sampled_from(
    ["服务", "，", "。", "、", "（", "）", "《", "》", "１", "Ａ", "a", "Z", "7", "2012", "\n", "\n\n",
     " ", "1.", "-", "*", "#", "&", "<", "\u3000", "年"]
)  # fmt: skip


@settings(max_examples=400)
@given(st.lists(_PLAIN_PIECES, max_size=30).map("".join))
def test_plain_paragraphs_skip_markdown_with_the_same_html(source: str) -> None:
    """Descriptions of plain Chinese paragraphs are written without the Markdown pass and the
    sanitiser, as the same HTML; the rest still goes through both."""
    from markupsafe import escape

    from generator.site import render
    from generator.site.escaping import sanitise, source_text

    converter = render._markdown()
    converter.reset()
    slow = sanitise(converter.convert(str(escape(render.cjk_join(source_text(source))))))
    assert render.markdown_html.__wrapped__(source) == slow


def test_the_header_is_spliced_only_while_it_matches_the_theme() -> None:
    """The header is rendered for a page, then spliced for the next ones with their titles; the
    splice is checked once against the theme's own rendering and dropped if it differs."""
    from types import SimpleNamespace

    from generator.site.titledblock import TitledBlocks

    def header(title: str, extra: str = "") -> str:
        return (
            f'<header><div data-md-component="header-topic">{extra}'
            f'<span class="md-ellipsis">\n  {title}\n</span></div></header>'
        )

    def page(title: str) -> Any:
        return SimpleNamespace(title=title, meta={})

    calls: list[str] = []

    def render(title: str, extra: str = "") -> Any:
        def rendered() -> str:
            calls.append(title)
            return header(title, extra)

        return rendered

    blocks = TitledBlocks()
    for title in ("甲项目", "乙项目", "丙项目", "丁项目"):
        assert blocks.render(("k",), page(title), render(title)) == header(title)
    assert calls == ["甲项目", "乙项目"]  # the first rendered, the second checked, then spliced
    # A header that prints the title twice is never spliced; one whose splice differs is dropped.
    twice = TitledBlocks()
    for title in ("甲", "乙", "丙"):
        assert twice.render(("k",), page(title), render(title, extra=title)) == header(title, title)
    other = TitledBlocks()
    other.render(("k",), page("甲"), render("甲"))
    assert other.render(("k",), page("乙"), render("乙", extra="!")) == header("乙", "!")
    assert other.render(("k",), page("丙"), render("丙", extra="!")) == header("丙", "!")
