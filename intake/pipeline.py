"""One intake run: rows → records → staged files → commit, with the outcome of every row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import DataErrors
from generator.core.records import former_record_id
from generator.core.validate import load_site

from .columns import Mapping, match_header
from .errors import IntakeError
from .proposals import proposal
from .rows import Accepted, Lookups, Rejected, registration
from .sources import Table
from .store import Store, existing_hashes, record_name, record_text

WRITTEN, EXISTING, DUPLICATE, REJECTED = "written", "existing", "duplicate", "rejected"
OUTCOME_LABELS = {WRITTEN: "新导入", EXISTING: "已导入过", DUPLICATE: "重复", REJECTED: "有误"}
CONVERTERS = {"registrations": registration, "proposals": proposal}


@dataclass(frozen=True)
class Note:
    """A row-level line for the report: row number, the name shown, and what happened."""

    row: int
    name: str
    text: str


@dataclass
class RunResult:
    kind: str
    source: str
    rows: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(union id or "", outcome) → rows."""
    rejected: list[Note] = field(default_factory=list)
    """Every rejected row with all its reasons (the terminal, the sheet's status column)."""
    in_export: list[Note] = field(default_factory=list)
    """The rejected rows' problems of the export or mapping, for staff (fix the form)."""
    in_answers: list[Note] = field(default_factory=list)
    """The rejected rows' problems of one person's answers (contact the person)."""
    duplicates: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    """Data-relative paths of the files this run created."""
    statuses: dict[int, str] = field(default_factory=dict)
    """Row → text for the sheet's status column (kept only when writing back)."""
    ignored_columns: tuple[str, ...] = ()
    status_column: int = 0
    """Where --mark-imported writes: the existing status column, or the one after the header."""
    union_names: dict[str, str] = field(default_factory=dict)
    profile: str = ""
    """Which export format the header matched, and why (see intake.profiles)."""

    def total(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.counts.items() if o == outcome)

    def summary(self, *outcomes: str) -> str:
        """ "新导入 3，有误 1": the outcomes asked for (all four by default), by their labels."""
        return "，".join(
            f"{OUTCOME_LABELS[o]} {self.total(o)}" for o in outcomes or tuple(OUTCOME_LABELS)
        )


Progress = Callable[[RunResult], None]


def load_lookups(data_dir: Path, key: bytes) -> Lookups:
    """Unions and categories through the build's own loader and validation."""
    if data_dir.name != "data" or not data_dir.is_dir():
        raise IntakeError(f"数据目录 {data_dir} 不存在或不是名为 data 的文件夹")
    try:
        site = load_site(data_dir.parent)
    except DataErrors as exc:
        raise IntakeError(
            f"data/ 中的数据有 {len(exc.errors)} 处错误（首处：{exc.errors[0]}）；请先运行 volunteers check 修正"
        ) from None
    return Lookups.build(site, key)


def run(
    kind: str,
    table: Table,
    data_dir: Path,
    key: bytes,
    mapping: Mapping,
    *,
    keep_statuses: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Read every row, stage the new records, then rename them in; a fatal error writes nothing."""
    layout = match_header(table.header, kind, mapping)
    lookups = load_lookups(data_dir, key)
    result = RunResult(kind, table.source, ignored_columns=layout.ignored)
    result.status_column = (
        layout.status_index if layout.status_index is not None else len(table.header)
    )
    result.union_names = {u.id: u.name for u in lookups.site.unions.values()}
    convert = CONVERTERS[kind]
    with Store(data_dir) as store:
        stored = existing_hashes(data_dir, kind)
        seen: dict[str, int] = {}
        fields = list(layout.index.items())  # as layout.value reads them, looked up once
        at = layout.status_index
        for number, cells in table.rows:
            width = len(cells)
            if table.sheet is not None and at is not None and at < width and cells[at]:
                table.sheet.status[number] = cells[at]
            raw: dict[str, str | None] = {n: cells[i] if i < width else "" for n, i in fields}
            item = convert(number, raw, lookups)
            if item is None:
                continue
            result.rows += 1
            status = _place(item, store, stored, seen, result)
            if keep_statuses:
                result.statuses[number] = status
            if progress is not None and result.rows % 100 == 0:
                progress(result)
        result.written = store.commit()
    if progress is not None:
        progress(result)
    return result


def _place(
    item: Accepted | Rejected,
    store: Store,
    stored: dict[str, str],
    seen: dict[str, int],
    result: RunResult,
) -> str:
    """Decide one row's outcome; stage its file when it is new. Returns the sheet status text."""
    if isinstance(item, Rejected):
        reason = "；".join(item.reasons)
        result.rejected.append(Note(item.row, item.name, reason))
        answers = [r for r in item.reasons if r not in item.in_export]
        if item.in_export:
            result.in_export.append(Note(item.row, item.name, "；".join(item.in_export)))
        if answers:
            result.in_answers.append(Note(item.row, item.name, "；".join(answers)))
        result.counts["", REJECTED] += 1
        return f"有误：{reason}"
    union = item.union or ""
    record = item.record
    path = record_name(result.kind, record.id, item.union)
    for warning in record.warnings:
        result.warnings.append(Note(item.row, item.name, warning))
    former = former_record_id(record.id)  # a file from before the current id shape
    if store.exists(path) or (
        former and store.exists(record_name(result.kind, former, item.union))
    ):
        seen.setdefault(item.dedupe, item.row)
        result.counts[union, EXISTING] += 1
        return "已导入"
    what = (
        "同一人（身份证号相同）"
        if result.kind == "registrations"
        else "同一项目（名称和提出方相同）"
    )
    if item.dedupe in seen:
        text = f"与第 {seen[item.dedupe]} 行为{what}"
    elif item.dedupe in stored:
        text = f"与已有记录 {stored[item.dedupe]} 为{what}"
    else:
        seen[item.dedupe] = item.row
        store.stage(path, record_text(record, result.kind))
        result.counts[union, WRITTEN] += 1
        return "已导入"
    result.duplicates.append(Note(item.row, item.name, text))
    result.counts[union, DUPLICATE] += 1
    return f"重复：{text}"
