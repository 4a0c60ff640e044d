"""The expat callbacks that turn a worksheet's XML into rows, one cell at a time, capped.

Most cells of a sign-up export are a shared string (`<c r="B7" t="s"><v>12</v></c>`): those are
read with no tree and no openpyxl call, in as few steps per callback as possible (a 10,000-row
export calls these 1 million times). Any other cell becomes a small tree for openpyxl's own
cell parser (numbers, dates, booleans) or is read as inline text; everything outside cells is
passed over without building anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from openpyxl.utils.cell import column_index_from_string

from .errors import IntakeError

Row = tuple[int, list[str]]
MAX_CELLS = 2_000_000
"""<c> elements read in all, empty ones included (100,000 rows × 16 columns is 1.6 million)."""
MAX_CELL_PARTS = 1_000
"""Elements inside one cell (rich-text runs): a cell with millions of them is a bomb."""
MAX_TEXT = 40_000
"""Characters kept of one text inside a cell (the caller cuts cells longer than Excel's 32,767)."""
EXCEL_COLUMNS = 16_384

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL = NS + "c"
_ROW_NS, _CELL_NS, _VALUE_NS = (NS + "row")[1:], _CELL[1:], (NS + "v")[1:]
"""As expat names them (namespace}name)."""
_VALUE = NS + "v"
_PLAIN, _RUNS = f"{NS}is/{NS}t", f"{NS}is/{NS}r/{NS}t"
_TEXT_KINDS = {"s", "str", "inlineStr"}
_DIGITS = "0123456789"
_OUTSIDE, _BARE, _SHARED, _TREE = range(4)
"""Where the reader is: outside any cell; in a cell with no part yet (its attributes held); in
a shared-string cell, from its <v> to its end; in a cell read as a tree."""


def fail(name: str, what: str) -> IntakeError:
    return IntakeError(f"无法读取 {name}：{what}；本次未写入任何文件")


def interned() -> dict[str, str]:
    """ParserCreate's `intern` table, holding the names compared in the callbacks, so that
    expat hands over these very strings (compared by identity before their characters)."""
    return {name: name for name in (_ROW_NS, _CELL_NS, _VALUE_NS)}


class Cells:
    """expat callbacks (start, end, chars); finished rows collect in `done`."""

    def __init__(self, parser: Any, name: str, text: Callable[[Any], str], caps: tuple[int, int]):
        self.parser, self.name, self.text = parser, name, text
        self.max_rows, self.max_columns = caps
        self.row_cap = self.max_rows + 1
        """The last sheet row read (the header's, then the data rows')."""
        self.row = self.cells = self.parts = self.in_row = self.column = 0
        """The sheet row, <c> elements in all and in this row, parts of this cell, its column."""
        self.where = _OUTSIDE
        self.values: dict[int, str] = {}
        self.done: list[Row] = []
        self.stack: list[Element] = []
        self.attrs: dict[str, str] = {}
        """The cell's attributes (a tree is made only for a cell that is not a shared string)."""
        self.index: list[str] = []
        """A shared string's number as expat hands it over (a few digits, possibly split)."""
        self.texts = [text(string) for string in parser.shared_strings]
        """Each shared string as the caller's text, made once rather than once per cell."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        where = self.where
        if where == _OUTSIDE:
            if tag == _CELL_NS:
                self.cells += 1
                self.in_row += 1
                if self.cells > MAX_CELLS:
                    raise fail(self.name, f"单元格过多（超过 {MAX_CELLS} 个），请分批导入")
                if self.in_row > EXCEL_COLUMNS:
                    raise fail(self.name, f"第 {self.row} 行的单元格超过 {EXCEL_COLUMNS} 个")
                self.attrs = attrs
                self.where = _BARE
            elif tag == _ROW_NS:
                number = attrs.get("r", "")
                self.row = int(number) if number.isdigit() and len(number) < 9 else self.row + 1
                self.column = self.in_row = 0
                self.values = {}
            return
        if where == _BARE:
            if tag == _VALUE_NS and self.attrs.get("t") == "s":
                self.where, self.index = _SHARED, []
                return
            self.stack.append(Element(_CELL, self.attrs))  # a cell's first part: a tree now
            self.where, self.parts = _TREE, 0
        elif where == _SHARED:  # anything inside or after a shared string's <v>
            raise fail(self.name, f"第 {self.row} 行有单元格结构异常")
        self.parts += 1
        if self.parts > MAX_CELL_PARTS:
            raise fail(self.name, f"第 {self.row} 行有单元格结构异常（部分过多）")
        self.stack.append(SubElement(self.stack[-1], "{" + tag, attrs))

    def chars(self, data: str) -> None:
        where = self.where
        if where == _SHARED:
            if len(self.index) < 4:
                self.index.append(data[:20])
        elif where == _TREE:
            element = self.stack[-1]
            held = element.text or ""
            if len(held) <= MAX_TEXT:
                element.text = held + data[: MAX_TEXT + 1 - len(held)]

    def end(self, tag: str) -> None:
        where = self.where
        if where == _SHARED:
            if tag == _VALUE_NS:
                return
            self.where = _OUTSIDE  # the cell's end: its column, its text
            index = self.index
            try:
                coordinate = self.attrs.get("r")
                column = _column(coordinate.rstrip(_DIGITS)) if coordinate else self.column + 1
                text = self.texts[int(index[0] if len(index) == 1 else "".join(index))]
            except (ValueError, IndexError, KeyError, TypeError, OverflowError):
                raise fail(self.name, f"第 {self.row} 行有无法读取的单元格") from None
            self.column = column
            if text:
                if self.row > self.row_cap or column > self.max_columns:
                    self.put(column, text)  # which says why
                self.values[column] = text
        elif where == _BARE:  # a cell without parts: no value
            self.where = _OUTSIDE
            self.column += 1
        elif where == _TREE:
            element = self.stack.pop()
            if not self.stack:
                self.where = _OUTSIDE
                self.cell(element)
        elif tag == _ROW_NS and self.values:
            values = self.values
            self.done.append((self.row, [values.get(c, "") for c in range(1, max(values) + 1)]))
            self.values = {}

    def cell(self, element: Element) -> None:
        try:
            column, value = self.read(element)
        except (ValueError, IndexError, KeyError, TypeError, OverflowError):
            raise fail(self.name, f"第 {self.row} 行有无法读取的单元格") from None
        text = self.text(value)
        if text:
            self.put(column, text)

    def put(self, column: int, text: str) -> None:
        if self.row > self.row_cap:
            message = f"第 {self.row} 行超出上限（最多 {self.max_rows} 行数据），请分批导入"
            raise fail(self.name, message)
        if column > self.max_columns:
            message = f"第 {self.row} 行第 {column} 列超出上限（最多 {self.max_columns} 列）"
            raise fail(self.name, message)
        self.values[column] = text

    def read(self, element: Element) -> tuple[int, Any]:
        """(column, value): text cells directly, numbers and dates by openpyxl's parser."""
        kind = element.get("t", "n")
        if kind not in _TEXT_KINDS:
            parser = self.parser
            parser.row_counter, parser.col_counter = self.row, self.column
            cell = parser.parse_cell(element)
            self.column = parser.col_counter
            return cell["column"], cell["value"]
        coordinate = element.get("r")
        if coordinate:
            self.column = _column(coordinate.rstrip(_DIGITS))
        else:
            self.column += 1
        if kind == "inlineStr":  # plain text, then rich-text runs (phonetic runs left out)
            parts = [t.text or "" for t in element.iterfind(_PLAIN)]
            parts += [t.text or "" for t in element.iterfind(_RUNS)]
            return self.column, "".join(parts)
        value = element.findtext(_VALUE)
        if kind == "s" and value is not None:
            value = self.parser.shared_strings[int(value)]
        return self.column, value


@lru_cache(maxsize=EXCEL_COLUMNS)
def _column(letters: str) -> int:
    """AB → 28 (raises ValueError past XFD or on anything else)."""
    return column_index_from_string(letters)
