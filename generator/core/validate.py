"""Documents → validated models, with the checks that span files (ids, references, sums)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import flatactivity, loader
from .activities import Activity, check_activities, check_cited, hours_text, participant_ids
from .certificates import Register, check_register
from .datascan import scan_documents
from .errors import DataError, DataErrors, Report
from .gcpause import without_gc
from .loader import Document, Loc
from .memo import Memo, records_key
from .messages import field_path, from_validation_error
from .models import (
    Campaign,
    Category,
    Pairing,
    Project,
    QuotaTable,
    Recognition,
    Union,
)
from .references import References, real_office_phones
from .registrations import load_records
from .service import ActivityLine, Sum, by_union, in_period, person_hours, project_lines, total

M = TypeVar("M", bound=BaseModel)
Reader = Callable[[Path, Path], Document]
Fast = Callable[[Any], Any] | None


@dataclass(frozen=True)
class SiteData:
    """Everything the site is built from, validated and cross-checked."""

    root: Path
    campaign: Campaign
    unions: dict[str, Union]
    quotas: QuotaTable
    categories: dict[str, Category]
    projects: list[Project]
    recognitions: list[Recognition]
    pairing: Pairing | None
    today: date = field(default_factory=date.today)
    """The build date: after the campaign's deadline the site says registration has closed."""
    registration_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Union id → registration status → number of records (counts only reach the site)."""
    waiting_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Union id → level (unit, district, city) → pending records waiting for that opinion."""
    activities: list[Activity] = field(default_factory=list)
    """Service activities, by date (their sums reach the site, never a participant)."""
    certificates: Register = field(default_factory=Register)
    """The register of issued service-record certificates."""
    warnings: list[DataError] = field(default_factory=list)

    @cached_property
    def used_categories(self) -> frozenset[str]:
        """The service categories that have at least one project (their listings exist)."""
        return frozenset(p.category for p in self.projects)

    @cached_property
    def example_projects(self) -> tuple[int, int]:
        """(real, example) project counts: pages say plainly when what they list is examples."""
        examples = sum(1 for p in self.projects if p.example)
        return len(self.projects) - examples, examples

    @cached_property
    def recognition_hours(self) -> dict[str, str]:
        """Recognition id → the honoured person's service hours up to the award, for the
        recognitions that name a registration (they are public already)."""
        out = {}
        for r in self.recognitions:
            if r.registration:
                done = in_period(self.activities, None, r.awarded_on)
                out[r.id] = hours_text(person_hours(done).get(r.registration, Decimal(0)))
        return out

    @cached_property
    def union_service(self) -> dict[str, Sum]:
        """Union id → hours and person-times of the activities it organised."""
        return by_union(self.activities)

    @cached_property
    def service_total(self) -> Sum:
        """The city's hours and person-times."""
        return total(self.activities)

    @cached_property
    def project_activities(self) -> dict[str, list[ActivityLine]]:
        """Project id → its activities as the project page lists them (no names)."""
        return {
            p.id: lines for p in self.projects if (lines := project_lines(self.activities, p.id))
        }

    def service_of_union(self, union_id: str) -> Sum:
        return self.union_service.get(union_id) or Sum()

    def quota_of(self, union_id: str) -> int:
        return next((q.count for q in self.quotas.quotas if q.union == union_id), 0)


