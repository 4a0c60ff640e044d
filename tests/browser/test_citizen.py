"""What a citizen meets in Chromium at 375×667 and 1366×768: the campaign's state on the first
screen, a menu at every width, a Tab order without the closed drawer, a visible focus, a number
to call on every union page, a Chinese 404 page at any base path, a quotas page that prints."""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import _Handler, new_tab

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 375, "height": 667}
LAPTOP = {"width": 1366, "height": 768}
SIZES = {"375x667": SMALL_PHONE, "1366x768": LAPTOP}
UNION_IDS = re.compile(r"unions/([a-z-]+)/")


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, browser: Browser, site_url: str) -> Iterator[Page]:
    context, tab = new_tab(browser, site_url, SIZES[request.param])
    tab.open("")
    yield tab.page
    context.close()


def on_first_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"] if page.viewport_size else 0
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_state_date_next_step_and_paper_route_on_the_first_screen(page: Page) -> None:
    state = page.locator(".campaign-status .state")
    assert re.fullmatch(r"本期报名已于 ?2012年7月15日 ?截止", state.inner_text().strip())
    for part in (".campaign-status .state", ".campaign-status .next", ".campaign-status .paper"):
        assert on_first_screen(page, part), part
    paper = page.locator(".campaign-status .paper").inner_text()
    assert "本单位工会" in paper and "市总工会生活保障部" in paper
    assert on_first_screen(page, '.campaign-status .paper a[href="tel:041182610421"]')


def test_home_page_has_a_menu_on_a_laptop(browser: Browser, site_url: str) -> None:
    context, tab = new_tab(browser, site_url, LAPTOP)
    page = tab.open("")
    for label in ("表格下载", "联系我们", "名额分配", "个人信息保护"):
        link = page.locator(".md-nav--primary a.md-nav__link", has_text=label)
        assert link.is_visible() and on_first_screen(
            page, f'.md-nav--primary a:has-text("{label}")'
        )
    context.close()


def _tab_walk(page: Page, presses: int) -> list[dict[str, object]]:
    walk = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        walk.append(
            page.evaluate(
                """() => {
                    const e = document.activeElement;
                    return {text: (e.innerText || e.getAttribute('aria-label') || '').trim(),
                            drawer: !!e.closest('.md-sidebar--primary'),
                            outline: getComputedStyle(e).outlineStyle};
                }"""
            )
        )
    return walk


def test_tab_skips_the_closed_drawer_and_the_menu_button_opens_it(
    browser: Browser, site_url: str
) -> None:
    context, tab = new_tab(browser, site_url, SMALL_PHONE)
    page = tab.open("")
    walk = _tab_walk(page, 12)
    assert [w for w in walk if w["drawer"]] == []
    texts = [w["text"] for w in walk]
    assert "打开菜单" in texts and "下载登记表" in texts, texts
    assert all(w["outline"] != "none" for w in walk), walk  # a visible focus on each stop
    page.locator('label[for="__drawer"][role="button"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('.md-sidebar--primary')")
    assert page.locator(".md-sidebar--primary a", has_text="表格下载").is_visible()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('__drawer').checked")
    page.wait_for_timeout(400)  # the drawer slides out (0.25 s) before it leaves the Tab order
    assert [w for w in _tab_walk(page, 6) if w["drawer"]] == []
    context.close()


def test_every_union_page_gives_a_number_to_call(browser: Browser, site_url: str) -> None:
    context, tab = new_tab(browser, site_url, SMALL_PHONE)
    page = tab.open("unions/")
    ids = sorted(
        set(
            UNION_IDS.findall(
                " ".join(page.eval_on_selector_all("article a", "els => els.map(e => e.href)"))
            )
        )
    )
    assert len(ids) == 19
    for union in ids:
        page = tab.open(f"unions/{union}/")
        last = page.locator('article a[href^="tel:"]').last
        assert re.fullmatch(r"0411-\d{8}", last.inner_text().strip()), union
        assert last.is_visible()
        after = page.evaluate(
            """(a) => {
                const range = document.createRange();
                range.setStartAfter(a);
                range.setEndAfter(document.querySelector('article').lastElementChild);
                return range.toString().trim();
            }""",
            last.element_handle(),
        )
        assert after == "。", (union, after)
    assert tab.traffic.problems() == []
    context.close()


@pytest.fixture
def deep_site(built_site: Path) -> Iterator[str]:
    """The site under /zhiyuan/2012/ on a host that answers a missing address with 404.html
    (status 404), as GitHub Pages and nginx's error_page do."""
    prefix = "/zhiyuan/2012"

    class Deep(_Handler):
        def translate_path(self, path: str) -> str:
            inside = path.removeprefix(prefix) if path.startswith(prefix + "/") else "/missing"
            return super().translate_path(inside)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            if code != 404:
                return super().send_error(code, message, explain)
            body = (built_site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return None

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Deep, directory=str(built_site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{prefix}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_404_is_chinese_and_leads_on_at_a_base_path(browser: Browser, deep_site: str) -> None:
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    page = context.new_page()
    response = page.goto(deep_site + "no/such/page/", wait_until="networkidle")
    assert response is not None and response.status == 404
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "页面不存在" in page.locator("h1").inner_text()
    page.wait_for_function(
        "() => document.querySelector('a[href$=\"notice/\"]').getAttribute('href').includes('/zhiyuan/2012/')"
    )
    hrefs = {
        a.inner_text().split("：")[0].split("（")[0]: a.get_attribute("href")
        for a in page.locator("main a").all()
    }
    assert hrefs == {
        "返回首页": "/zhiyuan/2012/",
        "通知全文": "/zhiyuan/2012/notice/",
        "怎样报名": "/zhiyuan/2012/join/",
        "表格下载": "/zhiyuan/2012/downloads/",
        "联系我们": "/zhiyuan/2012/contact/",
    }
    page.locator("main a", has_text="表格下载").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().strip() == "表格下载"
    page.go_back(wait_until="networkidle")
    page.wait_for_function("() => document.querySelector('form').getAttribute('action') !== './'")
    page.fill("#q", "登记表")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(deep_site + "?q=")
    page.wait_for_function("() => document.getElementById('__search').checked")
    context.close()


def test_quotas_page_prints_on_at_most_two_a4_pages_without_buttons(
    browser: Browser, site_url: str
) -> None:
    context, tab = new_tab(browser, site_url, SMALL_PHONE)
    page = tab.open("quotas/")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) <= 2, len(pdf.pages)
    assert "合计 5800" in text  # (Chromium writes some characters as Kangxi radicals: 工 → ⼯)
    assert "下载名额分配表" not in text and "开放数据" not in text
    context.close()
