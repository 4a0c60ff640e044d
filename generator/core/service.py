"""Service hours as sums (per union, per project, per person, in total): what the site and
`volunteers hours` show. Never a name: only counts and hours (pure)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .activities import Activity, hours_text


@dataclass
class Sum:
    """Hours and person-times (人次) of a set of participations, and the people counted."""

    hours: Decimal = Decimal(0)
    times: int = 0
    activities: int = 0
    people: set[str] = field(default_factory=set)

    def add(self, activity: Activity) -> None:
        self.activities += 1
        for pid, hours in activity.served():
            self.hours += hours
            self.times += 1
            self.people.add(pid)

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    def public(self) -> dict[str, object]:
        """For open data: numbers only (hours as a number with at most one decimal)."""
        hours = float(self.hours) if self.hours % 1 else int(self.hours)
        return {"hours": hours, "person_times": self.times, "activities": self.activities}


@dataclass(frozen=True)
class ActivityLine:
    """One activity as a project page shows it: no names."""

    day: date
    title: str
    place: str
    volunteers: int
    hours: str


def in_period(activities: list[Activity], start: date | None, end: date | None) -> list[Activity]:
    return [
        a
        for a in activities
        if (start is None or a.date >= start) and (end is None or a.date <= end)
    ]


def by_union(activities: list[Activity]) -> dict[str, Sum]:
    out: dict[str, Sum] = defaultdict(Sum)
    for activity in activities:
        out[activity.union].add(activity)
    return dict(out)


def total(activities: list[Activity]) -> Sum:
    out = Sum()
    for activity in activities:
        out.add(activity)
    return out


def project_lines(activities: list[Activity], project_id: str) -> list[ActivityLine]:
    """A project's activities, latest first."""
    lines = [
        ActivityLine(
            a.date,
            a.title,
            a.place,
            len(a.participants),
            hours_text(sum((h for _, h in a.served()), Decimal(0))),
        )
        for a in activities
        if a.project == project_id
    ]
    return sorted(lines, key=lambda line: (line.day, line.title), reverse=True)


def person_hours(activities: list[Activity]) -> dict[str, Decimal]:
    """Record id → total hours."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for activity in activities:
        for pid, hours in activity.served():
            out[pid] += hours
    return dict(out)
