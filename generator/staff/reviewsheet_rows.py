"""The checks of a review sheet's rows against their records: checksum, record, order, opinion,
dates; and the change each good row makes. Pure of the sheet file; run in one process or two."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.core.records import Opinion, OpinionLevel
from generator.core.review import AGREE, DISAGREE, ReviewError

from .actions import StaffError
from .batch import Change, Loaded, load, sign
from .reviewsheet import CHECK, Names, checksum, read_only, row_cells

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?$")


def parse_date(value: Any) -> date | None:
    """A date typed as a date, or as text: 2026/11/25, 2026-11-25, 2026.11.25, 2026年11月25日
    (full-width digits too); a time after it is ignored. None when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = _TIME.sub("", unicodedata.normalize("NFKC", value).strip())
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def opinion_of(value: str) -> str | None:
    """同意 or 不同意 after trimming and NFKC (full-width forms, spaces); nothing looser."""
    text = unicodedata.normalize("NFKC", value).strip()
    return text if text in (AGREE, DISAGREE) else None


@dataclass(frozen=True)
class SheetRow:
    """One filled line of the sheet: its number (第 N 行), its cells as text, the date as typed."""

    n: int
    cell: dict[str, str]
    raw_date: Any


@dataclass(frozen=True)
class Context:
    """What every row is checked against (it travels to a second process as it is)."""

    root: Path
    level: OpinionLevel
    today: date
    key: bytes
    names: Names
    paths: dict[str, Path]
    """Record id → file, for every registration."""


@dataclass
class Checked:
    """Rows checked: their problems (row number, text), the changes, and the rows counted."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    blank: int = 0
    again: int = 0
    """Rows whose opinion the record already holds, just as written: imported before."""


def check_rows(context: Context, rows: list[SheetRow]) -> Checked:
    """Each row checked against its record; a good filled row becomes a change."""
    checked = Checked()
    for row in rows:
        problem = _row(context, checked, row)
        if problem:
            checked.problems.append((row.n, problem))
    return checked


def _row(context: Context, checked: Checked, row: SheetRow) -> str | None:
    """The problem of one row (and what to do), or None when it is fine (and then counted)."""
    level, cell = context.level, row.cell
    record_id = cell["登记编号"].strip()
    if record_id not in context.paths:
        return f"找不到登记 {record_id}（编号被改动，或登记已被删除）；请改回原编号或删除该行"
    try:
        loaded = load(context.paths[record_id], context.root)
    except StaffError as exc:
        return str(exc)
    fixed = read_only(level)
    cells = [cell[h] for h in fixed]
    if checksum(context.key, level, cells) != cell[CHECK].strip():
        now = row_cells(loaded.record, level, context.names)
        changed = [h for h, a, b in zip(fixed, cells, now, strict=True) if a != b]
        which = "、".join(f"“{h}”" for h in changed) or "只读列"
        return f"{which}被改动过（只读列不能修改）；请改回导出时的内容，或重新导出审核表"
    if not cell["意见"].strip():
        if cell["签署日期"].strip() or cell["备注"].strip():
            return "填写了签署日期或备注，但“意见”为空；请选择同意或不同意，或清空该行"
        checked.blank += 1
        return None
    written = opinion_of(cell["意见"])
    if written is None:
        return (
            f"意见“{cell['意见'].strip()}”无效，只能是“{AGREE}”或“{DISAGREE}”；请从下拉列表中选择"
        )
    office = cell["签署单位"].strip()
    if not office:
        return "请填写“签署单位”"
    typed = bool(cell["签署日期"].strip())
    on = parse_date(row.raw_date) if typed else context.today
    if on is None:
        return f"签署日期“{cell['签署日期'].strip()}”无法识别；请写成 2026-11-25、2026/11/25 或 2026年11月25日"
    note = cell["备注"].strip() or None
    record = loaded.record
    earlier = [o for o in record.opinions if o.level == level]
    if earlier:
        if _same(earlier[0], written, office, note, on if typed else None):
            checked.again += 1
            return None
        o = earlier[0]
        return (
            f"登记 {record_id} 已签署{level.label}（{o.opinion}，{o.office}，{o.date}），不能重复签署；"
            "请清空该行的意见"
        )
    if on > context.today:
        return f"签署日期 {on} 晚于今天（{context.today}）；请核对日期"
    if on < record.submitted.date():
        return f"签署日期 {on} 早于报名日期 {record.submitted.date()}；请核对日期"
    return _sign(context, checked, loaded, written, office, on, note)


def _sign(
    context: Context,
    checked: Checked,
    loaded: Loaded,
    opinion: str,
    office: str,
    on: date,
    note: str | None,
) -> str | None:
    try:
        change = sign(loaded, context.root, context.level, opinion, office, on, note)
    except (ReviewError, StaffError) as exc:
        return f"{exc}；请清空该行的意见，或联系上一级核对"
    checked.changes.append(change)
    return None


def _same(done: Opinion, opinion: str, office: str, note: str | None, on: date | None) -> bool:
    return (
        done.opinion == opinion
        and done.office == office
        and (done.note or None) == note
        and (on is None or done.date == on)
    )
