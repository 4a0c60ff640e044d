"""The review sheet: one row per registration waiting at a level, for clerks who sign in Excel or
WPS, with a hidden keyed checksum per row, so that an accidental edit of a read-only cell is
found when it comes back. Its layout, key and rows are here; reviewsheet_book.py writes the file
(locked read-only columns, a dropdown, print set-up)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import Any

from generator.core import loader, safefile
from generator.core.errors import DataErrors
from generator.core.identity import find_personal_numbers, may_hold_personal_number
from generator.core.records import Opinion, OpinionLevel, Registration
from generator.core.review import ORDER, waiting_level
from generator.core.worker import Background
from generator.core.writer import write_atomic

from . import batch
from .actions import StaffError, check_id

FORMAT = "1"
"""The sheet's layout version, in its checksums: a sheet of another layout never imports."""
SHEET, META = "审核表", "校验信息"
KEY_ENV = "REVIEW_SHEET_KEY"
KEY_FILE = ".review-sheet.key"
"""In the project folder, git-ignored, created by the first export (when KEY_ENV is unset)."""
KEY_MIN = 16

BASE = (
    "登记编号",
    "姓名",
    "性别",
    "身份证号（脱敏）",
    "联系电话（脱敏）",
    "工作单位",
    "所属工会",
    "服务意向",
)
FILL = ("意见", "签署单位", "签署日期", "备注")
CHECK = "校验码"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
WIDTHS = {"登记编号": 27, "姓名": 10, "性别": 6, "身份证号（脱敏）": 21, "联系电话（脱敏）": 14}
WIDTHS |= {"工作单位": 22, "所属工会": 16, "服务意向": 24, "意见": 9, "签署单位": 20}
WIDTHS |= {"签署日期": 12, "备注": 20}
OPINION_WIDTH = 26


def earlier_columns(level: OpinionLevel) -> tuple[str, ...]:
    """The opinions signed before `level`, one column each, named as on the paper form."""
    return tuple(o.label for o in ORDER[: ORDER.index(level)])


def columns(level: OpinionLevel) -> tuple[str, ...]:
    return (*BASE, *earlier_columns(level), *FILL, CHECK)


def read_only(level: OpinionLevel) -> tuple[str, ...]:
    return (*BASE, *earlier_columns(level))


def sheet_key(root: Path, create: bool) -> bytes:
    """The checksum key: REVIEW_SHEET_KEY, else the project's git-ignored .review-sheet.key
    (made on the first export). It only has to tell an edited row from an untouched one."""
    if value := os.environ.get(KEY_ENV):
        if len(value) < KEY_MIN:
            raise StaffError(f"环境变量 {KEY_ENV} 太短（至少 {KEY_MIN} 个字符）")
        return value.encode()
    file = root / KEY_FILE
    if file.exists() or file.is_symlink():
        try:
            text = safefile.read_bytes(file, 4096).decode("ascii", errors="replace").strip()
        except safefile.Refused as exc:
            raise StaffError(f"{KEY_FILE}：{exc.reason}") from None
        if len(text) >= KEY_MIN:
            return text.encode()
        raise StaffError(f"{KEY_FILE} 内容无效（至少 {KEY_MIN} 个字符）；删除后重新导出审核表")
    if not create:
        raise StaffError(
            f"找不到审核表密钥（{KEY_FILE} 或环境变量 {KEY_ENV}）：请在导出该表的项目目录中导入，"
            f"或设置与导出时相同的 {KEY_ENV}"
        )
    write_atomic(file, secrets.token_hex(32) + "\n", mode=0o600)
    return sheet_key(root, create=False)


def key_id(key: bytes) -> str:
    """A short public name of the key, kept in the sheet: a sheet from another key says so once."""
    return hmac.new(key, b"review-sheet key id", hashlib.sha256).hexdigest()[:8]


