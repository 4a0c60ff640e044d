"""The review sheet's rows, written as text into openpyxl's file (reviewsheet_book.py): each cell
as openpyxl itself writes it, each row once, the sheet's extent over all of them, every value
text (a sign-up's "=…" is never a formula), and the styles of the read-only and open cells."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from generator.core.records import OpinionLevel
from generator.staff.reviewsheet import FIRST_ROW, SHEET, columns
from generator.staff.reviewsheet_book import _cell
from tests.records_factory import registration, write_registration
from tests.reviewsheet_support import export, fill, rows_of, run


def _openpyxl_cell(value: str) -> str:
    """The <c> element openpyxl writes for a text cell (its style number left out)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["B7"] = value
    ws["B7"].number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    found = re.search(r'<c r="B7".*?(?:</c>|/>)', xml, re.DOTALL)
    assert found, xml
    return re.sub(r' s="\d+"', "", found[0])


@pytest.mark.parametrize(
    "value",
    [
        "大连港集团有限公司",
        "A & B <港> \"引号\" '单引号'",
        "第一行\n第二行",
        "  两端有空格  ",
        "   ",
        "",
        "=SUM(1,2)",
        "#N/A",
        "x" * 40_000,
    ],
)
def test_a_cell_is_written_as_openpyxl_writes_text(value: str) -> None:
    ours = re.sub(r' s="\d+"', "", _cell("B7", 5, value))
    expected = _openpyxl_cell(value)
    if value.startswith("=") or value == "#N/A":
        # openpyxl would make these a formula and an error: the sheet keeps them as text.
        assert ours == f'<c r="B7" t="inlineStr"><is><t>{value}</t></is></c>'
    else:
        assert ours == expected


def test_rows_once_each_within_the_extent_and_styled(project: Path, tmp_path: Path) -> None:
    paths = [write_registration(project, registration("zhongshan", n, ("unit",))) for n in (1, 2)]
    odd = registration("zhongshan", 3, ("unit",)).model_copy(
        update={"employer": '=HYPERLINK("http://x") & <大连港>\n集团'}
    )
    paths.append(write_registration(project, odd))
    sheet = export(project, tmp_path / "district.xlsx", "district")
    with zipfile.ZipFile(sheet) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', xml)]
    assert numbers == list(range(1, FIRST_ROW + 3))
    last = get_column_letter(len(columns(OpinionLevel.district)))
    assert f'<dimension ref="A1:{last}{FIRST_ROW + 2}"' in xml
    assert "<f>" not in xml
    ws = load_workbook(sheet)[SHEET]
    heads = [c.value for c in ws[FIRST_ROW - 1]]
    office, check = heads.index("签署单位") + 1, heads.index("校验码") + 1
    for row in range(FIRST_ROW, FIRST_ROW + 3):
        for col in range(1, heads.index("意见") + 1):
            cell = ws.cell(row, col)
            assert cell.data_type in ("s", "inlineStr") and cell.protection.locked  # text
            assert cell.number_format == "@" and cell.alignment.wrap_text
            assert cell.border.left.style == "thin"
        assert ws.cell(row, office).value == "中山区总工会"
        assert not ws.cell(row, office).protection.locked
        assert ws.cell(row, office).fill.fgColor.rgb == "00FFF2CC"
        assert ws.cell(row, check).number_format == "@"
        assert re.fullmatch(r"[0-9a-f]{20}", str(ws.cell(row, check).value))
    row = rows_of(sheet)[paths[2].stem]
    assert row["工作单位"] == '=HYPERLINK("http://x") & <大连港>\n集团'
    # The awkward row comes back unchanged (its checksum holds) and is signed like the others.
    fill(sheet, {p.stem: {"意见": "同意", "签署日期": "2012-07-20"} for p in paths})
    code, out = run(project, "review-sheet", "import", str(sheet))
    assert code == 0, out
    assert "已写入 3 份登记的意见" in out
