"""Resident ID numbers and phones: check, mask, keyed hash, and a scanner for leaked numbers (pure)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from .digitgroups import Group, digit_runs, may_hold_digit_run

# GB 11643-1999 §5.2 / ISO 7064 MOD 11-2: weights of the first 17 digits and the check table.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# GB/T 2260 province-level codes (first two digits). The full county table changes every year
# and old numbers are never reissued, so only the province is checked, and only as a warning.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)

ADULT_AGE = 18
"""Full age (民法典 art. 17). The notice sets no age condition, so intake refuses no one by age:
a younger applicant is only flagged for the reviewing union."""


EXCEL_HINT = (
    "身份证号{}，多半是表格软件（Excel、WPS）把它当作数字保存、丢了末尾的数字："
    "请把身份证号一列设为“文本”格式后重新填写"
)


class IdNumberError(ValueError):
    """The text is not a valid resident ID number; the message is Chinese and never repeats it."""


class SavedAsNumber(IdNumberError):
    """A spreadsheet stored the number as a number: the export's column needs the text format,
    which staff set; the person did nothing wrong."""


@dataclass(frozen=True)
class ResidentId:
    """A checked 18-character ID number and what it encodes."""

    number: str
    birth: date
    male: bool
    legacy: bool = False
    """True when it was written as a pre-1999 15-digit number and converted."""

    @property
    def area(self) -> str:
        return self.number[:6]

    @property
    def known_province(self) -> bool:
        return self.number[:2] in PROVINCES

    @property
    def masked(self) -> str:
        return mask_id(self.number)

    def age_on(self, day: date) -> int:
        return age_on(self.birth, day)

    def __repr__(self) -> str:  # never show the number in a traceback or log
        return f"ResidentId({self.masked})"


def check_char(first17: str) -> str:
    """The 18th character for 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _birth(text: str) -> date | None:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def convert_legacy(number15: str) -> str:
    """A 15-digit number (area + YYMMDD + sequence) as its 18-character form (born 19xx)."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def parse_resident_id(text: str) -> ResidentId:
    """Check an ID number (18 characters, or 15 legacy digits); raise IdNumberError if invalid."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not compact:
        raise IdNumberError("身份证号为空")
    if re.fullmatch(r"[0-9](?:\.[0-9]+)?E\+?[0-9]+", compact):
        raise SavedAsNumber(EXCEL_HINT.format("被保存成了科学计数法"))
    legacy = False
    if re.fullmatch(r"[0-9]{15}", compact):
        compact, legacy = convert_legacy(compact), True
    if not re.fullmatch(r"[0-9]{17}[0-9X]", compact):
        raise IdNumberError(
            f"身份证号应为 18 位（最后一位可为 X），实际为 {len(compact)} 个字符"
            if len(compact) != 18
            else "身份证号只能含数字，最后一位可为 X"
        )
    born = _birth(compact[6:14])
    if born is None:
        raise IdNumberError("身份证号中的出生日期不存在")
    if compact[17] != check_char(compact[:17]):
        if compact.endswith("000"):
            raise SavedAsNumber(EXCEL_HINT.format("末尾几位变成了 0"))
        raise IdNumberError("身份证号校验位不正确（可能有数字填错）")
    return ResidentId(compact, born, male=int(compact[16]) % 2 == 1, legacy=legacy)


def age_on(birth: date, day: date) -> int:
    """Full years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def mask_id(number: str) -> str:
    """210202********123X: area code and the last four kept, the birth date hidden."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(e164: str) -> str:
    """138****5678 for a mobile; 0411-****0421 for a landline (a home line is personal too)."""
    national = e164.removeprefix("+86")
    if re.fullmatch(r"1[3-9][0-9]{9}", national):
        return f"{national[:3]}****{national[-4:]}"
    area_len = 2 if national[:1] in "12" else 3
    return f"0{national[:area_len]}-****{national[-4:]}"


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of `kind:value`: equal people match, and without the key nobody can test a guess."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PersonalNumber:
    """Where a full personal number sits in a text, and its masked form (never the number)."""

    kind: str
    """`id` or `mobile`."""
    start: int
    end: int
    masked: str

    def __str__(self) -> str:
        label = "身份证号" if self.kind == "id" else "手机号"
        return f"{label} {self.masked}（第 {self.start + 1} 个字符起）"


