"""The privacy scanner reads numbers as people write them: spaced, dotted, bracketed, broken over a
line, with invisible characters or URL escapes inside; and leaves the project's own numbers alone.

Every number here is made at run time (no full ID or mobile number is written in the source)."""

from __future__ import annotations

import pytest

from generator.core.identity import (
    find_personal_numbers,
    may_hold_personal_number,
    redact,
)
from tests.intake_support import make_id

NUMBER = make_id("19800101", 123)
MOBILE = "139" + "1234" + "5678"
LEGACY = "210202" + "800101" + "123"  # born 1980-01-01, written before 1999
MASKED_ID = NUMBER[:6] + "*" * 8 + NUMBER[-4:]
MASKED_MOBILE = MOBILE[:3] + "****" + MOBILE[-4:]
N, M = NUMBER, MOBILE


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# Each way of writing a number the issue found published, and a few more people use.
WRITINGS = {
    "id 6-8-4 spaces": (f"{N[:6]} {N[6:14]} {N[14:]}", MASKED_ID),
    "id 6-8-4 hyphens": (f"{N[:6]}-{N[6:14]}-{N[14:]}", MASKED_ID),
    "id 6-4-4-4": (f"{N[:6]} {N[6:10]} {N[10:14]} {N[14:]}", MASKED_ID),
    "id split across a line": (f"身份证号{N[:10]}\n{N[10:]}。", MASKED_ID),
    "id with zero-width spaces": ("\u200b".join(N), MASKED_ID),
    "id with a zero-width joiner and a BOM": (f"{N[:9]}\u200d{N[9:12]}\ufeff{N[12:]}", MASKED_ID),
    "id with a word joiner": (f"{N[:6]}\u2060{N[6:]}", MASKED_ID),
    "id with soft hyphens": (f"{N[:6]}\u00ad{N[6:14]}\u00ad{N[14:]}", MASKED_ID),
    "id full-width": (full_width(N), MASKED_ID),
    "legacy 15-digit id": (f"旧证号 {LEGACY}", LEGACY[:6] + "*****" + LEGACY[-4:]),
    "legacy id 6-6-3": (f"{LEGACY[:6]} {LEGACY[6:12]} {LEGACY[12:]}", LEGACY[:6] + "*****1123"),
    "mobile with dots": (f"{M[:3]}.{M[3:7]}.{M[7:]}", MASKED_MOBILE),
    "mobile with slashes": (f"{M[:3]}/{M[3:7]}/{M[7:]}", MASKED_MOBILE),
    "mobile with en dashes": (f"{M[:3]}–{M[3:7]}–{M[7:]}", MASKED_MOBILE),
    "mobile with em dashes": (f"{M[:3]}—{M[3:7]}—{M[7:]}", MASKED_MOBILE),
    "mobile with brackets": (f"({M[:3]}){M[3:7]}-{M[7:]}", MASKED_MOBILE),
    "mobile in full-width brackets": (f"（{M[:3]}）{M[3:]}", MASKED_MOBILE),
    "mobile grouped 4-4-3": (f"{M[:4]} {M[4:8]} {M[8:]}", MASKED_MOBILE),
    "mobile grouped 3-4-4": (f"{M[:3]} {M[3:7]} {M[7:]}", MASKED_MOBILE),
    "mobile with a zero-width space": (f"{M[:3]}\u200b{M[3:]}", MASKED_MOBILE),
    "mobile with no-break and ideographic spaces": (
        f"{M[:3]}\u00a0{M[3:7]}\u3000{M[7:]}",
        MASKED_MOBILE,
    ),
    "mobile full-width": (full_width(M), MASKED_MOBILE),
    "mobile URL-escaped": ("tel:" + "".join(f"%3{c}" for c in M[:3]) + M[3:], MASKED_MOBILE),
    "mobile with escaped spaces": (f"{M[:3]}%20{M[3:7]}%20{M[7:]}", MASKED_MOBILE),
    "mobile after +86": (f"+86 {M}", MASKED_MOBILE),
    "mobile after 0086-": (f"0086-{M[:3]}-{M[3:7]}-{M[7:]}", MASKED_MOBILE),
    "mobile split across a line": (f"手机 {M[:3]} {M[3:7]}\n{M[7:]}", MASKED_MOBILE),
}


@pytest.mark.parametrize("name", list(WRITINGS))
def test_every_way_of_writing_a_number_is_found_at_its_place(name: str) -> None:
    written, masked = WRITINGS[name]
    text = f"联系方式：{written}，欢迎来电。"
    assert may_hold_personal_number(text)
    (found,) = find_personal_numbers(text)
    assert found.masked == masked
    at = text.index(written)
    assert at <= found.start < found.end <= at + len(written)  # the number, not its context
    assert text[found.start].isdigit() or text[found.start] == "%"
    assert text[found.end - 1].isdigit() or text[found.end - 1] == "X"
    assert redact(text) == text[: found.start] + masked + text[found.end :]
    assert find_personal_numbers(redact(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        # Masked forms, as intake stores them and the site shows them.
        "210202********123X 138****5678 0411-****0421",
        # Public landlines in every shape the notice and the forms use.
        "0411-82610421、(0411)82610421、+86 411 8261 0421、0411 8261 0421 转 123",
        # Dates, times, the notice's number, years and counts.
        "2012-07-03 15:33:14 2012/7/10 15:30:00 大工办发[2012]18号 5800 名 2012.07.03",
        # A column of row numbers (PDF rosters) and an SVG path.
        "\n".join(str(n) for n in range(1, 120)),
        "M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41",
        # Hashes and file names, where digits are glued to letters.
        f"a{'139' + '12345678'}f 98447d71 main.57a0d79d.min.css 6f3a{'1391234' + '5678'}e",
        # Digit runs that are not numbers: a wrong check digit, an impossible birth date, a
        # prefix no carrier uses, too long, too short.
        f"{NUMBER[:-1]}{'0' if NUMBER[-1] != '0' else '1'} 210202198013011231 "
        f"{'140' + '12345678'} 139123456789 1391234567",
        # A legacy-looking 15 digits with no real province or birth date.
        "990101800101123 210202801301123",
        # A table flattened by the search index.
        "13 长兴岛 200 180 16 90 1 3 5 3 0 0 1 2 0 4 0",
        # Paragraphs apart: a blank line parts what it separates.
        f"{MOBILE[:3]} {MOBILE[3:7]}\n\n{MOBILE[7:]}",
    ],
)
def test_harmless_numbers_are_left_alone(text: str) -> None:
    assert find_personal_numbers(text) == []


def test_an_id_number_is_not_also_read_as_a_mobile_and_x_closes_it() -> None:
    # Written 6-4-4-4, the last three groups of this ID read 198 0010 1123: a real mobile prefix.
    number = make_id("19800101", 123, area="139012")
    found = find_personal_numbers(f"{number[:6]} {number[6:10]} {number[10:14]} {number[14:]}")
    assert [f.kind for f in found] == ["id"]
    with_x = make_id("19491231", 2, area="110105")
    assert with_x.endswith("X")
    assert [f.masked for f in find_personal_numbers(with_x.lower() + "号")] == [
        with_x[:6] + "********" + with_x[-4:]
    ]


def test_the_gate_is_quick_and_never_wrong_about_a_number() -> None:
    assert not may_hold_personal_number("2012-07-03 15:30 大工办发[2012]18号 5800 名 138****5678")
    for written, _ in WRITINGS.values():
        assert may_hold_personal_number(written)
