"""`mkdocs serve` rebuilds incrementally: pages kept from the last build are the pages a fresh
build writes, an edit reaches its page, and the server watches only what the site reads,
through the system's file events rather than polling."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from generator.site.serve import watch_what_the_site_reads
from tests.conftest import copy_project

TITLE = "甘井子区金秋助学志愿服务"


def _files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix != ".gz"  # the sitemap's gzip header holds a time
    }


@pytest.mark.slow
def test_a_serve_rebuild_writes_what_a_fresh_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "p")
    monkeypatch.setenv("VOLUNTEERS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    served = tmp_path / "served"

    def config():  # type: ignore[no-untyped-def]
        return load_config(str(root / "mkdocs.yml"), site_dir=str(served))

    first = config()
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    plugin = first.plugins["volunteers"]
    assert plugin.pages is not None and plugin.pages.html, "pages kept for the next rebuild"
    assert plugin.search_entries is not None and plugin.search_entries.kept, "search entries kept"

    project = root / "data/projects/jinqiu-zhuxue-2012.yml"
    project.write_text(
        project.read_text(encoding="utf-8").replace(TITLE, "甘井子区金秋助学结对帮扶"),
        encoding="utf-8",
    )
    build(config())
    assert config().plugins["volunteers"] is plugin, "the plugin is kept between rebuilds"
    assert plugin.memo.reads == 1, "only the edited data file is read again"
    reused = set(plugin.pages.reused)
    assert reused and "projects/jinqiu-zhuxue-2012.md" not in reused

    fresh = tmp_path / "fresh"
    env = {**os.environ, "VOLUNTEERS_CACHE": str(tmp_path / "cache2")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(fresh)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    ours, theirs = _files(served), _files(fresh)
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    assert "甘井子区金秋助学结对帮扶" in ours["projects/jinqiu-zhuxue-2012/index.html"].decode()


def test_the_server_watches_what_the_site_reads_with_system_events(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    (root / "data/registrations/zhongshan").mkdir(parents=True)
    (root / "data/proposals").mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(root / "content"))
    config = SimpleNamespace(watch=[str(root / "data")])
    watch_what_the_site_reads(server, config, root / "data")
    try:
        assert "polling" not in type(server.observer).__module__
        for path in config.watch:
            server.watch(path)
        watched = {Path(p).relative_to(root).as_posix() for p in server._watched_paths}
        assert {"content", "data", "data/projects", "data/recognitions"} <= watched
        assert not any(w.startswith(("data/registrations", "data/proposals")) for w in watched)
        server.observer.start()
        time.sleep(0.5)
        project = root / "data/projects/jinqiu-zhuxue-2012.yml"
        project.read_text(encoding="utf-8")  # a build reading its inputs starts no build
        (root / "data/registrations/zhongshan/r.yml").write_text("id: r\n", encoding="utf-8")
        time.sleep(1.0)
        assert not server._want_rebuild
        project.write_text(project.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not server._want_rebuild and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server._want_rebuild
    finally:
        if server.observer.is_alive():
            server.observer.stop()
            server.observer.join()
        server.server_close()


def test_search_entries_of_an_unchanged_page_are_kept_between_rebuilds() -> None:
    """Material's entries of a hand-written page are made once while the page stays the same,
    made again when it changes, and forgotten when it goes."""
    from generator.site.serve import SearchEntries

    made: list[str] = []

    def index() -> SimpleNamespace:
        found = SimpleNamespace(entries=[])

        def add_entry_from_context(page: SimpleNamespace) -> None:
            made.append(page.url)
            found.entries.append({"location": page.url, "text": page.content, "tags": ["x"]})

        found.add_entry_from_context = add_entry_from_context
        return found

    def page(url: str, content: str) -> SimpleNamespace:
        return SimpleNamespace(url=url, title="页", content=content, meta={}, toc=[])

    kept = SearchEntries()
    first, second, third = index(), index(), index()
    for idx, pages in (
        (first, [page("a/", "甲"), page("b/", "乙")]),
        (second, [page("a/", "甲"), page("b/", "乙改")]),
        (third, [page("a/", "甲")]),
    ):
        kept.install(idx)
        kept.install(idx)  # installed once however often asked
        for p in pages:
            idx.add_entry_from_context(p)
        kept.finish()
    assert made == ["a/", "b/", "b/"]
    assert second.entries == [
        {"location": "a/", "text": "甲", "tags": ["x"]},
        {"location": "b/", "text": "乙改", "tags": ["x"]},
    ]
    assert second.entries[0] is not first.entries[0] and len(kept.kept) == 1
