"""Rows → validated project proposals (section 四.3 of the notice) or rejections (pure)."""

from __future__ import annotations

from typing import Any

from generator.core.identity import keyed_hash
from generator.core.models import ProjectOrigin
from generator.core.records import Proposal

from .columns import PROPOSAL
from .normalize import lookup_key, parse_date
from .rows import Accepted, Lookups, Rejected, begin, record_id

COLUMNS = {c.field: c for c in PROPOSAL}
ORIGINS = {
    "市总工会": ProjectOrigin.city,
    "市总": ProjectOrigin.city,
    "工会": ProjectOrigin.union,
    "工会组织": ProjectOrigin.union,
    "各级工会组织": ProjectOrigin.union,
    "单位": ProjectOrigin.union,
    "志愿者": ProjectOrigin.volunteer,
    "个人": ProjectOrigin.volunteer,
    **{o.value: o for o in ProjectOrigin},
}


def proposal(row: int, raw: dict[str, str | None], ctx: Lookups) -> Accepted | Rejected | None:
    """One form row → a pending Proposal, a rejection, or None for a blank row."""
    started = begin(row, raw, COLUMNS, published=True)
    if started is None:
        return None
    values, check, stamp = started
    data: dict[str, Any] = {"row": row}
    if stamp is not None:
        data["submitted"] = stamp
    for name in ("title", "proposer", "place", "summary", "description"):
        if values.get(name):
            data[name] = values[name]

    text = values.get("category", "")
    if not text:
        check.problem("category", "不能为空")
    elif (category := ctx.category(text)) is None:
        names = "、".join(c.name for c in ctx.site.categories.values())
        check.problem("category", f"未知的服务类别“{text[:20]}”（可选：{names}）", True)
    else:
        data["category"] = category
    text = values.get("origin", "")
    # The column is optional: a proposal that leaves it empty comes from a union (工会组织).
    origin = ORIGINS.get(lookup_key(text)) if text else ProjectOrigin.union
    if origin is None:
        check.problem("origin", f"无法识别“{text[:20]}”（可填：工会组织、志愿者、市总工会）", True)
    else:
        data["origin"] = origin
    if values.get("union"):
        union = ctx.union(values["union"])
        if union is None:
            check.problem(
                "union",
                f"未知的工会“{values['union'][:30]}”（可填工会名称或简称：{ctx.union_hint()}）",
            )
        else:
            data["union"] = union
    for name in ("start", "end"):
        if values.get(name):
            day = parse_date(values[name])
            if day is None:
                check.problem(name, f"无法识别的日期“{values[name][:20]}”（如 2012-08-01）")
            else:
                data[name] = day
        elif name == "start":
            check.problem(name, "不能为空")
    data["contact"] = {
        part: values[f"contact_{part}"]
        for part in ("office", "phone")
        if values.get(f"contact_{part}")
    }
    if not values.get("contact_office"):
        check.problem("contact_office", "不能为空")
    if not values.get("contact_phone"):
        check.problem("contact_phone", "不能为空")

    subject = f"{lookup_key(values.get('title', ''))}|{lookup_key(values.get('proposer', ''))}"
    data["hash"] = keyed_hash(ctx.key, "proposal", subject)
    if stamp is not None:
        data["id"] = record_id(stamp, ctx.key, subject)
    data["warnings"] = check.warnings
    record = check.validate(Proposal, data)
    name = values.get("title", "")[:30]
    if record is None:
        return Rejected(row, name, check.problems, check.in_export)
    assert isinstance(record, Proposal)
    return Accepted(row, record, record.hash, name, record.union)
