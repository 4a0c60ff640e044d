"""Text clean-up for submitted values: NFKC, trim, zero-width removed, dates and answers read (pure)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
FORMULA_STARTS = ("=", "+", "-", "@")
# Full-width punctuation (，；：（）！？) is how Chinese is written: NFKC would turn it into ASCII.
_NOT_CJK_PUNCTUATION = re.compile(r"[^\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")


def nfkc(value: str) -> str:
    """NFKC (full-width digits and letters become ASCII), full-width punctuation kept."""
    if value.isascii():
        return value
    return _NOT_CJK_PUNCTUATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), value)


_SETTLED = "!-~\u00b7\u2018\u2019\u201c\u201d\u2500-\u257f\u3001\u3002\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_TIDY = re.compile(f"[{_SETTLED}]+(?: +[{_SETTLED}]+)*")
"""Text that clean() gives back unchanged, as most answers are: one line of printable ASCII,
CJK ideographs (no compatibility forms), · ‘’ “” 、 。, box drawing (问卷星's ┋) and the
full-width punctuation kept, with spaces only between them (tests/test_intake_clean.py checks
every such character against the full clean-up)."""


def clean(value: str) -> str:
    """NFKC (but not of Chinese punctuation), zero-width and control characters removed, line ends
    unified, trimmed."""
    if _TIDY.fullmatch(value):
        return value
    return clean_fully(value)


def clean_fully(value: str) -> str:
    """clean() without its shortcut for text already clean."""
    text = nfkc(value)
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


@lru_cache(maxsize=4096)  # pure, and the same few answers come back row after row
def header_key(value: str) -> str:
    """How header cells are compared: cleaned, every space removed (`姓  名` = `姓名`)."""
    return _SPACES.sub("", clean(value))


@lru_cache(maxsize=4096)  # pure, and the same few answers come back row after row
def lookup_key(value: str) -> str:
    """How names are compared: header_key without quotes and brackets, lower case."""
    return re.sub(r"[“”\"'‘’「」『』《》()（）]", "", header_key(value)).lower()


def formula_like(value: str) -> bool:
    """Spreadsheets would run it as a formula (CSV injection); we keep it as text and flag it."""
    return value.startswith(FORMULA_STARTS)


_NEGATIVE = re.compile(r"不|否|拒绝|^(?:no|n|false|0)$", re.IGNORECASE)
_AFFIRMATIVE = re.compile(r"^(?:是|是的|对|好|可以|确认|yes|y|true|1|✓|√|☑|✔)$|同意", re.IGNORECASE)


@lru_cache(maxsize=4096)  # pure, and the same few answers come back row after row
def affirmative(value: str) -> bool:
    """同意 / 是 / 我已阅读并同意…: yes; empty, 不同意, 否, no: no."""
    text = header_key(value)
    return bool(text) and not _NEGATIVE.search(text) and bool(_AFFIRMATIVE.search(text))


def split_list(value: str) -> list[str]:
    """服务意向: items separated by 、 , ， ; ； | or new lines (Google Forms joins with ", ",
    问卷星 with ┋)."""
    return [item.strip() for item in re.split(r"[、,，;；\n┋|｜]+", value) if item.strip()]


_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_TIME = r"(上午|下午|AM|PM)?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(上午|下午|AM|PM)?"
_ISO_LIKE = re.compile(rf"^{_DATE}(?:[\sT]+{_TIME})?$", re.IGNORECASE)
_US_LIKE = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})(?:\s+{_TIME})?$", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})-([a-z]{{3}})-(\d{{4}})(?:\s+{_TIME})?$", re.IGNORECASE)


def parse_timestamp(value: str) -> datetime | None:
    """A form's 时间戳记 in the forms Google Sheets, Excel and exports write it; None if unreadable.

    Accepted: 2012/7/10 15:30:00, 2012-07-10T15:30:00, 2012年7月10日 下午3:30:00, and the US
    order 7/10/2012 3:30:00 PM (Google's en-US locale writes month first), and 腾讯问卷's
    10-Jul-2012 15:30:00."""
    text = clean(value)
    match = _ISO_LIKE.match(text)
    day_month = None if match else _DAY_MONTH.match(text)
    if match:
        y, m, d, *clock = match.groups()
    elif day_month:
        d, name, y, *clock = day_month.groups()
        if name.lower() not in _MONTHS:
            return None
        m = str(_MONTHS.index(name.lower()) + 1)
    else:
        match = _US_LIKE.match(text)
        if not match:
            return None
        m, d, y, *clock = match.groups()
    before, hh, mm, ss, after = clock
    hour = int(hh or 0)
    half = (before or after or "").upper()
    if half in {"下午", "PM"} and hour < 12:
        hour += 12
    elif half in {"上午", "AM"} and hour == 12:
        hour = 0
    try:
        return datetime(int(y), int(m), int(d), hour, int(mm or 0), int(ss or 0))
    except ValueError:
        return None


def parse_date(value: str) -> date | None:
    """2012-07-10, 2012/7/10, 2012.7.10 or 2012年7月10日; None if unreadable or impossible."""
    stamp = parse_timestamp(value)
    return stamp.date() if stamp and stamp.time() == datetime.min.time() else None


@lru_cache(maxsize=4096)  # pure, and the same few answers come back row after row
def parse_month(value: str) -> str | None:
    """参加工作时间 as YYYY-MM (or YYYY): 1998年7月, 1998.07, 1998-7, 199807, 1998."""
    text = header_key(value)
    match = re.fullmatch(r"(\d{4})(?:[-/.年]?(\d{1,2})月?(?:[-/.]?\d{1,2}日?)?)?年?", text)
    if not match:
        return None
    year, month = int(match.group(1)), match.group(2)
    if not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None
