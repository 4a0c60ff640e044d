"""SiteData → the generated pages: each a docs path, a template and its context (pure)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from markupsafe import Markup

from generator.core import urls
from generator.core.models import Project
from generator.core.progress import totals, union_progress
from generator.core.validate import SiteData

from .chart import progress_svg
from .escaping import heading
from .render import render

PAGE_SIZE = 20
"""Items per listing page: every page's size stays bounded however many projects there are."""
LATEST = 5


@dataclass(frozen=True)
class Page:
    """A generated docs page: `uri` is its path under docs_dir, e.g. unions/zhongshan.md.
    A `*.md.j2` template writes Markdown; a `*.html.j2` template writes the page's body in
    HTML (the thousands of project pages: no Markdown pass). Front matter that holds data is
    `meta`, written by the YAML emitter (see `front_matter`), never by a template."""

    uri: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] | None = None

    @property
    def is_html(self) -> bool:
        return self.template.endswith(".html.j2")

    def render(self, site: SiteData) -> str:
        """Markdown with its front matter, or for an HTML page its body (the front matter is
        `meta`, which the site builder takes as it is)."""
        body = render(self.template, site=site, uri=self.uri, **self.context)
        return body if self.is_html else html_page_text(self.meta or {}, body)


def front_matter(title: str, description: str | None = None, **more: Any) -> dict[str, Any]:
    """A page's title and description from data, escaped once: the theme prints both into the
    HTML unescaped (<title>, the header, the meta description, the search index)."""
    meta: dict[str, Any] = {"title": heading(title)}
    if description is not None:
        meta["description"] = heading(description)
    return {**meta, **more}


def html_page_text(meta: dict[str, Any], body: str) -> str:
    """A page as a Markdown file: its front matter written by the YAML emitter (a value with
    `: `, `#`, `---` or a line break stays a value), then the body (HTML is valid Markdown)."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) if meta else ""
    return f"---\n{front}---\n\n{body}" if front else body


def recognition_urls(site: SiteData) -> dict[str, str]:
    """Where each recognition is shown: its listing page (by position) and its anchor."""
    shown = {}
    for position, recognition in enumerate(site.recognitions):
        number = position // PAGE_SIZE + 1
        page = urls.served(urls.listing_page(urls.RECOGNITIONS, number))
        shown[recognition.id] = f"{page}#{recognition.id}"
    return shown


def _listing(
    prefix: str, title: str, items: Sequence[Any], template: str, **extra: Any
) -> Iterator[Page]:
    """Paginated listing: prefix/index.md, prefix/2.md, …; each page holds at most PAGE_SIZE items."""
    count = max(1, -(-len(items) // PAGE_SIZE))
    uris = [urls.listing_page(prefix, n) for n in range(1, count + 1)]
    for n, uri in enumerate(uris, start=1):
        chunk = items[(n - 1) * PAGE_SIZE : n * PAGE_SIZE]
        pager = {
            "number": n,
            "count": count,
            "total": len(items),
            "prev": uris[n - 2] if n > 1 else None,
            "next": uris[n] if n < count else None,
        }
        heading = title if n == 1 else f"{title}（第 {n} 页）"
        meta = (
            front_matter(heading, search={"exclude": True})
            if template.endswith(".html.j2")
            else front_matter(heading)
        )
        yield Page(uri, template, {"title": title, "items": chunk, "pager": pager, **extra}, meta)


def build_pages(site: SiteData) -> list[Page]:
    """Every generated page of the site, in a stable order."""
    rows = union_progress(site)
    progress = {
        "rows": rows,
        "totals": totals(rows),
        "chart": Markup(progress_svg(rows, "各工会已批准志愿者人数与名额")),
    }
    pages = [
        Page(urls.SERVICES, "pages/services.md.j2"),
        Page(urls.QUOTAS, "pages/quotas.md.j2", progress),
        Page(urls.PAIRING, "pages/pairing.md.j2", progress),
        Page(urls.UNIONS, "pages/unions.md.j2"),
    ]
    by_row = {row.union.id: row for row in rows}
    by_union: dict[str | None, list[Project]] = {}
    by_category: dict[str, list[Project]] = {}
    for project in site.projects:
        by_union.setdefault(project.union, []).append(project)
        by_category.setdefault(project.category, []).append(project)
    for union in site.unions.values():
        projects = by_union.get(union.id, [])
        recognitions = [r for r in site.recognitions if r.union == union.id][:LATEST]
        pages.append(
            Page(
                urls.union_page(union.id),
                "pages/union.md.j2",
                {
                    "union": union,
                    "row": by_row[union.id],
                    "chart": Markup(
                        progress_svg([by_row[union.id]], f"{union.name}已批准志愿者人数与名额")
                    ),
                    "projects": projects[:LATEST],
                    "project_count": len(projects),
                    "recognitions": recognitions,
                },
                front_matter(
                    union.name,
                    f"{union.name}工会服务帮扶志愿者：名额 {site.quota_of(union.id)} 人",
                ),
            )
        )
        if projects:
            pages += _listing(
                urls.union_projects(union.id),
                f"{union.name}的服务项目",
                projects,
                "pages/projects.html.j2",
                union=union,
                category=None,
            )
    pages += _listing(
        urls.PROJECTS,
        "服务项目",
        site.projects,
        "pages/projects.html.j2",
        union=None,
        category=None,
    )
    for category in site.categories.values():  # every category, so that each link filters
        pages += _listing(
            urls.category_projects(category.id),
            f"{category.name}服务项目",
            by_category.get(category.id, []),
            "pages/projects.html.j2",
            union=None,
            category=category,
        )
    pages += [
        Page(
            urls.project_page(p.id),
            "pages/project.html.j2",
            {"project": p},
            front_matter(p.title, p.summary, **({"example": True} if p.example else {})),
        )
        for p in site.projects
    ]
    pages += _listing(urls.RECOGNITIONS, "表彰", site.recognitions, "pages/recognitions.md.j2")
    return pages


SNIPPETS = {
    "key-figures": "snippets/key-figures.md.j2",
    "latest-projects": "snippets/latest-projects.md.j2",
    "latest-recognitions": "snippets/latest-recognitions.md.j2",
    "signup": "snippets/signup.md.j2",
    "status": "snippets/status.md.j2",
    "contact": "snippets/contact.md.j2",
    "union-list": "snippets/union-list.md.j2",
}


def render_snippet(name: str, site: SiteData, uri: str) -> str:
    """The data-driven parts of hand-written pages, placed by `<!-- volunteers:NAME -->`."""
    return render(
        SNIPPETS[name],
        site=site,
        uri=uri,
        latest_projects=site.projects[:LATEST],
        latest_recognitions=site.recognitions[:LATEST],
        totals=totals(union_progress(site)),
    )


def render_pages(site: SiteData, pages: list[Page]) -> dict[str, str]:
    """The pages' bodies by docs path (also run in a second process, which imports this module
    only: not the PDFs', spreadsheets' and images' modules the pipeline holds)."""
    return {page.uri: page.render(site) for page in pages}
