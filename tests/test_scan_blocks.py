"""The scan reads each distinct block of the pages once (privacy._Blocks): a page whose blocks hold
no finding is not read whole. That shortcut must never hide a number a whole-page read finds:
checked on hostile random pages (every way of writing a number, markup between digits, tags in
odd cases, lone brackets), with unsound block edges shown to fail the same check, and on files
whose numbers sit in a block every page repeats.

Every number here is made at run time (no full ID or mobile number is written in the source)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from generator.core.identity import find_personal_numbers
from generator.site import privacy
from tests.test_scanner import MASKED_MOBILE, MOBILE, NUMBER, WRITINGS

_NUMBERS = [text for text, _ in WRITINGS.values()]
_DIGITS = "0123456789"
_FRAGMENTS = [
    "<div>",
    "</div>",
    '<div class="md-header">',
    "</li>",
    "<li>",
    "<ul>",
    "</ul>",
    "<p>",
    "</p>",
    "<h1>",
    "</h1>",
    "<meta charset=utf-8>",
    '<link rel="icon" href="x.png">',
    "<nav>",
    "</nav>",
    '<svg viewBox="0 0 24 24"><path d="M12 2C6.47 2 2 6.47 2 12s4.47 10 10 10"/></svg>',
    "<span>",
    "</span>",
    "<b>",
    "</b>",
    '<a href="tel:',
    '">',
    "</a>",
    "<wbr>",
    "<br>",
    "<SPAN>",
    "</B>",
    "<DIV>",
    "<Span class=x>",
    "<b <div>",
    "<span\n>",
    "<i>",
    "</i>",
    "&#49;",
    "&#x31;",
    "&nbsp;",
    "&shy;",
    "&amp;",
    "&#",
    ">",
    "<",
    " ",
    "\n",
    "\n\n",
    "\t",
    "-",
    ".",
    "/",
    "(",
    ")",
    "X",
    "x",
    "a",
    "Z",
    "电话",
    "手机",
    "：",
    "+86 ",
    "%20",
    "%31",
    "\u200b",
    "\u00ad",
    "\u3000",
    "０",
    "１",
    "（",
    "）",
    "【",
    "】",
]


def _page(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(3, 40)):
        roll = rng.random()
        if roll < 0.08:
            parts.append(rng.choice(_NUMBERS))
        elif roll < 0.4:
            parts.append("".join(rng.choice(_DIGITS) for _ in range(rng.randint(1, 11))))
        elif roll < 0.5 and parts:  # a number cut by markup, or by a block edge
            number = rng.choice([NUMBER, MOBILE])
            cut = rng.randint(1, len(number) - 1)
            parts.append(number[:cut] + rng.choice(_FRAGMENTS[:30]) + number[cut:])
        else:
            parts.append(rng.choice(_FRAGMENTS))
    return "".join(parts)


def _whole_page_finds(page: str) -> bool:
    """What the scan of a whole page reads: a number in the raw text, or markup that could split
    one (then its reader's text is read too)."""
    return bool(find_personal_numbers(page)) or privacy._split_by_markup(page)


def _counterexample(edge: re.Pattern[str], pages: int = 6_000) -> str | None:
    """The first random page that blocks cut at `edge` call clear but a whole read does not."""
    rng = random.Random(2012)
    blocks = privacy._Blocks()
    for _ in range(pages):
        page = _page(rng)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(privacy, "_BLOCK_EDGE", edge)
            clear = blocks.clear(page)
        if clear and _whole_page_finds(page):
            return page
    return None


def test_a_page_whose_blocks_are_clear_has_nothing_to_find() -> None:
    rng = random.Random(18)
    blocks = privacy._Blocks()
    clear = found = 0
    for _ in range(10_000):
        page = _page(rng)
        finds = _whole_page_finds(page)
        if blocks.clear(page):
            clear += 1
            assert not finds, page
        found += finds
    # neither side of the check is empty: pages with numbers and pages the shortcut skips
    assert clear > 1_000 and found > 1_000, (clear, found)


@pytest.mark.parametrize(
    "edge",
    [
        r">[ \t\r\n]*(?=<)",  # before any tag, inline ones too
        r"(?<=\n)",  # at every line
        r"(?<=[ >])(?=<)",  # after a space or a bracket
    ],
)
def test_unsound_block_edges_fail_the_same_check(edge: str) -> None:
    """The check above can fail: cut where a number or a markup-split number can cross, it finds
    a page the shortcut would wave through."""
    assert _counterexample(re.compile(edge)) is not None


def test_the_sound_edge_passes_the_check_the_unsound_ones_fail() -> None:
    assert _counterexample(privacy._BLOCK_EDGE) is None


def test_no_block_tag_is_an_inline_tag() -> None:
    names = privacy._BLOCK_TAGS.replace("h[1-6]", "h1|h2|h3|h4|h5|h6").split("|")
    assert len(names) > 25
    for name in names:
        for tag in (f"<{name}>", f"</{name}>", f"<{name} class=x>"):
            assert privacy._BLOCK_EDGE.split(f">\n {tag}") == ["", tag], tag
            assert privacy._INLINE_TAG.match(tag) is None, tag
    for inline in ("<span>", "</b>", "<a href=x>", "<S>", "<br/>"):
        assert privacy._BLOCK_EDGE.split(f">{inline}") == [f">{inline}"]


def _theme_page(body: str, header: str) -> str:
    return (
        "<!doctype html>\n<html>\n<head>\n<meta charset=utf-8>\n<title>页</title>\n</head>\n"
        f"<body>\n<header>\n<div>{header}</div>\n</header>\n"
        '<div class="md-content">\n<svg viewBox="0 0 24 24"><path d="M12 2C6.47 2 2 6"/></svg>\n'
        f"<article>\n<h1>标题</h1>\n<p>{body}</p>\n</article>\n</div>\n</body>\n</html>\n"
    )


def _reference(files: list[Path]) -> list[privacy.Result]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(privacy._Blocks, "clear", lambda self, page: False)
        return privacy._scan_files(files)


def test_a_number_in_a_block_every_page_repeats_is_reported_on_every_page(
    tmp_path: Path,
) -> None:
    header = f"联系人 张三 手机：{MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}"
    files = []
    for n in range(4):
        file = tmp_path / f"p{n}" / "index.html"
        file.parent.mkdir()
        body = f"第{n}页 <b>{NUMBER[:9]}</b>{NUMBER[9:]}" if n == 2 else f"第{n}页，欢迎。"
        file.write_text(_theme_page(body, header), encoding="utf-8")
        files.append(file)
    results = privacy._scan_files(files)
    assert results == _reference(files)
    assert all(("mobile", MASKED_MOBILE, 9) in result for result in results)
    assert [len(result) for result in results] == [1, 1, 2, 1]  # page 2: an ID split by markup


def test_pages_of_the_theme_with_nothing_to_find_are_skipped_and_agree(tmp_path: Path) -> None:
    files = []
    for n in range(30):
        file = tmp_path / f"page{n}.html"
        file.write_text(_theme_page(f"项目 {n}，电话 0411-8261{n:04d}", "大连市总工会"), "utf-8")
        files.append(file)
    calls = []
    real = privacy.find_personal_numbers

    def counted(text: str) -> list[object]:
        calls.append(len(text))
        return list(real(text))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(privacy, "find_personal_numbers", counted)
        results = privacy._scan_files(files)
    assert results == _reference(files) == [[] for _ in files]
    page = len(_theme_page("项目 0，电话 0411-82610000", "大连市总工会"))
    # the shared blocks read once, not thirty times: each page adds its own paragraph
    assert sum(calls) < 30 * page / 5


_ESCAPE_PARTS = ["\\", "\\\\", "u", "U", "003", "1", "9", "ff1", "200b", "673a", "n", "t", "/"]
_ESCAPE_PARTS += [" ", ".", "-", "a", "x", '"', "字", "\n", "\\u0031", "\\U200B", "\\n", "\\t"]


def test_json_escapes_read_around_backslashes_as_the_whole_search_does() -> None:
    rng = random.Random(15)
    hits = 0
    for _ in range(30_000):
        text = "".join(rng.choice(_ESCAPE_PARTS) for _ in range(rng.randint(1, 24)))
        whole = privacy._ESCAPED.search(text) is not None
        assert privacy._json_escapes(text) == whole, text
        hits += whole
    assert 3_000 < hits < 27_000, hits  # both answers met often
