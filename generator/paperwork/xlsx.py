"""The roster (attachment 3) as an Excel workbook: the way union staff really fill it in."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from copy import copy
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from generator.core import safefile
from generator.core.validate import SiteData
from generator.core.writer import write_atomic

COLUMNS = (
    ("序号", 6), ("姓名", 10), ("性别", 6), ("身份证号码", 22), ("工作单位", 30),
    ("政治面貌", 14), ("身份", 12), ("特长", 24),
)  # fmt: skip
"""Attachment 3's columns and their widths in characters."""

GENDERS = ("男", "女")
POLITICAL = (
    "中共党员", "中共预备党员", "共青团员", "民革", "民盟", "民建", "民进", "农工党",
    "致公党", "九三学社", "台盟", "无党派人士", "群众",
)  # fmt: skip
"""The forms' short forms of GB/T 4762 政治面貌, each one accepted by intake."""

OCCUPATIONS = ("在职职工", "离退休人员", "劳动模范", "在校大学生", "社会人员")
"""Suggestions for 身份, after the notice's section 三 (各界人士、工会会员、职工群众，包括离退休的
劳动模范，在校大学生); the column is free text, so another word is accepted with a note."""

HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1

ID_COLUMN = "D"
TEXT = "@"  # Excel's text format: an ID stays 21020219…, not 2.10202E+17


def template_rows(site: SiteData) -> int:
    """Rows of the blank template: the largest union's quota (a union's roster has its own)."""
    return max(q.count for q in site.quotas.quotas)


