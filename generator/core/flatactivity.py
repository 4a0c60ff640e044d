"""A cheaper way through activity files (data/activities/*.yml, 40 participants or more each):
their lists of record ids read in bulk, and the model built from participants validated once
per distinct id; either gives exactly what the usual way gives, or None to take it."""

from __future__ import annotations

import re
from itertools import compress, count, repeat
from operator import attrgetter, is_, is_not
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import loader, safefile
from .activities import Activity, Participant
from .errors import DataError, DataErrors
from .loader import Document

_KEY = r"[a-z_][a-z0-9_]*"
_REST = r"\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
"""Printable beyond ASCII, as PyYAML's reader has it, but the line separators and the BOM."""
_TEXT = rf"[\x20-\x5b\x5d-\x7e{_REST}]"
"""Any character read as written (no escape: a backslash, a tab or a control character
leaves the file to the usual way, which reads or refuses it)."""
_DQ = rf'"[\x20\x21\x23-\x5b\x5d-\x7e{_REST}]*"'
_SQ = rf"'[\x20-\x26\x28-\x5b\x5d-\x7e{_REST}]*'"
_MID = rf"[\x20-\x22\x24-\x39\x3b-\x5b\x5d-\x7e{_REST}]"
_LAST = rf"[\x21\x22\x24-\x39\x3b-\x5b\x5d-\x7e{_REST}]"
_PLAIN = rf"(?![-?:,\[\]{{}}#&*!|>'\"%@`~]){_LAST}(?:{_MID}*{_LAST})?"
"""One line of plain text that YAML reads as written: no indicator first, no colon or hash,
no space to trim at either end."""
_COMMENT = rf"(?:#{_TEXT}*)?\n"
_LINE = re.compile(rf"{_COMMENT}|({_KEY}):(?:\n| ({_DQ}|{_SQ}|{_PLAIN})\n)")
_WORD = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
"""A bare id or number in a list or flow mapping (no flow indicator, no space)."""
_ITEM = rf"(?:{_WORD}|{_DQ})"
_FLOW = rf"\{{{_KEY}: {_ITEM}(?:, {_KEY}: {_ITEM})*\}}"
_FLOW_PAIR = re.compile(rf"({_KEY}): ({_ITEM})")
_SKIP = re.compile(rf"(?:{_COMMENT})*")
_ENTRY = re.compile(r"( *)- ")
_NULLS = {"null", "Null", "NULL", "~"}
_SPECIAL = re.compile(r'- [{"]|- (?:null|Null|NULL)\n')
"""Where an entry is not a bare id: a flow mapping, a quoted id, a null."""
_BLOCKS: dict[str, re.Pattern[str]] = {}
_ID = attrgetter("id")
_PARTICIPANT = Participant.__pydantic_validator__.validate_python
"""Participant.model_validate without its Python wrapper (26,000 calls at records scale)."""


def _block(indent: str) -> re.Pattern[str]:
    """Consecutive one-line entries of a list at `indent`."""
    if indent not in _BLOCKS:
        _BLOCKS[indent] = re.compile(rf"(?:{indent}- (?:{_ITEM}|{_FLOW})\n)+")
    return _BLOCKS[indent]


def _scalar(text: str) -> Any:
    first = text[0]
    if first == '"' or first == "'":
        return text[1:-1]
    return None if text in _NULLS else text


def _entry(text: str) -> Any:
    if text[0] != "{":
        return _scalar(text)
    pairs = _FLOW_PAIR.findall(text)
    item = {key: _scalar(value) for key, value in pairs}
    return item if len(item) == len(pairs) and _NULLS.isdisjoint(item) else _REFUSED


_REFUSED = object()
"""A key given twice in a flow mapping, or a null key: the loader refuses it, with its line."""


def parse_activity(text: str) -> dict[str, Any] | None:
    """The mapping an activity file holds, every scalar as text (null words as None), exactly as
    the loader reads it; None when the text is not of the simple shape read here."""
    if not text.endswith("\n"):
        text += "\n"
    data: dict[str, Any] = {}
    pos, end = 0, len(text)
    while pos < end:
        line = _LINE.match(text, pos)
        if line is None:
            return None
        pos = line.end()
        key, value = line.groups()
        if key is None:
            continue
        if key in data or key in _NULLS:
            return None
        if value is not None:
            data[key] = _scalar(value)
            continue
        items: list[Any] = []
        indent = None
        while True:
            pos = _SKIP.match(text, pos).end()  # type: ignore[union-attr]
            entry = _ENTRY.match(text, pos)
            if entry is None or (indent is not None and entry.group(1) != indent):
                break
            indent = entry.group(1)
            block = _block(indent).match(text, pos)
            if block is None:
                return None
            seg = block.group()
            pos = block.end()
            raw = seg[len(indent) + 2 : -1].split(f"\n{indent}- ")
            for i in {seg.count("\n", 0, m.start()) for m in _SPECIAL.finditer(seg)}:
                raw[i] = _entry(raw[i])
                if raw[i] is _REFUSED:
                    return None
            items += raw
        data[key] = items or None
        if pos < end and text[pos] == " ":
            return None  # more under the last entry, or a list indented otherwise
    return data or None


def read(file: Path, root: Path) -> Document:
    """loader.read, with the bulk first pass for an activity file."""
    name, base = str(file), str(root).rstrip("/") + "/"
    rel = name[len(base) :] if name.startswith(base) else file.as_posix()
    try:
        raw = safefile.read_bytes(file, loader.MAX_FILE_BYTES)
    except safefile.Refused as exc:
        raise DataErrors([DataError(rel, None, "", exc.reason)]) from None
    text = loader.decode(raw, rel)
    data = parse_activity(text)
    return loader.parse(text, rel) if data is None else Document(rel, data, text)


class Builder:
    """Activity.model_validate for the usual file, cheaper: the fields other than the
    participants validated with the first participant only, then each distinct participant
    validated once (a volunteer serves in many activities); None for anything else (an error
    to report, a participant of another type), which the usual validation then takes."""

    def __init__(self) -> None:
        self.known: dict[Any, Participant] = {}

    def participant(self, item: Any) -> Participant | None:
        if type(item) is str:
            key: Any = item
        elif type(item) is dict and all(
            type(k) is str and (v is None or type(v) is str) for k, v in item.items()
        ):
            key = tuple(item.items())
        else:
            return None
        found = self.known.get(key)
        if found is None:
            try:
                found = _PARTICIPANT({"id": item} if key is item else item)
            except ValidationError:
                return None
            self.known[key] = found
        return found

    def __call__(self, data: Any) -> Activity | None:
        items = data.get("participants") if isinstance(data, dict) else None
        if type(items) is not list or not items:
            return None
        keys = items  # the lookups below run in C: a mapping (unhashable) is looked up as None
        others = list(compress(count(), map(is_not, map(type, items), repeat(str))))
        if others:
            keys = items.copy()
            for i in others:
                keys[i] = None
        out: list[Any] = list(map(self.known.get, keys))
        for i in list(compress(count(), map(is_, out, repeat(None)))):
            out[i] = self.participant(items[i])
            if out[i] is None:
                return None
        if len(set(map(_ID, out))) != len(out):
            return None  # a repeated participant, reported the usual way
        try:
            head = Activity.model_validate({**data, "participants": out[:1]})
        except ValidationError:
            return None
        return head.model_copy(update={"participants": out})
