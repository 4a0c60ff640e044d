"""The 表格下载 files: the notice and its three attachments as PDFs, the roster as a workbook."""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from itertools import accumulate
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import jinja2
import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from generator.core import urls
from generator.core.models import Campaign
from generator.core.validate import SiteData

from .qr import form_qr
from .xlsx import cached_roster_workbook, template_rows

PDF_TEMPLATES = Path(str(files("generator") / "site_templates" / "pdf"))
NOTICE = Path("content") / "notice.md"


@dataclass(frozen=True)
class Download:
    """One downloadable file, as the 表格下载 page lists it."""

    path: str
    """Relative to the site root, e.g. downloads/roster-zhongshan.pdf."""
    title: str
    description: str
    kind: str
    """notice, quota-table, registration-form, registration-form-fillable, roster,
    roster-template."""
    union: str | None = None
    """The union whose roster this is (header filled in); None for everyone's files."""
    size: int | None = None
    """Bytes, once built."""

    @property
    def format(self) -> str:
        return "Excel" if self.path.endswith(".xlsx") else "PDF"


def download_index(site: SiteData, files: Mapping[str, bytes] | None = None) -> list[Download]:
    """Every download, in page order; with `files` (from build_downloads) sizes are filled in."""
    c = site.campaign
    title_of = dict(enumerate(c.attachments, start=1))
    items = [
        Download(urls.NOTICE_PDF, f"{c.title}（{c.doc_number}）",
                 "通知全文，公文格式，A4 打印", "notice"),
        Download(urls.QUOTA_TABLE_PDF, f"附件1：{title_of.get(1, '名额分配表')}",
                 f"{len(site.quotas.quotas)} 个区市县、产业工会的名额，合计 {site.quotas.total} 人",
                 "quota-table"),
        Download(urls.REGISTRATION_FORM_PDF, f"附件2：{title_of.get(2, '登记表')}",
                 "一页 A4，打印后手写填写，贴照片，本人签字", "registration-form"),
        Download(urls.REGISTRATION_FORM_FILLABLE_PDF,
                 f"附件2：{title_of.get(2, '登记表')}（可在电脑上填写）",
                 "在电脑上填写后打印，再贴照片、本人签字", "registration-form-fillable"),
        Download(urls.BLANK_ROSTER_PDF, f"附件3：{title_of.get(3, '花名册')}（空白）",
                 "A4 横向，未填工会名称", "roster"),
    ]  # fmt: skip
    for line in site.quotas.quotas:
        union = site.unions[line.union]
        items.append(
            Download(
                urls.union_roster(union.id),
                f"附件3：{title_of.get(3, '花名册')}（{union.name}）",
                f"已填工会名称，{line.count} 行，对应名额 {line.count} 人",
                "roster",
                union.id,
            )
        )
    items.append(
        Download(urls.ROSTER_TEMPLATE_XLSX, f"{title_of.get(3, '花名册')}（Excel 模板）",
                 f"各工会汇总名单用；已编好序号 1–{template_rows(site)}（最大名额），打印范围同此，"
                 "名额较少的工会删去多余的行即可；"
                 "性别、政治面貌、身份可下拉选择，身份证号码列为文本格式",
                 "roster-template")
    )  # fmt: skip
    if files is not None:
        items = [replace(d, size=len(files[d.path])) for d in items if d.path in files]
    return items


def build_downloads(
    site: SiteData, cache_dir: Path | None = None, workers: int | None = None
) -> dict[str, bytes]:
    """Every download's bytes by site path. Pure apart from `cache_dir`, where rendered PDFs are
    kept under the hash of their inputs, so that an unchanged PDF is never rendered twice.
    `workers`: processes rendering PDFs (by default two when a core is free)."""
    from .pdf import PdfRenderer  # WeasyPrint loads only when PDFs are made
    from .roster_parts import roster_assemblies

    documents = pdf_documents(site)
    renderer = PdfRenderer("".join(html for html, _ in documents.values()), cache_dir)
    files = renderer.render_all(documents, workers, roster_assemblies(site))
    files[urls.ROSTER_TEMPLATE_XLSX] = cached_roster_workbook(site, cache_dir)
    return files