def roster_workbook(
    site: SiteData,
    header: tuple[str, str, str] | None = None,
    volunteer_rows: Sequence[Sequence[str]] = (),
    rows: int | None = None,
) -> bytes:
    """The roster template; the same input gives the same bytes. Blank by default; with `header`
    (union name, 负责人, 联系电话) and `volunteer_rows` (one row per volunteer: the columns after 序号)
    it is a union's filled roster for the archive. `rows` (the union's quota; by default the
    largest quota) rows are prepared and numbered, and they alone are the print area."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "花名册"
    titles = site.campaign.attachments
    last_col = chr(ord("A") + len(COLUMNS) - 1)
    prepared = max(rows if rows is not None else template_rows(site), len(volunteer_rows), 1)
    last_row = FIRST_ROW + prepared - 1
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"] = titles[2] if len(titles) > 2 else "服务帮扶志愿者花名册"
    ws["A1"].font = Font(name="宋体", size=18, bold=True)
    ws["A1"].alignment = center
    ws.row_dimensions[1].height = 36

    ws["A2"] = "区市县、产业工会："
    ws.merge_cells("A2:B2")
    ws.merge_cells("C2:D2")
    ws["E2"], ws["G2"] = "负责人：", "联系电话："
    for ref in ("A2", "E2", "G2"):
        ws[ref].alignment = Alignment(horizontal="right", vertical="center")
    unions = DataValidation(
        type="list",
        formula1=_list_formula(site.unions[q.union].name for q in site.quotas.quotas),
        allow_blank=True,
        errorTitle="工会名称",
        error="请从下拉列表中选择本工会",
    )
    ws.add_data_validation(unions)
    unions.add("C2")
    ws.row_dimensions[2].height = 24

    for i, (label, width) in enumerate(COLUMNS):
        letter = chr(ord("A") + i)
        ws.column_dimensions[letter].width = width
        cell = ws.cell(HEADER_ROW, i + 1, label)
        cell.font = Font(name="黑体", size=11)
        cell.alignment, cell.border = center, box
    # Style one row, then copy its style arrays: assigning a Border hashes it, cell by cell.
    ws.cell(FIRST_ROW, 1, 1).alignment = center
    for i in range(len(COLUMNS)):
        ws.cell(FIRST_ROW, i + 1).border = box
    ws[f"{ID_COLUMN}{FIRST_ROW}"].number_format = TEXT
    styles = [copy(ws.cell(FIRST_ROW, i + 1)._style) for i in range(len(COLUMNS))]
    for row in range(FIRST_ROW + 1, last_row + 1):
        ws.cell(row, 1, row - FIRST_ROW + 1)  # 序号, numbered in advance
        for i, style in enumerate(styles):
            ws.cell(row, i + 1)._style = copy(style)
    ws.column_dimensions[ID_COLUMN].number_format = TEXT

    for column, values, name in (("C", GENDERS, "性别"), ("F", POLITICAL, "政治面貌")):
        check = DataValidation(
            type="list",
            formula1=_list_formula(values),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=name,
            error=f"请从下拉列表中选择{name}：{'、'.join(values)}",
            promptTitle=name,
            prompt="请从下拉列表中选择",
            showInputMessage=True,
        )
        ws.add_data_validation(check)
        check.add(f"{column}{FIRST_ROW}:{column}{last_row}")

    occupation = DataValidation(
        type="list",
        formula1=_list_formula(OCCUPATIONS),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="information",
        errorTitle="身份",
        error=f"常用的身份：{'、'.join(OCCUPATIONS)}。其他身份也可照实填写。",
        promptTitle="身份",
        prompt=f"可下拉选择：{'、'.join(OCCUPATIONS)}；其他照实填写",
        showInputMessage=True,
    )
    ws.add_data_validation(occupation)
    occupation.add(f"G{FIRST_ROW}:G{last_row}")

    if header is not None:
        for ref, text in zip(("C2", "F2", "H2"), header, strict=True):
            _text(ws[ref], text)
    for number, cells in enumerate(volunteer_rows, start=1):
        for i, text in enumerate(cells, start=2):
            _text(ws.cell(FIRST_ROW + number - 1, i), text)

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{last_col}{last_row}"
    if rows is None:  # the one template for every union
        note = f"已编好序号 1–{prepared}（最大名额）。本工会名额较少的，删去多余的行，打印范围随之缩小。"
        ws.cell(HEADER_ROW, 1).comment = Comment(note, site.campaign.issuer, width=260, height=80)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"

    fixed = datetime(
        site.campaign.printed.year, site.campaign.printed.month, site.campaign.printed.day
    )
    wb.properties.creator = site.campaign.issuer
    wb.properties.title = ws["A1"].value
    wb.properties.created = wb.properties.modified = fixed
    return _reproducible_zip(wb, fixed)


CACHED_MAX_BYTES = 1024 * 1024


def cached_roster_workbook(site: SiteData, cache_dir: Path | None) -> bytes:
    """The blank roster template, kept in `cache_dir` under the hash of all it is made from
    (this module, openpyxl, the titles, the unions in quota order, the date, the issuer): a
    rebuild that changed none of them does not make it again (openpyxl takes about a second)."""
    if cache_dir is None:
        return roster_workbook(site)
    inputs = [
        site.campaign.attachments,
        [site.unions[q.union].name for q in site.quotas.quotas],
        template_rows(site),
        site.campaign.printed.isoformat(),
        site.campaign.issuer,
        version("openpyxl"),
    ]
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(json.dumps(inputs, ensure_ascii=False, default=str).encode())
    file = cache_dir / f"roster-template-{digest.hexdigest()[:32]}.xlsx"
    try:  # .cache/ may be restored from a shared cache: no FIFO, device or giant file
        return safefile.read_bytes(file, CACHED_MAX_BYTES)
    except safefile.Refused:
        pass
    data = roster_workbook(site)
    for old in cache_dir.glob("roster-template-*.xlsx"):
        old.unlink(missing_ok=True)
    write_atomic(file, data)
    return data


def _text(cell: Cell | MergedCell, text: str) -> None:
    """A value stored as text, never as a formula (`=…` from a form stays what was typed)."""
    cell.value = text
    cell.data_type = "s"


def _list_formula(values: object) -> str:
    text = ",".join(str(v) for v in values)  # type: ignore[attr-defined]
    if len(text) > 255:  # Excel's limit for an inline list
        raise ValueError(f"下拉列表过长（{len(text)} 个字符，上限 255）")
    return f'"{text}"'


def _reproducible_zip(wb: Workbook, when: datetime) -> bytes:
    """openpyxl stamps each zip member with the clock; rewrite them with a fixed time."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not wb.save(): that resets the modified date
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
