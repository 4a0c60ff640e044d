"""Search entries for the pages written in HTML (the project pages), made from their text in a
second process while the site builder renders the rest; the same shape and Chinese word
segmentation as Material's search plugin gives the pages it indexes itself."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache

from generator.core.validate import SiteData

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_INLINE_TAG = re.compile(r"</?(?:a|b|em|i|small|span|strong)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_H1 = re.compile(r"<h1\b.*?</h1>", re.DOTALL)
_EXAMPLE_BADGE = re.compile(r'<span class="badge badge-example"[^>]*>[^<]*</span>')
"""The 示例 badge: the entry says `"example": true` instead, so a result shows it once."""


def segmenter_words(site: SiteData) -> list[str]:
    """Our proper names, taught to jieba so 中山 finds 中山区总工会 (jieba alone cuts 中/山区)."""
    names = [n for u in site.unions.values() for n in (u.name, u.current_name)]
    words = {u.short_name for u in site.unions.values()}
    words |= {n.removesuffix("总工会").removesuffix("工会") for n in names}
    words |= {c.name.strip("“”") for c in site.categories.values()}
    return sorted(words)


_taught: set[str] = set()


def teach(words: Iterable[str]) -> None:
    """Add our words to jieba's dictionary (loaded once per process, on first use); the
    segmentation cache is emptied only when a word is new to it."""
    import jieba

    new = set(words) - _taught
    for word in sorted(new):
        jieba.add_word(word)
    if new:
        _taught.update(new)
        _cut.cache_clear()


@lru_cache(maxsize=200_000)
def _cut(run: str) -> str:
    """One run of Chinese characters cut into words (the same runs recur across pages)."""
    import jieba

    return "\u200b".join(jieba.cut(run))


def plain_text(body: str) -> str:
    """A page body's text as the search shows it: tags gone, one line, the h1 left out (it is
    the entry's title). The theme shows the entries as HTML, so the text stays escaped, as in
    Material's own entries: an entity is decoded and escaped again, never turned into markup."""
    body = _EXAMPLE_BADGE.sub("", _H1.sub("", body, count=1))
    text = html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", body)))
    return html.escape(_SPACE.sub(" ", text).strip(), quote=False)


def title_text(title: str) -> str:
    """A title given as HTML, as the search shows it (escaped text)."""
    return html.escape(html.unescape(title), quote=False)


def segment(text: str) -> str:
    """Chinese runs cut into words, joined and surrounded by zero-width spaces (as Material)."""

    def cut(match: re.Match[str]) -> str:
        return "\u200b" + _cut(match.group(0)) + "\u200b"

    return _HAN.sub(cut, text).strip("\u200b")


IndexedPage = tuple[str, str, str, bool]
"""(location, title as HTML, HTML body, whether the page shows example data)."""


def entries(pages: list[IndexedPage]) -> list[dict[str, str | bool]]:
    """Each page → its search entry, with jieba as taught; title and text are escaped text, as
    in Material's entries. A page of example data keeps its flag: `"example": true`."""
    return [
        {
            "location": location,
            "title": segment(title_text(title)),
            "text": segment(plain_text(body)),
            **({"example": True} if example else {}),
        }
        for location, title, body, example in pages
    ]


def entries_apart(pages: list[IndexedPage], words: list[str]) -> list[dict[str, str | bool]]:
    """`entries` in a second process, whose jieba must first be taught our words."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    teach(words)
    return entries(pages)
