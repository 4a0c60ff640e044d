"""A cheaper first pass for flat YAML records (what intake writes): one mapping of `key: value`
lines, lists of scalars or of flat mappings; the same data as the loader's quick way, or None
for anything else, which then goes the usual way (libyaml, then the detailed way)."""

from __future__ import annotations

import re
from typing import Any

_KEY = r"([a-z_][a-z0-9_]*)"
_QUOTED = r'"[^"\\]*"'
_PLAIN = (
    r"[A-Za-z0-9](?:[A-Za-z0-9_.+:-]*[A-Za-z0-9_.+-])?(?: [0-9](?:[0-9:.]*[0-9])?)?"
    r"|[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]*"  # Chinese written by hand, unquoted
)
_ITEM = rf"(?:{_QUOTED}|[A-Za-z0-9][A-Za-z0-9_.-]*)"
_FLOW = rf"\[(?:{_ITEM}(?:, {_ITEM})*)?\]"
_VALUE = rf"({_QUOTED}|{_FLOW}|{_PLAIN})?"
_FLOW_MAP = rf"\{{({_KEY}: {_ITEM}(?:, {_KEY}: {_ITEM})*)\}}"
"""A list entry written as one flow mapping, `- {id: r20120704t085300-h1a2b3c4, hours: 3}`."""
_PAIR = re.compile(rf"{_KEY}:(?: {_VALUE})?")
_ENTRY = re.compile(rf"( *)- (?:{_KEY}: {_VALUE}|({_QUOTED}|{_PLAIN})|{_FLOW_MAP})")
_FLOW_PAIR = re.compile(rf"{_KEY}: ({_ITEM})")
_FLOW_ITEM = re.compile(_ITEM)
_NULLS = {"null", "Null", "NULL"}
# What YAML reads differently from a plain line split, or refuses (PyYAML's reader: characters
# outside the printable set), and tabs: all left to the usual way.
_AWKWARD = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|\\\\"
)


def _scalar(text: str | None) -> Any:
    if text is None:
        return None
    first = text[0]
    if first == '"':
        return text[1:-1]
    if first == "[":
        return [_scalar(m.group(0)) for m in _FLOW_ITEM.finditer(text[1:-1])]
    return None if text in _NULLS else text


def parse_flat(text: str) -> dict[str, Any] | None:
    """The mapping a flat record holds, every scalar as text (null words as None), exactly as
    the loader's quick way reads it; None when the text is not of that simple shape."""
    if _AWKWARD.search(text):
        return None
    data: dict[str, Any] = {}
    items: list[Any] | None = None  # the list being filled, under the last key
    item: dict[str, Any] | None = None  # the mapping of its last entry, if any
    indent = ""
    last = ""
    for line in text.split("\n"):
        if items is None:  # the usual line, `key: value`, first and cheaply
            pair = _PAIR.fullmatch(line)
            if pair is None:
                if not line or line[0] == "#":
                    continue
                return None
            key, value = pair.groups()
            if key in data:
                return None
            last = key
            if value is None:  # a list may follow (or nothing: null)
                items, item, indent = [], None, ""
                data[key] = items
            else:
                data[key] = value[1:-1] if value[0] == '"' else _scalar(value)
            continue
        if not line or line[0] == "#":
            continue
        entry = _ENTRY.fullmatch(line)
        if entry is not None:
            spaces, key, value, scalar, flow, _, _ = entry.groups()
        if entry is not None and (not items or spaces == indent):
            indent = spaces
            if key is not None:
                item = {key: _scalar(value)}
                items.append(item)
            elif flow is not None:
                item = None  # nothing may follow a flow mapping but the next entry
                pairs = {k: _scalar(v) for k, v in _FLOW_PAIR.findall(flow)}
                if len(pairs) != flow.count(": "):
                    return None  # a key given twice (or a colon inside a quoted value)
                items.append(pairs)
            else:
                item = None
                items.append(_scalar(scalar))
            continue
        at = len(indent) + 2
        if item is not None and line.startswith(indent + "  ") and line[at : at + 1] != " ":
            pair = _PAIR.fullmatch(line, at)
            if pair is None or pair.group(1) in item or pair.group(2) is None:
                return None
            item[pair.group(1)] = _scalar(pair.group(2))
            continue
        if line[0] == " ":
            return None
        if not items:
            data[last] = None  # `key:` with nothing under it
        items = item = None
        pair = _PAIR.fullmatch(line)
        if pair is None or pair.group(1) in data:
            return None
        last = pair.group(1)
        if pair.group(2) is None:
            items, item, indent = [], None, ""
            data[last] = items
        else:
            data[last] = _scalar(pair.group(2))
    if items is not None and not items:
        data[last] = None
    return data or None
