"""The cheaper ways of loading records (the flat first pass for hand-written activities, the
personal-number check that skips texts too short to hold a number) accept and refuse exactly what
the full ways do, with the same messages."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import ValidationError

from generator.core import flatyaml, loader
from generator.core.activities import Activity
from generator.core.errors import DataErrors
from generator.core.identity import SHORTEST_NUMBER, find_personal_numbers, may_hold_personal_number
from generator.core.messages import from_validation_error
from generator.core.records import Registration, _exempt, _texts
from tests.records_factory import make_id, make_mobile, registration

RID = "20120704t085300-h1a2b3c4d"


def _quick(text: str) -> object:
    try:
        return loader._quick(text)
    except Exception as exc:  # the quick way refuses it: the first pass must refuse it too
        return ("refused", type(exc).__name__)


def _activity(rng: random.Random) -> str:
    """An activity file as staff write it by hand: plain Chinese, bare ids, `{id, hours}`, with
    now and then a slip that YAML reads otherwise or refuses."""
    good, odd = (
        ["入户走访", "社区", "义诊", "a1", "中a"],
        ["12", "送温暖 2", "中 #注", "中:文", "中，文"],
    )
    hours = ["2.5", "3", "0", "25", "-1", "abc", '"4"', "null", "2.55"]

    def word() -> str:
        return rng.choice(odd if rng.random() < 0.05 else good)

    lines = [
        "# 志愿服务活动",
        f"title: {word()}{word()}",
        "union: zhongshan",
        f"date: 2014-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        f"place: {word()}",
        f"hours: {rng.choice(hours)}",
        "participants:",
    ]
    for n in range(rng.randint(0, 5)):
        pid = rng.choice([f"r{n}", RID, f'"{RID}"', "null", "中文", "r1"])
        shape = rng.random()
        if shape < 0.4:
            lines.append(f"  - {pid}")
        elif shape < 0.8:
            extra = rng.choice(
                ["", f", hours: {rng.choice(hours)}", f", hours: {rng.choice(hours)}"]
            )
            extra = rng.choice([", id: r9", ",hours: 2"]) if rng.random() < 0.05 else extra
            lines.append(f"  - {{id: {pid}{extra}}}")
        elif shape < 0.82:
            lines.append(f"  - {{id: {pid}, hours: {{x: 1}}}}")
        else:
            lines += [f"  - id: {pid}", f"    hours: {rng.choice(hours)}"]
    if rng.random() < 0.05:
        lines.append(rng.choice(["note: 中文 说明", "note: [中, a]", "note:", "  bad: 1"]))
    return "\n".join(lines) + "\n"


def _messages(doc: loader.Document) -> list[tuple[str, int | None, str, str]] | str:
    data = doc.data
    if not isinstance(data, dict):
        return "not a mapping"
    try:
        Activity.model_validate({**data, "id": "a1"})
    except ValidationError as exc:
        return [(e.path, e.line, e.field, e.message) for e in from_validation_error(doc, exc)]
    return []


def test_hand_written_activities_read_as_the_full_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first pass reads each file as libyaml does, or leaves it; what the loader makes of
    it (data, then every validation message with its line) is the same either way."""
    rng = random.Random(17)
    texts = [_activity(rng) for _ in range(1500)]
    flat = [flatyaml.parse_flat(text) for text in texts]
    for text, data in zip(texts, flat, strict=True):
        if data is not None:
            assert data == _quick(text), text
    assert sum(d is not None for d in flat) > 500  # the first pass is not a no-op here
    fast = [_outcome(text) for text in texts]
    monkeypatch.setattr(loader, "parse_flat", lambda text: None)
    for text, outcome in zip(texts, fast, strict=True):
        assert outcome == _outcome(text), text


def _outcome(text: str) -> object:
    """What the loader makes of an activity file: the data and every validation message with
    its line, or the messages of a file it refuses."""
    try:
        doc = loader.parse(text, "data/activities/a1.yml")
    except DataErrors as exc:
        return [str(e) for e in exc.errors]
    return doc.data, _messages(doc)


@pytest.mark.parametrize(
    "line",
    [
        "  - {id: r1, id: r2}",  # a key twice: libyaml keeps the last, the loader refuses
        '  - {id: "r1: x"}',  # a colon inside a quoted value
        "  - {id: r1,hours: 2}",  # no space after the comma
        "  - {id: {x: 1}}",  # nested
        "  - {}",
        "  - {id: r1}\n    hours: 2",  # more under a flow mapping
        "  - 中 文",  # a space in plain Chinese
    ],
)
def test_odd_flow_entries_go_the_usual_way(line: str) -> None:
    text = f"title: 走访\nparticipants:\n{line}\n"
    assert flatyaml.parse_flat(text) is None


def test_the_flow_entry_and_plain_chinese_are_read() -> None:
    text = f"title: 入户走访3\nparticipants:\n  - {{id: {RID}, hours: 3}}\n  - r2\n"
    assert flatyaml.parse_flat(text) == {
        "title": "入户走访3",
        "participants": [{"id": RID, "hours": "3"}, "r2"],
    }


def _number(rng: random.Random, n: int) -> str:
    """A personal number made at run time, written one of the ways people write it."""
    whole = make_id(n) if rng.random() < 0.5 else make_mobile(n)
    style = rng.random()
    if style < 0.3:
        return whole
    if style < 0.6:
        return " ".join(whole[i : i + 4] for i in range(0, len(whole), 4))
    if style < 0.8:
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in whole)  # full width
    return whole[:3] + "-" + whole[3:7] + "\u200b" + whole[7:]


def test_only_texts_too_short_for_a_number_are_skipped() -> None:
    """The check reads fewer texts, and says the same of every record: the texts it skips are
    shorter than any match of the gate, and "|" joins none of the others into one."""
    rng = random.Random(11)
    record = registration("zhongshan", 3, ("unit",)).model_dump(mode="json")
    fields = ["name", "employer", "skills", "resume", "warnings", "opinions"]
    seen = {"refused": 0, "accepted": 0}
    for n in range(600):
        data: dict[str, Any] = dict(record)
        for key in rng.sample(fields, 3):
            pieces = [rng.choice(["工会", "12", "0411", "2012-07-04", "a", "：", "139"])]
            if rng.random() < 0.3:
                pieces.append(_number(rng, n))
            text = "".join(rng.sample(pieces, len(pieces)))[: rng.randint(1, 40)]
            if key == "warnings":
                data[key] = [text]
            elif key == "opinions" and data["opinions"]:
                data[key] = [{**data["opinions"][0], "note": text}]
            else:
                data[key] = text
        texts = [t for k, v in data.items() if not _exempt(k, v) for t in _texts(v)]
        found = any(find_personal_numbers(t) for t in texts)
        assert may_hold_personal_number("|".join(texts)) == may_hold_personal_number(
            "|".join(t for t in texts if len(t) >= SHORTEST_NUMBER)
        )
        try:
            Registration.model_validate(data)
        except ValidationError as exc:
            numbers = [e for e in exc.errors() if "身份证号或手机号" in str(e.get("msg"))]
            assert bool(numbers) == found, data
            seen["refused" if numbers else "accepted"] += 1
        else:
            assert not found, data
            seen["accepted"] += 1
    assert min(seen.values()) > 50  # both verdicts were reached
