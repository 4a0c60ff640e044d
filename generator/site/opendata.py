"""Open data and the feed: SiteData → site/data/*.json and site/feed.xml (pure, deterministic)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from generator.core import urls
from generator.core.progress import union_progress
from generator.core.validate import SiteData

from .pages import recognition_urls

FEED_ENTRIES = 50
TAG = "tag:dalian-union-volunteers,2012:"


_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all, not even escaped (control characters, U+FFFE)."""


def _xml_text(value: str) -> str:
    """Text for an element of the feed: escaped, with what XML cannot hold left out."""
    return escape(_NOT_XML.sub("", value))


EXAMPLE_CATEGORY = '    <category term="example" label="示例（不是真实记录）"/>'
"""How a feed entry says it is example data, besides the 【示例】 its title and summary start with."""


def _flag(example: bool) -> str:
    return "【示例】" if example else ""


def _url(base: str, path: str) -> str:
    return f"{base.rstrip('/')}/{path}" if base else (path or "./")


def quotas_json(site: SiteData) -> dict[str, Any]:
    """The quota table with approved and pending counts: the figures of the quota and union pages."""
    rows = union_progress(site)
    example = bool(site.pairing and site.pairing.example)
    return {
        "campaign": site.campaign.id,
        "doc_number": site.campaign.doc_number,
        "total": site.quotas.total,
        "approved": sum(r.approved for r in rows),
        "pending": sum(r.pending for r in rows),
        "pairing_example": example,
        "service": site.service_total.public(),
        "unions": [
            {
                "id": r.union.id,
                "name": r.union.name,
                "current_name": r.union.current_name,
                "kind": r.union.kind.value,
                "quota": r.quota,
                "approved": r.approved,
                "pending": r.pending,
                "percent": r.percent,
                "pairing": None
                if r.needy is None
                else {"needy": r.needy, "paired": r.paired, "example": example},
                "service": site.service_of_union(r.union.id).public(),
            }
            for r in rows
        ],
    }


def projects_json(site: SiteData, base: str = "") -> dict[str, Any]:
    return {
        "projects": [
            {
                "id": p.id,
                "title": p.title,
                "category": p.category,
                "category_name": site.categories[p.category].name,
                "union": p.union,
                "union_name": site.unions[p.union].name if p.union else "大连市总工会",
                "origin": p.origin.value,
                "status": p.status.value,
                "start": p.start.isoformat(),
                "end": p.end.isoformat() if p.end else None,
                "place": p.place,
                "summary": p.summary,
                "approved_on": p.approved_on.isoformat(),
                "example": p.example,
                "url": _url(base, urls.served(urls.project_page(p.id))),
            }
            for p in site.projects
        ]
    }


def _dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode()


def feed_xml(site: SiteData, base: str = "") -> bytes:
    """Atom feed of newly approved projects and recognitions, newest first."""
    entries: list[tuple[date, str, str, str, str, bool]] = []
    for p in site.projects:  # an entry's key (its Atom id) never changes, whatever the paths
        entries.append(
            (
                p.approved_on,
                f"projects/{p.id}",
                f"{_flag(p.example)}服务项目：{p.title}",
                urls.served(urls.project_page(p.id)),
                f"{_flag(p.example)}{p.summary}",
                p.example,
            )
        )
    shown = recognition_urls(site)
    for r in site.recognitions:
        title = f"{_flag(r.example)}表彰：{r.name}（{r.title}）"
        citation = f"{_flag(r.example)}{r.citation}"
        entries.append(
            (r.awarded_on, f"recognitions/{r.id}", title, shown[r.id], citation, r.example)
        )
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    entries = entries[:FEED_ENTRIES]
    updated = entries[0][0] if entries else site.campaign.issued
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        "  <title>大连市工会服务帮扶志愿者：服务项目与表彰</title>",
        f"  <id>{TAG}feed</id>",
        f"  <updated>{updated.isoformat()}T00:00:00+08:00</updated>",
        "  <author><name>大连市总工会</name></author>",
        f'  <link rel="alternate" href={quoteattr(_url(base, ""))}/>',
    ]
    for day, key, title, path, summary, example in entries:
        lines += [
            "  <entry>",
            f"    <id>{TAG}{key}</id>",
            f"    <title>{_xml_text(title)}</title>",
            *([EXAMPLE_CATEGORY] if example else []),
            f"    <updated>{day.isoformat()}T00:00:00+08:00</updated>",
            f'    <link rel="alternate" href={quoteattr(_url(base, path))}/>',
            f"    <summary>{_xml_text(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()


def build_open_data(site: SiteData, base: str = "") -> dict[str, bytes]:
    """Paths under the site root → file contents."""
    return {
        urls.QUOTAS_JSON: _dump(quotas_json(site)),
        urls.PROJECTS_JSON: _dump(projects_json(site, base)),
        urls.FEED: feed_xml(site, base),
    }
