"""The review sheet's workbook: openpyxl lays out everything but the records' rows (title,
header, column styles, dropdown, protection, print set-up, the hidden 校验信息 sheet); the rows,
5,800 of them at the notice's scale, are written as SpreadsheetML text straight into the sheet's
part, exactly as openpyxl writes such cells, at a tenth of openpyxl's per-cell cost."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from generator.core.records import OpinionLevel
from generator.core.review import AGREE, DISAGREE

from .actions import StaffError
from .reviewsheet import (
    FILL,
    FIRST_ROW,
    FORMAT,
    HEADER_ROW,
    META,
    OPINION_WIDTH,
    SHEET,
    TITLE_ROW,
    WIDTHS,
    Line,
    columns,
    read_only,
)

CELL_MAX = 32_767
"""Characters a cell holds (openpyxl cuts longer text to this, as Excel would)."""


def workbook(
    level: OpinionLevel, title: str, lines: list[Line], meta: list[tuple[str, str]]
) -> bytes:
    """The .xlsx file's bytes: the review sheet with one row per line, and the 校验信息 sheet."""
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
    ws.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=14)
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
    styles = _prototypes(wb, box, fill)
    end = FIRST_ROW + max(len(lines), 1) - 1
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
    ws.freeze_panes = f"C{FIRST_ROW}"  # a string: ws.cell() would write an empty row 3
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(heads) - 1)}{end}"
    ws.protection.sheet = True  # no password: it prevents accidents, not attackers
    ws.protection.autoFilter = False
    ws.protection.formatRows = False
    _print_setup(ws)
    _meta(wb.create_sheet(META), meta)
    out = io.BytesIO()
    wb.save(out)
    if not lines:
        return out.getvalue()
    letters = [get_column_letter(c) for c in range(1, len(heads) + 1)]
    rows = _rows(lines, letters, fixed + 1, styles)  # 签署单位 is the second column to fill
    dimension = f"A{TITLE_ROW}:{last}{FIRST_ROW + len(lines) - 1}"
    return _with_rows(out.getvalue(), ws.path.lstrip("/"), rows, dimension)


def _prototypes(wb: Workbook, box: Border, fill: PatternFill) -> dict[str, int]:
    """The style number (the cell format's index in the workbook) of each kind of data cell,
    registered through a cell of each kind on a scratch sheet."""
    unlocked = Protection(locked=False)
    wrap = Alignment(vertical="top", wrap_text=True)
    kinds: dict[str, dict[str, Any]] = {
        # Long text wraps inside its cell instead of running over the columns to fill.
        "fixed": {"number_format": "@", "border": box, "alignment": wrap},
        "open": {"number_format": "@", "border": box, "fill": fill, "protection": unlocked},
        "check": {"number_format": "@"},
    }
    scratch = wb.create_sheet("scratch")
    out = {}
    for column, (name, attributes) in enumerate(kinds.items(), start=1):
        cell = scratch.cell(1, column)
        for attribute, value in attributes.items():
            setattr(cell, attribute, value)
        out[name] = cell.style_id
    wb.remove(scratch)
    return out


def _cell(ref: str, style: int, value: str) -> str:
    """One text cell as openpyxl writes it: inline, escaped, spaces at its ends kept."""
    if not value:
        return f'<c r="{ref}" s="{style}" t="inlineStr" />'
    value = value[:CELL_MAX]
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _rows(lines: list[Line], letters: list[str], office_at: int, styles: dict[str, int]) -> str:
    """The records' rows, from FIRST_ROW, as the text of the sheet's <sheetData>. Every value
    is text (never a formula, even when a sign-up's field starts with "=")."""
    fixed, open_, check = styles["fixed"], styles["open"], styles["check"]
    office_letter, check_letter = letters[office_at], letters[-1]
    parts: list[str] = []
    for n, line in enumerate(lines):
        if any(ILLEGAL_CHARACTERS_RE.search(v) for v in line.cells):
            raise StaffError(
                f"登记 {line.cells[0]} 含有表格无法保存的控制字符；请先运行 volunteers check 修正"
            )
        r = str(FIRST_ROW + n)
        cells = [_cell(letters[i] + r, fixed, v) for i, v in enumerate(line.cells)]
        if line.office:
            cells.append(_cell(office_letter + r, open_, line.office))
        cells.append(_cell(check_letter + r, check, line.check))
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(parts)


_DIMENSION = re.compile(r'<dimension ref="[^"]*"')


def _with_rows(book: bytes, part: str, rows: str, dimension: str) -> bytes:
    """openpyxl's file with the rows put at the end of the sheet's data (after the header) and
    the sheet's extent (<dimension>) made to cover them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                if text.count("</sheetData>") != 1 or len(_DIMENSION.findall(text)) != 1:
                    raise RuntimeError(f"unexpected layout of {part} written by openpyxl")
                text = _DIMENSION.sub(f'<dimension ref="{dimension}"', text)
                data = text.replace("</sheetData>", rows + "</sheetData>").encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


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


def _meta(ws: Any, rows: list[tuple[str, str]]) -> None:
    """What the import needs besides the rows; hidden and protected (an accident, not a lock)."""
    for row in rows:
        ws.append(row)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def meta_rows(
    level: OpinionLevel, union: str | None, key_name: str, today: date
) -> list[tuple[str, str]]:
    """The 校验信息 sheet's rows: the layout, the level, the key's public name, the date, the union."""
    return [
        ("format", FORMAT),
        ("level", level.value),
        ("key", key_name),
        ("exported", today.isoformat()),
        ("union", union or ""),
    ]
