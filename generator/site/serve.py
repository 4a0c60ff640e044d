"""`mkdocs serve` made incremental: one native file observer (inotify) watching only what the
site reads, and the finished HTML of every generated page kept between rebuilds, so that a page
whose inputs did not change is written again without being rendered through the theme."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

# MkDocs' objects are passed in by the plugin (the only module that imports MkDocs).
MkDocsConfig = Any
Files = Any
Navigation = Any
MkPage = Any

log = logging.getLogger("mkdocs.plugins.volunteers")

NOT_WATCHED = frozenset({"registrations", "proposals"})
"""Folders of data/ the site reads only counts from: a change there waits for the next start."""
CACHED_TEMPLATE = "volunteers-cached-page.html"
"""The template an unchanged page is given: it prints the page's HTML from the last build."""


def watch_what_the_site_reads(server: Any, config: MkDocsConfig, data: Path) -> None:
    """Swap the server's polling observer (mkdocs polls every watched file twice a second) for
    watchdog's native one, and replace `data/` in the watch list by its files and folders but
    the intake records (56,000 files at full scale)."""
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or not hasattr(server, "observer"):
        log.warning("未能改用系统文件监视（mkdocs 内部结构已变）：预览仍可用，但空闲时耗 CPU")
        return
    paths = dict(watched)
    for path, count in paths.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = _changes_only()
    for path, count in paths.items():
        for _ in range(count):
            server.watch(path)
    data = data.resolve()
    if any(Path(p).resolve() == data for p in config.watch):
        config.watch[:] = [p for p in config.watch if Path(p).resolve() != data]
        server.watch(str(data), recursive=False)  # its own files: campaign.yml, unions.yml …
        for child in sorted(data.iterdir()):
            if child.is_dir() and child.name not in NOT_WATCHED:
                server.watch(str(child))


def _changes_only() -> Any:
    """watchdog's native observer, passing on changes only: inotify also reports a file opened
    or closed after reading, and MkDocs rebuilds on any event, so a build reading its own
    templates would start the next build, for ever."""
    from watchdog.events import (
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )
    from watchdog.observers import Observer

    changes = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent]
    changes.append(FileClosedEvent)  # closed after writing

    class ChangesOnly(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: Any, path: str, *, recursive: bool = False, **_: Any) -> Any:
            return super().schedule(handler, path, recursive=recursive, event_filter=changes)

    return ChangesOnly()