def pdf_documents(site: SiteData) -> dict[str, tuple[str, bool]]:
    """Site path → (HTML to print, whether it has form fields), for every PDF."""
    common = common_context(site)
    titles = dict(enumerate(site.campaign.attachments, start=1))

    def page(template: str, **context: object) -> str:
        return render_page(template, common, **context)

    title, body = notice_parts((site.root / NOTICE).read_text(encoding="utf-8"))
    docs = {
        urls.NOTICE_PDF: (
            page("notice.html.j2", title=title or site.campaign.title, body=body,
                 issued=cn_date(site.campaign.issued), printed=cn_date(site.campaign.printed)),
            False,
        ),
        urls.QUOTA_TABLE_PDF: (
            page("quota-table.html.j2", title=titles.get(1, "名额分配表"),
                 lines=[{"name": site.unions[q.union].name, "count": q.count, "note": q.note}
                        for q in site.quotas.quotas],
                 total=sum(q.count for q in site.quotas.quotas)),
            False,
        ),
    }  # fmt: skip
    forms = ((False, urls.REGISTRATION_FORM_PDF), (True, urls.REGISTRATION_FORM_FILLABLE_PDF))
    for fillable, path in forms:
        docs[path] = (
            page("registration-form.html.j2", title=titles.get(2, "登记表"), fillable=fillable,
                 opinions=OPINIONS, privacy_note=PRIVACY_NOTE, person=None, signed=None),
            fillable,
        )  # fmt: skip
    roster = titles.get(3, "花名册")
    docs[urls.BLANK_ROSTER_PDF] = (
        page(
            "roster.html.j2", title=roster, **roster_context("", None, ROSTER.first + ROSTER.rest)
        ),
        False,
    )
    for line in site.quotas.quotas:
        union = site.unions[line.union]
        context = roster_context(union.name, union.contact, line.count)
        docs[urls.union_roster(union.id)] = (
            page("roster.html.j2", title=roster, **context),
            False,
        )
    return docs


def common_context(site: SiteData) -> dict[str, object]:
    """What every printable template reads: the campaign, the fixed date, the address and its
    QR code."""
    return {"campaign": site.campaign, "build_time": build_time(site.campaign),
            "qr": form_qr(site.campaign)}  # fmt: skip


def render_page(template: str, common: Mapping[str, object], **context: object) -> str:
    """One template of site_templates/pdf/ rendered to HTML."""
    return _environment().get_template(template).render({**common, **context})


OPINIONS = (
    ("单位", "工会", "意见"),
    ("区市县", "总工会、", "产业工会", "意见"),
    ("市总", "工会", "意见"),
)
"""The three opinion cells' labels, line by line as in the 2012 form."""
PRIVACY_NOTE = (
    "说明：本表所填个人信息仅用于工会服务帮扶志愿者的登记、管理和联系，由所属工会和市总工会"
    "生活保障部存档，不对外公开。"
)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PDF_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def build_time(campaign: Campaign) -> str:
    """The PDFs' creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else the day
    the notice was printed; never the clock, so that two builds give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{campaign.printed.isoformat()}T00:00:00+08:00"


# --- The notice: content/notice.md read structurally ---------------------------------------

_OFFICIAL_BLOCK = re.compile(
    r'^<(div|p) class="official-[a-z-]+"[^>]*>.*?</\1>[ \t]*\n?', re.DOTALL | re.MULTILINE
)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


class _NoticeTree(Treeprocessor):
    """Takes the title out, turns links into text (paper has none) and marks the addressees,
    the contact lines and the attachment list for the official-document layout."""

    title = ""

    def run(self, root: ElementTree.Element) -> None:
        for h1 in root.findall("h1"):
            self.title = self.title or "".join(h1.itertext()).strip()
            root.remove(h1)
        for link in root.iter("a"):
            link.tag = "span"
            link.attrib.clear()
        children = list(root)
        for i, el in enumerate(children):
            text = (el.text or "").strip()
            if el.tag == "p" and i == 0 and text.endswith("："):
                el.set("class", "addressees")
            elif el.tag == "p" and text.startswith("联"):
                el.set("class", "contact")
            elif el.tag == "p" and text.startswith("附件") and children[i + 1 :][:1]:
                items = children[i + 1]
                if items.tag == "ol":
                    box = ElementTree.Element("div", {"class": "attachments"})
                    root.insert(list(root).index(el), box)
                    root.remove(el)
                    root.remove(items)
                    box.extend([el, items])


def notice_parts(source: str) -> tuple[str, Markup]:
    """The notice's title and body HTML. The banner, signature and imprint blocks are dropped:
    the PDF draws them from data/campaign.yml."""
    source = _OFFICIAL_BLOCK.sub("", _FRONT_MATTER.sub("", source))
    md = markdown.Markdown(output_format="html")
    tree = _NoticeTree(md)
    md.treeprocessors.register(tree, "notice", 5)  # after the inline patterns (priority 20)
    body = md.convert(source)
    return tree.title, Markup(body)  # Markdown from the repository's own content/


# --- The roster: pages cut here, grid drawn as SVG ------------------------------------------


@dataclass(frozen=True)
class RosterLayout:
    """Millimetres on A4 landscape; the rows per page follow from these."""

    margin_top: float = 14
    margin_side: float = 15
    margin_bottom: float = 14
    head_height: float = 30
    header_row: float = 9
    row: float = 8
    stroke: float = 0.2646  # 0.75 pt

    @property
    def width(self) -> float:
        return 297 - 2 * self.margin_side

    @property
    def first(self) -> int:
        return int(
            (210 - self.margin_top - self.margin_bottom - self.head_height - self.header_row - 1)
            // self.row
        )

    @property
    def rest(self) -> int:
        return int((210 - self.margin_top - self.margin_bottom - self.header_row - 1) // self.row)


ROSTER = RosterLayout()
ROSTER_COLUMNS = (
    ("序号", 12), ("姓　名", 25), ("性　别", 14), ("身份证号码", 52), ("工　作　单　位", 68),
    ("政治面貌", 24), ("身　份", 24), ("特　长", 0),
)  # fmt: skip
"""Attachment 3's columns and widths in mm; the last takes what is left."""


