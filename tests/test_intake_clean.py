"""clean()'s shortcut for text that is already clean gives what the full clean-up gives."""

from __future__ import annotations

import random
import re
import unicodedata

from intake.normalize import _SETTLED, _TIDY, clean, clean_fully


def _settled_characters() -> list[str]:
    ranges = re.findall(r"(.)-(.)|(.)", _SETTLED)
    chars: list[str] = []
    for low, high, single in ranges:
        if single:
            chars.append(single)
        else:
            chars += [chr(c) for c in range(ord(low), ord(high) + 1)]
    return chars


def test_every_settled_character_is_left_as_it_is_by_the_full_clean_up() -> None:
    chars = _settled_characters()
    assert len(chars) > 20_000  # ASCII, the CJK ideographs, the kept punctuation
    for char in chars:
        assert clean_fully(char) == char, hex(ord(char))
        assert clean_fully(f"{char} {char}{char}") == f"{char} {char}{char}", hex(ord(char))


def test_random_text_is_cleaned_the_same_with_or_without_the_shortcut() -> None:
    rng = random.Random(12)
    tricky = list(" \t\n\r\u3000\u00a0\u200b\ufeff\x00\x7f\u2028１Ａａ，．：（）ｶﾞ가각\u0301é")
    tricky += ["\uf900", "\u2f00", "\u3001", "\u3002", "“", "”", "、", "┋", "志", "愿", "a", "0"]
    shortcut = 0
    for _ in range(20_000):
        text = "".join(rng.choice(tricky) for _ in range(rng.randint(0, 8)))
        if _TIDY.fullmatch(text):
            shortcut += 1
        assert clean(text) == clean_fully(text), repr(text)
    assert shortcut > 500


def test_answers_as_people_type_them() -> None:
    for text, expected in [
        ("王小明", "王小明"),
        ("  王小明 ", "王小明"),
        ("社会救助┋法律咨询", "社会救助┋法律咨询"),
        ("１３９", "139"),
        ("第一行  \r\n第二行", "第一行\n第二行"),
        ("2012/7/10 15:30:00", "2012/7/10 15:30:00"),
        ("大连（中山）", "大连（中山）"),
        ("a\u200bb", "ab"),
        ("\uf900", unicodedata.normalize("NFKC", "\uf900")),
    ]:
        assert clean(text) == expected == clean_fully(text)
