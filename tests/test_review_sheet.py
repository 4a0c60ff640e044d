"""The review sheet's round trip as clerks make it: export, fill (most 同意, some 不同意, some
blank, one opinion written 可以, one name changed), import refused naming both rows, corrected,
applied exactly, imported again without change; the next level lists exactly the agreed ones.
The same again after LibreOffice has saved the sheet (as WPS or Excel would)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.core.identity import find_personal_numbers
from generator.core.records import Registration
from generator.core.validate import load_site
from generator.staff.reviewsheet import META, SHEET
from tests.records_factory import registration, write_registration
from tests.reviewsheet_support import export, fill, libreoffice_round_trip, rows_of, run

OFFICE = "某公司工会"


def _ids(project: Path) -> list[str]:
    ids = [write_registration(project, registration("zhongshan", n)).stem for n in range(1, 9)]
    for n in (20, 21):  # another union's, never in zhongshan's sheet
        write_registration(project, registration("xigang", n))
    return ids


def _snapshot(project: Path) -> dict[str, bytes]:
    folder = project / "data" / "registrations"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _record(project: Path, record_id: str) -> Registration:
    from generator.staff.batch import load, registration_paths

    return load(registration_paths(project)[record_id], project).record


@pytest.mark.parametrize("suite", ["openpyxl", "libreoffice"])
def test_a_clerks_round_trip(project: Path, tmp_path: Path, suite: str) -> None:
    ids = _ids(project)
    handled = (lambda f: libreoffice_round_trip(f, tmp_path)) if suite == "libreoffice" else None
    sheet = export(project, tmp_path / "unit.xlsx", "unit", "--union", "zhongshan")
    if handled:
        sheet = handled(sheet)
    rows = rows_of(sheet)
    assert list(rows) == ids  # one row per waiting record of that union, in file order
    bad_name = rows[ids[7]]["姓名"]
    filled = {
        ids[0]: {"意见": "同意", "签署单位": OFFICE, "签署日期": datetime(2012, 7, 10)},
        ids[1]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "2012/07/10"},
        ids[2]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "2012-07-11"},
        ids[3]: {"意见": "不同意", "签署单位": OFFICE, "签署日期": "2012年7月12日", "备注": "材料不全"},
        ids[6]: {"意见": "可以", "签署单位": OFFICE, "签署日期": "2012-07-10"},
        ids[7]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "２０１２－０７－１３",
                 "姓名": bad_name + "改"},
    }  # fmt: skip
    fill(sheet, filled)
    before = _snapshot(project)

    code, out = run(project, "review-sheet", "import", str(handled(sheet) if handled else sheet))
    assert code == 1
    r7, r8 = rows[ids[6]]["row"], rows[ids[7]]["row"]
    assert out.splitlines() == [
        f"第 {r7} 行：意见“可以”无效，只能是“同意”或“不同意”；请从下拉列表中选择",
        f"第 {r8} 行：“姓名”被改动过（只读列不能修改）；请改回导出时的内容，或重新导出审核表",
        "共 2 行有误；本次未写入任何文件。请改正后重新导入。",
    ]
    assert _snapshot(project) == before

    fill(sheet, {ids[6]: {"意见": "\u3000同意 "}, ids[7]: {"姓名": bad_name}})
    imported = handled(sheet) if handled else sheet
    code, out = run(project, "review-sheet", "import", str(imported))
    assert code == 0, out
    assert out.splitlines() == [
        f"{imported.name}：单位工会意见，已写入 6 份登记的意见。",
        "  中山区总工会：同意 5 份，不同意 1 份",
        "未填写意见的空行 2 行，已跳过。",
    ]
    signed = {i: _record(project, i).opinions for i in ids}
    agreed = [ids[0], ids[1], ids[2], ids[6], ids[7]]
    days = dict(zip(agreed, [10, 10, 11, 10, 13], strict=True))
    for record_id in agreed:
        [opinion] = signed[record_id]
        assert (opinion.level.value, opinion.opinion, opinion.office, opinion.note) == (
            "unit", "同意", OFFICE, None,
        )  # fmt: skip
        assert opinion.date == date(2012, 7, days[record_id])
    [refusal] = signed[ids[3]]
    assert (refusal.opinion, refusal.note, refusal.date) == (
        "不同意",
        "材料不全",
        date(2012, 7, 12),
    )
    assert signed[ids[4]] == signed[ids[5]] == []
    counts = load_site(project).registration_counts
    assert counts == {"zhongshan": {"pending": 7, "rejected": 1}, "xigang": {"pending": 2}}

    after = _snapshot(project)
    code, out = run(project, "review-sheet", "import", str(handled(sheet) if handled else sheet))
    assert code == 0, out
    assert "已写入 0 份登记的意见" in out and "此前已导入、内容相同的 6 行，未改动。" in out
    assert _snapshot(project) == after

    upper = export(project, tmp_path / "district.xlsx", "district", "--union", "zhongshan")
    assert list(rows_of(handled(upper) if handled else upper)) == agreed


def test_every_problem_names_its_row(project: Path, tmp_path: Path) -> None:
    ids = _ids(project)
    write_registration(project, registration("zhongshan", 9, ("unit",)))
    sheet = export(project, tmp_path / "unit.xlsx", "unit", "--union", "zhongshan")
    rows = rows_of(sheet)
    wb = load_workbook(sheet)
    ws = wb[SHEET]
    last = ws.max_row
    for col in range(1, ws.max_column + 1):  # a row copied below the others: the same record twice
        ws.cell(last + 1, col, ws.cell(rows[ids[0]]["row"], col).value)
    ws.cell(last + 2, 1, ids[5])  # a row typed in by hand: no checksum
    wb.save(sheet)
    fill(
        sheet,
        {
            ids[0]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "2012-07-10"},
            ids[1]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "2099-01-01"},
            ids[2]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "2012-07-01"},
            ids[3]: {"意见": "同意", "签署单位": "", "签署日期": "2012-07-10"},
            ids[4]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "7月10日"},
            ids[5]: {"签署日期": "2012-07-10"},
            ids[6]: {"意见": "同意", "签署单位": OFFICE, "签署日期": "2012-07-10"},
        },
    )
    # Meanwhile ids[6] is signed from the command line, and ids[7] disappears.
    code, out = run(project, "review", ids[6], "--level", "unit", "--opinion", "不同意",
                    "--office", "别的工会", "--date", "2012-07-09")  # fmt: skip
    assert code == 0, out
    (project / "data" / "registrations" / "zhongshan" / f"{ids[7]}.yml").unlink()
    before = _snapshot(project)
    code, out = run(project, "review-sheet", "import", str(sheet), "--dry-run")
    assert code == 1
    row = {i: rows[i]["row"] for i in ids}
    assert out.splitlines() == [
        f"第 {row[ids[1]]} 行：签署日期 2099-01-01 晚于今天（{date.today()}）；请核对日期",
        f"第 {row[ids[2]]} 行：签署日期 2012-07-01 早于报名日期 2012-07-04；请核对日期",
        f"第 {row[ids[3]]} 行：请填写“签署单位”",
        f"第 {row[ids[4]]} 行：签署日期“7月10日”无法识别；请写成 2026-11-25、2026/11/25 或 2026年11月25日",
        f"第 {row[ids[5]]} 行：填写了签署日期或备注，但“意见”为空；请选择同意或不同意，或清空该行",
        f"第 {row[ids[6]]} 行：登记 {ids[6]} 已签署单位工会意见（不同意，别的工会，2012-07-09），"
        "不能重复签署；请清空该行的意见",
        f"第 {row[ids[7]]} 行：找不到登记 {ids[7]}（编号被改动，或登记已被删除）；请改回原编号或删除该行",
        f"第 {last + 1} 行：登记 {ids[0]} 与第 {row[ids[0]]} 行重复；请删除其中一行",
        f"第 {last + 2} 行：没有校验码，不是导出的行；请删除该行（新的登记请重新导出审核表）",
        "共 9 行有误；本次未写入任何文件。请改正后重新导入。",
    ]
    assert _snapshot(project) == before


def test_a_level_out_of_order_is_refused(project: Path, tmp_path: Path) -> None:
    path = write_registration(project, registration("zhongshan", 1, ("unit",)))
    sheet = export(project, tmp_path / "district.xlsx", "district")
    row = rows_of(sheet)[path.stem]
    assert row["单位工会意见"] == "同意（测试工会，2012-07-05）"
    assert row["签署单位"] == "中山区总工会"  # known to the exporter: the union itself
    fill(sheet, {path.stem: {"意见": "同意", "签署日期": "2012-07-20"}})
    # The unit's opinion is withdrawn by hand after the export (the record itself is valid).
    write_registration(project, registration("zhongshan", 1))
    code, out = run(project, "review-sheet", "import", str(sheet))
    assert code == 1
    assert out.splitlines()[0] == (
        f"第 {row['row']} 行：尚未签署单位工会意见，不能先签署区市县总工会、产业工会意见；"
        "请清空该行的意见，或联系上一级核对"
    )


def test_the_sheet_is_locked_printable_and_holds_no_full_number(
    project: Path, tmp_path: Path
) -> None:
    _ids(project)
    sheet = export(project, tmp_path / "city.xlsx", "unit")
    for saved in (sheet, libreoffice_round_trip(sheet, tmp_path)):
        wb = load_workbook(saved)
        ws = wb[SHEET]
        heads = [c.value for c in ws[2]]
        assert heads == ["登记编号", "姓名", "性别", "身份证号（脱敏）", "联系电话（脱敏）", "工作单位",
                         "所属工会", "服务意向", "意见", "签署单位", "签署日期", "备注", "校验码"]  # fmt: skip
        assert str(ws["A1"].value).startswith(
            "工会服务帮扶志愿者登记审核表\u3000全市各工会\u3000单位工会意见"
        )
        assert ws.protection.sheet and not ws.protection.password
        assert ws.column_dimensions["M"].hidden
        assert all(ws.cell(3, c).protection.locked for c in range(1, 9))
        # The columns to fill are open: empty cells by their column's style, filled ones by theirs.
        assert not any(ws.column_dimensions[c].protection.locked for c in "IJKL")
        [choice] = ws.data_validations.dataValidation
        assert choice.formula1 == '"同意,不同意"' and "I3" in str(choice.sqref)
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, "1")
        assert ws.print_title_rows == "$1:$2"
        assert wb[META].sheet_state == "hidden"
        with zipfile.ZipFile(saved) as archive:
            text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        assert find_personal_numbers(text) == []
        assert "210202********" in text  # the masked form is what it holds


def test_a_sheet_from_elsewhere_says_so_once(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ids(project)
    sheet = export(project, tmp_path / "unit.xlsx", "unit")
    monkeypatch.setenv("REVIEW_SHEET_KEY", "another-key-0123456789")
    code, out = run(project, "review-sheet", "import", str(sheet))
    assert code == 1 and len(out.splitlines()) == 1
    assert "是用另一个密钥导出的" in out and "本次未写入任何文件" in out
    monkeypatch.delenv("REVIEW_SHEET_KEY")
    other = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    Workbook().save(other)
    code, out = run(project, "review-sheet", "import", str(other))
    assert code == 1
    assert out.strip() == (
        "错误：无法读取 other.xlsx：缺少“审核表”或“校验信息”工作表，"
        "不是 volunteers review-sheet export 导出的审核表；本次未写入任何文件"
    )
    assert (project / ".review-sheet.key").stat().st_mode & 0o777 == 0o600


def test_a_unit_and_a_union_narrow_the_sheet(project: Path, tmp_path: Path) -> None:
    ids = _ids(project)
    path = project / "data" / "registrations" / "zhongshan" / f"{ids[2]}.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'name: "', 'employer: "大连港集团 有限公司"\nname: "'
        ),
        encoding="utf-8",
    )
    sheet = export(project, tmp_path / "unit.xlsx", "unit", "--unit", "大连港集团有限公司")
    assert list(rows_of(sheet)) == [ids[2]]  # matched without the space, from any union
    assert rows_of(sheet)[ids[2]]["工作单位"] == "大连港集团 有限公司"
    assert len(rows_of(export(project, tmp_path / "all.xlsx", "unit"))) == 10
    code, out = run(project, "review-sheet", "export", "--level", "unit", "--union", "nowhere",
                    "--out", str(tmp_path / "x.xlsx"))  # fmt: skip
    assert (code, out.strip()) == (1, "错误：未知的工会 “nowhere”（见 data/unions.yml）")
    code, out = run(project, "review-sheet", "export", "--level", "unit",
                    "--out", str(sheet))  # fmt: skip
    assert code == 1 and "是已有的数据文件，不能覆盖" in out


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026/11/25", date(2026, 11, 25)),
        ("2026-11-25", date(2026, 11, 25)),
        ("2026年11月25日", date(2026, 11, 25)),
        ("2026年1月5日", date(2026, 1, 5)),
        (" 2026.11.25 ", date(2026, 11, 25)),
        ("２０２６／１１／２５", date(2026, 11, 25)),
        ("2026-11-25 00:00:00", date(2026, 11, 25)),
        (datetime(2026, 11, 25), date(2026, 11, 25)),
        (date(2026, 11, 25), date(2026, 11, 25)),
        ("2026-02-30", None),
        ("11/25/2026", None),
        ("明天", None),
        (46351.0, None),
    ],
)
def test_dates_typed_as_dates_or_text(typed: object, expected: date | None) -> None:
    from generator.staff.reviewsheet_rows import parse_date

    assert parse_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("同意", "同意"), (" 同意\t", "同意"), ("\u3000不同意\u3000", "不同意"),
        ("可以", None), ("同 意", None), ("同意。", None), ("agree", None), ("不同意！", None),
    ],
)  # fmt: skip
def test_opinions_are_trimmed_and_nothing_looser(typed: str, expected: str | None) -> None:
    from generator.staff.reviewsheet_rows import opinion_of

    assert opinion_of(typed) == expected


def test_two_processes_check_as_one(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the threshold, records are read and rows checked in a second process too: the
    sheet, the problems (from both halves, in row order) and the changes are the same."""
    from generator.staff import batch, reviewsheet_import

    ids = _ids(project)
    serial = rows_of(export(project, tmp_path / "serial.xlsx", "unit", "--union", "zhongshan"))
    monkeypatch.setattr(batch, "PARALLEL_ABOVE", 2)
    monkeypatch.setattr(reviewsheet_import, "PARALLEL_ABOVE", 2)
    sheet = export(project, tmp_path / "parallel.xlsx", "unit", "--union", "zhongshan")
    assert rows_of(sheet) == serial
    good = {"意见": "同意", "签署单位": OFFICE, "签署日期": "2012-07-10"}
    fill(sheet, {i: good for i in ids} | {ids[0]: {"意见": "可以"}, ids[7]: {"意见": "好"}})
    before = _snapshot(project)
    code, out = run(project, "review-sheet", "import", str(sheet), "--dry-run")
    assert code == 1 and [line.split("：")[0] for line in out.splitlines()[:2]] == [
        f"第 {serial[ids[0]]['row']} 行",
        f"第 {serial[ids[7]]['row']} 行",
    ]
    assert _snapshot(project) == before
    fill(sheet, {ids[0]: good, ids[7]: good})
    code, out = run(project, "review-sheet", "import", str(sheet), "--dry-run")
    assert code == 0 and "将写入 8 份登记的意见" in out and "（--dry-run：未写入任何文件）" in out
    assert _snapshot(project) == before
    code, out = run(project, "review-sheet", "import", str(sheet))
    assert code == 0 and "  中山区总工会：同意 8 份" in out
    assert all(_record(project, i).opinions[0].office == OFFICE for i in ids)
