"""The build's cache of validated registration files: used only while nothing it vouches for has
changed; an edited file, another set of unions, or new code means reading again."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from generator.core import registrations
from generator.core.errors import DataErrors
from generator.core.validate import load_site
from tests.records_factory import registration, write_registration


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    original = registrations._read_text

    def spy(file: Path, root: Path, report: object) -> object:
        reads.append(file)
        return original(file, root, report)  # type: ignore[arg-type]

    monkeypatch.setattr(registrations, "_read_text", spy)
    return reads


def test_unchanged_files_are_counted_from_the_cache(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    paths = [write_registration(project, registration("zhongshan", n, ("unit",))) for n in range(3)]
    reads = _count_reads(monkeypatch)
    first = load_site(project, cache_dir=cache)
    assert len(reads) == 3 and first.registration_counts == {"zhongshan": {"pending": 3}}
    assert first.waiting_counts == {"zhongshan": {"district": 3}}
    reads.clear()
    again = load_site(project, cache_dir=cache)
    assert again.registration_counts == first.registration_counts
    assert again.waiting_counts == first.waiting_counts  # the level each waits at, cached too
    assert reads == []
    # An edit (new size or time) is read again, and its error reported; no cache in `check`.
    text = paths[0].read_text(encoding="utf-8").replace('status: "pending"', 'status: "approved"')
    paths[0].write_text(text, encoding="utf-8")
    os.utime(paths[0], ns=(1, 1))
    with pytest.raises(DataErrors, match="状态应为 pending"):
        load_site(project, cache_dir=cache)
    assert reads == [paths[0]]
    reads.clear()
    with pytest.raises(DataErrors):
        load_site(project)
    assert len(reads) == 3


def test_a_fresh_checkout_is_recognised_by_content(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI checks the repository out anew for each deploy: every file has a new modification
    time, and the cache still vouches for the unchanged bytes (not for changed ones)."""
    cache = tmp_path / "cache"
    paths = [write_registration(project, registration("zhongshan", n, ("unit",))) for n in range(3)]
    load_site(project, cache_dir=cache)
    for n, path in enumerate(paths):
        os.utime(path, ns=(10**18 + n, 10**18 + n))
    # Same size, other bytes: the unit's opinion dated a day later.
    text = paths[1].read_text(encoding="utf-8")
    edited = re.sub(
        r"(date: \"?\d{4}-\d\d-)(\d)(\d)",
        lambda m: m[1] + m[2] + str((int(m[3]) + 1) % 10),
        text,
        count=1,
    )
    assert edited != text and len(edited.encode()) == len(text.encode())
    paths[1].write_text(edited, encoding="utf-8")
    os.utime(paths[1], ns=(10**18 + 7, 10**18 + 7))
    reads = _count_reads(monkeypatch)
    load_site(project, cache_dir=cache)
    assert reads == [paths[1]]
    reads.clear()
    load_site(project, cache_dir=cache)  # the new times are remembered
    assert reads == []


def test_other_unions_mean_reading_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    write_registration(project, registration("xigang", 7))
    load_site(project, cache_dir=cache)
    reads = _count_reads(monkeypatch)
    unions = project / "data/unions.yml"
    unions.write_text(
        unions.read_text(encoding="utf-8").replace('short_name: "西岗"', 'short_name: "西岗区"'),
        "utf-8",
    )
    load_site(project, cache_dir=cache)
    assert reads == []  # the same ids: still valid
    text = unions.read_text(encoding="utf-8").replace("  - id: jiaoyu\n", "  - id: jiaoyu-union\n")
    unions.write_text(text, encoding="utf-8")
    with pytest.raises(DataErrors):
        load_site(project, cache_dir=cache)
    assert len(reads) == 1


def test_the_cache_key_covers_all_the_validation_code() -> None:
    """Every generator module a registration's validation imports, directly or not, is in the
    cache key: a change to any of them must make the cached results stale."""
    package = Path(registrations.__file__).parent
    seen: set[str] = set()
    todo = ["registrations"]
    while todo:
        name = todo.pop()
        if name in seen or name == "worker":  # the helper process, not validation
            continue
        seen.add(name)
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                todo += [node.module] if node.module else [a.name for a in node.names]
    assert seen == set(registrations.VALIDATION_CODE)
