"""Checks across files: references to unions and categories, photos, the quota table's sums,
and example projects that must not give a real office's phone number."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import Report
from .loader import Document, Loc
from .messages import field_path
from .models import Campaign, Category, QuotaTable, Union
from .photocheck import photo_problem


class References:
    """The checks that follow a reference from one file to another (unions, categories,
    photos, the quota table's sums), reported in the referring file."""

    def __init__(
        self,
        report: Report,
        unions: dict[str, Union],
        categories: dict[str, Category],
        broken: set[str],
    ) -> None:
        self.report, self.unions, self.categories, self.broken = report, unions, categories, broken

    def ref(
        self, doc: Document, loc: Loc, value: str | None, known: dict[str, Any], what: str
    ) -> None:
        # A reference to a record that is itself invalid was already reported there.
        if value is None or value in known or value in self.broken:
            return
        choices = "、".join(f"{k}（{v.name}）" for k, v in list(known.items())[:12]) or "无"
        more = "……" if len(known) > 12 else ""
        self.report.error(
            doc.path,
            doc.line(loc),
            field_path(doc, loc),
            f"未知的{what} “{value}”（可选：{choices}{more}）",
        )

    def borrowed_phone(self, doc: Document, phone: str | None, real: dict[str, str]) -> None:
        """An example project must not give a real office's number: a citizen would call it."""
        owner = real.get(_digits(phone or ""))
        if owner:
            self.report.error(
                doc.path,
                doc.line(("contact", "phone")),
                "contact.phone",
                f"示例项目不能使用真实的联系电话（{phone} 是{owner}的电话）：请删去电话",
            )

    def photo(self, doc: Document, name: str | None, root: Path) -> None:
        if name is None:
            return
        file = root / "data" / "recognitions" / "photos" / name
        if "/" in name or "\\" in name or not os.path.lexists(file):
            self.report.error(
                doc.path,
                doc.line(("photo",)),
                "photo",
                f"找不到照片文件 data/recognitions/photos/{name}",
            )
        elif file.suffix.lower() not in {".jpg", ".jpeg", ".png", ".webp"}:
            self.report.error(
                doc.path, doc.line(("photo",)), "photo", "照片应为 JPG、PNG 或 WebP 格式"
            )
        else:
            problem = photo_problem(file)
            if problem:
                where = f"照片文件 data/recognitions/photos/{name}"
                self.report.error(doc.path, doc.line(("photo",)), "photo", f"{where}：{problem}")

    def quotas(self, table: QuotaTable, doc: Document, campaign: Campaign | None) -> None:
        seen: set[str] = set()
        for i, line in enumerate(table.quotas):
            loc = ("quotas", i, "union")
            self.ref(doc, loc, line.union, self.unions, "工会")
            if line.union in seen:
                self.report.error(
                    doc.path,
                    doc.line(loc),
                    field_path(doc, loc),
                    f"工会 “{line.union}” 的名额重复填写",
                )
            seen.add(line.union)
        for union_id, union in self.unions.items():
            if union_id not in seen:
                self.report.error(
                    doc.path,
                    doc.line(("quotas",)),
                    "quotas",
                    f"缺少 {union.name}（{union_id}）的名额",
                )
        actual = sum(q.count for q in table.quotas)
        if actual != table.total:
            self.report.error(
                doc.path,
                doc.line(("total",)),
                "total",
                f"合计应为各工会名额之和 {actual}，实际填写 {table.total}",
            )
        elif campaign is not None:
            if table.campaign != campaign.id:
                self.report.error(
                    doc.path,
                    doc.line(("campaign",)),
                    "campaign",
                    f"未知的通知 “{table.campaign}”（应为 {campaign.id}）",
                )
            elif table.total != campaign.target:
                self.report.error(
                    doc.path,
                    doc.line(("total",)),
                    "total",
                    f"合计 {table.total} 与通知规定的总数 {campaign.target} 不一致",
                )


def _digits(phone: str) -> str:
    """A landline's own digits, without Dalian's area code: 0411-82610421 is 82610421."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits.removeprefix("0411") if len(digits) > 8 else digits


def real_office_phones(campaign: Campaign | None, unions: dict[str, Union]) -> dict[str, str]:
    """The real offices' numbers (the notice's contact, every union's): digits → office."""
    found: dict[str, str] = {}
    if campaign is not None and campaign.contact.phone:
        found[_digits(campaign.contact.phone)] = campaign.contact.office or campaign.issuer
    for union in unions.values():
        if union.contact is not None and union.contact.phone:
            found[_digits(union.contact.phone)] = union.name
    return found
