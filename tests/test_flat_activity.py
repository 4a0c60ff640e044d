"""The cheaper way through activity files (flatactivity.py: the bulk first pass and the model
builder) gives exactly what the usual ways give: the same data, the same model, the same errors
with the same lines, on random files full of slips and on odd ones."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.core import flatactivity, loader
from generator.core.activities import Activity
from generator.core.errors import DataErrors
from generator.core.messages import from_validation_error

REFUSED = "refused"
IDS = ["r1", "r2", "r3", "r201210021849-943bec8f", "a-b", "r1.5", "R9", "null", "Null", "~", "0"]


class _Refused(Exception):
    pass


def _plain(node: Node) -> Any:
    """The loader's contract, written independently: every scalar text, plain null words None;
    odd keys, duplicates, merges and aliases refused."""
    if isinstance(node, ScalarNode):
        nulls = {"", "~", "null", "Null", "NULL"}
        return None if not node.style and node.value in nulls else node.value
    if isinstance(node, SequenceNode):
        return [_plain(child) for child in node.value]
    assert isinstance(node, MappingNode)
    out: dict[str, Any] = {}
    for key, value in node.value:
        if (
            not isinstance(key, ScalarNode)
            or (not key.style and key.value in {"", "~", "null", "Null", "NULL", "<<"})
            or key.value in out
        ):
            raise _Refused
        out[key.value] = _plain(value)
    return out


def reference(text: str) -> Any:
    """What YAML (PyYAML's own parser) makes of `text` under the loader's rules."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        if len(nodes) != 1 or "&" in text:
            return REFUSED if nodes else None
        return _plain(nodes[0])
    except (yaml.YAMLError, _Refused):
        return REFUSED


def usual(text: str) -> Any:
    try:
        return loader.parse(text, "data/activities/a1.yml").data
    except DataErrors:
        return REFUSED


def random_text(rng: random.Random) -> str:
    """An activity file as staff or the importer write it, with now and then a slip."""
    words = [
        "入户走访",
        "社区",
        "义诊 2",
        "a1",
        "中a",
        "送温暖（二）",
        "12",
        "3.0",
        "null",
        "~",
        "",
    ]
    odd = ["中:文", "中 #注", "- 中", "[中, a]", "'中'", '"中"', '"a\\tb"', "中 ", "中\t", "&a 中"]
    odd += [
        "*a",
        "!!str 中",
        "|",
        "中:",
        "%中",
        "中\u3000",
        "\u3000中",
        "中\\n",
        "'it''s'",
        "中,文",
    ]
    hours = ["2.5", "3", "0", "25", "24", "-1", "abc", '"4"', "null", "2.55", "3.0", "03", "1e1"]
    hours += [" 3", "'3'", "24.0", "0.5", ".5", "3.", "~", "2.50", "1_0"]

    slips = rng.random() < 0.4  # else a file as the importer writes it, quirks but no slip

    def value(choices: list[str]) -> str:
        if not slips and rng.random() < 0.8:
            return choices[0]  # a good value
        return rng.choice(odd if slips and rng.random() < 0.08 else choices)

    fields = {
        "title": lambda: value(words),
        "union": lambda: value(["zhongshan", "xigang", "中"]),
        "date": lambda: value(
            ["2014-01-01", "2014-1-1", "2014-02-30", "2026-12-01", "2014-01-01 "]
        ),
        "place": lambda: value(words),
        "hours": lambda: value(hours),
        "project": lambda: value(["p1", "null", "p-2"]),
        "note": lambda: value(words),
    }
    keys = ["title", "union", "date", "place", "hours"]
    keys += rng.sample(["project", "note", "note", "title", "zz"], rng.randint(0, 2))
    rng.shuffle(keys)
    keys.insert(rng.randint(0, len(keys)), "participants")
    lines = ["# 志愿服务活动"] if rng.random() < 0.5 else []
    indent = rng.choice(["  ", "  ", "", "    "])
    for key in keys:
        if key != "participants":
            text = fields.get(key, lambda: "x")()
            lines.append(f"{key}: {text}" if text or rng.random() < 0.5 else f"{key}:")
            continue
        lines.append(rng.choice(["participants:"] * 8 + ["participants: ", "participants:  "]))
        lines[-1] = lines[-1] if slips else "participants:"
        for _ in range(rng.choice([0, 1, 2, 5, 40])):
            pid = rng.choice([*IDS, f'"{rng.choice(IDS)}"', f"'{rng.choice(IDS)}'", "中文"])
            pid = pid if slips or rng.random() < 0.1 else f"r{rng.randint(0, 3000)}"
            shape = rng.random()
            if shape < 0.7 or (not slips and shape < 0.85):
                lines.append(f"{indent}- {pid}")
            elif shape < 0.85 or not slips:
                extra = rng.choice(["", f", hours: {rng.choice(hours)}", ", id: r9", ", null: 1"])
                extra = rng.choice([extra, extra, ",hours: 2", ", hours: {x: 1}", ", x: 1"])
                extra = extra if slips else rng.choice(["", f", hours: {rng.choice(hours)}"])
                lines.append(f"{indent}- {{id: {pid}{extra}}}")
            elif shape < 0.9:
                lines += [f"{indent}- id: {pid}", f"{indent}  hours: {rng.choice(hours)}"]
            else:
                lines.append(
                    rng.choice(
                        [
                            "",
                            "# 注",
                            "  # 注",
                            f"{indent}- {pid} # 注",
                            f"{indent}-{pid}",
                            f"{indent}  - {pid}",
                            f"{indent}- - {pid}",
                            f"{indent}- [{pid}]",
                            f"{indent}- {pid}  ",
                            f"{indent}-  {pid}",
                            f"{indent}- {{id: {pid}}} ",
                            f"  {pid}",
                            "---",
                            "...",
                            "\t- r1",
                            f"{indent}- {pid}\r",
                        ]
                    )
                )
    text = "\n".join(lines)
    return text if rng.random() < 0.1 else text + "\n"


def test_random_files_read_as_yaml_reads_them() -> None:
    rng = random.Random(1717)
    read = 0
    for _ in range(6000):
        text = random_text(rng)
        data = flatactivity.parse_activity(text)
        if data is None:
            continue
        read += 1
        assert data == reference(text), text
        assert data == usual(text), text
    assert read > 1500  # the cheaper way is not a no-op here


ODD = [
    "title: 走访\nparticipants:\n  - {id: r1, id: r2}\n",  # a key twice
    "title: 走访\nparticipants:\n  - {id: r1, null: 2}\n",  # a null key
    "title: 走访\nparticipants:\n  - r1 # 注\n",  # a comment after an id
    "title: 走访\nparticipants:\n  - r1\n    r2\n",  # a plain id going on to the next line
    "title: 走访\nparticipants:\n  - id: r1\n    hours: 3\n",  # a block mapping
    "title: 走访\nparticipants:\n  - {id: r1}\n    hours: 3\n",  # more under a flow mapping
    "title: 走访\nparticipants:\n  - r1\n - r2\n",  # indented otherwise
    'title: "走访\\t"\nparticipants:\n  - r1\n',  # an escape
    "title: 走访\r\nparticipants:\n  - r1\n",  # a carriage return
    "title: 走访 # 注\nparticipants:\n  - r1\n",  # a comment after a value
    "title: 走访: 二\nparticipants:\n  - r1\n",  # a colon in plain text
    "title: &a 走访\nplace: *a\nparticipants:\n  - r1\n",  # an anchor and an alias
    "title: 走访\nnull: 1\nparticipants:\n  - r1\n",  # a null key
    "title: 走访\ntitle: 二\nparticipants:\n  - r1\n",  # a key twice
    "---\ntitle: 走访\n",  # a document marker
    "title: [走访, 二]\n",  # a flow list
    "title: 走访\n  二\n",  # plain text going on to the next line
    "title: 走访\ufeff\n",  # a byte-order mark inside
    "title: 走访\u2028二\n",  # a line separator
]


@pytest.mark.parametrize("text", ODD)
def test_odd_files_go_the_usual_way(text: str) -> None:
    assert flatactivity.parse_activity(text) is None
    assert flatactivity.parse_activity(text.replace("r1", "r3")) is None


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (
            "# 活动\ntitle: 入户走访3\nhours: 3.0\nparticipants:\n  - {id: r1, hours: 0}\n"
            '  - "r2"\n\n# 下午\n  - null\n  - {id: "r3 ", hours: "25"}\n  - r4\nnote:',
            {
                "title": "入户走访3",
                "hours": "3.0",
                "participants": [
                    {"id": "r1", "hours": "0"},
                    "r2",
                    None,
                    {"id": "r3 ", "hours": "25"},
                    "r4",
                ],
                "note": None,
            },
        ),
        (
            'participants:\n- r1\n- "null"\nhours: 03\n',
            {"participants": ["r1", "null"], "hours": "03"},
        ),
        (
            "title: '中 文'\nparticipants:\nhours: 1e1\n",
            {"title": "中 文", "participants": None, "hours": "1e1"},
        ),
    ],
)
def test_plain_files_are_read(text: str, data: dict[str, Any]) -> None:
    assert flatactivity.parse_activity(text) == data == reference(text) == usual(text)


