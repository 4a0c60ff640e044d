"""The same service-shaped exports in the other file kinds staff download: 问卷星's legacy .xls
(written with xlwt) and Excel's "Unicode text" (UTF-16, tab-separated, saved as .txt)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlwt
import yaml

from bench.wjx_bench import with_shared_strings
from intake.files import open_file
from tests.intake_support import project
from tests.test_intake_profiles import (
    AREA_IDS,
    Shape,
    areas,
    people,
    tencent,
    volunteers,
    wjx,
    xlsx,
)


def lines_of(shape: Shape) -> list[list[str]]:
    lines = []
    for n, person in enumerate(people(), start=1):
        header, cells = shape(person, n)
        lines.append(cells)
    return [header, *lines]


def as_xls(path: Path, lines: list[list[str]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def as_excel_xlsx(path: Path, lines: list[list[str]]) -> Path:
    """As Excel and the services write XLSX: texts in the shared-strings table (t="s")."""
    return with_shared_strings(xlsx(path, lines))


def as_unicode_text(path: Path, lines: list[list[str]]) -> Path:
    """As Excel's 另存为 → Unicode 文本 writes it: UTF-16 with its BOM, tabs, CRLF; a cell holding
    a line break or a tab quoted."""

    def cell(value: str) -> str:
        quoted = any(ch in value for ch in '\t\n"')
        return '"' + value.replace('"', '""') + '"' if quoted else value

    text = "\r\n".join("\t".join(cell(v) for v in line) for line in lines) + "\r\n"
    path.write_bytes(text.encode("utf-16"))
    return path


@pytest.mark.parametrize(
    ("shape", "write", "name", "label"),
    [
        (wjx, as_xls, "export.xls", "问卷星"),
        (wjx, as_excel_xlsx, "export.xlsx", "问卷星"),
        (wjx, as_unicode_text, "export.txt", "问卷星"),
        (tencent, as_unicode_text, "export.txt", "腾讯问卷"),
    ],
)
def test_service_exports_in_other_file_kinds(
    tmp_path: Path, shape: Shape, write: object, name: str, label: str
) -> None:
    data = project(tmp_path)
    path = write(tmp_path / name, lines_of(shape))  # type: ignore[operator]
    report = tmp_path / "report.md"
    args = ["intake", "registrations", "--file", str(path), "--data-dir", str(data)]
    done = volunteers(*args, "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("网上报名导入：新增 3 条报名记录"), done.stdout
    assert f"导出格式：匹配 {label} 导出格式" in done.stdout
    assert "- 第 4 行（志愿者3）：身份证号：" in report.read_text(encoding="utf-8")
    records = [yaml.safe_load(p.read_text()) for p in (data / "registrations").rglob("*.yml")]
    by_name = {r["name"]: r for r in records}
    assert set(by_name) == {"志愿者1", "志愿者2", "志愿者4"}
    for person in people():
        if person["姓名"] in by_name:
            assert by_name[person["姓名"]]["categories"] == [AREA_IDS[a] for a in areas(person)]


def test_shared_strings_read_as_inline_texts(tmp_path: Path) -> None:
    lines = lines_of(wjx)
    lines[2][7] = "  带空格 & <尖括号>  "
    inline = xlsx(tmp_path / "inline.xlsx", lines)
    shared = as_excel_xlsx(tmp_path / "shared.xlsx", lines)
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(shared).namelist()
    first, second = open_file(inline), open_file(shared)
    assert second.header == first.header
    assert list(second.rows) == list(first.rows)
