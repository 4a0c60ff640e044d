"""XLSX rows streamed from the sheet's XML, bounded by the cells actually present.

openpyxl's read-only mode sizes its rows by the sheet's `dimension` tag, which a crafted file
sets to 16,384 × 1,048,576 cells (a 5 KB file then runs for hours); it also keeps a whole row's
XML in memory. Here the ZIP members' unpacked sizes are checked first, each cell is read with
openpyxl's own cell parser (shared strings, dates, booleans) and dropped as soon as it is read,
and rows, columns and cells are capped with a Chinese message naming the file and the row.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable, Generator
from functools import lru_cache
from typing import IO, Any
from xml.etree.ElementTree import Element, SubElement
from xml.parsers.expat import ExpatError, ParserCreate

from openpyxl.utils.cell import column_index_from_string

from generator.core.safefile import MiB

from .errors import IntakeError

Row = tuple[int, list[str]]
SHEET_XML_MAX = 128 * MiB
"""Unpacked XML of one worksheet (100,000 rows of a sign-up form take about 60 MB)."""
STRINGS_XML_MAX = 64 * MiB
"""The shared-strings table, which openpyxl holds in memory."""
OTHER_XML_MAX = 4 * MiB
"""Any other XML part (workbook, styles, relationships...): a few KB in a real export."""
MAX_MEMBERS = 1_000
MAX_CELLS = 2_000_000
"""<c> elements read in all, empty ones included (100,000 rows × 16 columns is 1.6 million)."""
MAX_CELL_PARTS = 1_000
"""Elements inside one cell (rich-text runs): a cell with millions of them is a bomb."""
MAX_TEXT = 40_000
"""Characters kept of one text inside a cell (the caller cuts cells longer than Excel's 32,767)."""

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL = _NS + "row", _NS + "c"
_ROW_NS, _CELL_NS = _ROW[1:], _CELL[1:]
_VALUE = _NS + "v"
_STRING = _NS + "si"
_PLAIN, _RUNS = f"{_NS}is/{_NS}t", f"{_NS}is/{_NS}r/{_NS}t"
_TEXT_KINDS = {"s", "str", "inlineStr"}
_VALUE_NS = _VALUE[1:]
"""As expat names them (namespace}name)."""
EXCEL_COLUMNS = 16_384


def _fail(name: str, what: str) -> IntakeError:
    return IntakeError(f"无法读取 {name}：{what}；本次未写入任何文件")


def _check_archive(handle: IO[bytes], name: str) -> None:
    """Refuse a ZIP whose parts would unpack to more than the caps (a "zip bomb")."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _fail(name, "不是有效的 XLSX 文件（无法按 ZIP 格式打开）") from None
    if len(members) > MAX_MEMBERS:
        raise _fail(name, f"文件内部结构异常（超过 {MAX_MEMBERS} 个部件）")
    for info in members:
        part = info.filename
        if not part.endswith((".xml", ".rels")):
            continue
        if part.startswith("xl/worksheets/"):
            limit = SHEET_XML_MAX
        elif part == "xl/sharedStrings.xml":
            limit = STRINGS_XML_MAX
        else:
            limit = OTHER_XML_MAX
        if info.file_size > limit:
            raise _fail(
                name,
                f"解压后过大（{part} 为 {info.file_size // MiB} MB，上限 {limit // MiB} MB），"
                "可能是恶意构造的文件",
            )
    handle.seek(0)


def shared_strings(source: IO[bytes]) -> list[str]:
    """The shared-strings table as openpyxl's read_string_table reads it (each <si>'s own <t>,
    then the <t> of each rich-text run <r>; phonetic runs left out; `x005F_` removed), with the
    same XML parser but without building openpyxl objects for every string (which made up a
    third of the time of reading a sign-up export)."""
    from openpyxl.xml.functions import iterparse

    strings = []
    for _, node in iterparse(source):
        if node.tag == _STRING:
            strings.append(_string_text(node).replace("x005F_", ""))
            node.clear()
    return strings


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else "comment"


def _string_text(node: Element) -> str:
    """openpyxl's Text.from_tree(node).content: the last plain <t>, then every run's last <t>."""
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run = None
            for part in child:
                if _local(part.tag) == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    return "".join(runs if plain is None else [plain, *runs])


def _load_workbook(handle: IO[bytes]) -> Any:
    """openpyxl's load_workbook(read_only=True, data_only=True), its strings read by shared_strings."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = shared_strings(source)

    reader = Reader(handle, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _open_sheet(handle: IO[bytes], name: str, worksheet: str | None) -> tuple[Any, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles some writers omit
            book = _load_workbook(handle)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IntakeError(f"无法读取 {name}：{type(exc).__name__}") from None
    if worksheet is not None and worksheet not in book.sheetnames:
        book.close()
        raise IntakeError(f"找不到工作表“{worksheet}”（现有：{'、'.join(book.sheetnames)}）")
    sheet = book[worksheet] if worksheet else book.worksheets[0]
    if not hasattr(sheet, "_get_source"):
        book.close()
        raise IntakeError(f"无法读取 {name}：工作表“{sheet.title}”不是数据表")
    return book, sheet


def read_sheet(
    handle: IO[bytes],
    name: str,
    worksheet: str | None,
    text: Callable[[Any], str],
    caps: tuple[int, int],
) -> Generator[Row, None, None]:
    """(sheet row number, cells as text) for every row that has a value, in the file's order.
    `caps` are the data rows (after the header) and the columns allowed."""
    from openpyxl.worksheet._reader import WorkSheetParser

    max_rows, max_columns = caps
    _check_archive(handle, name)
    book, sheet = _open_sheet(handle, name, worksheet)
    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            yield from _rows(parser, source, name, text, max_rows, max_columns)
    except (ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _fail(name, f"工作表内容已损坏（{type(exc).__name__}）") from None
    finally:
        book.close()


class _Cells:
    """expat callbacks: a cell's own elements become a small tree for openpyxl's cell parser;
    everything else in the sheet is passed over without building anything."""

    def __init__(self, parser: Any, name: str, text: Callable[[Any], str], caps: tuple[int, int]):
        self.parser, self.name, self.text = parser, name, text
        self.max_rows, self.max_columns = caps
        self.row = self.cells = self.parts = 0
        self.values: dict[int, str] = {}
        self.done: list[Row] = []
        self.stack: list[Element] = []
        self.attrs: dict[str, str] | None = None
        """A cell's attributes until its first part (most cells are read without a tree)."""
        self.in_row = 0
        self.shared: dict[str, str] | None = None
        """A shared-string cell's attributes while its one part, <v>, is read (no tree)."""
        self.index: list[str] = []
        self.texts = [text(string) for string in parser.shared_strings]
        """Each shared string as the caller's text, made once rather than once per cell."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.shared is not None:  # anything inside or after a shared string's <v>
            raise _fail(self.name, f"第 {self.row} 行有单元格结构异常")
        if self.attrs is not None and tag == _VALUE_NS and self.attrs.get("t") == "s":
            self.shared, self.attrs, self.index = self.attrs, None, []
            return
        if self.attrs is not None:  # a cell's first part: the cell becomes a tree now
            self.stack.append(Element(_CELL, self.attrs))
            self.attrs = None
        if self.stack:
            self.parts += 1
            if self.parts > MAX_CELL_PARTS:
                raise _fail(self.name, f"第 {self.row} 行有单元格结构异常（部分过多）")
            self.stack.append(SubElement(self.stack[-1], "{" + tag, attrs))
        elif tag == _CELL_NS:
            self.cells += 1
            self.in_row += 1
            if self.cells > MAX_CELLS:
                raise _fail(self.name, f"单元格过多（超过 {MAX_CELLS} 个），请分批导入")
            if self.in_row > EXCEL_COLUMNS:
                raise _fail(self.name, f"第 {self.row} 行的单元格超过 {EXCEL_COLUMNS} 个")
            self.parts = 0
            self.attrs = attrs
        elif tag == _ROW_NS:
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() and len(number) < 9 else self.row + 1
            self.parser.row_counter, self.parser.col_counter = self.row, 0
            self.values = {}
            self.in_row = 0

    def chars(self, data: str) -> None:
        if self.shared is not None:
            if len(self.index) < 4:  # a string's number: a few digits, possibly split
                self.index.append(data[:20])
        elif self.stack and self.attrs is None:
            element = self.stack[-1]
            held = element.text or ""
            if len(held) <= MAX_TEXT:
                element.text = held + data[: MAX_TEXT + 1 - len(held)]

    def end(self, tag: str) -> None:
        if self.shared is not None:
            if tag == _VALUE_NS:
                return
            attrs, self.shared = self.shared, None
            try:
                self.put(self.column(attrs), self.texts[int("".join(self.index))])
            except (ValueError, IndexError, KeyError, TypeError, OverflowError):
                raise _fail(self.name, f"第 {self.row} 行有无法读取的单元格") from None
        elif self.attrs is not None:  # a cell without parts: no value
            self.attrs = None
            self.parser.col_counter += 1
        elif len(self.stack) > 1:
            self.stack.pop()
        elif self.stack:
            self.cell(self.stack.pop())
        elif tag == _ROW_NS and self.values:
            values = self.values
            self.done.append((self.row, [values.get(c, "") for c in range(1, max(values) + 1)]))
            self.values = {}

    def cell(self, element: Element) -> None:
        try:
            column, value = self.read(element)
        except (ValueError, IndexError, KeyError, TypeError, OverflowError):
            raise _fail(self.name, f"第 {self.row} 行有无法读取的单元格") from None
        self.store(column, value)

    def column(self, attrs: dict[str, str]) -> int:
        """The cell's column from its reference (A1), else the one after the last."""
        coordinate = attrs.get("r")
        if coordinate:
            self.parser.col_counter = _column(coordinate.rstrip("0123456789"))
        else:
            self.parser.col_counter += 1
        return int(self.parser.col_counter)

    def store(self, column: int, value: Any) -> None:
        self.put(column, self.text(value))

    def put(self, column: int, text: str) -> None:
        if not text:
            return
        if self.row > self.max_rows + 1:
            message = f"第 {self.row} 行超出上限（最多 {self.max_rows} 行数据），请分批导入"
            raise _fail(self.name, message)
        if column > self.max_columns:
            message = f"第 {self.row} 行第 {column} 列超出上限（最多 {self.max_columns} 列）"
            raise _fail(self.name, message)
        self.values[column] = text

    def read(self, element: Element) -> tuple[int, Any]:
        """(column, value): text cells directly, numbers and dates by openpyxl's parser."""
        kind = element.get("t", "n")
        if kind not in _TEXT_KINDS:
            cell = self.parser.parse_cell(element)
            return cell["column"], cell["value"]
        self.column(dict(element.attrib))
        if kind == "inlineStr":  # plain text, then rich-text runs (phonetic runs left out)
            parts = [t.text or "" for t in element.iterfind(_PLAIN)]
            parts += [t.text or "" for t in element.iterfind(_RUNS)]
            return self.parser.col_counter, "".join(parts)
        value = element.findtext(_VALUE)
        if kind == "s" and value is not None:
            value = self.parser.shared_strings[int(value)]
        return self.parser.col_counter, value


@lru_cache(maxsize=EXCEL_COLUMNS)
def _column(letters: str) -> int:
    """AB → 28 (raises ValueError past XFD or on anything else)."""
    return column_index_from_string(letters)


def _rows(
    parser: Any,
    source: IO[bytes],
    name: str,
    text: Callable[[Any], str],
    max_rows: int,
    max_columns: int,
) -> Generator[Row, None, None]:
    cells = _Cells(parser, name, text, (max_rows, max_columns))
    expat = ParserCreate(namespace_separator="}")
    expat.StartElementHandler = cells.start
    expat.EndElementHandler = cells.end
    expat.CharacterDataHandler = cells.chars
    expat.buffer_text = True
    while chunk := source.read(1 << 16):
        expat.Parse(chunk, False)
        yield from cells.done
        cells.done.clear()
    expat.Parse(b"", True)
    yield from cells.done