def _validated(data: dict[str, Any]) -> Activity | str:
    try:
        return Activity.model_validate(data)
    except ValidationError:
        return REFUSED


def _same(fast: Activity, full: Activity) -> None:
    assert fast == full
    assert repr(fast) == repr(full)  # the same Decimal exponents, the same types
    assert fast.model_fields_set == full.model_fields_set
    for a, b in zip(fast.participants, full.participants, strict=True):
        assert repr(a) == repr(b) and a.model_fields_set == b.model_fields_set


def test_the_builder_gives_the_validated_model_or_leaves_it() -> None:
    rng = random.Random(17)
    build = flatactivity.Builder()  # one for all: participants are shared between activities
    built = 0
    for _ in range(3000):
        data = flatactivity.parse_activity(random_text(rng)) or reference(random_text(rng))
        if not isinstance(data, dict):
            continue
        data.setdefault("id", rng.choice(["a1", "a1", "A1", "a 1"]))
        if rng.random() < 0.05:
            data["participants"] = rng.choice([("r1",), [1], ["r1", 2], [["r1"]], "r1", [" r1"]])
        fast, full = build(dict(data)), _validated(data)
        if fast is None:
            continue
        built += 1
        assert not isinstance(full, str), data
        _same(fast, full)
    assert built > 150


