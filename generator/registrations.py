"""Intake records under data/registrations/ and data/proposals/: loaded, validated against the
data set, and counted. Only counts reach the site."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from . import loader
from .errors import DataErrors, Report
from .loader import Document
from .messages import field_path, from_validation_error
from .records import Proposal, RecordStatus, Registration
from .review import derive_status, order_problem

REGISTRATIONS = "data/registrations"
PROPOSALS = "data/proposals"


@dataclass
class Records:
    registrations: list[tuple[Registration, Document]] = field(default_factory=list)
    proposals: list[tuple[Proposal, Document]] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """Union id → status → number of registrations."""
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for record, _ in self.registrations:
            out[record.union][record.status.value] += 1
        return {union: dict(c) for union, c in out.items()}


def registration_files(root: Path) -> Iterator[Path]:
    yield from sorted((root / REGISTRATIONS).glob("*/*.yml"))


def _read(file: Path, root: Path, report: Report) -> Document | None:
    try:
        return loader.read(file, root)
    except DataErrors as exc:
        report.errors.extend(exc.errors)
        return None


def _validate(cls: type[Registration] | type[Proposal], doc: Document, report: Report):  # type: ignore[no-untyped-def]
    if not isinstance(doc.data, dict):
        report.error(doc.path, 1, "", "应为键值映射（字段: 值）")
        return None
    try:
        return cls.model_validate(doc.data)
    except ValidationError as exc:
        report.errors.extend(from_validation_error(doc, exc))
        return None


def load_records(root: Path, unions: set[str], categories: set[str], report: Report) -> Records:
    """Every registration and proposal, checked: file name = id, folder = union, references
    known, opinions in the form's order, status as the opinions say."""
    records = Records()
    for file in registration_files(root):
        doc = _read(file, root, report)
        record = _validate(Registration, doc, report) if doc else None
        if record is None or doc is None:
            continue
        _check_common(doc, record.id, file, report)
        if record.union != file.parent.name:
            report.error(
                doc.path,
                doc.line(("union",)),
                "union",
                f"工会 “{record.union}” 与所在文件夹 “{file.parent.name}” 不一致",
            )
        if record.union not in unions:
            report.error(doc.path, doc.line(("union",)), "union", f"未知的工会 “{record.union}”")
        for i, category in enumerate(record.categories):
            if category not in categories:
                loc = ("categories", i)
                report.error(
                    doc.path, doc.line(loc), field_path(doc, loc), f"未知的服务类别 “{category}”"
                )
        problem = order_problem(record.opinions)
        if problem:
            report.error(doc.path, doc.line(("opinions",)), "opinions", problem)
        elif record.status != RecordStatus.withdrawn and record.status != derive_status(
            record.opinions
        ):
            expected = derive_status(record.opinions)
            report.error(
                doc.path,
                doc.line(("status",)),
                "status",
                f"状态应为 {expected.value}（{expected.label}，由各级意见得出），实际为 {record.status.value}",
            )
        records.registrations.append((record, doc))
    for file in sorted((root / PROPOSALS).glob("*.yml")):
        doc = _read(file, root, report)
        proposal = _validate(Proposal, doc, report) if doc else None
        if proposal is None or doc is None:
            continue
        _check_common(doc, proposal.id, file, report)
        if proposal.union is not None and proposal.union not in unions:
            report.error(doc.path, doc.line(("union",)), "union", f"未知的工会 “{proposal.union}”")
        if proposal.category not in categories:
            report.error(
                doc.path,
                doc.line(("category",)),
                "category",
                f"未知的服务类别 “{proposal.category}”",
            )
        records.proposals.append((proposal, doc))
    return records


def _check_common(doc: Document, record_id: str, file: Path, report: Report) -> None:
    if record_id != file.stem:
        report.error(
            doc.path, doc.line(("id",)), "id", f"标识 “{record_id}” 应与文件名 “{file.stem}” 一致"
        )
