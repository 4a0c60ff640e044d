"""The build's privacy guard: finds full ID numbers and personal mobiles in everything under site/."""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.core import digitgroups, identity, safefile
from generator.core.identity import PersonalNumber, find_personal_numbers
from generator.core.writer import write_atomic

from . import imagemeta
from .imagemeta import IMAGE_SUFFIXES, image_texts

TEXT_SUFFIXES = frozenset(
    {".html", ".htm", ".json", ".xml", ".txt", ".js", ".css", ".svg", ".md", ".csv", ".webmanifest"}
    | {".yml", ".yaml"}  # not on the site, but `volunteers scan data` reads them
)
"""Files read as UTF-8 text. Images are read for their metadata (imagemeta.py); fonts carry no
text a reader could copy."""

_INLINE_NAMES = "a|abbr|b|bdi|br|code|em|i|mark|s|small|span|strong|sub|sup|u|wbr"
_INLINE = rf"</?(?:{_INLINE_NAMES})\b[^>]*>"
_INLINE_TAG = re.compile(_INLINE, re.IGNORECASE)
_BREAK = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# When markup could hide a number from the raw text: digits on both sides of inline tags or
# character references (&#49;, &shy;, &nbsp;), a few separators allowed. Without either, the
# reader's text has no number the raw text lacks.
_SPLIT_BY_MARKUP = re.compile(
    rf"\d[\s\-.–—/()]{{0,4}}(?:(?:{_INLINE}|&#?\w+;)[\s\-.–—/()]{{0,4}})+\d|&#",
    re.IGNORECASE,
)
_DIGIT_BEFORE_MARKUP = re.compile(r"\d[\s\-.–—/()]{0,4}[<&]")
"""Where _SPLIT_BY_MARKUP's first branch can start: a digit, a few separators, a tag or a
reference. Its matches never overlap one of those starts, so trying the whole pattern only
there finds what a search finds, in half the time (5,800 pages of digits in SVG paths)."""


def _split_by_markup(text: str) -> bool:
    """`_SPLIT_BY_MARKUP.search(text)`, faster: a character reference anywhere, or the first
    branch tried where it can start."""
    return "&#" in text or any(
        _SPLIT_BY_MARKUP.match(text, m.start()) for m in _DIGIT_BEFORE_MARKUP.finditer(text)
    )


# Where a page's markup falls apart into blocks that no finding can cross: at a `>` (and the
# spaces after it) right before a block-level tag. A number the scanner reads is digits and
# separators, so it holds neither `>` nor `<`; a number split by markup (_SPLIT_BY_MARKUP) holds
# `>` only as the end of an inline tag, after which it goes on with an inline tag, a character
# reference or a digit, never with a block-level tag. So every finding of a page lies within one
# block, and the scanner reads it there as in the page: the characters either side of a block
# (`>`, `<`, spaces) are neither letters nor digits. The theme repeats most blocks on every page
# (90 % of a page's text), and each distinct block is read once (_Blocks).
_BLOCK_TAGS = (
    "div|li|ul|ol|nav|header|footer|main|article|section|aside|head|body|meta|link|script"
    "|style|title|svg|path|p|h[1-6]|label|input|form|table|tr|td|th"
)
_BLOCK_EDGE = re.compile(rf">[ \t\r\n]*(?=</?(?:{_BLOCK_TAGS})\b)")
"""(None of _BLOCK_TAGS is a tag _INLINE reads: a test checks each.)"""
PAGE_SUFFIXES = frozenset({".html", ".htm"})


