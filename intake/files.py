"""Exported files as text rows (CSV, XLSX), read as untrusted input: bounded in size, rows,
columns and cell length, and failing with one Chinese line naming the file (and row).

A cell longer than MAX_CELL_CHARS is cut to MAX_CELL_CHARS + 1 characters: every field that
intake keeps is far shorter, so validation rejects that row by its number (第 N 行) and the run
goes on. What cannot be read row by row (the file itself, a record past the caps) ends the run
before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Generator, Iterator
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import IO, Any

from generator.core import safefile

from .errors import IntakeError
from .sources import Row, Table
from .xlsfile import read_sheet as xls_sheet
from .xlsxfile import read_sheet

MAX_ROWS = 100_000
"""Data rows (after the header) of one export."""
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767
"""Excel's own limit for one cell."""
MAX_LINE_CHARS = 1_048_576
"""One physical CSV line (and one field): past this the file is taken as damaged."""
MAX_SEPARATORS = 10_000
"""Separators in one physical CSV line (a row of 10 million empty cells would fill memory)."""
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
"""Delimited text: .txt and .tsv as Excel's "Unicode text" (UTF-16, tab-separated) saves it."""


def open_file(path: Path, worksheet: str | None = None) -> Table:
    """A .csv (UTF-8 with or without BOM, UTF-16 with BOM, or GB18030/GBK; comma- or
    tab-separated, also as .txt/.tsv), .xlsx or .xls export, every value as text."""
    suffix = path.suffix.lower()
    if not os.path.lexists(path):
        raise IntakeError(f"找不到文件 {path}")
    if suffix not in {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}:
        raise IntakeError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：请导出为 .csv、.xlsx 或 .xls"
        )
    # Refused early (not a regular file, too large, missing) with the reason.
    opened(path).close()
    return _csv(path) if suffix in TEXT_SUFFIXES else _xlsx(path, worksheet)


def opened(path: Path) -> IO[bytes]:
    try:
        return safefile.open_regular(path, safefile.EXPORT_MAX_BYTES)
    except safefile.Refused as exc:
        raise IntakeError(f"无法读取 {path.name}：{exc.reason}") from None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decodes(handle: IO[bytes], encoding: str) -> bool:
    """Whether the whole file decodes (checked in chunks, never held whole). A NUL byte outside
    UTF-16/32 means UTF-16 without its byte-order mark (or no text at all): GB18030 would
    decode it into nonsense."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    wide = encoding.startswith("utf-16") or encoding.startswith("utf-32")
    try:
        while chunk := handle.read(1 << 16):
            if not wide and b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(path: Path) -> str:
    """The BOM's encoding; else UTF-8 if the whole file is UTF-8; else GB18030 (a superset of
    GBK and GB2312, what Chinese spreadsheet software exports); else a refusal."""
    with opened(path) as handle:
        start = handle.read(4)
        bom = next((enc for mark, enc in _BOMS if start.startswith(mark)), None)
        candidates = [bom] if bom else ["utf-8-sig", "gb18030"]
        for encoding in candidates:
            if _decodes(handle, encoding):
                return encoding
    named = {"utf-32": "UTF-32", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
    what = f"不是有效的 {named[bom]} 文本" if bom else "编码无法识别"
    raise IntakeError(
        f"无法读取 {path.name}：{what}（支持 UTF-8、带 BOM 的 UTF-16、GB18030/GBK），"
        "请在表格软件中另存为“CSV UTF-8”"
    )


def _delimiter(path: Path, encoding: str) -> str:
    """A tab when the header line holds more tabs than commas (Excel's "Unicode text"), else a
    comma: decided by the file alone, never guessed from a sample of the data."""
    with opened(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        first = text.readline(MAX_LINE_CHARS + 1)
    return "\t" if first.count("\t") > first.count(",") else ","


def _lines(handle: IO[str], name: str, records: list[int], sep: str = ",") -> Iterator[str]:
    """Physical lines, each bounded before the csv module sees it."""
    while line := handle.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS or line.count(sep) > MAX_SEPARATORS:
            what = "过长" if len(line) > MAX_LINE_CHARS else f"列数过多（超过 {MAX_SEPARATORS}）"
            raise IntakeError(
                f"无法读取 {name}：第 {records[0] + 1} 行{what}，文件可能已损坏；本次未写入任何文件"
            )
        yield line


def _cut(cells: list[str]) -> list[str]:
    return [c if len(c) <= MAX_CELL_CHARS else c[: MAX_CELL_CHARS + 1] for c in cells]


def _csv(path: Path) -> Table:
    """The header now; the rows when iterated (the file is opened again then, so an error in
    between leaves no open file behind)."""
    encoding = _encoding(path)
    sep = _delimiter(path, encoding)
    csv.field_size_limit(MAX_LINE_CHARS)  # the default (131,072) would end the run at one cell

    def records() -> Generator[list[str], None, None]:
        with opened(path) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            count = [0]
            try:
                for cells in csv.reader(_lines(text, path.name, count, sep), delimiter=sep):
                    count[0] += 1
                    if count[0] > MAX_ROWS + 1:
                        raise IntakeError(
                            f"无法读取 {path.name}：超过 {MAX_ROWS} 行的上限，请分批导入；本次未写入任何文件"
                        )
                    if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
                        raise IntakeError(
                            f"无法读取 {path.name}：第 {count[0]} 行超过 {MAX_COLUMNS} 列的上限；本次未写入任何文件"
                        )
                    yield _cut(cells[:MAX_COLUMNS])
            except (csv.Error, UnicodeDecodeError) as exc:
                raise IntakeError(
                    f"无法读取 {path.name}：第 {count[0] + 1} 行格式有误（{type(exc).__name__}）；本次未写入任何文件"
                ) from None

    reader = records()
    header = next(reader, None)
    reader.close()
    if not header:
        raise IntakeError(f"文件 {path.name} 是空的（第 1 行应为表头）")

    def rows() -> Iterator[Row]:
        lines = records()
        next(lines, None)
        yield from enumerate(lines, start=2)

    return Table(header, rows(), f"文件 {path.name}")


def cell_text(value: Any) -> str:
    """An XLSX cell as the text a person typed: 2012-07-10 15:30:00, 13, never 13.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | clock):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS + 1]


def _xlsx(path: Path, worksheet: str | None) -> Table:
    """The header now, the rows from the same reading of the workbook (its shared strings are
    read once); the file stays open until the rows are read or the table is dropped."""

    def records() -> Generator[Row, None, None]:
        with opened(path) as handle:
            read = xls_sheet if path.suffix.lower() == ".xls" else read_sheet
            yield from read(handle, path.name, worksheet, cell_text, (MAX_ROWS, MAX_COLUMNS))

    reader = records()
    first = next(reader, None)
    if first is None or first[0] != 1 or not any(first[1]):
        reader.close()
        raise IntakeError(f"文件 {path.name} 是空的（第 1 行应为表头）")
    return Table(first[1], reader, f"文件 {path.name}")
