"""A review sheet back from the clerks: every row checked (checksum, record, order, opinion,
dates, duplicates) before anything changes; then every filled row applied at once, or none."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.core import safefile
from generator.core.records import Opinion, OpinionLevel
from generator.core.review import AGREE, DISAGREE, ReviewError

from .actions import StaffError
from .batch import Change, Loaded, load, registration_paths, review_lock, sign, write_all
from .reviewsheet import (
    CHECK,
    FORMAT,
    META,
    SHEET,
    checksum,
    columns,
    key_id,
    names,
    read_only,
    row_cells,
    sheet_key,
)

UNPACKED_MAX = 256 * safefile.MiB
"""The parts of a review sheet, unpacked (5,800 rows take about 3 MB)."""
ROWS_MAX = 100_000
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


def text_of(value: Any) -> str:
    """A cell as the text a clerk sees (a whole number without `.0`, a date as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class Outcome:
    """What an import found: problems (第 N 行 …), or the changes it applies and the counts."""

    level: OpinionLevel
    problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    blank: int = 0
    again: int = 0
    """Rows whose opinion the record already holds, just as written: imported before."""
    unions: dict[str, str] = field(default_factory=dict)

    def per_union(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for change in self.changes:
            name = self.unions.get(change.record.union, change.record.union)
            out.setdefault(name, Counter())[change.record.opinions[-1].opinion] += 1
        return out


def _fail(name: str, what: str) -> StaffError:
    return StaffError(f"无法读取 {name}：{what}；本次未写入任何文件")


def read_book(path: Path) -> tuple[list[list[Any]], dict[str, str]]:
    """The review sheet's rows (from row 1) and its 校验信息, or StaffError naming the file."""
    from python_calamine import CalamineError, CalamineWorkbook

    name = path.name
    try:
        handle = safefile.open_regular(path, safefile.EXPORT_MAX_BYTES)
    except safefile.Refused as exc:
        raise _fail(name, exc.reason) from None
    with handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise _fail(name, "不是有效的 XLSX 文件") from None
        if unpacked > UNPACKED_MAX:
            raise _fail(name, "解压后过大，不是审核表")
        handle.seek(0)
        try:
            book = CalamineWorkbook.from_filelike(handle)
            sheets = list(book.sheet_names)
            if META not in sheets or SHEET not in sheets:
                raise _fail(
                    name,
                    f"缺少“{SHEET}”或“{META}”工作表，不是 volunteers review-sheet export 导出的审核表",
                )
            meta = book.get_sheet_by_name(META).to_python(skip_empty_area=False)
            sheet = book.get_sheet_by_name(SHEET)
            if sheet.height > ROWS_MAX:
                raise _fail(name, f"行数超过上限 {ROWS_MAX}")
            rows = sheet.to_python(skip_empty_area=False)
        except (CalamineError, ValueError, OverflowError):
            raise _fail(name, "工作表内容已损坏") from None
    info = {text_of(r[0]): text_of(r[1]) for r in meta if len(r) >= 2 and r[0]}
    return rows, info


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _header(
    rows: list[list[Any]], wanted: tuple[str, ...], name: str
) -> tuple[int, dict[str, int]]:
    """The header row's index and each column's position, found by name (not by place)."""
    for index, row in enumerate(rows[:10]):
        heads = [_norm(text_of(v)) for v in row]
        if _norm(wanted[0]) not in heads:
            continue
        where = {h: heads.index(_norm(h)) for h in wanted if _norm(h) in heads}
        missing = [h for h in wanted if h not in where]
        if missing:
            raise _fail(name, f"缺少列：{'、'.join(missing)}（请勿删除或改名表头）")
        return index, where
    raise _fail(name, f"找不到表头（“{wanted[0]}”所在的行）")


def import_sheet(root: Path, path: Path, today: date, dry_run: bool) -> Outcome:
    """Check every row of the sheet; unless `dry_run` or a row is wrong, apply them all."""
    rows, info = read_book(path)
    try:
        level = OpinionLevel(info.get("level", ""))
    except ValueError:
        raise _fail(path.name, "校验信息中的审核级别无效，请重新导出审核表") from None
    if info.get("format") != FORMAT:
        raise _fail(path.name, "审核表格式版本不符，请用本程序重新导出")
    key = sheet_key(root, create=False)
    if info.get("key") != key_id(key):
        raise StaffError(
            f"{path.name} 是用另一个密钥导出的（密钥标识 {info.get('key')}，本机为 {key_id(key)}）："
            "请在导出它的项目目录中导入，或设置与导出时相同的 REVIEW_SHEET_KEY；本次未写入任何文件"
        )
    if dry_run:
        return _check(root, rows, level, path.name, today)
    with review_lock(root):
        outcome = _check(root, rows, level, path.name, today)
        if not outcome.problems:
            write_all(outcome.changes)
    return outcome


def _check(
    root: Path, rows: list[list[Any]], level: OpinionLevel, name: str, today: date
) -> Outcome:
    known = names(root)
    outcome = Outcome(level, unions=known.unions)
    heads = columns(level)
    header, where = _header(rows, heads, name)
    fixed = read_only(level)
    key = sheet_key(root, create=False)
    paths = registration_paths(root)
    seen: dict[str, int] = {}
    for index in range(header + 1, len(rows)):
        n = index + 1
        row = rows[index]
        cell = {h: text_of(row[i]) if i < len(row) else "" for h, i in where.items()}
        raw_date = row[where["签署日期"]] if where["签署日期"] < len(row) else None
        if not any(v.strip() for v in cell.values()):
            continue  # an empty line (a clerk's spacing, or LibreOffice's formatted rows)
        problem = _row(outcome, n, cell, raw_date, fixed, key, paths, seen, root, today, known)
        if problem:
            outcome.problems.append(f"第 {n} 行：{problem}")
    return outcome


def _row(
    outcome: Outcome,
    n: int,
    cell: dict[str, str],
    raw_date: Any,
    fixed: tuple[str, ...],
    key: bytes,
    paths: dict[str, Path],
    seen: dict[str, int],
    root: Path,
    today: date,
    known: Any,
) -> str | None:
    """The problem of one row (and what to do), or None when it is fine (and then counted)."""
    level = outcome.level
    record_id = cell["登记编号"].strip()
    cells = [cell[h] for h in fixed]
    if not cell[CHECK].strip():
        return "没有校验码，不是导出的行；请删除该行（新的登记请重新导出审核表）"
    if record_id in seen:
        return f"登记 {record_id} 与第 {seen[record_id]} 行重复；请删除其中一行"
    seen[record_id] = n
    if record_id not in paths:
        return f"找不到登记 {record_id}（编号被改动，或登记已被删除）；请改回原编号或删除该行"
    loaded = load(paths[record_id], root)
    if checksum(key, level, cells) != cell[CHECK].strip():
        now = row_cells(loaded.record, level, known)
        changed = [h for h, a, b in zip(fixed, cells, now, strict=True) if a != b]
        which = "、".join(f"“{h}”" for h in changed) or "只读列"
        return f"{which}被改动过（只读列不能修改）；请改回导出时的内容，或重新导出审核表"
    written = opinion_of(cell["意见"]) if cell["意见"].strip() else None
    if not cell["意见"].strip():
        if cell["签署日期"].strip() or cell["备注"].strip():
            return "填写了签署日期或备注，但“意见”为空；请选择同意或不同意，或清空该行"
        outcome.blank += 1
        return None
    if written is None:
        return (
            f"意见“{cell['意见'].strip()}”无效，只能是“{AGREE}”或“{DISAGREE}”；请从下拉列表中选择"
        )
    office = cell["签署单位"].strip()
    if not office:
        return "请填写“签署单位”"
    on = today if not cell["签署日期"].strip() else parse_date(raw_date)
    if on is None:
        return f"签署日期“{cell['签署日期'].strip()}”无法识别；请写成 2026-11-25、2026/11/25 或 2026年11月25日"
    note = cell["备注"].strip() or None
    record = loaded.record
    earlier = [o for o in record.opinions if o.level == level]
    if earlier:
        if _same(earlier[0], written, office, note, on if cell["签署日期"].strip() else None):
            outcome.again += 1
            return None
        o = earlier[0]
        return (
            f"登记 {record_id} 已签署{level.label}（{o.opinion}，{o.office}，{o.date}），不能重复签署；"
            "请清空该行的意见"
        )
    if on > today:
        return f"签署日期 {on} 晚于今天（{today}）；请核对日期"
    if on < record.submitted.date():
        return f"签署日期 {on} 早于报名日期 {record.submitted.date()}；请核对日期"
    return _sign(outcome, loaded, root, written, office, on, note)


def _sign(
    outcome: Outcome,
    loaded: Loaded,
    root: Path,
    opinion: str,
    office: str,
    on: date,
    note: str | None,
) -> str | None:
    try:
        outcome.changes.append(sign(loaded, root, outcome.level, opinion, office, on, note))
    except (ReviewError, StaffError) as exc:
        return f"{exc}；请清空该行的意见，或联系上一级核对"
    return None


def _same(done: Opinion, opinion: str, office: str, note: str | None, on: date | None) -> bool:
    return (
        done.opinion == opinion
        and done.office == office
        and (done.note or None) == note
        and (on is None or done.date == on)
    )