SHORTEST_NUMBER = 11
"""No text shorter than this holds a personal number: the quick gate needs eleven digits (or
eleven URL escapes of digits), each at least one character."""


def may_hold_personal_number(text: str) -> bool:
    """A quick gate: False means `find_personal_numbers(text)` is certainly empty."""
    return may_hold_digit_run(text)


def find_personal_numbers(text: str) -> list[PersonalNumber]:
    """Every full ID number (18 characters with a valid check digit and birth date, or a legacy
    15-digit number with a real province and birth date) and personal mobile (a real mobile
    prefix) in `text`, however it is written: full-width, spaced, dotted, bracketed, broken over
    a line, with invisible characters or URL escapes inside (see digitgroups.py)."""
    found: list[PersonalNumber] = []
    for run in digit_runs(text):
        found += _numbers_in(run)
    return sorted(found, key=lambda f: f.start)


def _numbers_in(run: list[Group]) -> list[PersonalNumber]:
    """The numbers a run of groups holds: each made of whole groups, in a grouping people write."""
    found, taken = [], set[int]()
    sizes = [len(g.digits) for g in run]
    for reader, most, totals in ((_id_number, 5, (15, 17, 18)), (_mobile, 3, (11, 13, 15))):
        for i in range(len(run)):  # ID numbers first: a mobile is never read inside one
            total = 0
            for j in range(i, min(len(run), i + most)):
                total += sizes[j]
                if total > 18:
                    break
                if total not in totals or taken.intersection(range(i, j + 1)):
                    continue
                item = reader(run[i : j + 1])
                if item is not None:
                    found.append(item)
                    taken.update(range(i, j + 1))
    return found


# How people split an ID number: anywhere in two (a line break), the area code apart (6-8-4,
# 6-4-4-4), or in fours and threes.
_ID_SHAPES = {(4, 4, 4, 4, 2), (3, 3, 4, 4, 4)}


def _id_number(groups: list[Group]) -> PersonalNumber | None:
    first, last = groups[0], groups[-1]
    digits = "".join(g.digits for g in groups)
    if first.glued_before or len(digits) not in (15, 17, 18) or last.glued_after:
        return None
    shape = tuple(len(g.digits) for g in groups)
    if len(digits) == 17:
        if last.x_end is None:
            return None
        digits, shape = digits + "X", (*shape[:-1], shape[-1] + 1)
    elif last.x_end is not None:
        return None
    if len(shape) > 2 and shape not in _ID_SHAPES and not (shape[0] == 6 and len(shape) <= 4):
        return None
    if len(digits) == 15:
        born = _birth("19" + digits[6:12])
        if digits[:2] not in PROVINCES or born is None:
            return None
    else:
        born = _birth(digits[6:14])
        if born is None or born > date.today() or digits[17] != check_char(digits[:17]):
            return None
    end = last.x_end if last.x_end is not None else last.end
    return PersonalNumber("id", first.start, end, mask_id(digits))


def _mobile(groups: list[Group]) -> PersonalNumber | None:
    """11 digits with a real mobile prefix, whole or in groups of three or more (139 1234 5678,
    1391 2345 678, 139-12345678); alone, after 86 or 0086 as well."""
    first, last = groups[0], groups[-1]
    if first.glued_before or last.glued_after or last.x_end is not None:
        return None
    digits = "".join(g.digits for g in groups)
    if len(groups) == 1 and len(digits) in (13, 15):
        digits = digits.removeprefix("0086" if len(digits) == 15 else "86")
    elif len(groups) > 1 and min(len(g.digits) for g in groups) < 3:
        return None
    if len(digits) != 11 or not is_mobile(digits):
        return None
    return PersonalNumber("mobile", first.start, last.end, mask_phone("+86" + digits))


@lru_cache(maxsize=4096)
def is_mobile(digits: str) -> bool:
    """11 digits that libphonenumber knows as a mainland China mobile number (a real prefix)."""
    if not (digits[:1] == "1" and digits[1:2] in "3456789"):
        return False
    number = phonenumbers.parse("+86" + digits)
    kinds = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in kinds


def redact(text: str) -> str:
    """`text` with every full personal number replaced by its masked form."""
    found = find_personal_numbers(text)
    if not found:
        return text
    out, last = [], 0
    for item in found:
        out += [text[last : item.start], item.masked]
        last = item.end
    out.append(text[last:])
    return "".join(out)
