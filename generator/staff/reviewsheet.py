"""The review sheet: one row per registration waiting at a level, for clerks who sign in Excel or
WPS. Written with openpyxl (locked read-only columns, a dropdown, print set-up) and a hidden keyed
checksum per row, so that an accidental edit of a read-only cell is found when it comes back."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import secrets
import unicodedata
from copy import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from generator.core import loader, safefile
from generator.core.errors import DataErrors
from generator.core.identity import find_personal_numbers, may_hold_personal_number
from generator.core.records import Opinion, OpinionLevel, Registration
from generator.core.review import AGREE, DISAGREE, ORDER
from generator.core.writer import write_atomic

from .actions import StaffError
from .batch import waiting

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
    records = [loaded.record for loaded in waiting(root, level, union)]
    if unit:
        wanted = _squeeze(unit)
        records = [r for r in records if wanted in _squeeze(r.employer or "")]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    heads = columns(level)
    fixed = len(read_only(level))
    last = get_column_letter(len(heads))
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.cell(TITLE_ROW, 1, title(level, union, unit, known, today)).font = Font(bold=True, size=14)
    ws.row_dimensions[TITLE_ROW].height = 26
    head_fill = PatternFill("solid", fgColor="D9D9D9")
    for col, head in enumerate(heads, start=1):
        cell = ws.cell(HEADER_ROW, col, head)
        cell.font, cell.border, cell.fill = Font(bold=True), box, head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = WIDTHS.get(head, OPINION_WIDTH)
    ws.column_dimensions[last].hidden = True
    # The columns to fill are open (unlocked) by their column's style, so their empty cells
    # need not be written one by one (a third of the file, and of the time, at 5,800 rows).
    fill = PatternFill("solid", fgColor="FFF2CC")
    for i, head in enumerate(FILL):
        column = ws.column_dimensions[get_column_letter(fixed + 1 + i)]
        column.protection, column.fill, column.border = Protection(locked=False), fill, box
        column.number_format = "yyyy-mm-dd" if head == "签署日期" else "@"
    # A style set on each of 80,000 cells costs seconds (openpyxl hashes it every time): each
    # kind of cell is styled once, and its style indices copied to the others.
    proto = _prototypes(wb, box, fill)
    text_cells: list[str] = []
    for n, record in enumerate(records):
        row = FIRST_ROW + n
        cells = row_cells(record, level, known)
        text_cells += cells
        for col, value in enumerate(cells, start=1):
            ws.cell(row, col, value)._style = copy(proto["fixed"])
        if office := prefilled_office(level, record.union, known):
            ws.cell(row, fixed + 2, office)._style = copy(proto["open"])
        ws.cell(row, len(heads), checksum(key, level, cells))._style = copy(proto["check"])
    _guard(text_cells)
    end = FIRST_ROW + max(len(records), 1) - 1
    opinion_col = get_column_letter(fixed + 1)
    choice = DataValidation(
        type="list",
        formula1=f'"{AGREE},{DISAGREE}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="意见",
        error=f"请从下拉列表中选择：{AGREE} 或 {DISAGREE}",
        showInputMessage=True,
        promptTitle="意见",
        prompt=f"选择 {AGREE} 或 {DISAGREE}；暂不签署的留空",
    )
    choice.add(f"{opinion_col}{FIRST_ROW}:{opinion_col}{end}")
    ws.add_data_validation(choice)
    ws.freeze_panes = ws.cell(FIRST_ROW, 3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(heads) - 1)}{end}"
    ws.protection.sheet = True  # no password: it prevents accidents, not attackers
    ws.protection.autoFilter = False
    ws.protection.formatRows = False
    _print_setup(ws)
    _meta(wb.create_sheet(META), level, union, key, today)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), len(records)


def _prototypes(wb: Workbook, box: Border, fill: PatternFill) -> dict[str, Any]:
    """The style (openpyxl's array of indices) of each kind of cell, made on a scratch sheet."""
    unlocked = Protection(locked=False)
    wrap = Alignment(vertical="top", wrap_text=True)
    kinds: dict[str, dict[str, Any]] = {
        # Long text wraps inside its cell instead of running over the columns to fill.
        "fixed": {"number_format": "@", "border": box, "alignment": wrap},
        "open": {"number_format": "@", "border": box, "fill": fill, "protection": unlocked},
        "date": {
            "number_format": "yyyy-mm-dd",
            "border": box,
            "fill": fill,
            "protection": unlocked,
        },
        "check": {"number_format": "@"},
    }
    scratch = wb.create_sheet("scratch")
    out = {}
    for column, (name, attributes) in enumerate(kinds.items(), start=1):
        cell = scratch.cell(1, column)
        for attribute, value in attributes.items():
            setattr(cell, attribute, value)
        out[name] = copy(cell._style)
    wb.remove(scratch)
    return out


def _print_setup(ws: Any) -> None:
    """A4 landscape, one page wide, the title and header rows on every page, pages numbered."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _meta(ws: Any, level: OpinionLevel, union: str | None, key: bytes, today: date) -> None:
    """What the import needs besides the rows; hidden and protected (an accident, not a lock)."""
    for row in (
        ("format", FORMAT),
        ("level", level.value),
        ("key", key_id(key)),
        ("exported", today.isoformat()),
        ("union", union or ""),
    ):
        ws.append(row)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _guard(cells: list[str]) -> None:
    """Records hold masked numbers only; a full one here would be a bug: refuse to write it."""
    text = "\n".join(cells)
    if may_hold_personal_number(text) and find_personal_numbers(text):
        raise StaffError(
            "审核表中出现了完整的身份证号或手机号，拒绝导出；请先运行 volunteers check"
        )
