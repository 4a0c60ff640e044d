"""Crafted files against the real `volunteers check`, `mkdocs build` and `volunteers intake`.

Each case must end within 10 s with exit 1 and one Chinese line naming the file (or the row):
never a signal, a traceback, a hang or more than 500 MB of memory. Every command runs under a
small wrapper that caps its address space (a runaway fails fast instead of swapping) and reports
the peak resident memory of that command alone. The files are made here, at test time.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from PIL import Image

from tests.conftest import copy_project
from tests.intake_support import HEADER, KEY, grid, row, write_csv
from tests.intake_support import project as intake_project

TIMEOUT = 10.0
MEMORY_KB = 500 * 1024
ADDRESS_SPACE = 3 * 1024**3
_WRAPPER = """
import resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
code = subprocess.run(sys.argv[2:], preexec_fn=cap).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\\n@peak-kb {peak}\\n")
sys.exit(code if code >= 0 else 128 - code)
"""
BIN = Path(sys.executable).parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PROJECT = "data/projects/jinqiu-zhuxue-2012.yml"
PHOTO = "data/recognitions/photos/example-volunteer.png"


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    peak_kb: int


def guarded(argv: list[str], cwd: Path, **env: str) -> Outcome:
    """Run `argv` in its own process group (killed whole on a hang), under the wrapper."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, str(ADDRESS_SPACE), *argv],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail(f"{argv[:3]} ran for more than {TIMEOUT} s")
    seconds = time.monotonic() - started
    err, _, peak = err.rpartition("\n@peak-kb ")
    return Outcome(child.returncode, out, err, seconds, int(peak))


def assert_refused(outcome: Outcome, names: str) -> None:
    """Exit 1, no traceback, a Chinese line naming `names` (a file or a row), in time and memory."""
    assert outcome.code == 1, (outcome.code, outcome.err[-2000:])
    assert "Traceback" not in outcome.err and "Traceback" not in outcome.out, outcome.err[-3000:]
    lines = [line for line in outcome.err.splitlines() if names in line]
    assert lines and all(CHINESE.search(line) for line in lines), outcome.err[-2000:]
    assert outcome.seconds < TIMEOUT
    assert outcome.peak_kb < MEMORY_KB, f"peak {outcome.peak_kb // 1024} MB"


def check(root: Path) -> Outcome:
    return guarded([str(BIN / "volunteers"), "check", "--root", str(root)], root)


def build(root: Path) -> Outcome:
    cache = os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache")
    argv = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")]
    return guarded([*argv, "-d", str(root / "site")], root, VOLUNTEERS_CACHE=cache)


def intake(data: Path, source: Path, *extra: str) -> Outcome:
    argv = [str(BIN / "volunteers"), "intake", "registrations", "--file", str(source)]
    return guarded([*argv, "--data-dir", str(data), *extra], data.parent, INTAKE_HMAC_KEY=KEY)


# --- crafted data files: each takes the file's path and makes it --------------------------------


def deep_brackets(file: Path) -> None:
    file.write_text("description: " + "[" * 60_000 + "\n", encoding="utf-8")


def deep_mappings(file: Path) -> None:
    file.write_text("a: " + "{a: " * 60_000 + "\n", encoding="utf-8")


def deep_indentation(file: Path) -> None:
    file.write_text("".join("  " * i + "-\n" for i in range(600)), encoding="utf-8")


def compact_sequences(file: Path) -> None:
    file.write_text("- " * 60_000 + "x\n", encoding="utf-8")


def billion_laughs(file: Path) -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def zero_device(file: Path) -> None:
    file.unlink(missing_ok=True)
    file.symlink_to("/dev/zero")


def fifo(file: Path) -> None:
    file.unlink(missing_ok=True)
    os.mkfifo(file)


def folder(file: Path) -> None:
    file.unlink(missing_ok=True)
    file.mkdir()


