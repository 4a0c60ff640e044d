"""Every public path of the site, in one place: pages (as docs paths under docs_dir, e.g.
unions/zhongshan.md), where they are served (directory URLs), downloads, photos, open data.

Pages, open data, the feed, the templates (as the global `urls`) and the paperwork name their
paths only through these functions. Pure: strings in, strings out."""

from __future__ import annotations

HOME = "index.md"
NOTICE = "notice.md"
JOIN = "join.md"
CONTACT = "contact.md"
"""Hand-written pages (content/) that generated pages link to."""
SERVICES = "services.md"
QUOTAS = "quotas.md"
PAIRING = "pairing.md"
DOWNLOADS_PAGE = "downloads.md"
UNIONS = "unions/index.md"
PROJECTS = "projects"
"""The prefix of the projects listing (projects/index.md, projects/2.md, …)."""
RECOGNITIONS = "recognitions"
"""The prefix of the recognitions listing."""

QUOTAS_JSON = "data/quotas.json"
PROJECTS_JSON = "data/projects.json"
FEED = "feed.xml"
SHARE_IMAGE = "assets/share.png"
"""The campaign's image for link previews (og:image)."""
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
"""Written by MkDocs (absolute when the site's address is set)."""


def union_page(union_id: str) -> str:
    return f"unions/{union_id}.md"


def project_page(project_id: str) -> str:
    return f"projects/{project_id}.md"


def union_projects(union_id: str) -> str:
    """The prefix of the listing of one union's projects."""
    return f"{PROJECTS}/union/{union_id}"


def category_projects(category_id: str) -> str:
    """The prefix of the listing of one category's projects."""
    return f"{PROJECTS}/category/{category_id}"


def listing_page(prefix: str, number: int) -> str:
    """Page `number` (from 1) of a paginated listing: prefix/index.md, prefix/2.md, …"""
    return f"{prefix}/index.md" if number == 1 else f"{prefix}/{number}.md"


def first_page(prefix: str) -> str:
    """The first page of a listing, e.g. projects/index.md."""
    return listing_page(prefix, 1)


def recognition_photo(recognition_id: str) -> str:
    """The resized photo of a recognised volunteer."""
    return f"{RECOGNITIONS}/photos/{recognition_id}.jpg"


def download(name: str) -> str:
    """A downloadable file, e.g. download("notice.pdf") → downloads/notice.pdf."""
    return f"downloads/{name}"


def union_roster(union_id: str) -> str:
    """The roster PDF with a union's name filled in."""
    return download(f"roster-{union_id}.pdf")


NOTICE_PDF = download("notice.pdf")
QUOTA_TABLE_PDF = download("quota-table.pdf")
REGISTRATION_FORM_PDF = download("registration-form.pdf")
REGISTRATION_FORM_FILLABLE_PDF = download("registration-form-fillable.pdf")
BLANK_ROSTER_PDF = download("roster-blank.pdf")
ROSTER_TEMPLATE_XLSX = download("roster-template.xlsx")


def served(uri: str) -> str:
    """Where a docs file is served, with directory URLs (the site's contract: mkdocs.yml sets
    use_directory_urls): projects/x.md → projects/x/, projects/index.md → projects/."""
    if not uri.endswith(".md"):
        return uri
    stem = uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/" if stem.endswith("/index") else stem + "/"
