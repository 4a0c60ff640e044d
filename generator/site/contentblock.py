"""Material's content partial around a page's body, rendered once for all the pages it is the
same for: around the body of the thousands of project pages and listings it prints the same
(no edit button, no tags, no dates), so the body is spliced into a copy rendered around a
placeholder. Like titledblock.py, the splice is checked once per key against the theme's own,
on another page than the one the parts were rendered for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PLUGINS = frozenset({"search", "material/search", "volunteers"})
"""The plugins with which the partial reads nothing but the page (other plugins put tags, git
dates or authors into its context)."""
_MARK = "\x00volunteers-body\x00"
_PER_PAGE_META = ("tags", "revision_date")
"""Page settings the partial prints (with git_*, which plugins set)."""


def content_key(page: Any) -> tuple[object, ...] | None:
    """What the partial around this page's body depends on; None when it must be rendered for
    the page (a page with tags or dates, a body holding the placeholder)."""
    meta = page.meta or {}
    body = page.content or ""
    if _MARK in body or any(k in _PER_PAGE_META or str(k).startswith("git") for k in meta):
        return None
    heading = "<h1" in body  # without one the partial prints the page's title as one
    return (page.edit_url, heading, None if heading else page.title, tuple(meta.get("hide") or ()))


class ContentBlocks:
    """Per key, the partial's text before and after the body, or None once a splice has been
    found to differ from the partial rendered for that page."""

    def __init__(self) -> None:
        self._parts: dict[tuple[object, ...], tuple[str, str] | None] = {}
        self._checked: set[tuple[object, ...]] = set()

    def render(self, page: Any, render: Callable[[], str]) -> str:
        key = content_key(page)
        if key is None:
            return render()
        if key not in self._parts:  # the splice is checked on the next page of the key
            self._parts[key] = self._around(page, render, key[1] is True)
            return render()
        parts = self._parts[key]
        if parts is None:
            return render()
        spliced = parts[0] + page.content + parts[1]
        if key not in self._checked:  # the splice checked once against the theme's own
            self._checked.add(key)
            html = str(render())
            if html != spliced:
                self._parts[key] = None
            return html
        return spliced

    @staticmethod
    def _around(page: Any, render: Callable[[], str], heading: bool) -> tuple[str, str] | None:
        """The partial rendered around a placeholder (with a heading if the body has one)."""
        placeholder = _MARK + ("<h1" if heading else "") + _MARK
        body, page.content = page.content, placeholder
        try:
            pieces = str(render()).split(placeholder)
        finally:
            page.content = body
        return (pieces[0], pieces[1]) if len(pieces) == 2 else None
