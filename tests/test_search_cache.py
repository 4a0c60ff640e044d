"""Search entries are kept by content hash: a rebuild gives the same index, segments only what
changed, and a cache entry that is not the page's own text is never used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.site.search import entries
from generator.site.searchcache import EntryCache
from tests.conftest import copy_project

TITLE = "甘井子区金秋助学志愿服务"


def _build(root: Path, cache: Path) -> dict[str, dict[str, str]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "VOLUNTEERS_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")]
    result = subprocess.run(
        [*cmd, "-d", str(root / "site")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    index = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))
    return {d["location"]: d for d in index["docs"] if d["location"].startswith("projects/")}


@pytest.mark.slow
def test_rebuilds_give_the_same_index_and_follow_an_edit(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    cache = tmp_path / "cache"
    first = _build(root, cache)
    kept = json.loads((cache / "search-entries.json").read_text(encoding="utf-8"))
    assert len(kept["entries"]) >= len(first) >= 4
    assert _build(root, cache) == first  # from the cache: the same entries

    project = root / "data/projects/jinqiu-zhuxue-2012.yml"
    project.write_text(
        project.read_text(encoding="utf-8").replace(TITLE, "甘井子区金秋助学结对帮扶"),
        encoding="utf-8",
    )
    third = _build(root, cache)
    entry = third["projects/jinqiu-zhuxue-2012/"]
    assert entry["title"].split("\u200b") == ["甘井子区", "金秋助学", "结对", "帮扶"]
    changed = {k for k in first if first[k] != third[k]}
    assert "projects/jinqiu-zhuxue-2012/" in changed
    assert all(k.startswith("projects/") for k in changed)


def test_an_entry_that_is_not_the_pages_text_is_made_again(tmp_path: Path) -> None:
    page = ("projects/x/", "标题", "<h1>标题</h1><p>金秋助学的正文</p>", False)
    cache = EntryCache()
    keys, slots, todo = cache.split([page], ["金秋助学"])
    assert slots == [None] and todo == [page]
    cache.merge(keys, slots, entries(todo), tmp_path)

    again = EntryCache()
    again.load(tmp_path)
    _, slots, todo = again.split([page], ["金秋助学"])
    assert todo == [] and slots == entries([page])
    example = (*page[:3], True)  # the same text marked as example data is another entry
    _, slots, todo = again.split([example], ["金秋助学"])
    assert slots == [None] and todo == [example]

    poisoned = EntryCache()
    file = tmp_path / "search-entries.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry["text"] = "<script>alert(1)</script>"
    file.write_text(json.dumps(data), encoding="utf-8")
    poisoned.load(tmp_path)
    _, slots, todo = poisoned.split([page], ["金秋助学"])
    assert slots == [None] and todo == [page]

    file.write_text("[1, 2", encoding="utf-8")  # not JSON: ignored
    broken = EntryCache()
    broken.load(tmp_path)
    assert broken.split([page], ["金秋助学"])[2] == [page]
