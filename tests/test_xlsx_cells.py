"""The XLSX reader's quick path for shared-string cells (no tree, no openpyxl call) gives what
openpyxl's full load gives, cell for cell, in every shape a writer may use around it; a cell it
cannot read stops the run with the row named; the store takes record paths as text."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook

from bench.wjx_bench import with_shared_strings
from intake.errors import IntakeError
from intake.files import cell_text, open_file
from intake.store import Store, record_name, record_path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS = ["姓名", "服务意向", "王一", "社会救助┋法律咨询", "李二", "  带空格  "]


def workbook(tmp_path: Path, rows: str, strings: list[str] = STRINGS) -> Path:
    """An XLSX with `strings` as its shared-strings table (indexes 0, 1, …) and a hand-written
    <sheetData> (the shapes Excel, WPS and the form services write, and stranger ones)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["占位"])
    sheet.append([datetime(2012, 7, 10, 15, 30)])  # a date style in styles.xml (s="1")
    book.save(tmp_path / "source.xlsx")
    path = with_shared_strings(tmp_path / "source.xlsx")
    items = "".join(
        f'<si><t xml:space="preserve">{escape(text)}</t></si>' if text else "<si><t/></si>"
        for text in strings
    )
    out = tmp_path / "in.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (
                    f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B2"/><sheetData>{rows}'
                    "</sheetData></worksheet>"
                ).encode()
            elif info.filename == "xl/sharedStrings.xml":
                data = f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'.encode()
            target.writestr(info, data)
    return out


def as_openpyxl_reads(path: Path) -> dict[int, list[str]]:
    sheet = load_workbook(path, data_only=True).active
    assert sheet is not None
    want = {}
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            want[number] = cells
    return want


def as_we_read(path: Path) -> dict[int, list[str]]:
    table = open_file(path)
    return {1: table.header, **dict(table.rows)}


SHAPES = {
    "excel": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" s="0" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>',
    "no-references": '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
    '<row><c t="s"><v>4</v></c><c/><c t="s"><v>5</v></c></row>',
    "gaps-and-empty-cells": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="D1" t="s"><v>1</v></c>'
    '</row><row r="3"><c r="B3"/><c r="C3" t="s"><v>2</v></c><c r="E3" s="0"/><c r="F3" t="s">'
    '<v>3</v></c></row><row r="4"><c/><c t="s"><v>4</v></c><c s="0"/><c/><c t="s"><v>5</v></c>'
    "</row>",
    "spaces-in-the-index": '<row r="1"><c r="A1" t="s"><v> 0 </v></c><c r="B1" t="s"><v>\n1</v>'
    "</c></row>",
    "mixed-kinds": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>13</v></c>'
    '<c r="C1" t="inlineStr"><is><t>行内</t></is></c><c r="D1" t="b"><v>1</v></c>'
    '<c r="E1" s="1"><v>41100.5</v></c><c r="F1" t="str"><v>公式结果</v></c>'
    '<c t="s"><v>2</v></c></row>',
    "formula-before-the-value": '<row r="1"><c r="A1" t="s"><f>A2</f><v>2</v></c>'
    '<c t="s"><v>3</v></c></row>',
    "attributes-in-any-order": '<row r="1"><c t="s" s="0" r="B1"><v>1</v></c>'
    '<c s="0" r="C1" t="s"><v>0</v></c></row>',
    "empty-string-and-repeats": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v>'
    '</c></row><row r="2"><c r="A2" t="s"><v>6</v></c><c r="B2" t="s"><v>4</v></c></row>',
    "prefixed-namespace": "",
}


@pytest.mark.parametrize("shape", SHAPES)
def test_shared_string_cells_are_read_as_openpyxl_reads_them(tmp_path: Path, shape: str) -> None:
    strings = [*STRINGS, ""]
    if shape == "prefixed-namespace":  # the same names under a prefix: expat resolves them
        path = workbook(tmp_path, "", strings)
        with zipfile.ZipFile(path) as source:
            parts = {i.filename: source.read(i) for i in source.infolist()}
        parts["xl/worksheets/sheet1.xml"] = (
            f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="s">'
            '<x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>3</x:v></x:c></x:row></x:sheetData>'
            "</x:worksheet>"
        ).encode()
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
    else:
        path = workbook(tmp_path, SHAPES[shape], strings)
    ours = as_we_read(path)
    assert ours == as_openpyxl_reads(path)
    assert any(STRINGS[3] in cells or STRINGS[0] in cells for cells in ours.values())


