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


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Every string double-quoted: `no`, `0612` and `12:30` stay text for any YAML reader."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
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


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _dict)


def dump_yaml(data: Any) -> str:
    """Deterministic YAML (keys in the given order); yaml.safe_load(dump_yaml(x)) == x."""
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1 << 16, indent=2
    )


def record_text(record: BaseModel, kind: str) -> str:
    """A record as its file's text: model fields in order, empty optional fields left out."""
    data = record.model_dump(mode="json", exclude_none=True)
    ordered = {k: v for k, v in data.items() if k not in _LAST}
    ordered.update({k: data[k] for k in _LAST if k in data})
    return HEADERS[kind] + dump_yaml(ordered)
