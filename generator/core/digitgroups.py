"""Numbers as people write them: runs of digit groups, read through NFKC, invisible characters,
separators, line breaks and URL escapes, with positions in the original text (pure).

`139.1234.5678`, `210202 19800101 123X` broken over two lines, or a number with zero-width
characters or soft hyphens inside each come out as one run of digit groups. What a run means
(an ID number, a mobile) is decided in identity.py; this module only reads the digits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
"""Removed before reading: soft hyphen, zero-width spaces and joiners, word joiner, BOM, marks."""
# Between two digit groups, as NFKC leaves them (full-width forms become these; 【】〔〕・ have
# no NFKC form): spaces, one line break, hyphens and dashes, full stops, slashes, brackets.
_SEPARATORS = " \t\r\n\u00a0\u2028\u2029\\-\u2010-\u2015\u2212./\\\\()\\[\\]【】〔〕·・"
_SEPARATOR = re.compile(f"[{_SEPARATORS}]{{1,4}}")
_MAX_GAP = 4
"""Separator characters allowed between two groups of one number (`139 - 1234`, `(139) 1234`)."""

# The quick gate runs over the raw text. It must let through every place where the careful
# reading below could find eleven or more digits in one run, so its classes are wider: any
# Unicode digit and the compatibility digits NFKC turns into digits (¹, ①, ⒈ …), full-width
# separators, and invisible characters anywhere in a gap.
_DIGIT = "\\d\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u249b\u24ea-\u24ff\u2776-\u2793"
_SEP = (
    "\\s\\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d.\uff0e/\uff0f\\\\\uff3c()\uff08\uff09"
    "\\[\\]\uff3b\uff3d【】〔〕\u00b7\u30fb\uff65"
)
_GAP = f"[{INVISIBLE}]*+(?:[{_SEP}][{INVISIBLE}]*+){{0,{_MAX_GAP}}}"
# A number starts after anything but a letter or digit and ends before anything but a letter
# or digit (X may end an ID number): a digit group glued to letters is part of a word (a hash,
# an id, a file name), not a number written for people to read.
# (The look-behind comes after the first digit so that the engine can skip to digits.)
_GATE = re.compile(
    f"[{_DIGIT}](?<![A-Za-z{_DIGIT}][{_DIGIT}])(?:{_GAP}[{_DIGIT}]){{10,}}(?![A-WYZa-wyz{_DIGIT}])"
)
# Every number the scanner reads has a group of three digits or more (a mobile in groups has
# only such groups; an ID split in two has a part of eight or more): a run of short numbers (an
# SVG path, a column of row numbers) without one needs no closer reading.
_THREE = re.compile(f"[{_DIGIT}](?:[{INVISIBLE}]*[{_DIGIT}]){{2}}")
# The same with URL escapes (%31 for 1, %20 for a space), for the texts that hold any.
_D_ESC = f"(?:[{_DIGIT}]|%3[0-9])"
_S_ESC = f"(?:[{_SEP}]|%2[0-9A-Fa-f])"
_GATE_ESCAPED = re.compile(
    f"(?<![A-Za-z{_DIGIT}]){_D_ESC}"
    f"(?:[{INVISIBLE}]*+(?:{_S_ESC}[{INVISIBLE}]*+){{0,{_MAX_GAP * 3}}}{_D_ESC}){{10,}}"
    f"(?![A-WYZa-wyz{_DIGIT}])"
)
_HAS_ESCAPE = re.compile(r"%[23][0-9A-Fa-f]")
_ANY_DIGIT = re.compile(f"[{_DIGIT}]")
_INVISIBLE = frozenset(
    chr(c) for c in [0xAD, 0x180E, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF]
)
_CONTEXT = 8
"""Characters read either side of a gate match: a +86 before, an X after, the letters a group
is glued to."""
_WORD = 48
"""How far a chunk is widened so that it never cuts a word or a digit group in two."""
_GROUP = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Group:
    """One group of ASCII digits, with where it sits in the original text."""

    digits: str
    start: int
    end: int
    glued_before: bool
    """A letter (or a cut) right before: the group cannot start a number."""
    glued_after: bool
    """A letter other than a closing X (or a cut) right after: the group cannot end a number."""
    x_end: int | None = None
    """Where an X right after the group ends (an ID number's check character), if there is one."""


def may_hold_digit_run(text: str) -> bool:
    """A quick gate: False means `digit_runs(text)` yields no run of eleven or more digits."""
    if "%" not in text and _ANY_DIGIT.search(text) is None:
        return False  # most texts: the gate (which starts at a digit) has nowhere to start
    return next(digit_spans(text), None) is not None


def digit_runs(text: str) -> Iterator[list[Group]]:
    """Every run of digit groups holding eleven or more digits, read through the gate."""
    for start, end in _merged(digit_spans(text)):
        yield from _runs(text, start, end)


def digit_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the quick gate lets a closer reading in: each match widened by its context."""
    gate = _gate(text)
    for match in gate.finditer(text):
        if gate is _GATE and not _THREE.search(text, match.start(), match.end()):
            continue
        yield _widen(text, match.start() - _CONTEXT, match.end() + _CONTEXT)


def _merged(spans: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping chunks are read as one."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            start = out.pop()[0]
        out.append((start, end))
    return out


def escaped(text: str) -> bool:
    """Whether `text` holds a URL escape the reading decodes (%2x, %3x): its gate is then the
    wider one, for the whole text."""
    return "%" in text and _HAS_ESCAPE.search(text) is not None


def _gate(text: str) -> re.Pattern[str]:
    return _GATE_ESCAPED if escaped(text) else _GATE


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = max(0, start), min(len(text), end)
    floor, ceiling = max(0, start - _WORD), min(len(text), end + _WORD)
    while start > floor and _joined(text[start - 1]):
        start -= 1
    while end < ceiling and _joined(text[end]):
        end += 1
    return start, end


def normalise(text: str, start: int = 0, end: int | None = None) -> tuple[str, list[int]]:
    """text[start:end] as read: NFKC, every Unicode digit as ASCII, invisible characters gone,
    %2x/%3x escapes decoded; with each character's position in `text` (plus one past the end)."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    if chunk.isascii() and "%" not in chunk:  # most chunks: nothing to do
        return chunk, list(range(start, end + 1))
    out: list[str] = []
    where: list[int] = []
    i = start
    while i < end:
        char = text[i]
        if char == "%" and i + 2 < len(text) and _HAS_ESCAPE.match(text, i):
            out.append(chr(int(text[i + 1 : i + 3], 16)))
            where.append(i)
            i += 3
            continue
        if char.isascii():
            out.append(char)
            where.append(i)
        elif char not in _INVISIBLE:
            for part in unicodedata.normalize("NFKC", char):
                value = unicodedata.decimal(part, None)
                out.append(part if value is None else str(value))
                where.append(i)
        i += 1
    where.append(i)
    return "".join(out), where


def _runs(text: str, start: int, end: int) -> Iterator[list[Group]]:
    read, where = normalise(text, start, end)
    cut_left, cut_right = start > 0 and _joined(text[start - 1]), end < len(text)
    cut_right = cut_right and _joined(text[end])
    run: list[Group] = []
    previous_end = -1
    for match in _GROUP.finditer(read):
        s, e = match.span()
        before = read[s - 1] if s else ""
        after = read[e] if e < len(read) else ""
        closing_x = after in ("X", "x") and not _letter_or_digit(read[e + 1 : e + 2])
        group = Group(
            match.group(),
            where[s],
            where[e],
            glued_before=_is_letter(before) or (s == 0 and cut_left),
            glued_after=(_is_letter(after) and not closing_x) or (e == len(read) and cut_right),
            x_end=where[e + 1] if closing_x else None,
        )
        if run and not _linked(read[previous_end:s]):
            yield from _long(run)
            run = []
        run.append(group)
        previous_end = e
    yield from _long(run)


def _linked(gap: str) -> bool:
    """Two groups belong to one number when only a few separators part them, at most one line
    break among them (a blank line parts paragraphs, table cells, list items)."""
    lines = gap.count("\n") + gap.count("\u2028") + gap.count("\u2029")
    lines += gap.count("\r") - gap.count("\r\n")
    return bool(_SEPARATOR.fullmatch(gap)) and lines <= 1


def _long(run: list[Group]) -> Iterator[list[Group]]:
    if sum(len(g.digits) for g in run) >= 11:
        yield run


def _is_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _letter_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _joined(char: str) -> bool:
    """Part of a word or a digit group: a chunk is not cut next to it."""
    return (char.isascii() and char.isalnum()) or char.isdigit() or char in _INVISIBLE
