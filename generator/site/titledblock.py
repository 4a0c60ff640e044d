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


Parts = tuple[str, str]
"""A block's text before and after its one part that differs from page to page."""


class Splices:
    """Per key, a block's parts around what differs from page to page, or None once a splice
    has been found to differ from the block rendered for its page. The parts come from the first
    page of the key; the splice is checked once, on the next page, against the theme's own."""

    def __init__(self, again: bool) -> None:
        self.again = again
        """Whether a page whose parts could not be found leaves the next page to try."""
        self._parts: dict[tuple[object, ...], Parts | None] = {}
        self._checked: set[tuple[object, ...]] = set()

    def render(
        self,
        key: tuple[object, ...],
        middle: str,
        render: Callable[[], str],
        first: Callable[[], tuple[str, Parts | None]],
    ) -> str:
        """The block with `middle` spliced in; `first()`: the block and its parts, for the first
        page of a key."""
        if key not in self._parts:
            html, parts = first()
            if parts is not None or not self.again:
                self._parts[key] = parts
            return html
        parts = self._parts[key]
        if parts is None:
            return render()
        spliced = parts[0] + middle + parts[1]
        if key not in self._checked:  # the splice checked once against the theme's own
            self._checked.add(key)
            html = str(render())
            if html != spliced:
                self._parts[key] = None
            return html
        return spliced


class TitledBlocks:
    """The header around the page's title, per key (Splices)."""

    def __init__(self) -> None:
        self._splices = Splices(again=True)

    def render(self, key: tuple[object, ...], page: Any, render: Callable[[], str]) -> str:
        title = header_title(page)

        def first() -> tuple[str, Parts | None]:
            html = render()
            return html, _around(html, title)

        return self._splices.render(key, title, render, first)


def _around(html: str, title: str) -> Parts | None:
    """The header before and after its title, when the title is there once, alone in the
    topic's span; None otherwise."""
    topic = html.find(_TOPIC)
    start = html.find(_SPAN, topic) + len(_SPAN) if topic >= 0 else -1
    end = html.find("</span>", start) if start >= len(_SPAN) else -1
    if end < 0 or not title or html.count(title) != 1 or html[start:end].strip() != title:
        return None
    at = html.index(title, start)
    return html[:at], html[at + len(title) :]
