"""Service activities (data/activities/<id>.yml): the schema and the checks against the
registrations, projects and unions they name (pure, given the loaded records)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import chain
from operator import attrgetter
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from .errors import Report
from .loader import Document
from .models import LongText, Model, Recognition, Ref, Slug, Text
from .records import RecordStatus

Hours = Annotated[Decimal, Field(gt=0, le=24, decimal_places=1)]
"""Service hours of one person in one activity: more than 0, at most 24, to one decimal."""
DAY_LIMIT = Decimal(24)
"""No one serves more than 24 hours on one day, summed across activities."""


class Participant(Model):
    """A participant named by registration record id, with hours other than the activity's."""

    id: Ref
    hours: Hours | None = None


def _as_mapping(value: object) -> object:
    """A bare record id is `{id: …}` with the activity's hours."""
    return {"id": value} if isinstance(value, str) else value


class Activity(Model):
    """One service activity (志愿服务活动): who served, where, when, for how long."""

    id: Slug
    title: Text
    """What was done (服务内容), shown on certificates."""
    project: Ref | None = None
    """The service project (data/projects/<id>.yml) it belongs to, if any."""
    union: Ref
    """The union that organised it; its page counts the hours."""
    date: date
    place: Text
    hours: Hours
    """Each participant's hours unless the participant says otherwise."""
    participants: list[Annotated[Participant, BeforeValidator(_as_mapping)]] = Field(min_length=1)
    """Registration record ids (approved at city level), or `{id, hours}`."""
    note: LongText | None = None

    @field_validator("participants")
    @classmethod
    def _no_repeats(cls, value: list[Participant]) -> list[Participant]:
        seen: set[str] = set()
        for pid in (p.id for p in value):
            if pid in seen:
                raise ValueError(f"参加者 “{pid}” 重复列出")
            seen.add(pid)
        return value

    def served(self) -> list[tuple[str, Decimal]]:
        """(record id, hours) for each participant."""
        return [(p.id, p.hours or self.hours) for p in self.participants]


@dataclass(frozen=True)
class Person:
    """What the activity checks need of a registration: its status and city approval date."""

    union: str
    status: str
    approved_on: date | None


def hours_text(value: Decimal) -> str:
    """12, 12.5 (never 12.0 or 1E+1)."""
    text = f"{value.normalize():f}"
    return text


_ID = attrgetter("id")


def participant_ids(activities: Iterable[Activity]) -> frozenset[str]:
    """The record ids of every participant."""
    return frozenset(chain.from_iterable(map(_ID, a.participants) for a in activities))


def check_activities(
    activities: list[tuple[Activity, Document]],
    people: dict[str, Person],
    unions: set[str],
    projects: set[str],
    broken: set[str],
    today: date,
    report: Report,
) -> None:
    """Every activity against the data set: known union and project, known participants
    approved at city level on or before the activity, not in the future, and no one serving
    more than 24 hours on one day across activities (`activities` are validated: no one has
    more than 24 hours in one of them, so only a day that names someone twice is summed)."""
    cleared = {
        pid: person.approved_on
        for pid, person in people.items()
        if person.status == RecordStatus.approved and person.approved_on is not None
    }
    per_day: dict[date, list[tuple[Activity, list[str]]]] = defaultdict(list)
    for activity, doc in activities:
        if activity.union not in unions and activity.union not in broken:
            report.error(doc.path, doc.line(("union",)), "union", f"未知的工会 “{activity.union}”")
        if activity.project is not None and activity.project not in projects | broken:
            report.error(
                doc.path,
                doc.line(("project",)),
                "project",
                f"未知的服务项目 “{activity.project}”（见 data/projects/）",
            )
        if activity.date > today:
            report.error(
                doc.path, doc.line(("date",)), "date", f"活动日期 {activity.date} 晚于今天 {today}"
            )
        ids = list(map(_ID, activity.participants))
        approved = list(map(cleared.get, ids))
        if approved and None not in approved and max(approved) <= activity.date:  # type: ignore[type-var,operator]
            per_day[activity.date].append((activity, ids))  # every one known and cleared
            continue
        counted = []
        for i, pid in enumerate(ids):
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
            if problem is not None:  # the line map is worked out only for a file with an error
                line = doc.line(("participants", i))
                report.error(doc.path, line, f"participants[{pid}]", problem)
            if person is not None and person.approved_on is not None:
                counted.append(pid)
        per_day[activity.date].append((activity, counted))
    over = _days_over(per_day)
    if over:
        _over_a_day(activities, over, report)


def _days_over(
    per_day: dict[date, list[tuple[Activity, list[str]]]],
) -> dict[tuple[str, date], Decimal]:
    """(record id, day) → hours, where someone's hours of one day add up to more than 24."""
    over: dict[tuple[str, date], Decimal] = {}
    for day, entries in per_day.items():
        if len(entries) < 2:
            continue
        named = [pid for _, ids in entries for pid in ids]
        if len(set(named)) == len(named):
            continue
        twice = {pid for pid, n in Counter(named).items() if n > 1}
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for activity, ids in entries:
            counted = set(ids) & twice
            for pid, hours in activity.served():
                if pid in counted:
                    sums[pid] += hours
        over.update({(pid, day): total for pid, total in sums.items() if total > DAY_LIMIT})
    return over


def _over_a_day(
    activities: list[tuple[Activity, Document]],
    over: dict[tuple[str, date], Decimal],
    report: Report,
) -> None:
    """Each place where someone's day adds up to more than 24 hours, naming the other files."""
    entries: dict[tuple[str, date], list[tuple[Document, int]]] = defaultdict(list)
    for activity, doc in activities:
        for i, (pid, _) in enumerate(activity.served()):
            if (pid, activity.date) in over:
                entries[(pid, activity.date)].append((doc, i))
    for (pid, day), places in entries.items():
        total = over[(pid, day)]
        files = "、".join(d.path for d, _ in places)
        for doc, i in places:
            loc = ("participants", i)
            report.error(
                doc.path,
                doc.line(loc),
                f"participants[{pid}]",
                f"登记 “{pid}” 在 {day} 的服务时长合计 {hours_text(total)} 小时，超过 24 小时（{files}）",
            )


def check_cited(
    recognition: Recognition, doc: Document, people: dict[str, Person], report: Report
) -> None:
    """A recognition that names a registration: an individual's, approved at city level."""
    rid = recognition.registration
    if rid is None:
        return
    line = doc.line(("registration",))
    person = people.get(rid)
    if recognition.kind.value != "individual":
        report.error(doc.path, line, "registration", "只有个人表彰可以指明登记编号")
    elif person is None:
        report.error(doc.path, line, "registration", f"未知的登记编号 “{rid}”")
    elif person.status != "approved":
        report.error(doc.path, line, "registration", f"登记 “{rid}” 尚未经市总工会同意")