class PageCache:
    """Each generated page's finished HTML with the key of all it was made from. Only pages
    outside the nav with no table of contents are kept: their sidebars are the same for all."""

    def __init__(self) -> None:
        self.html: dict[str, tuple[str, str]] = {}
        self.signature = ""
        self.reused: dict[str, str] = {}
        self.keys: dict[str, str] = {}

    def start(
        self, config: MkDocsConfig, files: Files, nav: Navigation, generated: dict[str, Any]
    ) -> None:
        """What every page depends on: mkdocs.yml, the theme override, the hand-written pages
        (their titles are in the sidebar), the address, the nav and its pages' titles."""
        digest = hashlib.sha256()
        digest.update(Path(config.config_file_path).read_bytes())
        digest.update(str(config.site_url).encode())
        for d in config.theme.dirs[:1]:
            for f in sorted(Path(d).rglob("*")):
                if f.is_file():
                    digest.update(f"{f}:{f.stat().st_mtime_ns}".encode())
        for file in files.documentation_pages():
            if file.src_uri not in generated and file.abs_src_path:
                stat = Path(file.abs_src_path).stat()
                digest.update(f"{file.src_uri}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        for page in nav.pages:
            meta = getattr(generated.get(page.file.src_uri), "meta", None)
            digest.update(f"{page.file.src_uri}:{meta}".encode())
        self.signature = digest.hexdigest()
        self.reused, self.keys = {}, {}

    def consider(self, page: MkPage, nav: Navigation, meta: dict[str, Any], body: str) -> None:
        """Give the page the cached template if its HTML from the last build still holds."""
        if page in nav.pages:
            return
        digest = hashlib.sha256(self.signature.encode())
        digest.update(page.file.src_uri.encode() + b"\0")
        digest.update(json.dumps(meta, sort_keys=True, default=str).encode() + b"\0")
        digest.update(body.encode())
        key = digest.hexdigest()
        self.keys[page.file.src_uri] = key
        kept = self.html.get(page.file.src_uri)
        if kept is not None and kept[0] == key:
            self.reused[page.file.src_uri] = kept[1]
            page.meta["template"] = CACHED_TEMPLATE

    def context(self, page: MkPage, context: dict[str, Any]) -> None:
        html = self.reused.get(page.file.src_uri)
        if html is not None:
            context["volunteers_cached_html"] = html

    def keep(self, page: MkPage, output: str) -> None:
        uri = page.file.src_uri
        if uri in self.keys and uri not in self.reused and not page.toc:
            self.html[uri] = (self.keys[uri], output)

    def finish(self) -> None:
        """Forget pages the site no longer has."""
        self.html = {k: v for k, v in self.html.items() if k in self.keys}


class MemoryBytecodeCache:
    """Jinja's compiled templates kept for the life of the serve (MkDocs makes a new theme
    environment, and compiles the theme again, on every rebuild)."""

    def __init__(self) -> None:
        import jinja2

        class _Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.kept: dict[str, bytes] = {}

            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                if bucket.key in self.kept:
                    bucket.bytecode_from_string(self.kept[bucket.key])

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                self.kept[bucket.key] = bucket.bytecode_to_string()

        self.cache = _Cache()

    def install(self, env: Any) -> None:
        """The cache, and the template that prints a kept page, in a theme environment."""
        import jinja2

        env.bytecode_cache = self.cache
        env.loader = jinja2.ChoiceLoader(
            [jinja2.DictLoader({CACHED_TEMPLATE: "{{ volunteers_cached_html|safe }}"}), env.loader]
        )


class SearchEntries:
    """Material's search entries of each hand-written page, kept between rebuilds: its search
    plugin parses and segments (jieba) every Markdown page again on every rebuild, about 2 s of
    a full-scale preview. A page whose address, title, HTML, table of contents and settings are
    those of the last build gets the entries it got then (copies: the index may change them)."""

    def __init__(self) -> None:
        self.kept: dict[str, list[dict[str, Any]]] = {}
        self.used: set[str] = set()

    def install(self, index: Any) -> None:
        """Answer `index.add_entry_from_context` (Material's, made anew each build) from here."""
        add = index.add_entry_from_context
        if getattr(add, "entries", None) is self:
            return

        def add_entry_from_context(page: MkPage) -> None:
            key = _page_key(page)
            self.used.add(key)
            if key in self.kept:
                index.entries.extend(_copies(self.kept[key]))
                return
            start = len(index.entries)
            add(page)
            self.kept[key] = _copies(index.entries[start:])

        add_entry_from_context.entries = self  # type: ignore[attr-defined]
        index.add_entry_from_context = add_entry_from_context

    def finish(self) -> None:
        """Forget the entries of pages the last build did not have."""
        self.kept = {k: v for k, v in self.kept.items() if k in self.used}
        self.used = set()


def _page_key(page: MkPage) -> str:
    return hashlib.sha256(
        json.dumps(
            [page.url, page.title, page.content, page.meta, _toc(page.toc)],
            sort_keys=True,
            default=str,
            ensure_ascii=False,
        ).encode()
    ).hexdigest()


def _toc(items: Any) -> list[Any]:
    return [
        [getattr(i, "url", ""), getattr(i, "title", ""), getattr(i, "level", 0), _toc(i.children)]
        for i in items or ()
    ]


def _copies(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: list(v) if isinstance(v, list) else v for k, v in e.items()} for e in entries]
