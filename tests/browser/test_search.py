"""Chinese search in the browser: a word from the middle of a title, and a union's short name."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Tab

pytestmark = pytest.mark.browser


def search(page: Page, query: str) -> list[tuple[str, str]]:
    """Type `query` into the site's search as a person would; the results' titles and links."""
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.fill(query)
    box.press("End")  # the theme searches on key events, and fill() sends none
    items = page.locator(".md-search-result__item > a")
    items.first.wait_for(state="visible", timeout=5000)
    return [
        (
            # The index keeps jieba's cuts as zero-width spaces; the highlight link adds ?h=.
            item.locator("h1, h2").first.inner_text().replace("\u200b", ""),
            (item.get_attribute("href") or "").split("?")[0],
        )
        for item in items.all()
    ]


@pytest.mark.parametrize(
    ("query", "title", "href"),
    [
        ("助学", "金秋助学", "projects/jinqiu-zhuxue-2012/"),
        ("甘井子", "甘井子区总工会", "unions/ganjingzi/"),
    ],
)
def test_chinese_search_on_a_phone(phone: Tab, query: str, title: str, href: str) -> None:
    page = phone.open("")
    results = search(page, query)
    assert any(title in t and h.endswith(href) for t, h in results), results
    assert phone.traffic.problems() == []