class _Loader:
    """Reads and validates files, collecting every error instead of stopping at the first."""

    def __init__(self, root: Path, memo: Memo | None = None) -> None:
        self.root = root
        self.report = Report()
        self.broken: set[str] = set()
        self.docs: list[Document] = []
        self.memo = memo

    def read(self, file: Path, reader: Reader = loader.read) -> Document | None:
        now, doc = self.memo.document(file) if self.memo else (None, None)
        if doc is None:
            try:
                doc = reader(file, self.root)
            except DataErrors as exc:
                self.report.errors.extend(exc.errors)
                return None
            if self.memo:
                self.memo.keep(file, now, doc)
        self.docs.append(doc)
        return doc

    def model(
        self, cls: type[M], doc: Document, data: Any = None, prefix: Loc = (), fast: Fast = None
    ) -> M | None:
        data = doc.data if data is None else data
        if not isinstance(data, dict):
            self.report.error(
                doc.path, doc.line(prefix), field_path(doc, prefix), "应为键值映射（字段: 值）"
            )
            return None
        key = (id(doc), cls)
        if self.memo and data is doc.data and key in self.memo.models:
            return self.memo.models[key]  # type: ignore[no-any-return]
        model = fast(data) if fast is not None else None  # the same model, or None
        if model is None:
            try:
                model = cls.model_validate(data)
            except ValidationError as exc:
                self.report.errors.extend(from_validation_error(doc, exc, prefix))
                return None
        if self.memo and data is doc.data:
            self.memo.models[key] = model
        return model

    def one(self, cls: type[M], name: str) -> tuple[M | None, Document | None]:
        file = self.root / "data" / name
        if not os.path.lexists(file):  # anything else there is read, or refused with its reason
            self.report.error(f"data/{name}", None, "", "缺少数据文件")
            return None, None
        doc = self.read(file)
        return (self.model(cls, doc), doc) if doc else (None, None)

    def items(
        self, cls: type[M], name: str, key: str, what: str
    ) -> tuple[dict[str, M], Document | None]:
        """A file holding one list of records under `key`, validated item by item so that one bad
        record does not hide the others; ids are unique."""
        file = self.root / "data" / name
        if not os.path.lexists(file):  # anything else there is read, or refused with its reason
            self.report.error(f"data/{name}", None, "", "缺少数据文件")
            return {}, None
        doc = self.read(file)
        if doc is None:
            return {}, None
        data = doc.data
        items = data.get(key) if isinstance(data, dict) else None
        extra = sorted(set(data) - {key}) if isinstance(data, dict) else []
        if not isinstance(items, list) or not items or extra:
            message = f"应为 “{key}:” 下的{what}列表" + (
                f"，未知字段：{'、'.join(extra)}" if extra else ""
            )
            self.report.error(doc.path, doc.line((key,)), key, message)
            return {}, doc
        out: dict[str, M] = {}
        for i, item in enumerate(items):
            record = self.model(cls, doc, item, (key, i))
            item_id = item.get("id") if isinstance(item, dict) else None
            if record is None:
                if isinstance(item_id, str):
                    self.broken.add(item_id)
                continue
            if item_id in out:
                self.report.error(
                    doc.path,
                    doc.line((key, i, "id")),
                    f"{key}[{item_id}].id",
                    f"{what}标识 “{item_id}” 重复",
                )
                continue
            out[str(item_id)] = record
        return out, doc

    def folder(
        self, cls: type[M], name: str, reader: Reader = loader.read, fast: Fast = None
    ) -> list[tuple[M, Document]]:
        """One record per file in data/<name>/; the id is the file name. `reader` and `fast`
        are cheaper ways to the same document and model (flatactivity.py)."""
        out = []
        for file in sorted((self.root / "data" / name).glob("*.yml"), key=_parts):
            doc = self.read(file, reader)
            if doc is None:
                continue
            if isinstance(doc.data, dict):
                declared = doc.data.setdefault("id", file.stem)
                if declared != file.stem:
                    self.report.error(
                        doc.path,
                        doc.line(("id",)),
                        "id",
                        f"标识 “{declared}” 应与文件名 “{file.stem}” 一致",
                    )
                    continue
            record = self.model(cls, doc, fast=fast)
            if record is not None:
                out.append((record, doc))
            else:
                self.broken.add(file.stem)
        return out


