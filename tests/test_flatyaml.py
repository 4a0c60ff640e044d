"""The cheaper first pass for flat records reads exactly what the loader's quick way reads, and
leaves everything else to it."""

from __future__ import annotations

import random

import pytest

from generator.core import loader
from generator.core.flatyaml import parse_flat
from generator.core.writer import dump_yaml

PIECES = ["a", "b", " ", "#", ":", '"', "'", "-", "[", "]", ",", "中", "\\", "\t", "null", "1",
          "2012-07-04 08:53:00", "~", "{", "}", "&", "*", "!", "|", ">", "%", "@", "?", "yes",
          "\u2028", "\r", "\x85", "\ufeff", "\x07"]  # fmt: skip


def _text(rng: random.Random, most: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))


def _record(rng: random.Random) -> dict[str, object]:
    data: dict[str, object] = {}
    for _ in range(rng.randint(1, 5)):
        r = rng.random()
        value: object
        if r < 0.4:
            value = _text(rng, 6)
        elif r < 0.6:
            value = [_text(rng, 3) for _ in range(rng.randint(0, 3))]
        elif r < 0.8:
            value = [{rng.choice("pq"): _text(rng, 3), "z": "1"} for _ in range(rng.randint(0, 2))]
        else:
            value = rng.choice([None, True, 9, "null"])
        data[rng.choice(["a", "b", "c", "x_y", "row"])] = value
    return data


def _by_hand(rng: random.Random, data: dict[str, object]) -> str:
    """The same data written loosely (plain scalars, flow lists, either list indent)."""
    lines = ["# 注释"]
    for key, value in data.items():
        if isinstance(value, str):
            lines.append(f"{key}: {value}" if rng.random() < 0.5 else f'{key}: "{value}"')
        elif isinstance(value, list) and value and isinstance(value[0], str):
            lines.append(f"{key}: [{', '.join(value)}]")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            indent = rng.choice(["", "  "])
            for item in value:
                for n, (k, v) in enumerate(item.items()):
                    lines.append(f"{indent}{'- ' if n == 0 else '  '}{k}: {v}")
        else:
            lines.append(f"{key}:" if value is None else f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _quick(text: str) -> object:
    try:
        return loader._quick(text)
    except Exception as exc:  # the quick way refuses it: the first pass must refuse it too
        return ("refused", type(exc).__name__)


def test_same_data_as_the_quick_way() -> None:
    rng = random.Random(18)
    taken = 0
    for _ in range(4000):
        data = _record(rng)
        for text in (dump_yaml(data), _by_hand(rng, data)):
            flat = parse_flat(text)
            if flat is not None:
                taken += 1
                assert flat == _quick(text), text
    assert taken > 1000  # the first pass is not a no-op


def test_what_intake_writes_is_read_by_the_first_pass() -> None:
    record = {
        "id": "r201207040853-75411411",
        "row": 9,
        "consent": True,
        "submitted": "2012-07-04T08:53:00",
        "categories": ["culture", "free-clinic"],
        "warnings": [],
        "opinions": [{"level": "unit", "opinion": "同意", "date": "2012-07-10"}],
    }
    text = "# 网上报名登记\n" + dump_yaml(record)
    assert parse_flat(text) == _quick(text)
    assert parse_flat(text) == {**record, "row": "9", "consent": "true"}  # text, as ever


@pytest.mark.parametrize(
    "text",
    [
        'a: "x\\ny"\n',  # an escape
        "a:\n  b: c\n",  # a nested mapping
        "a: 1\na: 2\n",  # a duplicate key
        "a: |\n  text\n",  # a block scalar
        "a:\tb\n",  # a tab
        "---\na: 1\n",  # a document marker
        "a: &x 1\nb: *x\n",  # an anchor
        "a: 1\n  b: 2\n",  # bad indentation
        "a: [1, [2]]\n",  # a nested flow list
        "",
    ],
)
def test_anything_else_goes_the_usual_way(text: str) -> None:
    assert parse_flat(text) is None


def test_errors_keep_their_lines() -> None:
    """A record read by the first pass still names the line of a wrong field."""
    doc = loader.parse(
        '# c\nid: "x"\nrow: abc\nopinions:\n- level: "unit"\n  date: "no"\n', "r.yml"
    )
    assert doc.line(("row",)) == 3
    assert doc.line(("opinions", 0, "date")) == 6
