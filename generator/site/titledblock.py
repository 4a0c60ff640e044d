"""The theme's header, rendered once per page depth: it differs from page to page only by the
page's title, which is spliced into a copy rendered for another page at that depth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_TOPIC = 'data-md-component="header-topic">'
_SPAN = '<span class="md-ellipsis">'


def header_title(page: Any) -> str:
    """The title the header prints, as Material's partials/header.html chooses it."""
    meta = page.meta or {}
    return str(meta["title"] if meta.get("title") else page.title)


class TitledBlocks:
    """Per key, the header around its title: (text before, text after), or None once a
    splice has been found to differ from the header rendered for that page."""

    def __init__(self) -> None:
        self._parts: dict[tuple[object, ...], tuple[str, str] | None] = {}
        self._checked: set[tuple[object, ...]] = set()

    def render(self, key: tuple[object, ...], page: Any, render: Callable[[], str]) -> str:
        title = header_title(page)
        if key not in self._parts:
            html = render()
            parts = _around(html, title)
            if parts is not None:  # else tried again with the next page
                self._parts[key] = parts
            return html
        parts = self._parts[key]
        if parts is None:
            return render()
        spliced = parts[0] + title + parts[1]
        if key not in self._checked:  # the splice checked once against the theme's own
            self._checked.add(key)
            html = render()
            if html != spliced:
                self._parts[key] = None
            return html
        return spliced


def _around(html: str, title: str) -> tuple[str, str] | None:
    """The header before and after its title, when the title is there once, alone in the
    topic's span; None otherwise."""
    topic = html.find(_TOPIC)
    start = html.find(_SPAN, topic) + len(_SPAN) if topic >= 0 else -1
    end = html.find("</span>", start) if start >= len(_SPAN) else -1
    if end < 0 or not title or html.count(title) != 1 or html[start:end].strip() != title:
        return None
    at = html.index(title, start)
    return html[:at], html[at + len(title) :]
