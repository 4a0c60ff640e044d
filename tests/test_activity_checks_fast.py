"""The leaner activity checks (check_activities), the privacy scan over lists of ids and the
collector paused while loading: the same errors as the code they replaced, kept here as the
reference, on random data sets."""

from __future__ import annotations

import gc
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml

from generator.core import loader
from generator.core.activities import Activity, Person, check_activities
from generator.core.datascan import scan_documents
from generator.core.errors import DataErrors, Report
from generator.core.identity import find_personal_numbers
from generator.core.messages import field_path
from generator.core.records import RecordStatus
from tests.records_factory import make_id, make_mobile


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
