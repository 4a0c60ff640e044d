"""The roster workbook read back with openpyxl: columns, drop-downs, the ID column as text."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator.core.validate import SiteData, load_site
from generator.paperwork import xlsx

from .conftest import ROOT


@pytest.fixture(scope="module")
def site() -> SiteData:
    return load_site(ROOT)


@pytest.fixture(scope="module")
def data(site: SiteData) -> bytes:
    return xlsx.roster_workbook(site)


@pytest.fixture
def sheet(data: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(data)).active
    assert isinstance(ws, Worksheet)
    return ws


def validations(ws: Worksheet) -> dict[str, list[str]]:
    """Each list validation's cell ranges → its choices."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        out[str(dv.sqref)] = dv.formula1.strip('"').split(",")
    return out


def test_title_header_and_columns(sheet: Worksheet) -> None:
    assert sheet.title == "花名册"
    assert sheet["A1"].value == "服务帮扶志愿者花名册"
    assert (sheet["A2"].value, sheet["E2"].value, sheet["G2"].value) == (
        "区市县、产业工会：",
        "负责人：",
        "联系电话：",
    )
    header = [c.value for c in sheet[xlsx.HEADER_ROW]]
    assert header == ["序号", "姓名", "性别", "身份证号码", "工作单位", "政治面貌", "身份", "特长"]
    assert sheet.freeze_panes == f"A{xlsx.FIRST_ROW}"
    assert sheet.page_setup.orientation == "landscape"


def test_drop_downs(sheet: Worksheet, site: SiteData) -> None:
    last = xlsx.FIRST_ROW + xlsx.template_rows(site) - 1
    lists = validations(sheet)
    assert lists[f"C{xlsx.FIRST_ROW}:C{last}"] == ["男", "女"]
    assert lists[f"F{xlsx.FIRST_ROW}:F{last}"] == list(xlsx.POLITICAL)
    assert lists[f"G{xlsx.FIRST_ROW}:G{last}"] == list(xlsx.OCCUPATIONS)
    assert lists["C2"] == [site.unions[q.union].name for q in site.quotas.quotas]
    occupation = next(dv for dv in sheet.data_validations.dataValidation if "G" in str(dv.sqref))
    # 身份 is free text: the list suggests, another word is let through with a note
    assert occupation.errorStyle == "information" and "在校大学生" in (occupation.prompt or "")


def test_print_area_is_the_quota_rows_numbered(sheet: Worksheet, site: SiteData) -> None:
    """Not a thousand empty bordered rows: the largest quota's rows (400), 序号 filled in."""
    rows = xlsx.template_rows(site)
    assert rows == max(q.count for q in site.quotas.quotas) == 400
    last = xlsx.FIRST_ROW + rows - 1
    assert sheet.print_area == f"'花名册'!$A$1:$H${last}"
    numbers = [sheet.cell(r, 1).value for r in range(xlsx.FIRST_ROW, last + 1)]
    assert numbers == list(range(1, rows + 1))
    assert sheet.cell(last, 8).border.right.style == "thin"
    assert sheet.max_row == last  # nothing written below: no empty bordered rows
    note = sheet.cell(xlsx.HEADER_ROW, 1).comment
    assert note is not None and "删去多余的行" in note.text


def test_a_unions_roster_prints_its_quota(site: SiteData) -> None:
    data = xlsx.roster_workbook(site, ("长海县总工会", "", ""), [["甲", "男"]], rows=200)
    ws = load_workbook(io.BytesIO(data)).active
    assert isinstance(ws, Worksheet)
    last = xlsx.FIRST_ROW + 200 - 1
    assert ws.print_area == f"'花名册'!$A$1:$H${last}" and ws.cell(last, 1).value == 200
    assert (ws["A4"].value, ws["B4"].value, ws["B5"].value) == (1, "甲", None)


def test_political_choices_are_accepted_by_intake() -> None:
    from generator.core.records import POLITICAL_ALIASES, PoliticalStatus

    known = set(POLITICAL_ALIASES) | {s.value for s in PoliticalStatus}
    assert set(xlsx.POLITICAL) <= known


def test_id_column_is_text(sheet: Worksheet) -> None:
    for row in (xlsx.FIRST_ROW, xlsx.FIRST_ROW + 1, xlsx.FIRST_ROW + 399):
        assert sheet[f"D{row}"].number_format == "@"
    # A value typed as text stays text, leading zeros and trailing X included.
    number = "0" + "1" * 16 + "X"
    sheet["D4"] = number
    out = io.BytesIO()
    assert sheet.parent is not None
    sheet.parent.save(out)
    again = load_workbook(io.BytesIO(out.getvalue())).active
    assert again is not None and again["D4"].value == number


def test_same_input_same_bytes(site: SiteData, data: bytes) -> None:
    assert xlsx.roster_workbook(site) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2012, 7, 3, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2012-07-03T00:00:00Z" in core


def test_the_template_is_kept_by_its_inputs(
    site: SiteData, data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild with the same inputs takes the template from the cache (same bytes); a change
    to what it is made from (a union's name) makes it again, and the old one is dropped."""
    assert xlsx.cached_roster_workbook(site, tmp_path) == data
    made: list[int] = []
    real = xlsx.roster_workbook
    monkeypatch.setattr(xlsx, "roster_workbook", lambda s: made.append(1) or real(s))
    assert xlsx.cached_roster_workbook(site, tmp_path) == data
    assert made == []
    first = site.quotas.quotas[0].union
    union = site.unions[first].model_copy(update={"name": "新名称工会"})
    renamed = dataclasses.replace(site, unions={**site.unions, first: union})
    other = xlsx.cached_roster_workbook(renamed, tmp_path)
    assert made == [1] and other != data
    assert len(list(tmp_path.glob("roster-template-*.xlsx"))) == 1