def checksum(key: bytes, level: OpinionLevel, cells: list[str]) -> str:
    """The keyed checksum of one row's read-only cells (with the level and the layout)."""
    message = "\x1f".join([FORMAT, level.value, *cells]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def opinion_text(opinion: Opinion) -> str:
    return f"{opinion.opinion}（{opinion.office}，{opinion.date.isoformat()}）"


@dataclass(frozen=True)
class Names:
    """Union and service-area names by id, for the sheet's cells and the summaries."""

    unions: dict[str, str]
    categories: dict[str, str]


def _named(root: Path, file: str, key: str) -> dict[str, str]:
    try:
        data: Any = loader.read(root / "data" / file, root).data
    except DataErrors as exc:
        raise StaffError(f"{exc}；请先运行 volunteers check 修正") from None
    items = data.get(key) if isinstance(data, dict) else None
    return {
        str(i["id"]): str(i.get("name") or i["id"])
        for i in items or []
        if isinstance(i, dict) and i.get("id")
    }


def names(root: Path) -> Names:
    return Names(_named(root, "unions.yml", "unions"), _named(root, "categories.yml", "categories"))


def row_cells(record: Registration, level: OpinionLevel, names: Names) -> list[str]:
    """The read-only cells of a record's row, as text, in column order."""
    earlier = [opinion_text(o) for o in record.opinions[: ORDER.index(level)]]
    earlier += [""] * (len(earlier_columns(level)) - len(earlier))
    return [
        record.id,
        record.name,
        record.gender.value,
        record.id_masked,
        record.phone_masked,
        record.employer or "",
        names.unions.get(record.union, record.union),
        "、".join(names.categories.get(c, c) for c in record.categories),
        *earlier,
    ]


@dataclass(frozen=True)
class Line:
    """One record's row: its read-only cells (in column order), 签署单位 filled in where the
    exporter knows it ("" otherwise), and the keyed checksum of the read-only cells."""

    cells: list[str]
    office: str
    check: str


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def prefilled_office(level: OpinionLevel, union: str, names: Names) -> str:
    """签署单位 filled in where the exporter knows it: the union itself, or the city union."""
    if level == OpinionLevel.district:
        return names.unions.get(union, "")
    return "大连市总工会" if level == OpinionLevel.city else ""


def title(level: OpinionLevel, union: str | None, unit: str | None, names: Names, on: date) -> str:
    scope = names.unions.get(union, union) if union else "全市各工会"
    scope += f"（工作单位含“{unit}”）" if unit else ""
    return f"工会服务帮扶志愿者登记审核表　{scope}　{level.label}　导出日期 {on.isoformat()}"


def export(
    root: Path, level: OpinionLevel, union: str | None, unit: str | None, today: date
) -> tuple[bytes, int]:
    """The workbook's bytes and its number of rows: every record waiting at `level`."""
    known = names(root)
    if union is not None and union not in known.unions:
        raise StaffError(f"未知的工会 “{union}”（见 data/unions.yml）")
    key = sheet_key(root, create=True)
    lines = _gather(root, level, union, unit, known, key)
    from .reviewsheet_book import meta_rows, workbook  # it builds on this module's layout

    _guard([cell for line in lines for cell in line.cells])
    heading = title(level, union, unit, known, today)
    book = workbook(level, heading, lines, meta_rows(level, union, key_id(key), today))
    return book, len(lines)


SHARE = 0.6
"""The part of the files this process reads when a second one reads the rest: the second first
spends about half a second importing, this one then a fifth of a second loading openpyxl (5,800
files: each process then waits least for the other)."""


def _gather(
    root: Path, level: OpinionLevel, union: str | None, unit: str | None, known: Names, key: bytes
) -> list[Line]:
    """The rows of every record waiting at `level` (of `union`, at `unit`), in file order; past
    batch.PARALLEL_ABOVE files, the later part is read in a second process."""
    if union is not None:
        check_id(union, "工会标识")
    paths = list(batch.registration_paths(root, union).values())
    if len(paths) <= batch.PARALLEL_ABOVE:
        parts = [lines_of(paths, root, level, unit, known, key)]
    else:
        split = int(len(paths) * SHARE)
        other = Background(lines_of, paths[split:], root, level, unit, known, key)
        mine = lines_of(paths[:split], root, level, unit, known, key)
        import_module(".reviewsheet_book", __package__)  # openpyxl loads while the other reads
        parts = [mine, other.result()]
    for _, problem in parts:
        if problem:
            raise StaffError(problem)
    return [line for lines, _ in parts for line in lines]


def lines_of(
    paths: list[Path],
    root: Path,
    level: OpinionLevel,
    unit: str | None,
    known: Names,
    key: bytes,
) -> tuple[list[Line], str | None]:
    """The rows of the records among `paths` that wait at `level` (and whose employer holds
    `unit`), or the first file that cannot be read (in a second process: no exception)."""
    wanted = _squeeze(unit) if unit else None
    lines: list[Line] = []
    for path in paths:
        try:
            record = batch.load(path, root).record
        except StaffError as exc:
            return lines, str(exc)
        if waiting_level(record) != level:
            continue
        if wanted is not None and wanted not in _squeeze(record.employer or ""):
            continue
        cells = row_cells(record, level, known)
        office = prefilled_office(level, record.union, known)
        lines.append(Line(cells, office, checksum(key, level, cells)))
    return lines, None


def _guard(cells: list[str]) -> None:
    """Records hold masked numbers only; a full one here would be a bug: refuse to write it."""
    text = "\n".join(cells)
    if may_hold_personal_number(text) and find_personal_numbers(text):
        raise StaffError(
            "审核表中出现了完整的身份证号或手机号，拒绝导出；请先运行 volunteers check"
        )