def test_the_builder_refuses_what_validation_refuses() -> None:
    base = {"id": "a1", "title": "走访", "union": "u", "date": "2014-01-01", "place": "p"}
    build = flatactivity.Builder()
    for hours in ["0", "25", "-1", "2.55", "abc", None, "3.0", "24", "1e1", " 3", "0.5"]:
        for parts in (
            ["r1", "r2"],
            ["r1", "r1"],
            ["r1", " r1"],
            [],
            [{"id": "r1", "hours": hours}],
        ):
            data = {**base, "hours": hours, "participants": parts}
            fast, full = build(data), _validated(data)
            if isinstance(full, str):
                assert fast is None, data  # left to the usual way, which reports it
            elif fast is not None:
                _same(fast, full)
    assert build({**base, "hours": "3", "participants": ["r1", "r1"]}) is None


def test_the_loader_gives_the_same_errors_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole folders of random activity files: the same documents, models and messages with
    and without the cheaper ways."""
    from generator.core import validate

    rng = random.Random(99)
    folder = tmp_path / "data" / "activities"
    folder.mkdir(parents=True)
    for n in range(400):
        # No tab: libyaml reads a tab after a value that the line map's parser refuses (a
        # failure of the usual way too, left to the loader).
        text = random_text(rng).replace("\t", " ")
        (folder / f"a{n:03d}.yml").write_text(text, encoding="utf-8")

    def outcome() -> tuple[Any, ...]:
        ld = validate._Loader(tmp_path)
        models = ld.folder(Activity, "activities", flatactivity.read, flatactivity.Builder())
        plain = validate._Loader(tmp_path)
        usual_models = plain.folder(Activity, "activities")
        return (
            [(repr(m), d.data) for m, d in models],
            [(repr(m), d.data) for m, d in usual_models],
            ld.report.errors,
            plain.report.errors,
            ld.broken,
            plain.broken,
        )

    fast_models, plain_models, fast_errors, plain_errors, fast_broken, plain_broken = outcome()
    assert fast_models == plain_models
    assert fast_errors == plain_errors
    assert fast_broken == plain_broken
    assert len(fast_models) > 50 and len(fast_errors) > 50


def test_messages_of_refused_activities_name_their_lines() -> None:
    """A file the builder leaves is validated the usual way, with lines from the text."""
    text = "title: 走访\nunion: u\ndate: 2014-01-01\nplace: p\nhours: 3\nparticipants:\n  - r1\n  - r1\n"
    data = flatactivity.parse_activity(text)
    assert data is not None and flatactivity.Builder()({**data, "id": "a1"}) is None
    doc = loader.Document("data/activities/a1.yml", data, text)
    with pytest.raises(ValidationError) as exc:
        Activity.model_validate({**data, "id": "a1"})
    errors = from_validation_error(doc, exc.value)
    assert [(e.line, e.field) for e in errors] == [(6, "participants")]
