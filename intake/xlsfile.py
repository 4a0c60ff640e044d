"""Legacy Excel (.xls, BIFF) rows read with python-calamine, every value as text, within caps.

The file itself is opened through generator.core.safefile by the caller (a regular file within
the export size cap), so the whole workbook calamine holds is bounded by that cap; the sheet's
extent is checked before any row is built. An ID number saved as a number comes out the way
Excel shows it (2.10202198001012E+17), so the "format the column as text" hint applies."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import IO, Any

from .errors import IntakeError

Row = tuple[int, list[str]]
EXACT_DIGITS = 15
"""Excel keeps 15 significant digits: a whole number past this is shown in scientific notation."""


def _fail(name: str, what: str) -> IntakeError:
    return IntakeError(f"无法读取 {name}：{what}；本次未写入任何文件")


def number_text(value: Any, text: Callable[[Any], str]) -> str:
    """A cell as text; a whole number of more than 15 digits as Excel shows it (2.1E+17)."""
    if isinstance(value, float) and not isinstance(value, bool) and abs(value) >= 10**EXACT_DIGITS:
        return f"{value:.{EXACT_DIGITS}G}"
    return text(value)


def _sheet(handle: IO[bytes], name: str, worksheet: str | None) -> Any:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(handle)
    except (CalamineError, ValueError, OSError):
        raise _fail(name, "不是有效的 XLS 文件") from None
    names = list(book.sheet_names)
    if worksheet is not None and worksheet not in names:
        raise IntakeError(f"找不到工作表“{worksheet}”（现有：{'、'.join(names)}）")
    if not names:
        raise _fail(name, "文件中没有工作表")
    try:
        return book.get_sheet_by_name(worksheet or names[0])
    except (CalamineError, ValueError):
        raise _fail(name, f"工作表“{worksheet or names[0]}”不是数据表或已损坏") from None


def read_sheet(
    handle: IO[bytes],
    name: str,
    worksheet: str | None,
    text: Callable[[Any], str],
    caps: tuple[int, int],
) -> Generator[Row, None, None]:
    """(sheet row number, cells as text) for every row that has a value, in the file's order.
    `caps` are the data rows (after the header) and the columns allowed."""
    from python_calamine import CalamineError

    max_rows, max_columns = caps
    sheet = _sheet(handle, name, worksheet)
    (_, left), (bottom, right) = sheet.start or (0, 0), sheet.end or (0, 0)
    if bottom + 1 > max_rows + 1:
        raise _fail(name, f"第 {bottom + 1} 行超出上限（最多 {max_rows} 行数据），请分批导入")
    if right + 1 > max_columns:
        raise _fail(name, f"第 {right + 1} 列超出上限（最多 {max_columns} 列）")
    try:
        rows = list(sheet.iter_rows())
    except (CalamineError, ValueError, OverflowError):
        raise _fail(name, "工作表内容已损坏") from None
    first = bottom + 1 - len(rows)  # calamine starts either at row 1 or at the first used row
    for index, cells in enumerate(rows):
        values = [""] * left + [number_text(value, text) for value in cells]
        while values and not values[-1]:
            values.pop()
        if values:
            yield first + index + 1, values
