"""The XLSX reader's shared-strings table is the one openpyxl reads, string for string, and a
workbook is read once for its header and its rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

import pytest
from openpyxl import Workbook
from openpyxl.reader.strings import read_string_table

from bench.wjx_bench import with_shared_strings
from intake import xlsxfile
from intake.files import open_file

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

ITEMS = [
    "<si><t>王小明</t></si>",
    '<si><t xml:space="preserve">  带空格  </t></si>',
    "<si><t/></si>",
    "<si></si>",
    "<si><t>&lt;尖括号&gt; &amp; &quot;引号&quot; &#x4E2D;</t></si>",
    "<si><t>a_x005F_x000D_b</t></si>",
    "<si><r><rPr><b/></rPr><t>粗体</t></r><r><t>普通</t></r></si>",
    "<si><t>先</t><r><t>后</t></r></si>",
    "<si><r><t>大连</t></r><rPh sb='0' eb='2'><t>ダイレン</t></rPh><phoneticPr fontId='1'/></si>",
    "<si><r><t>一</t><t>二</t></r><r><rPr/></r></si>",
    "<si><t>第一行\n第二行</t></si>",
    "<si><t>社会救助┋法律咨询</t></si>",
]


def test_the_table_is_openpyxls() -> None:
    xml = f'<sst xmlns="{MAIN}" count="{len(ITEMS)}">{"".join(ITEMS)}</sst>'.encode()
    ours = xlsxfile.shared_strings(io.BytesIO(xml))
    assert ours == read_string_table(io.BytesIO(xml))
    assert len(ours) == len(ITEMS)
    assert ours[6] == "粗体普通" and ours[8] == "大连"


def test_a_workbook_is_opened_once_for_header_and_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "手机号码", "备注"])
    for i in range(5):
        sheet.append([f"志愿者{i}", "0411-8261042" + str(i), "同意"])
    book.save(tmp_path / "plain.xlsx")
    path = with_shared_strings(tmp_path / "plain.xlsx")
    opened: list[str] = []
    real = xlsxfile._open_sheet

    def counting(handle: IO[bytes], name: str, worksheet: str | None) -> tuple[Any, Any]:
        opened.append(name)
        return real(handle, name, worksheet)

    monkeypatch.setattr(xlsxfile, "_open_sheet", counting)
    table = open_file(path)
    rows = list(table.rows)
    assert table.header == ["姓名", "手机号码", "备注"]
    assert [r[0] for r in rows] == [2, 3, 4, 5, 6]
    assert rows[4][1] == ["志愿者4", "0411-82610424", "同意"]
    assert opened == ["plain.xlsx"]
