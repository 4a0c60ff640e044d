"""The register of issued 志愿服务记录证明 (data/certificates.yml): its schema, its checks, the
next number, and a person's service in a period (pure). No personal number goes in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .activities import Activity, hours_text
from .errors import Report
from .loader import Document
from .messages import field_path
from .models import Model, Ref, Text

REGISTER = "data/certificates.yml"
NUMBER = re.compile(r"^([\u4e00-\u9fff]{1,8})〔([0-9]{4})〕第([0-9]{4,6})号$")
Number = Annotated[str, StringConstraints(pattern=NUMBER.pattern)]
Total = Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=1)]


class Certificate(Model):
    """One issued certificate, as registered (编号、登记编号、服务期间、时长、出具日期、出具单位)."""

    number: Number
    """大工志证〔2026〕第0001号: unique for ever, never reused."""
    record: Ref
    """The registration record id (not the person's ID number)."""
    start: date
    end: date
    hours: Total
    """Total service hours in the period, as printed."""
    issued: date
    issuer: Text
    handler: Text
    """经办人."""
    copies: list[date] = []
    """Dates a copy (副本) was issued with the same number."""

    @model_validator(mode="after")
    def _period(self) -> Certificate:
        if self.end < self.start:
            raise ValueError(f"服务期间的结束日期 {self.end} 早于开始日期 {self.start}")
        return self


class Register(Model):
    certificates: list[Certificate] = []


def check_register(register: Register, doc: Document, known: set[str], report: Report) -> None:
    """Numbers unique, record ids known."""
    seen: set[str] = set()
    for i, cert in enumerate(register.certificates):
        loc = ("certificates", i)
        if cert.number in seen:
            report.error(
                doc.path, doc.line((*loc, "number")), field_path(doc, (*loc, "number")),
                f"证明编号 “{cert.number}” 重复：编号永不重复使用",
            )  # fmt: skip
        seen.add(cert.number)
        if cert.record not in known:
            report.error(
                doc.path, doc.line((*loc, "record")), field_path(doc, (*loc, "record")),
                f"未知的登记编号 “{cert.record}”",
            )  # fmt: skip


def next_number(register: Register, prefix: str, year: int) -> str:
    """One past the highest number of `year` ever registered with this prefix."""
    used = [
        int(m[3])
        for c in register.certificates
        if (m := NUMBER.match(c.number)) and m[1] == prefix and int(m[2]) == year
    ]
    return f"{prefix}〔{year}〕第{max(used, default=0) + 1:04d}号"


@dataclass(frozen=True)
class ServiceLine:
    """One activity on a certificate."""

    day: date
    title: str
    place: str
    hours: Decimal

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)


def service_of(
    activities: list[Activity], record_id: str, start: date | None, end: date | None
) -> list[ServiceLine]:
    """The person's activities in [start, end], by date."""
    lines = []
    for activity in activities:
        if (start and activity.date < start) or (end and activity.date > end):
            continue
        for pid, hours in activity.served():
            if pid == record_id:
                lines.append(ServiceLine(activity.date, activity.title, activity.place, hours))
    return sorted(lines, key=lambda s: (s.day, s.title))
