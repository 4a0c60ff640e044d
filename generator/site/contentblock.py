"""Material's content partial around a page's body, rendered once for all the pages it is the
same for: around the body of the thousands of project pages and listings it prints the same
(no edit button, no tags, no dates), so the body is spliced into a copy rendered around a
placeholder. As for the header (titledblock.py), the splice is checked once per key against the
theme's own, on another page than the one the parts were rendered for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .titledblock import Parts, Splices

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
    """The content partial around the page's body, per key (titledblock.Splices): the parts
    come from the partial rendered around a placeholder."""

    def __init__(self) -> None:
        self._splices = Splices(again=False)

    def render(self, page: Any, render: Callable[[], str]) -> str:
        key = content_key(page)
        if key is None:
            return render()

        def first() -> tuple[str, Parts | None]:
            return render(), self._around(page, render, key[1] is True)

        return self._splices.render(key, page.content, render, first)

    @staticmethod
    def _around(page: Any, render: Callable[[], str], heading: bool) -> Parts | None:
        """The partial rendered around a placeholder (with a heading if the body has one)."""
        placeholder = _MARK + ("<h1" if heading else "") + _MARK
        body, page.content = page.content, placeholder
        try:
            pieces = str(render()).split(placeholder)
        finally:
            page.content = body
        return (pieces[0], pieces[1]) if len(pieces) == 2 else None
