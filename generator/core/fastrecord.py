"""A registration file as intake and the review commands write it, read and validated in one
pass: one regular expression for the whole text, then the same rules as the pydantic model, in
plain Python. Anything else (hand edits, another key order, a slip the model would report) gives
None, and the file goes the usual way (loader, then the model), which places every message.

Reading 50,000 registrations is most of `volunteers check` and of a cold build at full scale
(issue 17: ≤ 10 s with 200,000 participations); the usual way spends ~200 µs a file, this one a
fraction. tests/test_fast_record.py proves that whatever this accepts, it makes the very record
the usual way makes (same values, same types, same fields set), on records of every shape the
writer makes and on thousands of randomly damaged ones."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from .identity import SHORTEST_NUMBER, find_personal_numbers, may_hold_personal_number
from .records import (
    EDUCATION_ALIASES,
    GENDER_ALIASES,
    HEALTH_ALIASES,
    POLITICAL_ALIASES,
    Education,
    Gender,
    Health,
    Opinion,
    OpinionLevel,
    PoliticalStatus,
    RecordStatus,
    Registration,
    _exempt,
)

_SLUG = r'(?=[a-z0-9-]{1,64}")[a-z0-9]+(?:-[a-z0-9]+)*'
"""A Slug (models.py: the same pattern, at most 64 characters), always followed by its quote."""


_NOT_TEXT = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
"""What flatyaml does not let through: control characters, NEL, U+2028/U+2029, BOM, surrogates
and non-characters, which YAML reads otherwise."""
_CHAR = rf'[^{_NOT_TEXT}"\\]'
"""A character a quoted text may hold here: not the above, the quote or the backslash. Written
as a negated class: the same characters as the ranges it replaced (a test reads all of them),
compiled ten times faster (0.3 s of every cold build, _RECORD holds some sixty)."""


def _kept(longest: int) -> str:
    """A double-quoted text without escapes (a backslash goes the usual way) that the model keeps
    as it is: one to `longest` characters, no white space first or last (re's \\s is
    str.isspace, which holds every character pydantic strips and a few more)."""
    return rf"(?!\s){_CHAR}(?:{_CHAR}{{0,{longest - 2}}}{_CHAR}(?<!\s))?"


def _text(name: str, longest: int = 200) -> str:
    return rf'(?:{name}: "(?P<{name}>{_kept(longest)})"\n)'


def _items_of(group: str) -> str:
    """A list of texts, flow-empty or as block items at either indent, under `group`."""
    return (
        rf'(?P<{group}> \[\]|\n(?P<{group}_i> ?(?: )?)- "TEXT"(?:\n(?P={group}_i)- "TEXT")*)\n'
    ).replace("TEXT", _kept(200))


def _opinion(quote: str) -> str:
    """One opinion of the list, its lines indented as the first one's (group oi); the date's
    quotes, if any, in group `quote`."""
    return (
        r'- level: "(?:unit|district|city)"\n(?P=oi)  opinion: "TEXT"\n(?P=oi)  office: "TEXT"\n'
        rf'(?P=oi)  date: (?P<{quote}>"?)[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}(?P={quote})'
        r'(?:\n(?P=oi)  note: "TEXT")?'
    ).replace("TEXT", _kept(200))


_RECORD = re.compile(
    rf"(?:#[^{_NOT_TEXT}\\]*\n)*"
    rf'id: "(?P<id>{_SLUG})"\n'
    r"(?:status: (?P<status>pending|approved|rejected|withdrawn|"
    r'"(?:pending|approved|rejected|withdrawn)")\n)?'
    r"submitted: (?P<sq>\"?)(?P<submitted>[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]"
    r"[0-9]{2}:[0-9]{2}:[0-9]{2})(?P=sq)\n"
    r"row: (?P<rq>\"?)(?P<row>[1-9][0-9]{0,8})(?P=rq)\n"
    rf"(?:warnings:{_items_of('w1')})?"
    rf'union: "(?P<union>{_SLUG})"\n'
    + _text("name", 30)
    + _text("gender")
    + _text("political_status")
    + r'id_masked: "(?P<id_masked>[0-9]{6}\*{8}[0-9]{3}[0-9X])"\n'
    r'id_hash: "(?P<id_hash>[0-9a-f]{64})"\n'
    r'phone_masked: "(?P<phone_masked>1[3-9][0-9]\*{4}[0-9]{4}|0[0-9]{2,3}-\*{4}[0-9]{4})"\n'
    r'phone_hash: "(?P<phone_hash>[0-9a-f]{64})"\n'
    r'(?:work_start: "(?P<work_start>[0-9]{4}(?:-[0-9]{2})?)"\n)?'
    + _text("education")
    + "?"
    + _text("health")
    + "?"
    + _text("employer", 100)
    + "?"
    + _text("skills", 500)
    + "?"
    + _text("resume", 2000)
    + "?"
    + _text("application", 2000)
    + "?"
    + rf'(?:categories:(?P<categories> \[\]| \[(?:"{_SLUG}"(?:, "{_SLUG}")*)\]'
    rf'|\n(?P<ci> ?(?: )?)- "{_SLUG}"(?:\n(?P=ci)- "{_SLUG}")*)\n)?'
    r"consent: (?P<consent>true|false)\n"
    r"(?:guardian_consent: (?P<guardian_consent>true|false)\n)?"
    rf"(?:warnings:{_items_of('w2')})?"
    r"(?:opinions:(?P<opinions> \[\]|\n(?P<oi> ?(?: )?)"
    + _opinion("d1")
    + r"(?:\n(?P=oi)"
    + _opinion("d2")
    + r")*)\n)?"
)
_ITEM = re.compile(r'- "([^"\\\n]*)"')
_QUOTED = re.compile(r'"([^"]*)"')
_OPINIONS = re.compile(
    r'- level: "([a-z]+)"\n *opinion: "([^"\\\n]*)"\n *office: "([^"\\\n]*)"\n'
    r' *date: "?([0-9-]{10})"?(?:\n *(note): "([^"\\\n]*)")?'
)
_TEXTS = ("name", "employer", "skills", "resume", "application")
"""Free-text fields (the expression holds them to the model's lengths)."""
_CHOICES: dict[str, tuple[type[Any], dict[str, str]]] = {
    "gender": (Gender, GENDER_ALIASES),
    "political_status": (PoliticalStatus, POLITICAL_ALIASES),
    "education": (Education, EDUCATION_ALIASES),
    "health": (Health, HEALTH_ALIASES),
}
_PLAIN = ("id_masked", "id_hash", "phone_masked", "phone_hash", "work_start")
"""Fields the expression itself checks (their patterns are the model's)."""
MAX_CHARS = 16_384


class _Usual(Exception):
    """Not for this pass: the usual way reads the file (and reports what is wrong)."""


@functools.lru_cache(maxsize=256)
def _choice(name: str, value: str) -> Any:
    """The member of the field's enum a text names, as the model reads it (aliases and codes
    too: 党员, 本科); a text that names none goes the usual way."""
    enum, aliases = _CHOICES[name]
    key = value.strip().replace(" ", "")  # as the model's _canonical does
    try:
        return enum(aliases.get(key, key))
    except ValueError:
        raise _Usual from None


def _items(block: str) -> list[str]:
    return [] if block == " []" else _ITEM.findall(block)


_LEVELS = {level.value: level for level in OpinionLevel}
_STATUSES = {status.value: status for status in RecordStatus}
_LISTS = ("warnings", "categories", "opinions")
"""Fields whose default is an empty list: each record gets a list of its own, as pydantic
copies a mutable default."""


def _template(cls: type[Any]) -> dict[str, Any]:
    """Every field of `cls` in order, with its default (None where one is required: always
    given)."""
    return {n: None if f.is_required() else f.default for n, f in cls.model_fields.items()}


_REGISTRATION = _template(Registration)
_OPINION_TEMPLATE = _template(Opinion)


def _made(
    cls: type[BaseModel], template: dict[str, Any], values: dict[str, Any], given: set[str]
) -> Any:
    """An instance of the model `cls` holding `values` (validated here) and the defaults of the
    other fields, as pydantic's model_construct makes it, only quicker; `given` are the fields
    the file gave."""
    made = _new(cls)
    _set(made, "__dict__", {**template, **values})
    _FIELDS_SET(made, given)
    _EXTRA(made, None)
    _PRIVATE(made, None)
    return made


_new, _set = object.__new__, object.__setattr__
_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
"""BaseModel's slots, set as pydantic's model_construct sets them (a little quicker)."""


def _opinions(block: str, texts: list[str]) -> list[Opinion]:
    if block == " []":
        return []
    out: list[Opinion] = []
    levels: set[str] = set()
    for level, opinion, office, day, has_note, note in _OPINIONS.findall(block):
        if level in levels:
            raise _Usual  # a level given twice
        levels.add(level)
        out.append(_opinion_of(level, opinion, office, day, note if has_note else None))
        texts += (opinion, office, note) if has_note else (opinion, office)
    return out


@functools.lru_cache(maxsize=4096)
def _opinion_of(level: str, opinion: str, office: str, day: str, note: str | None) -> Opinion:
    """One opinion (immutable, so records may share it: a batch is signed by one office on one
    day, and most opinions repeat)."""
    values: dict[str, Any] = {
        "level": _LEVELS[level],
        "opinion": opinion,
        "office": office,
        "date": date.fromisoformat(day),
    }
    if note is not None:
        values["note"] = note
    made: Opinion = _made(Opinion, _OPINION_TEMPLATE, values, set(values))
    return made


def read_registration(text: str) -> Registration | None:
    """The registration `text` holds, when it is of the writer's shape and valid; else None."""
    if len(text) > MAX_CHARS:
        return None
    match = _RECORD.fullmatch(text)
    if match is None:
        return None
    try:
        return _record(match.groups())
    except (_Usual, ValueError):
        return None


_AT = {name: index - 1 for name, index in _RECORD.groupindex.items()}
"""Where each named group of _RECORD is in match.groups() (a tuple: cheaper than groupdict)."""
ID, UNION, STATUS, SUBMITTED, ROW, W1, W2, CATEGORIES, CONSENT, GUARDIAN, OPINIONS = (
    _AT[name]
    for name in ("id", "union", "status", "submitted", "row", "w1", "w2", "categories",
                 "consent", "guardian_consent", "opinions")
)  # fmt: skip
_AS_GIVEN = tuple((name, _AT[name]) for name in (*_TEXTS, *_PLAIN))
"""Fields kept as the file gives them (the expression checked them as the model does)."""
_LONG = tuple(_AT[name] for name in _TEXTS)
_CHOSEN = tuple((name, _AT[name]) for name in _CHOICES)


def _record(found: tuple[Any, ...]) -> Registration:
    """The record the groups of _RECORD hold, checked as the model checks it."""
    values: dict[str, Any] = {name: found[at] for name, at in _AS_GIVEN if found[at] is not None}
    record_id = values["id"] = found[ID]
    values["union"] = found[UNION]
    # What the model's personal-number check reads (less what cannot hold one: _NUMBERLESS).
    texts: list[str] = [found[UNION], *(found[at] for at in _LONG if found[at] is not None)]
    if not _exempt("id", record_id):
        texts.append(record_id)
    if (status := found[STATUS]) is not None:
        values["status"] = _STATUSES[status.strip('"')]
    values["submitted"] = datetime.fromisoformat(found[SUBMITTED])
    if (row := int(found[ROW])) < 2:
        raise _Usual
    values["row"] = row
    warnings = found[W1]
    if found[W2] is not None:
        if warnings is not None:
            raise _Usual  # given twice
        warnings = found[W2]
    if warnings is not None:
        values["warnings"] = _items(warnings)
        texts += values["warnings"]
    for name, at in _CHOSEN:
        if (value := found[at]) is not None:
            values[name] = _choice(name, value)
    if (categories := found[CATEGORIES]) is not None:
        listed = _QUOTED.findall(categories)  # flow or block, slugs all (the expression says)
        if len(set(listed)) != len(listed):
            raise _Usual
        values["categories"] = listed
        texts += listed
    if found[CONSENT] != "true":
        raise _Usual  # the model refuses a registration without consent
    values["consent"] = True
    if (guardian := found[GUARDIAN]) is not None:
        values["guardian_consent"] = guardian == "true"
    if (opinions := found[OPINIONS]) is not None:
        values["opinions"] = _opinions(opinions, texts)
    _no_personal_numbers(texts)
    given = set(values)
    for name in _LISTS:
        if name not in given:
            values[name] = []
    record: Registration = _made(Registration, _REGISTRATION, values, given)
    return record


_NUMBERLESS = (
    "status",
    "submitted",
    "row",
    "gender",
    "political_status",
    "id_masked",
    "phone_masked",
    "work_start",
    "education",
    "health",
    "consent",
    "guardian_consent",
    "level",
    "date",
)
"""Fields the model's check reads but that, in the shapes the expression lets through, can hold
no personal number, so the check here skips them: none holds eleven ASCII digits (a masked ID
ten, a row nine, an enum's name or code two), except `submitted`, whose fourteen digits no
reading joins into one run, as ':' and 'T' part them (YYYY-MM-DD HH is ten).
tests/test_fast_record.py checks this against identity.find_personal_numbers."""


def _no_personal_numbers(texts: list[str]) -> None:
    """The model's check (records._no_personal_numbers), on the same texts: the quick gate over
    them all ("|" joins no two into one run), then a closer look at each long enough to hold a
    number if it lets any in."""
    if not may_hold_personal_number("|".join(texts)):
        return  # most records: no digit anywhere (the gate's quick answer)
    if any(find_personal_numbers(t) for t in texts if len(t) >= SHORTEST_NUMBER):
        raise _Usual
