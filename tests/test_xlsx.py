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
    last = xlsx.FIRST_ROW + xlsx.ROWS - 1
    lists = validations(sheet)
    assert lists[f"C{xlsx.FIRST_ROW}:C{last}"] == ["男", "女"]
    assert lists[f"F{xlsx.FIRST_ROW}:F{last}"] == list(xlsx.POLITICAL)
    assert lists["C2"] == [site.unions[q.union].name for q in site.quotas.quotas]


def test_political_choices_are_accepted_by_intake() -> None:
    from generator.core.records import POLITICAL_ALIASES, PoliticalStatus

    known = set(POLITICAL_ALIASES) | {s.value for s in PoliticalStatus}
    assert set(xlsx.POLITICAL) <= known


def test_id_column_is_text(sheet: Worksheet) -> None:
    for row in (xlsx.FIRST_ROW, xlsx.FIRST_ROW + 1, xlsx.FIRST_ROW + xlsx.ROWS - 1):
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
