"""Zensical's build of the site in Chromium: its search dialog speaks Chinese (placeholder, result
count, labels) and a Chinese query leads to real pages. Skipped only where the pinned Zensical
cannot be installed, as `make zensical` is."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, _Handler, new_tab
from tests.conftest import ROOT, copy_project

pytestmark = pytest.mark.browser

VERSION = re.search(r"^ZENSICAL_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"
COUNT = re.compile(r"^(找到 1 个符合条件的结果|\d+ 个符合条件的结果)$")


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data generated for Zensical and built by the pinned one (installed by the same
    Makefile rule as `make zensical`)."""
    assert VERSION, "Makefile: ZENSICAL_VERSION"
    rule = f".venv-zensical/.installed-{VERSION.group(1)}"
    install = subprocess.run(
        ["make", "--no-print-directory", rule], cwd=ROOT, capture_output=True, text=True
    )
    if install.returncode != 0:
        pytest.skip(f"zensical {VERSION.group(1)} 无法安装：{install.stderr[-300:]}")
    root = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    out = root.parent / "zensical"
    cache = os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache")
    env = {**os.environ, "VOLUNTEERS_CACHE": cache}
    volunteers = Path(sys.executable).parent / "volunteers"
    generated = subprocess.run(
        [volunteers, "generate", "--for", "zensical", "--out", out, "--root", root],
        capture_output=True,
        text=True,
        env=env,
    )
    assert generated.returncode == 0, generated.stderr
    built = subprocess.run([ZENSICAL, "build"], cwd=out, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    return out / "site"


@pytest.fixture(scope="module")
def zensical_url(zensical_site: Path) -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(zensical_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


def open_search(page: Page) -> None:
    """Click the header's search control (the icon on a phone, the button on a desktop)."""
    page.locator(
        "label.md-header__button[for='__search']:visible, .md-search__button:visible"
    ).first.click()
    page.locator("input[role=combobox]").wait_for(state="visible")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_zensical_search_in_chinese(
    browser: Browser, zensical_url: str, zensical_site: Path, viewport: dict[str, int]
) -> None:
    context, tab = new_tab(browser, zensical_url, viewport)
    try:
        page = tab.open("")
        open_search(page)
        box = page.locator("input[role=combobox]")
        assert box.get_attribute("placeholder") == "搜索"
        box.press_sequentially("帮扶", delay=30)
        # Playwright's locators reach into the dialog's open shadow root.
        expect(page.locator("dialog[open] [role=status]")).to_have_text(COUNT, timeout=10000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"zensical-search-{viewport['width']}.png")

        labels = page.locator(
            "dialog[open], dialog[open] input, dialog[open] [role=listbox], dialog[open] button"
        )
        english = [
            label
            for label in (labels.nth(i).get_attribute("aria-label") for i in range(labels.count()))
            if label and re.fullmatch(r"[A-Za-z .]+", label)
        ]
        assert english == []

        links = [
            urlsplit(a.get_attribute("href") or "").path
            for a in page.locator("dialog[open] [role=listbox] a").all()
        ]
        assert links, "帮扶 finds no result"
        pages = [
            p for p in links if (zensical_site / unquote(p).lstrip("/") / "index.html").is_file()
        ]
        assert "/quotas/" in pages and len(pages) == len(links), links

        box.fill("")
        box.press_sequentially("qzxjv", delay=30)
        expect(page.locator("dialog[open] [role=status]")).to_have_text("没有找到符合条件的结果")
        assert tab.traffic.problems() == []
    finally:
        context.close()
