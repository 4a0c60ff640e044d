"""The archive (花名册存档备查): approved records + the source's full numbers → filled roster and forms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import Report
from generator.core.models import Union
from generator.core.records import (
    POLITICAL_ALIASES,
    OpinionLevel,
    RecordStatus,
    Registration,
)
from generator.core.records import (
    same_submission as same_id,
)
from generator.core.registrations import load_records
from generator.core.sourcerow import SourceRow
from generator.core.validate import SiteData
from generator.core.writer import write_atomic

from .downloads import (
    OPINIONS,
    PRIVACY_NOTE,
    cn_date,
    common_context,
    render_page,
    roster_context,
    text_lines,
)
from .xlsx import POLITICAL, roster_workbook

POLITICAL_SHORT = {POLITICAL_ALIASES.get(short, short): short for short in POLITICAL}
"""中国共产党党员 → 中共党员: the forms' short forms, which fit the printed cells."""


@dataclass(frozen=True, repr=False)
class MatchedRecord:
    """An approved registration and the source row it was matched with, if any."""

    record: Registration
    source: SourceRow | None

    @property
    def id_number(self) -> str:
        """The full number when the source gave it; the record's masked one otherwise."""
        return self.source.id_number if self.source else self.record.id_masked

    @property
    def phone_checked(self) -> bool:
        """The source's phone is the one the record was approved with (same keyed hash)."""
        return bool(self.source and self.source.phone_hash == self.record.phone_hash)

    @property
    def phone(self) -> str:
        if self.phone_checked and self.source and self.source.phone:
            return self.source.phone
        return self.record.phone_masked

    def __repr__(self) -> str:
        return f"MatchedRecord({self.record.id}, matched={self.source is not None})"


@dataclass
class Join:
    """Every approved record of a union with its source row, and what did not line up."""

    entries: list[MatchedRecord] = field(default_factory=list)
    unmatched: list[Registration] = field(default_factory=list)
    """No source row with the same ID hash and union: printed with the masked ID."""
    phone_differs: list[Registration] = field(default_factory=list)
    """Matched, but the source's phone is not the approved one: printed masked."""
    several: list[Registration] = field(default_factory=list)
    """More than one source row for the person (a resubmission): the record's own row is used."""


def approved_records(site: SiteData, union: str) -> list[Registration]:
    """The union's approved registrations, in order of submission (the data has validated)."""
    records = load_records(site.root, set(site.unions), set(site.categories), Report(), keep=True)
    chosen = [
        r for r in records.registrations if r.union == union and r.status == RecordStatus.approved
    ]
    return sorted(chosen, key=lambda r: (r.submitted, r.id))


def join(records: Iterable[Registration], rows: Iterable[SourceRow]) -> Join:
    """Each record with the source row of the same person (keyed hash of the ID number) and
    union. When several rows match, the one intake made the record from wins: same record id,
    else same row number, else the latest row."""
    by_person: dict[tuple[str, str | None], list[SourceRow]] = {}
    for row in rows:
        by_person.setdefault((row.id_hash, row.union), []).append(row)
    out = Join()
    for record in records:
        candidates = by_person.get((record.id_hash, record.union), [])
        source = None
        if candidates:
            source = next(
                (c for c in candidates if c.record_id and same_id(c.record_id, record.id)),
                next((c for c in candidates if c.row == record.row), candidates[-1]),
            )
            if len(candidates) > 1:
                out.several.append(record)
        entry = MatchedRecord(record, source)
        out.entries.append(entry)
        if source is None:
            out.unmatched.append(record)
        elif not entry.phone_checked:
            out.phone_differs.append(record)
    return out


def _month(value: str | None) -> str:
    if not value:
        return ""
    year, _, month = value.partition("-")
    return f"{year}年{int(month)}月" if month else f"{year}年"


def roster_row(entry: MatchedRecord) -> tuple[str, ...]:
    """Attachment 3's columns after 序号: 姓名 性别 身份证号码 工作单位 政治面貌 身份 特长."""
    r = entry.record
    return (
        r.name,
        r.gender.value,
        entry.id_number,
        r.employer or "",
        POLITICAL_SHORT.get(r.political_status.value, r.political_status.value),
        entry.source.occupation if entry.source else "",
        r.skills or "",
    )


FORM_CELLS = {
    "name": 30, "gender": 19, "political_status": 28, "id_number": 66, "phone": 28,
    "work_start": 30, "education": 19, "health": 28, "employer": 66, "skills": 28,
}  # fmt: skip
"""Width in mm of each one-line cell of registration-form.html.j2 (its colgroup)."""
FORM_ROW = 13.0
"""Their height in mm (tr.line); a value is set small enough to stay inside it."""
FORM_SIZES = ((11.0, 1.25), (9.0, 1.25), (7.5, 1.25))
"""Point sizes tried in turn, with their line heights."""
FORM_TEXT_SIZE = 10.5
"""工作简历 and 本人申请, written in their boxes."""


def _fitted(text: str, width: float) -> dict[str, object]:
    room, size = width - 2, FORM_SIZES[-1][0]
    for points, leading in FORM_SIZES:
        if text_lines(text, room, points) * points * leading * 25.4 / 72 <= FORM_ROW - 1:
            size = points
            break
    return {"text": text, "size": size}