class _Blocks:
    """The blocks of the pages read so far, and those in which the scanner finds a number or a
    number split by markup."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.marked: set[str] = set()

    def clear(self, page: str) -> bool:
        """True when no block of `page` holds a finding: then neither does the page, whose scan
        would find nothing. False sends the page to the full scan (with the lines of what it
        finds). A page with URL escapes is read whole: their gate is chosen for the whole text."""
        if digitgroups.escaped(page):
            return False
        blocks = _BLOCK_EDGE.split(page)
        new = set(blocks).difference(self.read)
        for block in new:
            if _split_by_markup(block) or find_personal_numbers(block):
                self.marked.add(block)
        self.read |= new
        return self.marked.isdisjoint(blocks)


# JSON's \uXXXX escapes of what the scanner reads as a number: digits (full-width too), X,
# invisible characters, non-ASCII spaces, dashes and brackets. An escape is a backslash that is
# not itself escaped: `\\u200b` (a backslash, then the letters u200b, as in the search index's
# own separator setting) is text the raw scan already reads as it is.
_ESCAPED = re.compile(
    r"(?<!\\)(?:\\\\)*\\u(?:"
    r"003[0-9]|ff1[0-9]|ff38|ff58|00ad|00a0|00b[239]|00b7|180e|200[b-f]|201[0-5]|202[89]"
    r"|206[0-4]|207[0-9]|208[0-9]|2212|24[6-9a-f][0-9a-f]|27[6-9][0-9a-f]|3000|300[89]|301[0145]"
    r"|30fb|fe58|fe63|feff|ff0[89def]|ff3[bcd]|ff65"
    # and any escape right before a digit: `\u673a139…` reads as a word (a hash) in the raw text
    r"|[0-9a-f]{4}[0-9])"
    # and a line break (or JSON's escaped slash) right after a digit: a number split by a line
    r"|[0-9][\s.\-]{0,3}\\[nrt/]",
    re.IGNORECASE,
)
_BACKSLASHES = re.compile(r"\\+")


def _json_escapes(text: str) -> bool:
    """`_ESCAPED.search(text)`, read only around the backslashes, which a JSON text written
    without ASCII escapes has few of. Every match holds a run of backslashes and lies within
    four characters before it and seven after it (a look-behind sees the text before `pos`)."""
    return any(
        _ESCAPED.search(text, max(0, run.start() - 4), run.end() + 8)
        for run in _BACKSLASHES.finditer(text)
    )


_LABELS = {"id": "完整身份证号（校验位有效）", "mobile": "个人手机号"}
CACHE_MAX_BYTES = 256 * 1024 * 1024
"""The scan cache's size beyond which it is not read (about 100 bytes a published file)."""


@dataclass(frozen=True)
class Finding:
    """One personal number found in one published file; the number itself is kept only masked."""

    path: str
    """The file, as `site/<path under site_dir>` (POSIX)."""
    line: int | None
    kind: str
    """`id` or `mobile`."""
    masked: str
    """e.g. 210202********123X or 138****5678 — never the full number."""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: 发现疑似{_LABELS[self.kind]} {self.masked}，不得发布"


Result = list[tuple[str, str, int | None]]
"""A file's findings: (kind, masked, first line or None)."""


def scan_site(site_dir: Path, cache_dir: Path | None = None) -> list[Finding]:
    """Every full ID number or personal mobile in the files under `site_dir`, sorted by file;
    each number once per file, at its first line. With `cache_dir`, a file whose bytes were
    scanned before is not scanned again (the same bytes hold the same text): a rebuild that
    changed a few pages scans those pages."""
    site_dir = Path(site_dir)
    files = sorted((p for p in site_dir.rglob("*") if p.is_file()), key=str)
    cache = _load_cache(cache_dir)
    # One pass, each file read once, in one process: the pages share most of their blocks,
    # which it reads once (a second process would read them again, and cost more processor
    # time than it saves in waiting).
    blocks = _Blocks()
    digests = []
    for file in files:
        raw = file.read_bytes()
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        digests.append(digest)
        if digest not in cache:
            cache[digest] = _scan_file(file, raw, blocks)
    _save_cache(cache_dir, {d: cache[d] for d in digests})
    return sorted(
        (
            Finding(_shown(site_dir, file), line, kind, masked)
            for file, digest in zip(files, digests, strict=True)
            for kind, masked, line in cache[digest]
        ),
        key=lambda f: (f.path, f.line or 0, f.kind, f.masked),
    )


def _cache_file(cache_dir: Path) -> Path:
    return cache_dir / "privacy-scan.json"


