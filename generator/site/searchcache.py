"""Search entries kept by the hash of what makes them (address, title, body, the words jieba was
taught): a rebuild segments only the pages that changed. Kept in memory while `mkdocs serve`
runs and in .cache/search-entries.json between builds (read as untrusted, like every cache)."""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from generator.core import safefile
from generator.core.writer import write_atomic

from .search import IndexedPage, plain_text, title_text

CACHE_MAX_BYTES = 256 * 1024 * 1024
_FIELDS = ("location", "title", "text")
_CODE = hashlib.sha256(
    (Path(__file__).parent / "search.py").read_bytes() + version("jieba").encode()
).hexdigest()

Page = IndexedPage
"""(location, title as HTML, HTML body, example data) of a page to index."""
Entry = dict[str, str | bool]


class EntryCache:
    """Entries by key; `split` says which pages need segmenting, `merge` puts them in order."""

    def __init__(self) -> None:
        self.known: dict[str, Entry] = {}
        self.loaded_from: Path | None = None

    def load(self, cache_dir: Path | None) -> None:
        """Read the cache file once (a serve keeps the cache in memory from then on)."""
        if cache_dir is None or self.loaded_from == cache_dir:
            return
        self.loaded_from = cache_dir
        try:
            data = json.loads(safefile.read_bytes(_file(cache_dir), CACHE_MAX_BYTES))
        except (safefile.Refused, ValueError, RecursionError):
            return
        if not isinstance(data, dict) or data.get("code") != _CODE:
            return
        entries = data.get("entries")
        if isinstance(entries, dict) and all(_is_entry(e) for e in entries.values()):
            self.known.update(entries)

    def split(
        self, pages: list[Page], words: list[str]
    ) -> tuple[list[str], list[Entry | None], list[Page]]:
        """Each page's key, its entry if known (else None), and the pages to segment. A known
        entry is used only if it is the page's own text cut into words: the cache file comes
        from a shared CI cache, and the theme shows entries as HTML."""
        taught = hashlib.blake2b("\n".join(words).encode(), digest_size=16).digest()
        keys = [_key(taught, page) for page in pages]
        slots = [
            entry if (entry := self.known.get(k)) is not None and _matches(entry, page) else None
            for k, page in zip(keys, pages, strict=True)
        ]
        todo = [page for page, slot in zip(pages, slots, strict=True) if slot is None]
        return keys, slots, todo

    def merge(
        self, keys: list[str], slots: list[Entry | None], fresh: list[Entry], cache_dir: Path | None
    ) -> list[Entry]:
        """The entries in page order; the cache keeps exactly these (it follows the site)."""
        new = iter(fresh)
        out = [slot if slot is not None else next(new) for slot in slots]
        self.known = dict(zip(keys, out, strict=True))
        if cache_dir is not None and fresh:
            write_atomic(
                _file(cache_dir),
                json.dumps({"code": _CODE, "entries": self.known}, ensure_ascii=False),
            )
        return out


def _matches(entry: Entry, page: Page) -> bool:
    location, title, body, example = page

    def same(cut: str | bool, text: str) -> bool:
        return isinstance(cut, str) and cut.replace("\u200b", "") == text.replace("\u200b", "")

    return (
        entry["location"] == location
        and same(entry["title"], title_text(title))
        and same(entry["text"], plain_text(body))
        and entry.get("example", False) is example
    )


def _key(taught: bytes, page: Page) -> str:
    digest = hashlib.blake2b(taught, digest_size=16)
    location, title, body, example = page
    for part in (location, title, body, "example" if example else ""):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _file(cache_dir: Path) -> Path:
    return cache_dir / "search-entries.json"


def _is_entry(item: object) -> bool:
    """An entry as `search.entries` writes it: three texts, then `"example": true` or nothing."""
    return (
        isinstance(item, dict)
        and tuple(item) in (_FIELDS, (*_FIELDS, "example"))
        and all(isinstance(item[f], str) for f in _FIELDS)
        and item.get("example", True) is True
    )
