"""The pipeline without MkDocs: data → every generated file of the site (pages as Markdown,
PDFs, XLSX, open data, feed, photos), and the data-driven parts of the hand-written pages.

The MkDocs plugin hands these files to MkDocs; `volunteers generate` writes them into a folder,
so that the site can be built by any static-site tool that reads Markdown."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.core import urls
from generator.core.errors import DataError, DataErrors
from generator.core.validate import SiteData
from generator.core.worker import Background, Done
from generator.paperwork.downloads import build_downloads, download_index

from .intents import INTENTS_JSON, intents_json
from .opendata import build_open_data
from .pages import (
    SNIPPETS,
    Page,
    build_pages,
    front_matter,
    html_page_text,
    render_pages,
    render_snippet,
)
from .photos import build_photos
from .shareimage import share_image

MARKER = re.compile(r"<!--\s*volunteers:([a-z-]+)\s*-->")
"""Where a hand-written page asks for data: `<!-- volunteers:key-figures -->`."""


def build_date() -> date | None:
    """VOLUNTEERS_TODAY, for tests and previews of a past or future date; None means today."""
    today = os.environ.get("VOLUNTEERS_TODAY")
    return date.fromisoformat(today) if today else None


def cache_dir(root: Path) -> Path:
    """Rendered PDFs are kept by the hash of their inputs; VOLUNTEERS_CACHE moves the cache."""
    return Path(os.environ.get("VOLUNTEERS_CACHE") or root / ".cache")


RENDER_APART_ABOVE = 500
"""HTML pages past which a second process renders them while the caller goes on."""


@dataclass
class Generated:
    files: dict[str, str | bytes]
    """Docs-relative path → content: Markdown pages, downloads, open data, photos."""
    html: dict[str, Page]
    """Docs-relative path (…/x.md) → a page written in HTML (front matter in `meta`); a site
    builder need not run Markdown over it (the MkDocs plugin does not)."""
    _bodies: Background | Done

    def bodies(self) -> dict[str, str]:
        """The HTML pages' bodies by docs path (waits for the second process, if any)."""
        bodies: dict[str, str] = self._bodies.result()
        return bodies


def generate_site(
    site: SiteData, cache_dir: Path | None, base_url: str = "", *, apart: bool = False
) -> Generated:
    """Every generated file of the site, in a stable order. With `apart`, many HTML pages are
    rendered by a second process while this one makes the rest (the PDFs, for one). Absolute
    links use the campaign's `site_url`, else `base_url` (MkDocs' own, e.g. while serving)."""
    pages = build_pages(site)
    html = {page.uri: page for page in pages if page.is_html}
    apart = apart and len(html) > RENDER_APART_ABOVE
    bodies = Background(render_pages, site, list(html.values())) if apart else None
    files: dict[str, str | bytes] = {p.uri: p.render(site) for p in pages if not p.is_html}
    # While a second process renders the pages, the PDFs have no free core to share: a third
    # process would pay its start-up (about 2 CPU s) and give no time back.
    downloads = build_downloads(
        site, cache_dir / "pdf" if cache_dir else None, 1 if apart else None
    )
    files["downloads.md"] = downloads_page(site, downloads).render(site)
    files.update(downloads)
    address = site.campaign.site_url or base_url
    files.update(build_open_data(site, address))
    files[INTENTS_JSON] = intents_json()
    files.update(build_photos(site))
    files[urls.SHARE_IMAGE] = share_image(site)
    files[urls.ROBOTS] = robots_txt(address)
    return Generated(files, html, bodies or Done(render_pages(site, list(html.values()))))


def robots_txt(address: str) -> str:
    """Every crawler welcome; the sitemap named when the site's address is known (robots.txt
    takes only an absolute sitemap address)."""
    lines = ["User-agent: *", "Allow: /"]
    if address.startswith(("https://", "http://")):
        lines.append(f"Sitemap: {address.rstrip('/')}/{urls.SITEMAP}")
    return "\n".join(lines) + "\n"


def site_files(
    site: SiteData, cache_dir: Path | None, base_url: str = ""
) -> dict[str, str | bytes]:
    """Docs-relative path → content of every generated file, pages all as Markdown files."""
    generated = generate_site(site, cache_dir, base_url)
    bodies = generated.bodies()
    return {
        **generated.files,
        **{
            uri: html_page_text(page.meta or {}, bodies[uri])
            for uri, page in generated.html.items()
        },
    }


def downloads_page(site: SiteData, downloads: Mapping[str, bytes]) -> Page:
    """The 表格下载 page, with each file's size."""
    return Page(
        urls.DOWNLOADS_PAGE,
        "pages/downloads.md.j2",
        {"downloads": download_index(site, downloads)},
        front_matter(
            "表格下载",
            f"《{site.campaign.title}》及附件：名额分配表、登记表、花名册（PDF 与 Excel）",
        ),
    )


def fill_markers(markdown: str, site: SiteData, uri: str) -> str:
    """A hand-written page with its data markers replaced by the rendered snippets."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in SNIPPETS:
            line = markdown.count("\n", 0, match.start()) + 1
            raise DataErrors(
                [
                    DataError(
                        f"content/{uri}",
                        line,
                        "",
                        f"未知的数据占位符 “{name}”（可选：{'、'.join(SNIPPETS)}）",
                    )
                ]
            )
        return render_snippet(name, site, uri)

    return MARKER.sub(fill, markdown)


def generate(site: SiteData, content_dir: Path, out: Path, cache_dir: Path | None) -> list[Path]:
    """A complete docs folder in `out`: the hand-written pages with their data filled in, every
    generated file, and the assets of `content_dir`. Returns the files written."""
    files: dict[str, str | bytes] = {}
    for source in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        uri = source.relative_to(content_dir).as_posix()
        if source.suffix == ".md":
            files[uri] = fill_markers(source.read_text(encoding="utf-8"), site, uri)
        else:
            files[uri] = source.read_bytes()
    files.update(site_files(site, cache_dir))
    written = []
    for uri, content in files.items():
        target = out / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
        written.append(target)
    return written