def form_values(entry: MatchedRecord) -> dict[str, dict[str, object]]:
    """The registration form's fields (the names of the fillable PDF) for one volunteer, each
    with the text and its point size."""
    r = entry.record
    texts = {
        "name": r.name,
        "gender": r.gender.value,
        "political_status": POLITICAL_SHORT.get(r.political_status.value, r.political_status.value),
        "id_number": entry.id_number,
        "phone": entry.phone,
        "work_start": _month(r.work_start),
        "education": r.education.value if r.education else "",
        "health": r.health.value if r.health else "",
        "employer": r.employer or "",
        "skills": r.skills or "",
    }
    out = {name: _fitted(text, FORM_CELLS[name]) for name, text in texts.items()}
    for name in ("resume", "application"):
        out[name] = {"text": getattr(r, name) or "", "size": FORM_TEXT_SIZE}
    return out


def signed_opinions(record: Registration) -> list[dict[str, str] | None]:
    """The three opinion cells as the reviewers signed them, in the form's order."""
    by_level = {o.level: o for o in record.opinions}
    out: list[dict[str, str] | None] = []
    for level in OpinionLevel:
        o = by_level.get(level)
        text = f"{o.opinion}。{o.note}" if o and o.note else (o.opinion if o else "")
        out.append(
            None if o is None else {"opinion": text, "office": o.office, "date": cn_date(o.date)}
        )
    return out


@dataclass(frozen=True, repr=False)
class Archive:
    """What `volunteers roster` writes, before the PDFs are rendered."""

    union: Union
    join: Join
    documents: dict[str, tuple[str, bool]]
    """File name → (HTML, has form fields): the roster and one form per volunteer."""
    workbook: bytes

    def __repr__(self) -> str:
        return f"Archive({self.union.id}, {len(self.join.entries)} entries)"


def roster_name(union: str) -> str:
    return f"roster-{union}"


def plan(site: SiteData, union_id: str, join: Join) -> Archive:
    """The filled roster and forms as HTML, and the filled workbook (pure)."""
    union = site.unions[union_id]
    titles = dict(enumerate(site.campaign.attachments, start=1))
    rows = [roster_row(e) for e in join.entries]
    contact = union.contact
    header = (union.name, (contact and contact.name) or "", (contact and contact.phone) or "")
    common = {**common_context(site), "qr": None}  # an archived form has no sign-up code
    documents = {
        f"{roster_name(union.id)}.pdf": (
            render_page(
                "roster.html.j2",
                common,
                title=titles.get(3, "花名册"),
                **roster_context(union.name, contact, len(rows), rows),
            ),
            False,
        )
    }
    for entry in join.entries:
        documents[f"registration-{entry.record.id}.pdf"] = (
            render_page(
                "registration-form.html.j2",
                common,
                title=titles.get(2, "登记表"),
                fillable=False,
                opinions=OPINIONS,
                privacy_note=PRIVACY_NOTE,
                person=form_values(entry),
                signed=signed_opinions(entry.record),
            ),
            False,
        )
    return Archive(
        union, join, documents, roster_workbook(site, header, rows, site.quota_of(union.id))
    )


def render(archive: Archive) -> dict[str, bytes]:
    """File name → bytes. No PDF cache: these files hold full numbers and go only to --out."""
    from .pdf import PdfRenderer  # WeasyPrint loads only when PDFs are made

    docs = archive.documents
    renderer = PdfRenderer("".join(html for html, _ in docs.values()), cache_dir=None)
    files = renderer.render_all(docs)
    files[f"{roster_name(archive.union.id)}.xlsx"] = archive.workbook
    return files


# --- The edge: where the files may go, and writing them ---------------------------------------


def _site_dir(root: Path) -> Path:
    """mkdocs.yml's site_dir (default site/), read as text: the config may hold YAML tags."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    match = re.search(r"^site_dir:\s*[\"']?([^\"'#\n]+?)[\"']?\s*(?:#.*)?$", text, re.M)
    return (root / (match.group(1) if match else "site")).resolve()


def _work_tree(path: Path) -> Path | None:
    """The git work tree `path` lies in (the nearest folder holding .git), if any."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def refusal(out: Path, root: Path, why: str = "花名册和登记表含完整身份证号和手机号") -> str | None:
    """Why `out` may not receive the archive, or None. The files hold full ID numbers and
    phones: never inside the project, its site/, or any git work tree (a `git add -A` away
    from being committed)."""
    target = out.expanduser().resolve()
    root = root.resolve()
    if target.exists() and not target.is_dir():
        return f"--out {out} 不是目录；本次未写入任何文件"
    if target.is_relative_to(_site_dir(root)):
        place = "网站输出目录（site/）之内"
    elif target.is_relative_to(root):
        place = "项目目录之内"
    elif (tree := _work_tree(target)) is not None:
        place = f"git 工作区 {tree} 之内"
    else:
        return None
    return f"--out {out} 在{place}，{why}，只能写到仓库之外的目录；本次未写入任何文件"


def write_archive(out: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Every file written atomically, readable by the owner only (0600; a new folder 0700)."""
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        write_atomic(out / name, data, mode=0o600)
        written.append(out / name)
    return written
