"""A review sheet back from the clerks: every row checked (checksum, record, order, opinion,
dates, duplicates) before anything changes; then every filled row applied at once, or none."""

from __future__ import annotations

import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.core import safefile
from generator.core.records import OpinionLevel
from generator.core.worker import Background

from .actions import StaffError
from .batch import Change, registration_paths, review_lock, write_all
from .reviewsheet import (
    CHECK,
    FORMAT,
    META,
    SHEET,
    columns,
    key_id,
    names,
    sheet_key,
)
from .reviewsheet_rows import Context, SheetRow, check_rows

UNPACKED_MAX = 256 * safefile.MiB
"""The parts of a review sheet, unpacked (5,800 rows take about 3 MB)."""
ROWS_MAX = 100_000


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


PARALLEL_ABOVE = 2_000
"""Rows past which the checks are shared with a second process (two cores: half the time)."""


def _check(
    root: Path, rows: list[list[Any]], level: OpinionLevel, name: str, today: date
) -> Outcome:
    known = names(root)
    outcome = Outcome(level, unions=known.unions)
    header, where = _header(rows, columns(level), name)
    context = Context(
        root, level, today, sheet_key(root, create=False), known, registration_paths(root)
    )
    todo: list[SheetRow] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for index in range(header + 1, len(rows)):
        row = rows[index]
        cell = {h: text_of(row[i]) if i < len(row) else "" for h, i in where.items()}
        if not any(v.strip() for v in cell.values()):
            continue  # an empty line (a clerk's spacing, or LibreOffice's formatted rows)
        n, record_id = index + 1, cell["登记编号"].strip()
        if not cell[CHECK].strip():
            problems.append((n, "没有校验码，不是导出的行；请删除该行（新的登记请重新导出审核表）"))
        elif record_id in seen:
            problems.append((n, f"登记 {record_id} 与第 {seen[record_id]} 行重复；请删除其中一行"))
        else:
            seen[record_id] = n
            raw_date = row[where["签署日期"]] if where["签署日期"] < len(row) else None
            todo.append(SheetRow(n, cell, raw_date))
    if len(todo) > PARALLEL_ABOVE:
        split = len(todo) * 11 // 20
        other = Background(check_rows, context, todo[split:])
        parts = [check_rows(context, todo[:split]), other.result()]
    else:
        parts = [check_rows(context, todo)]
    for part in parts:
        problems += part.problems
        outcome.changes += part.changes
        outcome.blank += part.blank
        outcome.again += part.again
    outcome.problems = [f"第 {n} 行：{text}" for n, text in sorted(problems)]
    return outcome
