"""Files out: deterministic quoted YAML for records, and atomic writes (temp file + rename)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from . import faults


def write_atomic(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` so that a reader (or a crash) never sees half a file."""
    with faults.naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as out:
                out.write(data.encode() if isinstance(data, str) else data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    faults.note_written(path)


HEADERS = {
    "registrations": "# 网上报名登记（待审核）。身份证号、电话只存脱敏形式和密钥散列，完整号码不入库。\n",
    "proposals": "# 服务项目申报（待审核），经市总工会审核同意后才会公开。\n",
}
_LAST = ("warnings", "opinions")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Every string double-quoted: `no`, `0612` and `12:30` stay text for any YAML reader."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_PLAIN_KEY = re.compile(r"^[a-z][a-z_]+$")
_YAML11_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null"})


def _dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.MappingNode:
    """Field names stay plain (`name:`); every other string is quoted."""
    pairs = []
    for key, value in data.items():
        if isinstance(key, str) and _PLAIN_KEY.match(key) and key not in _YAML11_WORDS:
            key_node: yaml.Node = yaml.ScalarNode("tag:yaml.org,2002:str", key)
        else:
            key_node = dumper.represent_data(key)
        pairs.append((key_node, dumper.represent_data(value)))
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


def _quoting(base: type[Any]) -> type[Any]:
    """`base` (PyYAML's emitter in Python, or libyaml's) with the representers above."""
    dumper: Any = type(f"Quoted{base.__name__}", (base,), {})
    dumper.add_representer(str, _str)
    dumper.add_representer(dict, _dict)
    return dumper


PURE_DUMPER = _quoting(yaml.SafeDumper)
LIBYAML_DUMPER = _quoting(yaml.CSafeDumper) if yaml.__with_libyaml__ else None
"""libyaml's emitter, which every record so far was written with where PyYAML has it."""


def yaml_text(data: Any, dumper: type[Any]) -> str:
    """`data` as PyYAML writes it with one of the dumpers above."""
    return yaml.dump(
        data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1 << 16, indent=2
    )


def dump_yaml(data: Any) -> str:
    """Deterministic YAML (keys in the given order); yaml.safe_load(dump_yaml(x)) == x.

    A record's shape (see emit_record) is written directly, byte for byte as libyaml writes it;
    anything else, a whole document at a time, by PyYAML (libyaml's emitter if it is there)."""
    text = emit_record(data)
    if text is None:
        text = yaml_text(data, LIBYAML_DUMPER or PURE_DUMPER)
    return text


_AS_IS = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""What libyaml and PyYAML both write unescaped inside double quotes (`"` and `\\` aside): not
control characters, NEL, U+2028/U+2029, the BOM, surrogates, nor characters past U+FFFF (which
libyaml writes as \\U escapes and PyYAML as they are)."""
_LONGEST = 30_000
"""Characters of one string (at most twice as many escaped): far from the line width of 65,536,
where both emitters would fold a double-quoted line at a space."""
_DEEPEST = 8


class _Unwritten(Exception):
    """A value outside the shapes emit_record writes: PyYAML writes the whole document."""


def emit_record(data: Any) -> str | None:
    """A non-empty mapping of plain field names to strings, whole numbers, booleans, null, lists
    of those or of such mappings, and such mappings, as dump_yaml writes it; None for anything
    else (a date, a float, a quoted key, a list in a list, one object twice, a long string…).

    tests/test_yaml_emit.py proves the bytes equal libyaml's and PyYAML's own for every shape
    accepted here, and that everything else is left to them."""
    if type(data) is not dict or not data:
        return None
    out: list[str] = []
    try:
        _mapping(data, "", "", out, set())
    except _Unwritten:
        return None
    out.append("")
    return "\n".join(out)


def _mapping(data: dict[Any, Any], first: str, indent: str, out: list[str], seen: set[int]) -> None:
    """Block mapping lines at `indent`; the first key after `first` (`- ` in a list)."""
    if len(indent) > 2 * _DEEPEST:
        raise _Unwritten
    lead = first or indent
    for key, value in data.items():
        if key not in _KEYS_SEEN:
            if type(key) is not str or len(key) > 64 or key in _YAML11_WORDS:
                raise _Unwritten
            if not _PLAIN_KEY.match(key):
                raise _Unwritten
            _KEYS_SEEN.add(key)
        if type(value) is str and len(value) <= _LONGEST and _AS_IS.fullmatch(value):
            out.append(f"{lead}{key}: {_quoted(value)}")  # most values: _value's first case
        else:
            _value(value, f"{lead}{key}:", indent, out, seen)
        lead = indent


_KEYS_SEEN: set[str] = set()
"""Keys already found plain (a record's field names), checked once per process."""


def _value(value: Any, head: str, indent: str, out: list[str], seen: set[int]) -> None:
    kind = type(value)
    if kind is str:
        if len(value) > _LONGEST or not _AS_IS.fullmatch(value):
            raise _Unwritten
        out.append(f"{head} {_quoted(value)}")
    elif kind is bool:
        out.append(f"{head} {'true' if value else 'false'}")
    elif kind is int:
        if not -(10**15) < value < 10**15:
            raise _Unwritten
        out.append(f"{head} {value}")
    elif value is None:
        out.append(f"{head} null")
    elif kind is list or kind is dict:
        if id(value) in seen:  # PyYAML would write an anchor and an alias
            raise _Unwritten
        seen.add(id(value))
        if not value:
            out.append(f"{head} {'[]' if kind is list else '{}'}")
        elif kind is dict:
            out.append(head)
            _mapping(value, "", indent + "  ", out, seen)
        else:
            out.append(head)
            for item in value:  # a list in a mapping is not indented further
                _item(item, indent, out, seen)
    else:
        raise _Unwritten


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _item(item: Any, indent: str, out: list[str], seen: set[int]) -> None:
    if type(item) is dict and item:
        if id(item) in seen:
            raise _Unwritten
        seen.add(id(item))
        _mapping(item, f"{indent}- ", indent + "  ", out, seen)
    elif type(item) is list:
        raise _Unwritten
    else:
        _value(item, f"{indent}-", indent, out, seen)


def record_text(record: BaseModel, kind: str) -> str:
    """A record as its file's text: model fields in order, empty optional fields left out."""
    data = record.model_dump(mode="json", exclude_none=True)
    ordered = {k: v for k, v in data.items() if k not in _LAST}
    ordered.update({k: data[k] for k in _LAST if k in data})
    return HEADERS[kind] + dump_yaml(ordered)
