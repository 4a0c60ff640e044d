"""Downloads: every contract path and every download link on the pages answers 200 with its type."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import APIRequestContext, Browser

from tests.browser.conftest import PAGE_KINDS, PHONE, new_tab

pytestmark = pytest.mark.browser

# DESIGN.md, "Paths in the built site".
CONTRACT = [
    "downloads/notice.pdf",
    "downloads/quota-table.pdf",
    "downloads/registration-form.pdf",
    "downloads/registration-form-fillable.pdf",
    "downloads/roster-blank.pdf",
    "downloads/roster-template.xlsx",
    "data/quotas.json",
    "data/projects.json",
    "feed.xml",
]
# Extension → (content type, the first bytes of such a file).
KINDS = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".json": ("application/json", b"{"),
    ".xml": ("application/xml", b"<?xml"),
}


def _check(request: APIRequestContext, url: str) -> str | None:
    """None when `url` answers 200 with the right type and bytes; else what is wrong."""
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    expected_type, magic = KINDS[suffix]
    response = request.get(url)
    try:
        if response.status != 200:
            return f"{url}: HTTP {response.status}"
        content_type = response.headers.get("content-type", "").split(";")[0]
        if content_type != expected_type:
            return f"{url}: Content-Type {content_type}, expected {expected_type}"
        if not response.body().startswith(magic):
            return f"{url}: does not start with {magic!r}"
        return None
    finally:
        response.dispose()


@pytest.fixture(scope="module")
def api(browser: Browser, site_url: str) -> Iterator[APIRequestContext]:
    context, _ = new_tab(browser, site_url, PHONE)
    yield context.request
    context.close()


def test_contract_paths_answer_with_their_type(api: APIRequestContext, site_url: str) -> None:
    quotas = json.loads(api.get(site_url + "data/quotas.json").text())
    rosters = [f"downloads/roster-{u['id']}.pdf" for u in quotas["unions"]]
    assert len(rosters) == 19
    problems = [p for path in CONTRACT + rosters if (p := _check(api, site_url + path))]
    assert problems == []


def test_every_download_link_on_the_pages_works(browser: Browser, site_url: str) -> None:
    context, tab = new_tab(browser, site_url, PHONE)
    links: dict[str, str] = {}
    for name, path in PAGE_KINDS:
        page = tab.open(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urljoin(page.url, href).split("#")[0]
            suffix = PurePosixPath(unquote(urlsplit(target).path)).suffix.lower()
            if target.startswith(site_url) and suffix in KINDS:
                links.setdefault(target, name)
    problems = [f"{p} (linked from {links[u]})" for u in links if (p := _check(context.request, u))]
    context.close()
    assert any("/downloads/" in u for u in links), "no download link on any page"
    assert problems == []
