"""Every kind of page in Chromium: loads clean, stays on its own host, fits a 375-px phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PAGE_KINDS, SCREENSHOTS, Tab

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("name", "path"), PAGE_KINDS, ids=[n for n, _ in PAGE_KINDS])
def test_page_loads_clean_and_fits(tab: Tab, name: str, path: str) -> None:
    page = tab.open(path)
    width = page.viewport_size["width"] if page.viewport_size else 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)

    assert tab.traffic.problems() == []
    assert page.title().endswith("大连市工会服务帮扶志愿者")
    overflow = page.evaluate(
        """() => {
            const doc = document.documentElement;
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1)
                .filter(e => !e.closest('.md-typeset__scrollwrap, .md-sidebar, .md-search, pre'))
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''));
            return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
        }"""
    )
    assert overflow["scroll"] <= overflow["client"], (
        f"horizontal scrolling at {width}px: {overflow}"
    )


def test_every_request_stays_on_the_site(phone: Tab) -> None:
    """The theme would load Google Fonts unless `font: false`; nothing may reach another host."""
    phone.open("")
    assert phone.traffic.requests, "no request recorded"
    assert all(url.startswith(phone.base) for url in phone.traffic.requests), [
        url for url in phone.traffic.requests if not url.startswith(phone.base)
    ]