def roster_context(
    union_name: str, contact: object, rows: int, volunteer_rows: Sequence[Sequence[str]] = ()
) -> dict[str, object]:
    """The roster template's context: `rows` numbered lines, the first ones filled with
    `volunteer_rows` (the columns after 序号, for the archive); blank lines otherwise."""
    widths = [float(w) for _, w in ROSTER_COLUMNS]
    widths[-1] = round(ROSTER.width - sum(widths), 3)
    lefts = [0.0, *accumulate(widths[:-1])]
    columns = [
        {"label": label, "width": w, "left": round(x, 3)}
        for (label, _), w, x in zip(ROSTER_COLUMNS, widths, lefts, strict=True)
    ]
    pages = []
    start = 1
    while start <= rows:
        count = min(ROSTER.first if start == 1 else ROSTER.rest, rows - start + 1)
        pages.append({
            "numbers": list(range(start, start + count)),
            "height": ROSTER.header_row + count * ROSTER.row,
            "grid": _grid(tuple(widths), count),
            "rows": [
                {"top": round(ROSTER.header_row + k * ROSTER.row, 3),
                 "cells": [_cell(text, column) for text, column in zip(cells, columns[1:], strict=True)]}
                for k, cells in enumerate(volunteer_rows[start - 1 : start - 1 + count])
            ],
        })  # fmt: skip
        start += count
    return {
        "filled": bool(volunteer_rows),
        "union_name": union_name,
        "leader": getattr(contact, "name", None) or "",
        "phone": getattr(contact, "phone", None) or "",
        "layout": ROSTER,
        "columns": columns,
        "pages": pages,
    }


ROSTER_FONT = 10.0
ROSTER_SMALL_FONT = 8.0
"""Point sizes of a filled roster cell: one line, or one or two smaller lines for a long value."""
_MM_PER_PT = 25.4 / 72


def _ems(text: str) -> float:
    """Width in ems: a CJK character is one, anything else (Latin, digits) at most 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def text_lines(text: str, width: float, size: float) -> int:
    """How many lines `text` takes in a box `width` mm wide at `size` pt: an estimate on the
    generous side (a glyph that does not fit moves to the next line)."""
    per_line = width / (size * _MM_PER_PT) - 0.6
    return sum(max(1, math.ceil(_ems(part) / per_line)) for part in text.split("\n"))


def _cell(text: str, column: Mapping[str, object]) -> dict[str, object]:
    """One filled roster cell: one line, one smaller line, or two smaller lines; past two lines
    it is cut with … (the workbook and the registration form keep it whole)."""
    width = float(column["width"])  # type: ignore[arg-type]
    room = width - 2  # 1 mm padding each side
    text = " ".join(text.split())
    if text_lines(text, room, ROSTER_FONT) == 1:
        size = ""
    elif text_lines(text, room, ROSTER_SMALL_FONT) == 1:
        size = "small"
    else:
        size = "small two"
        if text_lines(text, room, ROSTER_SMALL_FONT) > 2:
            while text and text_lines(text + "…", room, ROSTER_SMALL_FONT) > 2:
                text = text[:-1]
            text += "…"
    return {"left": column["left"], "width": width, "text": text, "size": size}


@cache
def _grid(widths: tuple[float, ...], rows: int) -> str:
    """The ruling of one roster page as an SVG data URI, in mm."""
    w, s = ROSTER.width, ROSTER.stroke
    h = ROSTER.header_row + rows * ROSTER.row
    xs = [s / 2, *accumulate(widths[:-1]), w - s / 2]
    ys = [
        s / 2,
        ROSTER.header_row,
        *(ROSTER.header_row + k * ROSTER.row for k in range(1, rows)),
        h - s / 2,
    ]
    path = "".join(f"M{x:.3f} 0V{h:.3f}" for x in xs) + "".join(f"M0 {y:.3f}H{w:.3f}" for y in ys)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h:.3f}mm" '
        f'viewBox="0 0 {w} {h:.3f}" preserveAspectRatio="none">'
        f'<path d="{path}" stroke="#000" stroke-width="{s}" fill="none"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg)