def _load_cache(cache_dir: Path | None) -> dict[str, Result]:
    if cache_dir is None:
        return {}
    # .cache/ is restored from a shared CI cache: read it as untrusted (a regular file within a
    # cap, JSON of exactly the shape written below); anything else means scanning again.
    try:
        raw = safefile.read_bytes(_cache_file(cache_dir), CACHE_MAX_BYTES)
        data = json.loads(raw)
    except (safefile.Refused, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("scanner") != _SCANNER:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    seen: dict[str, Result] = {}
    for key, findings in files.items():
        if not isinstance(findings, list) or not all(_is_finding(f) for f in findings):
            return {}
        seen[key] = [(f[0], f[1], f[2]) for f in findings]
    return seen


def _is_finding(item: object) -> bool:
    """(kind, masked, line or None), as `_save_cache` writes a finding."""
    return (
        isinstance(item, list)
        and len(item) == 3
        and item[0] in _LABELS
        and isinstance(item[1], str)
        and (item[2] is None or (isinstance(item[2], int) and not isinstance(item[2], bool)))
    )


def _save_cache(cache_dir: Path | None, seen: dict[str, Result]) -> None:
    """Keeps only what this scan met, so the cache follows the site."""
    if cache_dir is None:
        return
    write_atomic(_cache_file(cache_dir), json.dumps({"scanner": _SCANNER, "files": seen}))


# The scanner's own code: a change to it (or to the modules it reads with) makes cached
# results stale.
_SCANNER = hashlib.sha256(
    Path(__file__).read_bytes()
    + b"".join(Path(str(m.__file__)).read_bytes() for m in (identity, digitgroups, imagemeta))
).hexdigest()


def _shown(site_dir: Path, file: Path) -> str:
    return f"{site_dir.name}/{file.relative_to(site_dir).as_posix()}"


def _scan_files(files: list[Path]) -> list[Result]:
    """Each file's findings, one entry per number at its first line."""
    blocks = _Blocks()
    return [_scan_file(file, file.read_bytes(), blocks) for file in files]


def _scan_file(file: Path, raw: bytes, blocks: _Blocks) -> Result:
    """The findings in one file of bytes `raw` (`blocks`: those of the pages read so far)."""
    found: dict[tuple[str, str], int | None] = {}
    page = None
    if file.suffix.lower() in PAGE_SUFFIXES:
        page = raw.decode("utf-8", errors="replace")
        if blocks.clear(page):
            return []
    for text, numbered in _texts(file, raw, page):
        for item in _personal_numbers(text):
            line = text.count("\n", 0, item.start) + 1 if numbered else None
            if found.get((item.kind, item.masked)) is None:
                found[(item.kind, item.masked)] = line
    return [(kind, masked, line) for (kind, masked), line in found.items()]


def scan_text(text: str, path: str) -> list[Finding]:
    """The findings in one text (e.g. a page before it is written), named as `path`."""
    return [
        Finding(path, text.count("\n", 0, item.start) + 1, item.kind, item.masked)
        for item in _personal_numbers(text)
    ]


def _personal_numbers(text: str) -> list[PersonalNumber]:
    return find_personal_numbers(text)  # positions in `text`, however the number is written


def _texts(file: Path, raw: bytes, text: str | None = None) -> Iterator[tuple[str, bool]]:
    """The texts a reader could get out of a file of bytes `raw` (whose text, if already
    decoded, is `text`), each with whether its lines are the file's."""
    suffix = file.suffix.lower()
    if suffix == ".gz":
        yield gzip.decompress(raw).decode("utf-8", errors="replace"), False
    elif suffix in TEXT_SUFFIXES:
        if text is None:
            text = raw.decode("utf-8", errors="replace")
        yield text, True
        yield from _decoded(text, suffix)
    elif suffix == ".pdf":
        yield _pdf_text(raw), False
    elif suffix == ".xlsx":
        yield _xlsx_text(raw), False
    elif suffix in IMAGE_SUFFIXES:
        for text in image_texts(raw):
            yield text, False


def _plain(markup: str) -> str:
    """Markup as a reader sees it: inline tags vanish, a <br> breaks a line, block tags part
    what they held."""
    text = _INLINE_TAG.sub("", _BREAK.sub("\n", markup))
    return html.unescape(_TAG.sub("\n\n", text))


def _decoded(text: str, suffix: str) -> Iterator[tuple[str, bool]]:
    """What escaping could hide from a scan of the raw text: markup between digits, entities
    (`&#49;`), JSON's `\\uXXXX`. Each string in a paragraph of its own so two never join."""
    if suffix in {".html", ".htm", ".xml", ".svg"}:
        if _split_by_markup(text):
            yield _plain(text), False
    elif suffix in {".json", ".webmanifest"}:
        escaped, markup = _json_escapes(text), _split_by_markup(text)
        if not (escaped or markup):
            return
        try:
            data = json.loads(text)
        except ValueError:
            return
        strings = list(_strings(data))
        if escaped:
            yield "\n\n".join(strings), False
        if markup:  # the search index holds pages as HTML fragments
            yield "\n\n".join(_plain(s) for s in strings if "<" in s), False


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _pdf_text(raw: bytes) -> str:
    """The pages' text as PDFium reads it (Chromium's reader: what a reader can copy), then the
    form fields' values and the metadata (pypdf). PDFium reads a 15-page roster ten times faster
    than pypdf's text extraction, and finds the same characters in the site's PDFs."""
    # Imported here: only a site with PDFs needs them.
    import pypdfium2
    from pypdf import PdfReader

    document = pypdfium2.PdfDocument(raw)
    try:
        parts = [_page_text(page) for page in document]
    finally:
        document.close()
    reader = PdfReader(io.BytesIO(raw))
    fields = reader.get_fields() or {}
    parts += [str(f.get("/V", "")) for f in fields.values()]
    metadata: dict[str, Any] = dict(reader.metadata or {})
    parts += [str(v) for v in metadata.values()]
    return "\n\n".join(parts)


def _page_text(page: Any) -> str:
    """Every character of the page, visible or not, inside its box or not."""
    text_page = page.get_textpage()
    try:
        return str(text_page.get_text_range())
    finally:
        text_page.close()
        page.close()


def _xlsx_text(raw: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        parts = [
            book.read(name).decode("utf-8", errors="replace")
            for name in book.namelist()
            if name.endswith(".xml")
        ]
    return "\n\n".join(_plain(p) for p in parts)
