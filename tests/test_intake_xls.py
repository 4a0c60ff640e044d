"""Intake from a legacy Excel .xls (BIFF8) export, written at test time with xlwt."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlwt
import yaml
from click.testing import CliRunner, Result

from generator.cli.main import main
from intake.errors import IntakeError
from intake.files import cell_text, open_file
from intake.xlsfile import number_text
from tests.intake_support import KEY, grid, make_id, project, row, write_csv


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)


def invoke(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["intake", "registrations", *args, "--data-dir", str(data)])


def write_xls(path: Path, cells: list[list[object]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("报名")
    stamp = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for r, line in enumerate(cells):
        for c, value in enumerate(line):
            if isinstance(value, datetime):
                sheet.write(r, c, value, stamp)
            elif value != "":
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def records_of(data: Path) -> list[dict[str, object]]:
    return [yaml.safe_load(p.read_text()) for p in sorted((data / "registrations").rglob("*.yml"))]


def test_xls_export_is_imported_like_csv(tmp_path: Path) -> None:
    cells: list[list[object]] = list(grid([row(1), None, row(2)]))
    cells[1][0] = datetime(2012, 7, 10, 15, 0, 1)
    cells[3][6] = 2001.0  # a year typed as a number must come out as "2001", not "2001.0"
    path = write_xls(tmp_path / "in.xls", cells)
    data = project(tmp_path / "x")
    result = invoke(data, "--file", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("网上报名导入：新增 2 条报名记录")
    names = sorted(str(r["name"]) for r in records_of(data))
    assert names == ["志愿者1", "志愿者2"]
    # The same submissions read from a CSV export land in the same files.
    other = project(tmp_path / "y")
    csv_cells = grid([row(1, stamp="2012-07-10 15:00:01"), row(2)])
    assert invoke(other, "--file", str(write_csv(tmp_path / "in.csv", csv_cells))).exit_code == 0
    files = {p.relative_to(other).as_posix() for p in other.rglob("registrations/**/*.yml")}
    assert files == {p.relative_to(data).as_posix() for p in data.rglob("registrations/**/*.yml")}


def test_xls_rows_keep_sheet_numbers_and_text(tmp_path: Path) -> None:
    number = make_id(seq=105)
    cells: list[list[object]] = [["姓名", "身份证号", "时间"], [], ["甲", float(number), ""]]
    cells.append(["乙", number, datetime(2012, 7, 10, 15, 30)])
    table = open_file(write_xls(tmp_path / "a.xls", cells))
    assert table.header == ["姓名", "身份证号", "时间"]
    rows = list(table.rows)
    assert [n for n, _ in rows] == [3, 4]
    # Saved as a number, the ID shows as Excel shows it: the "text format" hint applies.
    assert rows[0][1][1].endswith("E+17") and rows[0][1][1] != number
    assert rows[1][1] == ["乙", number, "2012-07-10 15:30:00"]


def test_id_saved_as_number_gets_the_text_format_hint(tmp_path: Path) -> None:
    cells: list[list[object]] = list(grid([row(1)]))
    cells[1][4] = float(make_id(seq=101))
    data = project(tmp_path)
    result = invoke(data, "--file", str(write_xls(tmp_path / "in.xls", cells)))
    assert "科学计数法" in result.output, result.output
    assert "校验位" not in result.output
    assert records_of(data) == []


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.1e17, "2.1E+17"), (13.0, "13"), (date(2012, 7, 10), "2012-07-10"), ("0612", "0612")],
)
def test_number_text(value: object, text: str) -> None:
    assert number_text(value, cell_text) == text


def test_damaged_xls_is_one_chinese_line(tmp_path: Path) -> None:
    (tmp_path / "a.xls").write_bytes(b"not an office file")
    with pytest.raises(IntakeError) as info:
        open_file(tmp_path / "a.xls")
    assert str(info.value) == "无法读取 a.xls：不是有效的 XLS 文件；本次未写入任何文件"


def test_xls_past_the_column_cap_is_refused(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "wide.xls", [["姓名"] + [""] * 200 + ["x"]])
    with pytest.raises(IntakeError) as info:
        open_file(path)
    assert "第 202 列超出上限（最多 200 列）" in str(info.value)


def test_xls_worksheet_is_chosen_by_name(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("说明").write(0, 0, "请勿修改")
    data = book.add_sheet("报名")
    data.write(0, 0, "姓名")
    data.write(1, 0, "甲")
    book.save(str(tmp_path / "b.xls"))
    table = open_file(tmp_path / "b.xls", "报名")
    assert (table.header, list(table.rows)) == (["姓名"], [(2, ["甲"])])
    with pytest.raises(IntakeError) as info:
        open_file(tmp_path / "b.xls", "名单")
    assert str(info.value) == "找不到工作表“名单”（现有：说明、报名）"
