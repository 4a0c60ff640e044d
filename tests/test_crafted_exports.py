"""Crafted intake exports (CSV, XLSX) against the real `volunteers intake`: exit 1 with a
Chinese line naming the file or the row, within 10 s and 500 MB; an oversize cell rejects only its
row; UTF-16 and GBK exports are read (see tests/crafted_support.py)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.crafted_support import (
    MEMORY_KB,
    TIMEOUT,
    assert_refused,
    intake,
)
from tests.intake_support import HEADER, grid, row, write_csv
from tests.intake_support import project as intake_project


def far_cell_xlsx(path: Path) -> None:
    """About 5 KB, with a value at the sheet's last cell, XFD1048576."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in grid([row(1), row(2)]):
        sheet.append(line)
    sheet["XFD1048576"] = "x"
    book.save(path)


def _xlsx_with_sheet(path: Path, sheet_xml: bytes) -> None:
    """A minimal workbook around a hand-written sheet (what a crafted file would hold)."""
    book = Workbook()
    assert book.active is not None
    book.active.append(["时间戳记"])
    buffer = io.BytesIO()
    book.save(buffer)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            out.writestr(info.filename, data)


_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:XFD1048576"/><sheetData>%s</sheetData></worksheet>'
)


def wide_row_xlsx(path: Path) -> None:
    """One row of two million empty cells (a few KB packed): read whole, it would fill memory."""
    _xlsx_with_sheet(path, _SHEET % (b'<row r="1">' + b"<c/>" * 2_000_000 + b"</row>"))


def zip_bomb_xlsx(path: Path) -> None:
    """A sheet whose XML unpacks to 130 MB of padding from a few hundred KB."""
    _xlsx_with_sheet(path, _SHEET % (b" " * (130 * 1024 * 1024)))


def far_row_xlsx(path: Path) -> None:
    """The form's header, then one value 200,000 rows down (within the columns)."""

    def cell(text: str) -> bytes:
        return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"

    header = b'<row r="1">' + b"".join(cell(h) for h in HEADER) + b"</row>"
    _xlsx_with_sheet(path, _SHEET % (header + b'<row r="200000">' + cell("x") + b"</row>"))


def undecodable_csv(path: Path) -> None:
    path.write_bytes("时间戳记,姓名\n".encode() + b"\xff\xfe\xfd\x80\x80\xff\n")


def bomless_utf16_csv(path: Path) -> None:
    path.write_bytes("时间戳记,姓名\n2012/7/10,王\n".encode("utf-16-le"))


def fifo_csv(path: Path) -> None:
    os.mkfifo(path)


def zero_csv(path: Path) -> None:
    path.symlink_to("/dev/zero")


def comma_row_csv(path: Path) -> None:
    path.write_bytes(",".join(HEADER).encode() + b"\n" + b"," * 5_000_000 + b"\n")


def endless_line_csv(path: Path) -> None:
    path.write_bytes(",".join(HEADER).encode() + b'\n"' + b"x" * (8 * 1024 * 1024) + b"\n")


EXPORT_CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "far-cell": ("far.xlsx", far_cell_xlsx, "第 1048576 行"),
    "wide-row": ("wide.xlsx", wide_row_xlsx, "wide.xlsx"),
    "zip-bomb": ("bomb.xlsx", zip_bomb_xlsx, "bomb.xlsx"),
    "too-many-rows": ("rows.xlsx", far_row_xlsx, "第 200000 行"),
    "undecodable-csv": ("bad.csv", undecodable_csv, "bad.csv"),
    "utf16-without-bom": ("u16.csv", bomless_utf16_csv, "u16.csv"),
    "fifo": ("pipe.csv", fifo_csv, "pipe.csv"),
    "symlink-to-dev-zero": ("zero.csv", zero_csv, "zero.csv"),
    "commas": ("commas.csv", comma_row_csv, "第 2 行"),
    "endless-line": ("long.csv", endless_line_csv, "第 2 行"),
}


@pytest.mark.parametrize("case", EXPORT_CASES)
def test_intake_refuses_a_crafted_export(tmp_path: Path, case: str) -> None:
    name, make, names = EXPORT_CASES[case]
    data = intake_project(tmp_path)
    make(tmp_path / name)
    outcome = intake(data, tmp_path / name)
    assert_refused(outcome, names)
    assert name in outcome.err
    assert not (data / "registrations").exists()  # a fatal error writes nothing


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_oversize_cell_rejects_its_row_and_the_run_goes_on(tmp_path: Path, kind: str) -> None:
    """A cell over the csv module's default field limit (131,072) or Excel's own (32,767)."""
    cells = grid([row(1), row(2, 工作简历="长" * 140_000), row(3)])
    source = tmp_path / f"in.{kind}"
    if kind == "csv":
        write_csv(source, cells)
    else:
        book = Workbook()
        assert book.active is not None
        for line in cells:
            book.active.append(line)
        book.save(source)
    data = intake_project(tmp_path)
    outcome = intake(data, source, "--report", str(tmp_path / "report.md"))
    assert outcome.code == 0 and "Traceback" not in outcome.err, outcome.err
    assert outcome.out.startswith("网上报名导入：新增 2 条报名记录"), outcome.out
    assert "有误 1" in outcome.out
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "第 3 行（志愿者2）：工作简历：过长" in report
    assert outcome.seconds < TIMEOUT and outcome.peak_kb < MEMORY_KB
    assert len(list((data / "registrations").rglob("*.yml"))) == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "gbk"])
def test_utf16_and_gbk_csv_are_read(tmp_path: Path, encoding: str) -> None:
    source = tmp_path / "in.csv"
    text = "\n".join(",".join(line) for line in grid([row(1), row(2, 姓名="王二")]))
    bom = "\ufeff" if encoding == "utf-16-be" else ""
    source.write_bytes((bom + text + "\n").encode(encoding))
    data = intake_project(tmp_path)
    outcome = intake(data, source)
    assert outcome.code == 0, outcome.err
    assert outcome.out.startswith("网上报名导入：新增 2 条报名记录"), outcome.out


def test_xlsx_reader_agrees_with_openpyxl(tmp_path: Path) -> None:
    """The streaming reader gives what openpyxl's full load gives, cell for cell."""
    from datetime import date, datetime

    from openpyxl import load_workbook

    from intake.files import cell_text, open_file

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["时间戳记", "姓名", "数", "真假"])
    sheet.append([datetime(2012, 7, 10, 15, 30, 1), "王一", 13, True])
    sheet.append([date(2012, 7, 11), "", 2.5, False])
    sheet["AD7"] = "远处的值"
    sheet["B9"] = "=1+1"
    sheet["C9"] = "0612"
    path = tmp_path / "in.xlsx"
    book.save(path)
    table = open_file(path)
    got = {1: table.header, **dict(table.rows)}
    full = load_workbook(path, data_only=True).active  # as intake reads: cached values
    assert full is not None
    want = {}
    for number, values in enumerate(full.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            want[number] = cells
    assert got == want