def oversize(file: Path) -> None:
    file.write_text("summary: " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")


DATA_CASES: dict[str, Callable[[Path], None]] = {
    "deep-brackets": deep_brackets,
    "deep-mappings": deep_mappings,
    "deep-indentation": deep_indentation,
    "compact-sequences": compact_sequences,
    "billion-laughs": billion_laughs,
    "symlink-to-dev-zero": zero_device,
    "fifo": fifo,
    "folder": folder,
    "oversize": oversize,
}


@pytest.mark.parametrize("case", DATA_CASES)
def test_check_refuses_a_crafted_project_file(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    DATA_CASES[case](root / "data/projects/crafted.yml")
    assert_refused(check(root), "data/projects/crafted.yml")


@pytest.mark.parametrize("case", ["deep-brackets", "symlink-to-dev-zero", "fifo", "folder"])
def test_check_refuses_a_crafted_required_file(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    DATA_CASES[case](root / "data/campaign.yml")
    assert_refused(check(root), "data/campaign.yml")


@pytest.mark.parametrize("case", ["deep-brackets", "symlink-to-dev-zero", "fifo", "billion-laughs"])
def test_build_refuses_a_crafted_data_file(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    DATA_CASES[case](root / "data/projects/crafted.yml")
    assert_refused(build(root), "data/projects/crafted.yml")


# --- photos --------------------------------------------------------------------------------------


def not_an_image(file: Path) -> None:
    file.write_bytes(b"<html>this is not a picture</html>\n")


def decompression_bomb(file: Path) -> None:
    """A 1-bit PNG of 20,000 × 20,000 pixels: about 50 KB on disk, 1.2 GB once decoded as RGB."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    file.write_bytes(out.getvalue())


def truncated(file: Path) -> None:
    file.write_bytes(file.read_bytes()[:200])


def gif_named_png(file: Path) -> None:
    Image.new("RGB", (20, 20)).save(file, "GIF")


PHOTO_CASES: dict[str, Callable[[Path], None]] = {
    "not-an-image": not_an_image,
    "decompression-bomb": decompression_bomb,
    "truncated": truncated,
    "gif-named-png": gif_named_png,
    "symlink-to-dev-zero": zero_device,
    "fifo": fifo,
}


@pytest.mark.parametrize("case", PHOTO_CASES)
def test_check_refuses_a_crafted_photo(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    PHOTO_CASES[case](root / PHOTO)
    outcome = check(root)
    assert_refused(outcome, PHOTO)
    assert "photo:" in outcome.err  # the field that names the photo


@pytest.mark.parametrize("case", ["not-an-image", "decompression-bomb"])
def test_build_refuses_a_crafted_photo(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    PHOTO_CASES[case](root / PHOTO)
    assert_refused(build(root), PHOTO)


# --- intake: existing records, then the export files ---------------------------------------------


@pytest.mark.parametrize("case", ["deep-brackets", "symlink-to-dev-zero", "fifo", "billion-laughs"])
@pytest.mark.parametrize("folder_name", ["registrations/zhongshan", "proposals"])
def test_intake_refuses_a_crafted_existing_record(
    tmp_path: Path, case: str, folder_name: str
) -> None:
    data = intake_project(tmp_path)
    record = data / folder_name / "20120710-153000-1a2b3c4d.yml"
    record.parent.mkdir(parents=True)
    DATA_CASES[case](record)
    source = write_csv(tmp_path / "in.csv", grid([row(1)]))
    outcome = intake(data, source)
    assert_refused(outcome, f"data/{folder_name}/20120710-153000-1a2b3c4d.yml")
    written = [p for p in data.rglob("*.yml") if "registrations" in p.parts and p != record]
    assert written == []  # nothing imported while the data is broken


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


@pytest.mark.parametrize("case", ["symlink-to-dev-zero", "fifo"])
def test_intake_refuses_a_crafted_file_deeper_in_the_records(tmp_path: Path, case: str) -> None:
    """The build reads registrations/<union>/*.yml; intake's duplicate scan reads deeper too."""
    data = intake_project(tmp_path)
    record = data / "registrations/zhongshan/old/20120710-153000-1a2b3c4d.yml"
    record.parent.mkdir(parents=True)
    DATA_CASES[case](record)
    outcome = intake(data, write_csv(tmp_path / "in.csv", grid([row(1)])))
    assert_refused(outcome, "data/registrations/zhongshan/old/20120710-153000-1a2b3c4d.yml")


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
