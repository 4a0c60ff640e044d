"""The union rosters of the downloads as assemblies (assembly.py): the rosters of one length share
their pages after the first with the blank roster of that length, laid out once."""

from __future__ import annotations

from collections import Counter

from generator.core import urls
from generator.core.validate import SiteData

from .assembly import Assembly
from .downloads import common_context, render_page, roster_context


def roster_assemblies(site: SiteData) -> dict[str, Assembly]:
    """Site path → how that union's roster is put together; the same document as
    pdf_documents' HTML for it. A roster whose length no other roster has is rendered whole
    (assembling it would lay out its first page twice)."""
    common = common_context(site)
    title = dict(enumerate(site.campaign.attachments, start=1)).get(3, "花名册")
    lengths = Counter(line.count for line in site.quotas.quotas)
    shared: dict[int, str] = {}
    out = {}
    for line in site.quotas.quotas:
        if lengths[line.count] < 2:
            continue
        union = site.unions[line.union]
        context = roster_context(union.name, union.contact, line.count)
        context["pages"] = context["pages"][:1]  # type: ignore[index]
        if line.count not in shared:
            blank = roster_context("", None, line.count)
            shared[line.count] = render_page("roster.html.j2", common, title=title, **blank)
        out[urls.union_roster(union.id)] = Assembly(
            render_page("roster.html.j2", common, title=title, **context), shared[line.count]
        )
    return out
