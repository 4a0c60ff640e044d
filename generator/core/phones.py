"""Phone numbers: parse, classify and format with libphonenumber (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

DALIAN_AREA = "411"
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|-)\s*(\d{1,6})$", re.IGNORECASE)


@dataclass(frozen=True)
class Phone:
    """A parsed number: E.164 form, whether it is a personal mobile, and an optional extension."""

    e164: str
    mobile: bool
    extension: str = ""

    @property
    def display(self) -> str:
        """How the site prints it: 0411-82610421, 138 0000 0000 is never shown (mobiles are masked)."""
        national = self.e164.removeprefix("+86")
        if self.mobile:
            return f"{national[:3]}****{national[-4:]}"
        area_len = 2 if national[0] in "12" else 3
        text = f"0{national[:area_len]}-{national[area_len:]}"
        return f"{text} 转 {self.extension}" if self.extension else text


class PhoneError(ValueError):
    """The text is not a usable mainland China phone number; the message is Chinese."""


@lru_cache(maxsize=4096)  # offices share numbers: thousands of projects, a few dozen numbers
def parse_phone(text: str) -> Phone:
    """Accept 82610421 (a Dalian landline), 0411-82610421, (0411)82610421, +86 411 8261 0421,
    full-width digits, extensions (-123, 转123) and 11-digit mobiles."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        raise PhoneError("电话号码为空")
    extension = ""
    digits_only = re.sub(r"[\s()（）\-]", "", raw)
    if re.fullmatch(r"1[3-9]\d{9}", digits_only):
        return Phone(f"+86{digits_only}", mobile=True)
    main = raw
    match = _EXTENSION.search(raw)
    if match and len(re.sub(r"\D", "", raw[: match.start()])) >= 10:
        extension, main = match.group(1), raw[: match.start()]
    compact = re.sub(r"[\s()（）\-]", "", main)
    if re.fullmatch(r"[2-9]\d{7}", compact):
        compact = "0" + DALIAN_AREA + compact
    try:
        number = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        raise PhoneError("电话号码格式不正确") from None
    if not phonenumbers.is_valid_number(number) or number.country_code != 86:
        raise PhoneError("电话号码无效（应为 11 位手机号或带区号的固定电话，如 0411-82610421）")
    kind = phonenumbers.number_type(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164, mobile=kind == PhoneNumberType.MOBILE, extension=extension)
