"""The cheaper way through activity files (flatactivity.py), the leaner activity checks and the
privacy scan over lists of ids give exactly what the usual ways give: the same data, the same
model, the same errors with the same lines, on random files full of slips and on odd ones."""

from __future__ import annotations

import gc
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.core import flatactivity, loader
from generator.core.activities import Activity, Person, check_activities
from generator.core.datascan import scan_documents
from generator.core.errors import DataErrors, Report
from generator.core.identity import find_personal_numbers
from generator.core.messages import field_path, from_validation_error
from generator.core.records import RecordStatus
from tests.records_factory import make_id, make_mobile

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


def _old_check(
    activities: list[tuple[Activity, loader.Document]],
    people: dict[str, Person],
    unions: set[str],
    projects: set[str],
    broken: set[str],
    today: date,
    report: Report,
) -> None:
    """check_activities as it was before the participants went in bulk (the reference)."""
    from generator.core.activities import DAY_LIMIT, _over_a_day

    per_day: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for activity, doc in activities:
        if activity.union not in unions and activity.union not in broken:
            report.error(doc.path, doc.line(("union",)), "union", f"未知的工会 “{activity.union}”")
        if activity.project is not None and activity.project not in projects | broken:
            report.error(
                doc.path, doc.line(("project",)), "project",
                f"未知的服务项目 “{activity.project}”（见 data/projects/）",
            )  # fmt: skip
        if activity.date > today:
            report.error(
                doc.path, doc.line(("date",)), "date", f"活动日期 {activity.date} 晚于今天 {today}"
            )
        for i, (pid, hours) in enumerate(activity.served()):
            person = people.get(pid)
            problem = None
            if person is None:
                problem = None if pid in broken else f"未知的登记编号 “{pid}”"
            elif person.status == RecordStatus.pending:
                problem = f"登记 “{pid}” 尚未经市总工会同意，不能记录服务时长"
            elif person.status != RecordStatus.approved or person.approved_on is None:
                label = RecordStatus(person.status).label
                problem = f"登记 “{pid}” 的状态为{label}，不能记录服务时长"
            elif activity.date < person.approved_on:
                problem = (
                    f"活动日期 {activity.date} 早于登记 “{pid}” "
                    f"经市总工会同意的日期 {person.approved_on}"
                )
            if problem is not None:
                report.error(
                    doc.path, doc.line(("participants", i)), f"participants[{pid}]", problem
                )
            if person is None or person.approved_on is None:
                continue
            per_day[(pid, activity.date)] += hours
    over = {key: total for key, total in per_day.items() if total > DAY_LIMIT}
    if over:
        _over_a_day(activities, over, report)


def test_activity_checks_report_what_they_reported_before() -> None:
    rng = random.Random(24)
    statuses = [s.value for s in RecordStatus]
    for _ in range(150):
        pids = [f"r{n}" for n in range(rng.randint(2, 12))]
        people = {
            pid: Person(
                "u1",
                status := rng.choice(statuses + ["approved"] * 4),
                rng.choice([date(2014, 1, 1), date(2014, 1, 3), None])
                if status == "approved" or rng.random() < 0.1
                else None,
            )
            for pid in pids
            if rng.random() < 0.9
        }
        activities = []
        for n in range(rng.randint(1, 8)):
            chosen = rng.sample([*pids, "gone", "broken"], rng.randint(1, len(pids)))
            lines = [
                f"  - {{id: {p}, hours: {rng.choice(['3', '12', '20', '24'])}}}"
                if rng.random() < 0.3
                else f"  - {p}"
                for p in chosen
            ]
            text = (
                f"title: 走访\nunion: {rng.choice(['u1', 'u2'])}\ndate: 2014-01-0{rng.randint(1, 4)}\n"
                f"place: 社区\nhours: {rng.choice(['2', '10', '13.5'])}\nparticipants:\n"
                + "\n".join(lines) + "\n"
            )  # fmt: skip
            doc = loader.parse(text, f"data/activities/a{n}.yml")
            activity = Activity.model_validate({**doc.data, "id": f"a{n}"})
            activities.append((activity, doc))
        args = (people, {"u1"}, set(), {"broken"}, date(2014, 1, 3))
        old, new = Report(), Report()
        _old_check(activities, *args, old)
        check_activities(activities, *args, new)
        assert new.errors == old.errors


def _old_scan(docs: list[loader.Document], report: Report, known: set[str]) -> None:
    """scan_documents as it was (every value walked by one generator each)."""

    def strings(value: Any, loc: loader.Loc) -> Any:
        if isinstance(value, str):
            yield loc, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from strings(item, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from strings(item, (*loc, i))

    for doc in docs:
        for loc, text in strings(doc.data, ()):
            if text in known or not (found := find_personal_numbers(text)):
                continue
            field = field_path(doc, loc)
            report.error(doc.path, doc.line(loc), field, str([f.masked for f in found]))


def test_the_privacy_scan_finds_what_it_found_before(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    secrets = [make_id(n) for n in range(3)] + [make_mobile(n) for n in range(3)]
    pool = ["r1", "r2", "走访", "电话 " + secrets[3], *secrets]

    def value(depth: int) -> Any:
        roll = rng.random()
        if depth > 2 or roll < 0.5:
            return rng.choice([*pool, None, 1])
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice(["id", "note", "hours"]): value(depth + 1) for _ in range(2)}

    docs = []
    for n in range(300):
        data = {"title": value(0), "participants": [value(1) for _ in range(rng.randint(0, 6))]}
        docs.append(loader.Document(f"data/activities/a{n}.yml", data, yaml.safe_dump(data)))
    known = {"r1", secrets[0]}
    old, new = Report(), Report()
    _old_scan(docs, old, known)
    scan_documents(docs, new, known)
    assert [(e.path, e.line, e.field) for e in new.errors] == [
        (e.path, e.line, e.field) for e in old.errors
    ]
    assert new.errors


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


def test_the_collector_is_paused_only_while_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.core.gcpause import without_gc

    seen = []

    @without_gc
    def load(fail: bool) -> int:
        seen.append(gc.isenabled())
        if fail:
            raise DataErrors([])
        return 1

    assert gc.isenabled()
    assert load(False) == 1
    with pytest.raises(DataErrors):
        load(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()  # paused by someone else: left paused
    try:
        load(False)
        assert not gc.isenabled()
    finally:
        gc.enable()
