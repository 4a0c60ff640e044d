"""志愿服务记录证明: one volunteer's service in a period as a numbered, sealed PDF (contents per
民政部《志愿服务记录与证明出具办法（试行）》), and its entry in the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.core.activities import hours_text
from generator.core.certificates import Certificate, Register, ServiceLine
from generator.core.models import CertificateIssuer
from generator.core.validate import SiteData
from generator.core.writer import dump_yaml

from .archive import MatchedRecord
from .downloads import cn_date, common_context, render_page

TITLE = "志愿服务记录证明"
ID_TYPE = "居民身份证"
BASIS = (
    "本证明依据《志愿服务条例》和民政部《志愿服务记录与证明出具办法（试行）》出具，"
    "所载内容与本单位志愿服务记录一致。"
)
REGISTER_HEADER = (
    "# 志愿服务记录证明登记簿（volunteers certificate 写入）。编号永不重复使用；\n"
    "# 只记登记编号，不记姓名、身份证号和手机号。\n"
)


@dataclass(frozen=True, repr=False)
class Issue:
    """One certificate to print: the register entry, the person (full ID number: --out only)
    and the service lines."""

    entry: Certificate
    person: MatchedRecord
    lines: list[ServiceLine]
    copy: bool = False

    def __repr__(self) -> str:
        return f"Issue({self.entry.number}, {self.entry.record})"


def html(site: SiteData, issuer: CertificateIssuer, issue: Issue) -> str:
    """The certificate's HTML (pure)."""
    entry, record = issue.entry, issue.person.record
    return render_page(
        "certificate.html.j2",
        {**common_context(site), "qr": None},
        title=TITLE,
        number=entry.number,
        copy=issue.copy,
        name=record.name,
        id_type=ID_TYPE,
        id_number=issue.person.id_number,
        record_id=record.id,
        union=site.unions[record.union].name if record.union in site.unions else record.union,
        start=cn_date(entry.start),
        end=cn_date(entry.end),
        times=len(issue.lines),
        total=hours_text(entry.hours),
        lines=[
            {"day": cn_date(s.day), "title": s.title, "place": s.place, "hours": s.hours_text}
            for s in issue.lines
        ],
        basis=BASIS,
        issuer=issuer,
        handler=entry.handler,
        issued=cn_date(entry.issued),
    )


def render(site: SiteData, issuer: CertificateIssuer, issue: Issue) -> bytes:
    """The PDF (no cache: it holds a full ID number and goes only to --out)."""
    from .pdf import PdfRenderer  # WeasyPrint loads only when PDFs are made

    page = html(site, issuer, issue)
    return PdfRenderer(page, cache_dir=None).render(page)


def total(lines: list[ServiceLine]) -> Decimal:
    return sum((s.hours for s in lines), Decimal(0))


def register_text(register: Register) -> str:
    """The register as its file's text (the schema's field order, dates as ISO text)."""
    entries = []
    for cert in register.certificates:
        data = cert.model_dump(mode="json")
        data["hours"] = hours_text(cert.hours)
        if not data["copies"]:
            del data["copies"]
        entries.append(data)
    return REGISTER_HEADER + dump_yaml({"certificates": entries})


def file_name(entry: Certificate, copy: bool, on: date) -> str:
    """certificate-2026-0001.pdf; a copy: certificate-2026-0001-copy-20261201.pdf."""
    digits = "".join(ch for ch in entry.number if ch.isdigit())
    base = f"certificate-{digits[:4]}-{digits[4:]}"
    return f"{base}-copy-{on:%Y%m%d}.pdf" if copy else f"{base}.pdf"