BROKEN = {
    "index-past-the-table": ('<c r="B2" t="s"><v>99</v></c>', "第 2 行有无法读取的单元格"),
    "index-not-a-number": ('<c r="B2" t="s"><v>x1</v></c>', "第 2 行有无法读取的单元格"),
    "empty-index": ('<c r="B2" t="s"><v></v></c>', "第 2 行有无法读取的单元格"),
    "reference-without-letters": ('<c r="#2" t="s"><v>2</v></c>', "第 2 行有无法读取的单元格"),
    "column-past-xfd": ('<c r="XFE2" t="s"><v>2</v></c>', "第 2 行第 16385 列超出上限"),
    "element-in-the-value": ('<c r="B2" t="s"><v>1<b/></v></c>', "第 2 行有单元格结构异常"),
    "element-after-the-value": ('<c r="B2" t="s"><v>1</v><v>2</v></c>', "第 2 行有单元格结构异常"),
    "column-past-the-cap": ('<c r="ZZ2" t="s"><v>2</v></c>', "第 2 行第 702 列超出上限"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_shared_string_cell_names_its_row(tmp_path: Path, case: str) -> None:
    cell, message = BROKEN[case]
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    path = workbook(tmp_path, f'{header}<row r="2"><c r="A2" t="s"><v>2</v></c>{cell}</row>')
    with pytest.raises(IntakeError, match=message) as caught:
        list(open_file(path).rows)
    assert "in.xlsx" in str(caught.value) and "本次未写入任何文件" in str(caught.value)


def test_an_empty_shared_string_cell_past_the_cap_is_no_error(tmp_path: Path) -> None:
    """As before the quick path: only a value is refused past the last column allowed."""
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    cell = '<c r="ZZ2" t="s"><v>6</v></c>'
    path = workbook(tmp_path, f'{header}<row r="2">{cell}</row>', [*STRINGS, ""])
    assert list(open_file(path).rows) == []


@pytest.mark.parametrize(
    ("kind", "record_id", "union"),
    [
        ("registrations", "20120710-153000-1a2b3c4d", "zhongshan"),
        ("registrations", "20120710-153000-1a2b3c4d", ""),
        ("registrations", "r1", "./odd"),
        ("registrations", "x", "a//b"),
        ("proposals", "20120710-abc", None),
        ("proposals", "../up", None),
    ],
)
def test_record_name_is_record_path_as_text(kind: str, record_id: str, union: str | None) -> None:
    assert record_name(kind, record_id, union) == record_path(kind, record_id, union).as_posix()


def test_the_store_takes_paths_as_text_or_as_path(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "registrations" / "xigang").mkdir(parents=True)
    (data / "registrations" / "xigang" / "old.yml").write_text("id: old\n", encoding="utf-8")
    with Store(data) as store:
        assert store.exists("registrations/xigang/old.yml")
        assert store.exists(Path("registrations", "xigang", "old.yml"))
        assert not store.exists("registrations/xigang/new.yml")
        assert not store.exists("registrations/zhongshan/new.yml")  # a folder not there yet
        store.stage("registrations/zhongshan/a.yml", "a: 1\n")
        store.stage(Path("registrations", "xigang", "b.yml"), "b: 2\n")
        store.stage(record_name("proposals", "p1", None), "p: 3\n")
        assert not (data / "registrations" / "zhongshan").exists()  # staged, not in place
        written = store.commit()
    assert written == [
        Path("registrations/zhongshan/a.yml"),
        Path("registrations/xigang/b.yml"),
        Path("proposals/p1.yml"),
    ]
    assert (data / "registrations" / "zhongshan" / "a.yml").read_text() == "a: 1\n"
    assert (data / "registrations" / "xigang" / "b.yml").read_text() == "b: 2\n"
    assert (data / "proposals" / "p1.yml").read_text() == "p: 3\n"
    assert sorted(p.name for p in data.iterdir()) == ["proposals", "registrations"]