@without_gc
def load_site(
    root: Path,
    today: date | None = None,
    cache_dir: Path | None = None,
    scan: bool = False,
    memo: Memo | None = None,
) -> SiteData:
    """Load and validate every published data file under `root/data`; raise DataErrors listing
    all. With `scan` (volunteers check), the privacy scanner reads every value of those files
    too; the build leaves that to its guard over what it writes. With `memo` (`mkdocs serve`),
    unchanged files are taken from memory (memo.py)."""
    if memo is not None:
        memo.reads = 0
    ld = _Loader(root, memo)
    campaign, _ = ld.one(Campaign, "campaign.yml")
    quotas, quota_doc = ld.one(QuotaTable, "quotas.yml")
    unions, union_doc = ld.items(Union, "unions.yml", "unions", "工会")
    categories, category_doc = ld.items(Category, "categories.yml", "categories", "服务类别")
    projects = ld.folder(Project, "projects")
    recognitions = ld.folder(Recognition, "recognitions")
    pairing, pairing_doc = (None, None)
    if os.path.lexists(root / "data" / "pairing.yml"):
        pairing, pairing_doc = ld.one(Pairing, "pairing.yml")

    check = References(ld.report, unions, categories, ld.broken)
    if quotas and quota_doc and union_doc:
        check.quotas(quotas, quota_doc, campaign)
    real_phones = real_office_phones(campaign, unions)
    for project, doc in projects:
        check.ref(doc, ("union",), project.union, unions, "工会")
        check.ref(doc, ("category",), project.category, categories, "服务类别")
        if project.example:
            check.borrowed_phone(doc, project.contact.phone, real_phones)
    for recognition, doc in recognitions:
        check.ref(doc, ("union",), recognition.union, unions, "工会")
        check.photo(doc, recognition.photo, root)
    if pairing and pairing_doc:
        for i, line in enumerate(pairing.unions):
            check.ref(pairing_doc, ("unions", i, "union"), line.union, unions, "工会")

    known_unions, known_categories = set(unions) | ld.broken, set(categories) | ld.broken
    activities = ld.folder(Activity, "activities", flatactivity.read, flatactivity.Builder())
    register, register_doc = (Register(), None)
    if os.path.lexists(root / "data" / "certificates.yml"):
        loaded, register_doc = ld.one(Register, "certificates.yml")
        register = loaded or register
    needed = participant_ids(a for a, _ in activities)
    if register_doc is not None:
        needed |= {c.record for c in register.certificates}
    needed |= {r.registration for r, _ in recognitions if r.registration}
    key = (records_key(root, known_unions, known_categories), needed) if memo is not None else None
    if memo is not None and memo.records is not None and memo.records[0] == key:
        records = memo.records[1]
        ld.report.extend(records.report)
    else:
        report = Report()
        records = load_records(
            root, known_unions, known_categories, report, cache_dir=cache_dir, needed=needed
        )
        records.report = report
        ld.report.extend(report)
        if memo is not None:
            memo.records = (key, records)
    projects_known = {p.id for p, _ in projects}
    check_activities(
        activities, records.people, set(unions), projects_known, ld.broken,
        today or date.today(), ld.report,
    )  # fmt: skip
    if register_doc is not None:
        check_register(register, register_doc, set(records.people), ld.report)
    for recognition, doc in recognitions:
        check_cited(recognition, doc, records.people, ld.report)
    # Activity files and the register are always scanned (they name people by record id only).
    extra = [d for _, d in activities] + ([register_doc] if register_doc else [])
    scan_documents(ld.docs if scan else extra, ld.report, records.people.keys())
    ld.report.raise_if_errors()
    assert campaign and quotas and category_doc  # no errors means every required file validated
    return SiteData(
        root=root,
        campaign=campaign,
        unions=unions,
        quotas=quotas,
        categories=categories,
        projects=sorted((p for p, _ in projects), key=lambda p: (p.start, p.id), reverse=True),
        recognitions=sorted(
            (r for r, _ in recognitions), key=lambda r: (r.awarded_on, r.id), reverse=True
        ),
        pairing=pairing,
        today=today or date.today(),
        registration_counts=records.counts(),
        waiting_counts=records.waiting_counts(),
        activities=sorted((a for a, _ in activities), key=lambda a: (a.date, a.id)),
        certificates=register,
        warnings=ld.report.warnings,
    )


def _parts(path: Path) -> tuple[str, ...]:
    """Path order without Path comparisons (thousands of files: a tenth of the time)."""
    return path.parts
