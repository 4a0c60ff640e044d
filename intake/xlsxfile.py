"""XLSX rows streamed from the sheet's XML, bounded by the cells actually present.

openpyxl's read-only mode sizes its rows by the sheet's `dimension` tag, which a crafted file
sets to 16,384 × 1,048,576 cells (a 5 KB file then runs for hours); it also keeps a whole row's
XML in memory. Here the ZIP members' unpacked sizes are checked first, each cell is read (a
shared string directly, anything else with openpyxl's own cell parser: dates, booleans; see
intake/xlsxcells.py) and dropped as soon as it is read, and rows, columns and cells are capped
with a Chinese message naming the file and the row.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable, Generator
from typing import IO, Any
from xml.etree.ElementTree import Element
from xml.parsers.expat import ExpatError, ParserCreate

from generator.core.safefile import MiB

from .errors import IntakeError
from .xlsxcells import NS, Cells, Row, fail, interned

SHEET_XML_MAX = 128 * MiB
"""Unpacked XML of one worksheet (100,000 rows of a sign-up form take about 60 MB)."""
STRINGS_XML_MAX = 64 * MiB
"""The shared-strings table, which openpyxl holds in memory."""
OTHER_XML_MAX = 4 * MiB
"""Any other XML part (workbook, styles, relationships...): a few KB in a real export."""
MAX_MEMBERS = 1_000
_STRING, _TEXT = NS + "si", NS + "t"


def _check_archive(handle: IO[bytes], name: str) -> None:
    """Refuse a ZIP whose parts would unpack to more than the caps (a "zip bomb")."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise fail(name, "不是有效的 XLSX 文件（无法按 ZIP 格式打开）") from None
    if len(members) > MAX_MEMBERS:
        raise fail(name, f"文件内部结构异常（超过 {MAX_MEMBERS} 个部件）")
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
            raise fail(
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
            if len(node) == 1 and node[0].tag == _TEXT:  # most strings: one <t>, no runs
                text = node[0].text or ""
            else:
                text = _string_text(node)
            strings.append(text.replace("x005F_", ""))
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
        raise fail(name, f"工作表内容已损坏（{type(exc).__name__}）") from None
    finally:
        book.close()


def _rows(
    parser: Any,
    source: IO[bytes],
    name: str,
    text: Callable[[Any], str],
    max_rows: int,
    max_columns: int,
) -> Generator[Row, None, None]:
    cells = Cells(parser, name, text, (max_rows, max_columns))
    expat = ParserCreate(namespace_separator="}", intern=interned())
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
