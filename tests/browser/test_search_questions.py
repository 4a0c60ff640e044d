"""Search answers citizens' questions: each question below must bring its page into the first
three results, whether the text is typed key by key, pasted (an `input` event with no key
event, as from a phone's long-press menu) or committed by an input method (composition)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Tab, new_tab

pytestmark = pytest.mark.browser

# (question, the page that answers it: a served path, with its anchor when one is named)
QUESTIONS = [
    ("怎么报名", "join/#steps"),
    ("如何参加志愿者", "join/"),
    ("报名方式", "join/"),
    ("我想当志愿者", "join/"),
    ("在哪里报名", "join/#where"),
    ("社会人员去哪报名", "join/#where"),
    ("电话", "contact/"),
    ("联系方式", "contact/"),
    ("有事找谁", "contact/"),
    ("生活保障部电话多少", "contact/"),
    ("表格", "downloads/"),
    ("登记表", "downloads/"),
    ("花名册下载", "downloads/"),
    ("报名表在哪下载", "downloads/"),
    ("志愿者条件", "join/#conditions"),
    ("有什么要求", "join/#conditions"),
    ("退休了能报名吗", "join/#conditions"),
    ("大学生可以参加吗", "join/#conditions"),
    ("年龄要求", "join/#conditions"),
    ("截止时间", "join/#deadline"),
    ("什么时候截止", "join/#deadline"),
    ("报名到几号", "join/#deadline"),
    ("名额", "quotas/"),
    ("各区名额分配", "quotas/"),
    ("通知原文", "notice/"),
    ("大工办发18号", "notice/"),
    ("志愿者做什么", "services/"),
    ("一助一结对", "pairing/"),
    ("金秋助学", "services/#student-aid"),
    ("法律咨询", "services/#legal-aid"),
    ("个人信息", "privacy/"),
    ("身份证号会公开吗", "privacy/"),
    ("表彰", "recognitions/"),
    ("中山区总工会", "unions/zhongshan/"),
    ("海员工会", "unions/haiyuan/"),
    ("照片怎么贴", "join/#notes"),
    ("服务项目", "projects/"),
]

Enter = Callable[[Page, str], None]


def typed(page: Page, text: str) -> None:
    """Key by key (characters without a key on the keyboard arrive as text input)."""
    page.locator("input.md-search__input").press_sequentially(text)


def pasted(page: Page, text: str) -> None:
    """A paste from the long-press menu: the value changes with one `input`, no key event."""
    page.locator("input.md-search__input").evaluate(
        """(box, text) => {
            box.value = text;
            box.dispatchEvent(new InputEvent("input", {inputType: "insertFromPaste", data: text, bubbles: true}));
        }""",
        text,
    )


def composed(page: Page, text: str) -> None:
    """An input method: pinyin composed, then the characters committed (real IME events)."""
    session = page.context.new_cdp_session(page)
    session.send("Input.imeSetComposition", {"text": "zh", "selectionStart": 2, "selectionEnd": 2})
    session.send("Input.insertText", {"text": text})
    session.detach()


MODES: dict[str, Enter] = {"typed": typed, "pasted": pasted, "composed": composed}
SIZES = {"375x667": {"width": 375, "height": 667}, "1366x768": {"width": 1366, "height": 768}}


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, site_url: str) -> Iterator[Tab]:
    context, tab = new_tab(browser, site_url, SIZES[request.param])
    yield tab
    context.close()


def ask(tab: Tab, enter: Enter, question: str) -> list[tuple[str, str, bool]]:
    """The results for `question` entered the given way: (served path, title, is example)."""
    page = tab.page
    box = page.locator("input.md-search__input")
    if not page.evaluate("document.getElementById('__search').checked"):  # the dialog is shut
        button = page.locator("label.md-header__button[for='__search']")
        (button if button.is_visible() else box).click()  # a phone's button, a desktop's box
        box.wait_for(state="visible")
    box.fill("")
    box.focus()
    enter(page, question)
    page.wait_for_function(
        """q => document.querySelector("input.md-search__input").value === q
            && /^(找到|没有找到)/.test(document.querySelector(".md-search-result__meta").textContent)""",
        arg=question,
        timeout=5000,
    )
    results = []
    for link in page.locator(".md-search-result__item > a").all():
        href = urljoin(page.url, link.get_attribute("href") or "").removeprefix(tab.base)
        results.append(
            (href, link.locator("h1").inner_text(), link.get_attribute("data-example") is not None)
        )
    return results


@pytest.mark.parametrize("mode", list(MODES))
def test_questions_find_their_page_in_the_top_three(sized: Tab, mode: str) -> None:
    sized.open("notice/")
    wrong = []
    for question, expected in QUESTIONS:
        results = ask(sized, MODES[mode], question)
        top = [href for href, _, _ in results[:3]]
        if not any(h == expected or h.startswith(expected) for h in top):
            wrong.append(f"{question} → {top} (expected {expected})")
    assert len(QUESTIONS) >= 30
    assert wrong == [], "\n".join(wrong)
    assert sized.traffic.problems() == []


def test_real_pages_come_before_example_data_and_labels_are_clean(phone: Tab) -> None:
    phone.open("")
    for question in ["电话", "助学", "法律咨询", "项目", "甘井子"]:
        results = ask(phone, typed, question)
        flags = [example for _, _, example in results]
        assert flags == sorted(flags), (question, results)  # no real page after an example
        text = phone.page.locator(".md-search-result").inner_text()
        assert "示例 示例" not in text and "示例\n示例" not in text
        assert "缺少" not in text and phone.page.locator(".md-search-result s, del").count() == 0
    results = ask(phone, typed, "电话")
    assert results[0][0] == "contact/"
    assert any(example for _, _, example in ask(phone, typed, "助学")), "example data is flagged"


def test_nothing_found_says_what_to_try(phone: Tab) -> None:
    phone.open("")
    assert ask(phone, pasted, "qqqzzz") == []
    meta = phone.page.locator(".md-search-result__meta").inner_text()
    assert meta.startswith("没有找到") and "报名" in meta


@pytest.mark.parametrize("size", list(SIZES))
def test_results_pass_axe(browser: Browser, site_url: str, size: str) -> None:
    from tests.browser.test_a11y import BLOCKING, describe, run_axe

    context, tab = new_tab(browser, site_url, SIZES[size])
    try:
        tab.open("")
        assert ask(tab, typed, "助学")
        violations = [v for v in run_axe(tab) if v["impact"] in BLOCKING]
        assert not violations, "\n".join(describe(violations))
    finally:
        context.close()
