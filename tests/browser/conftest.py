"""Browser fixtures: the built site on a real HTTP server on 127.0.0.1, and Debian's Chromium."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's network (and mainland China's) refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"375": PHONE, "1280": DESKTOP}

# One of each kind of page the issue names: (name, path under the site root).
PAGE_KINDS = [
    ("home", ""),
    ("notice", "notice/"),
    ("quotas", "quotas/"),
    ("union", "unions/ganjingzi/"),
    ("projects", "projects/"),
    ("project", "projects/jinqiu-zhuxue-2012/"),
    ("recognitions", "recognitions/"),
    ("downloads", "downloads/"),
    ("privacy", "privacy/"),
]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
}


class _Handler(SimpleHTTPRequestHandler):
    """Serves the site as a static host would: types by extension, no directory listings."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def list_directory(self, path: str | Path) -> None:  # type: ignore[override]
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The site built once for the session (or the folder named by BROWSER_TEST_SITE, e.g. the
    output of `make build`), served on 127.0.0.1 on a free port."""
    given = os.environ.get("BROWSER_TEST_SITE")
    site = Path(given) if given else request.getfixturevalue("built_site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"找不到 {CHROMIUM}：请先运行 make setup（安装 Debian 的 chromium 软件包）")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class Traffic:
    """What a page did while it loaded: every request, and what went wrong."""

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request to another host: {u}" for u in self.foreign]
            + [f"failed request: {u}" for u in self.failed]
            + [f"console error: {e}" for e in self.errors]
        )


@dataclass
class Tab:
    page: Page
    traffic: Traffic
    base: str

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page


def new_tab(browser: Browser, base: str, viewport: dict[str, int]) -> tuple[BrowserContext, Tab]:
    """A fresh context whose requests to any host but the test server are recorded and refused."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
    traffic = Traffic()
    origin = urlsplit(base).netloc

    def route(route: Route) -> None:
        url = route.request.url
        if (
            urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url).netloc != origin
        ):
            traffic.foreign.append(url)
            route.abort()
        else:
            route.continue_()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            traffic.errors.append(f"{message.text} ({message.location.get('url', '')})")

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda r: traffic.requests.append(r.url))
    page.on("requestfailed", lambda r: traffic.failed.append(f"{r.url} ({r.failure})"))
    page.on(
        "response",
        lambda r: traffic.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None,
    )
    page.on("console", console)
    page.on("pageerror", lambda e: traffic.errors.append(str(e)))
    return context, Tab(page, traffic, base)


@pytest.fixture(params=list(VIEWPORTS), ids=[f"{w}px" for w in VIEWPORTS])
def tab(request: pytest.FixtureRequest, browser: Browser, site_url: str) -> Iterator[Tab]:
    """A tab at phone (375×812) and at desktop (1280×800) size."""
    context, tab = new_tab(browser, site_url, VIEWPORTS[request.param])
    yield tab
    context.close()


@pytest.fixture
def phone(browser: Browser, site_url: str) -> Iterator[Tab]:
    context, tab = new_tab(browser, site_url, PHONE)
    yield tab
    context.close()
