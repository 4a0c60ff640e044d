"""generator.core.identity: check digit, birth date, gender, legacy numbers, masking, hash, scanner."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core.identity import (
    IdNumberError,
    age_on,
    check_char,
    convert_legacy,
    find_personal_numbers,
    keyed_hash,
    mask_id,
    mask_phone,
    parse_resident_id,
    redact,
)
from tests.intake_support import make_id, make_mobile


def test_reference_values_from_the_standard() -> None:
    # REFERENCE.md's two published examples, assembled so no full number sits in the source.
    assert check_char("11010519491231" + "002") == "X"
    assert check_char("44052418800101" + "001") == "4"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_single_digit_change_breaks_the_check(first17: str) -> None:
    number = first17 + check_char(first17)
    for i in range(17):
        changed = first17[:i] + str((int(first17[i]) + 1) % 10) + first17[i + 1 :]
        assert check_char(changed) != number[17]


def test_parse_reads_birth_gender_and_accepts_lower_x_and_spaces() -> None:
    male = parse_resident_id(make_id("19800229", 123))
    assert male.birth == date(1980, 2, 29) and male.male and not male.legacy
    female = parse_resident_id(make_id("19900101", 124))
    assert not female.male
    number = make_id("19490101", 2)
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}".lower()
    assert parse_resident_id(spaced).number == number


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "身份证号为空"),
        ("123", "身份证号应为 18 位（最后一位可为 X），实际为 3 个字符"),
        ("21020219800101123Y", "身份证号只能含数字，最后一位可为 X"),
        ("210202" + "19810229" + "1234", "身份证号中的出生日期不存在"),
        ("210202" + "18991231" + "1234", "身份证号中的出生日期不存在"),
    ],
)
def test_invalid_numbers_are_explained_without_repeating_them(text: str, message: str) -> None:
    with pytest.raises(IdNumberError) as info:
        parse_resident_id(text)
    assert str(info.value) == message


def test_wrong_check_digit() -> None:
    number = make_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(IdNumberError, match="校验位不正确"):
        parse_resident_id(wrong)


def test_legacy_15_digit_numbers_are_converted_and_flagged() -> None:
    full = make_id("19650315", 457)
    legacy = full[:6] + full[8:17]
    assert convert_legacy(legacy) == full
    parsed = parse_resident_id(legacy)
    assert parsed.legacy and parsed.number == full and parsed.male


def test_unknown_province_is_reported_not_refused() -> None:
    parsed = parse_resident_id(make_id(area="990101"))
    assert not parsed.known_province
    assert parse_resident_id(make_id(area="210282")).known_province  # retired 普兰店市 code


def test_age_counts_full_years() -> None:
    assert age_on(date(2000, 7, 11), date(2018, 7, 10)) == 17
    assert age_on(date(2000, 7, 10), date(2018, 7, 10)) == 18
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17


def test_masks() -> None:
    number = make_id("19800101", 123)
    assert mask_id(number) == number[:6] + "********" + number[-4:]
    mobile = make_mobile(5678)
    assert mask_phone("+86" + mobile) == mobile[:3] + "****" + mobile[-4:]
    assert mask_phone("+86411" + "82610421") == "0411-****0421"
    assert mask_phone("+8610" + "12345678") == "010-****5678"
    assert repr(parse_resident_id(number)) == f"ResidentId({mask_id(number)})"


def test_keyed_hash_depends_on_key_and_kind() -> None:
    a = keyed_hash(b"k1", "id", "x")
    assert a == keyed_hash(b"k1", "id", "x")
    assert a != keyed_hash(b"k2", "id", "x") != keyed_hash(b"k1", "phone", "x")
    assert len(a) == 64


def test_scanner_finds_ids_and_mobiles_in_any_writing() -> None:
    number, mobile = make_id(), make_mobile(1234)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in mobile)
    text = (
        f"身份证 {number}，手机 {mobile}；又 {mobile[:3]} {mobile[3:7]} {mobile[7:]}，"
        f"+86-{mobile}，全角 {full_width}"
    )
    found = find_personal_numbers(text)
    assert [f.kind for f in found] == ["id", "mobile", "mobile", "mobile", "mobile"]
    assert found[0].masked == mask_id(number)
    assert all(f.masked == mobile[:3] + "****" + mobile[-4:] for f in found[1:])
    assert number not in str(found[0]) and "第 5 个字符起" in str(found[0])


@pytest.mark.parametrize(
    "text",
    [
        "masked 210202********123X and 139****1234",
        "a 20-digit order number 12345678901234567890",
        "the office line 0411-82610421",
        "a record id 20120710-153000-1a2b3c4d",
        "an 18-digit number whose check digit fails: " + make_id()[:-1] + "Y",
    ],
)
def test_scanner_leaves_masked_and_other_numbers_alone(text: str) -> None:
    assert find_personal_numbers(text) == []


def test_an_id_is_not_also_reported_as_a_mobile() -> None:
    number = make_id(area="213901", birth="19800101")
    assert [f.kind for f in find_personal_numbers(number)] == ["id"]


def test_redact_replaces_every_number_with_its_mask() -> None:
    number, mobile = make_id(), make_mobile(42)
    text = redact(f"<{number}> / <{mobile}>")
    assert text == f"<{mask_id(number)}> / <{mobile[:3]}****{mobile[-4:]}>"
    assert find_personal_numbers(text) == []


def _truncated_by_excel() -> str:
    """An ID whose last three digits Excel's 15 significant digits turned into 000 (and which,
    so changed, fails its check digit)."""
    for n in range(100, 999):
        first17 = f"21020219800101{n:03d}"
        damaged = first17[:15] + "000"
        if damaged[17] != check_char(damaged[:17]):
            return damaged
    raise AssertionError("no example found")


@pytest.mark.parametrize("text", ["2.10202E+17", "2.10202198001011e+17", "2.1E17"])
def test_scientific_notation_from_a_spreadsheet_gets_a_hint(text: str) -> None:
    with pytest.raises(IdNumberError) as info:
        parse_resident_id(text)
    assert "被保存成了科学计数法" in str(info.value) and "“文本”格式" in str(info.value)


def test_trailing_zeros_from_a_spreadsheet_get_a_hint() -> None:
    damaged = _truncated_by_excel()
    with pytest.raises(IdNumberError) as info:
        parse_resident_id(damaged)
    assert "末尾几位变成了 0" in str(info.value)
    assert damaged not in str(info.value)
