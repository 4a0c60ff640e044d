"""The build cache (.cache/) comes back from a shared CI cache that other runs can write: nothing
in it is unpickled, and an entry the build cannot check against the file itself is not believed.
A crafted cache file is ignored and the registrations are read again."""

from __future__ import annotations

import ast
import json
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core import registrations
from generator.core.errors import DataErrors
from generator.core.validate import load_site
from tests.records_factory import registration, write_registration

ROOT = Path(__file__).resolve().parent.parent


class _Payload:
    """Unpickling this creates the folder `marker`: a stand-in for whatever code an attacker who
    can write the shared cache would run in the deploy job."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    original = registrations._read_text

    def spy(file: Path, root: Path, report: object) -> object:
        reads.append(file)
        return original(file, root, report)  # type: ignore[arg-type]

    monkeypatch.setattr(registrations, "_read_text", spy)
    return reads


def _three(project: Path) -> list[Path]:
    return [write_registration(project, registration("zhongshan", n, ("unit",))) for n in range(3)]


def test_a_pickle_in_the_cache_never_runs(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "payload-ran"
    payload = pickle.dumps((_Payload(marker), {}))
    pickle.loads(payload)  # the payload is live: unpickling it does run code
    assert marker.is_dir()
    marker.rmdir()

    paths = _three(project)
    cache = tmp_path / "cache"
    cache.mkdir()
    # Under the old cache's name, and under the new one.
    (cache / "registrations.pickle").write_bytes(payload)
    (cache / "registrations.json").write_bytes(payload)
    reads = _count_reads(monkeypatch)
    site = load_site(project, cache_dir=cache)
    assert not marker.exists()
    assert site.registration_counts == {"zhongshan": {"pending": 3}}
    assert sorted(reads) == sorted(paths)  # nothing vouched for: every file read
    # The crafted files are replaced by a JSON cache; the old pickle is gone.
    assert not (cache / "registrations.pickle").exists()
    saved = json.loads((cache / "registrations.json").read_text(encoding="utf-8"))
    assert len(saved["files"]) == 3
    reads.clear()
    load_site(project, cache_dir=cache)
    assert reads == [] and not marker.exists()


def test_no_module_unpickles_but_the_build_worker() -> None:
    """Only generator/core/worker.py, which unpickles what its own parent or child process just wrote
    to a pipe, may import a deserialiser that runs code. Anything read from disk is JSON/YAML."""
    unsafe = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib", "_pickle"}
    found = []
    for folder in ("generator", "intake"):
        for file in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module.split(".")[0]]
                else:
                    continue
                where = file.relative_to(ROOT).as_posix()
                found += [f"{where}:{name}" for name in names if name in unsafe]
    assert found == ["generator/core/worker.py:pickle"]


def test_entries_the_build_cannot_check_are_not_believed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    paths = [write_registration(project, registration("zhongshan", n, ("unit",))) for n in range(6)]
    load_site(project, cache_dir=cache)
    file = cache / "registrations.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    entries = data["files"]
    rels = [p.relative_to(project).as_posix() for p in paths]
    size, mtime, status, digest, level = entries[rels[0]]
    assert status == "pending" and len(digest) == 32 and level == "district"
    entries[rels[0]] = [size, mtime, "APPROVED", digest, level]  # no such status
    entries[rels[1]] = {"size": size}  # not a list
    entries[rels[2]] = [*entries[rels[2]][:2], ["pending"], *entries[rels[2]][3:]]  # unhashable
    entries[rels[3]] = [str(entries[rels[3]][0]), *entries[rels[3]][1:]]  # a size that is text
    s4, m4, st4, _, lv4 = entries[rels[4]]
    entries[rels[4]] = [s4, m4 + 1, st4, "0" * 32, lv4]  # another time, a digest not the file's
    # rels[5] left as it was: still believed.
    file.write_text(json.dumps(data), encoding="utf-8")
    reads = _count_reads(monkeypatch)
    site = load_site(project, cache_dir=cache)
    assert reads == paths[:5]
    assert site.registration_counts == {"zhongshan": {"pending": 6}}

    # An entry that vouches for a file in a folder that is no union: read, and its error reported.
    stray = write_registration(project, registration("no-such-union", 9))
    data = json.loads(file.read_text(encoding="utf-8"))
    stat = stray.stat()
    forged = [stat.st_size, stat.st_mtime_ns, "pending", registrations._digest(stray), "unit"]
    data["files"][stray.relative_to(project).as_posix()] = forged
    file.write_text(json.dumps(data), encoding="utf-8")
    reads.clear()
    with pytest.raises(DataErrors, match="未知的工会"):
        load_site(project, cache_dir=cache)
    assert reads == [stray]


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[1, 2, 3]",
        b"[" * 100_000 + b"]" * 100_000,  # past the parser's recursion limit
        b'{"format": 1, "key": "", "files": {}}',
        b'{"format": 2, "key": "another code or other unions", "files": {}}',
        b'{"format": 2, "key": "KEY", "files": []}',
        '{"format": 2, "key": "KEY", "files": {"\udcff": 1}}'.encode("utf-8", "surrogatepass"),
    ],
    ids=["text", "array", "deep", "old-format", "other-key", "files-not-object", "bad-utf8"],
)
def test_a_malformed_cache_file_means_reading_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    paths = _three(project)
    cache = tmp_path / "cache"
    load_site(project, cache_dir=cache)
    key = json.loads((cache / "registrations.json").read_text(encoding="utf-8"))["key"]
    (cache / "registrations.json").write_bytes(content.replace(b'"KEY"', f'"{key}"'.encode()))
    reads = _count_reads(monkeypatch)
    assert load_site(project, cache_dir=cache).registration_counts == {"zhongshan": {"pending": 3}}
    assert sorted(reads) == sorted(paths)


_LOAD = """
import sys
from pathlib import Path
from generator.core.validate import load_site
print(load_site(Path(sys.argv[1]), cache_dir=Path(sys.argv[2])).registration_counts)
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_cache_file_that_is_no_regular_file_is_not_read(
    project: Path, tmp_path: Path, kind: str
) -> None:
    """A FIFO would block the build, /dev/zero exhaust its memory: run in a child process with a
    memory cap and a deadline, so that a regression fails instead of taking the machine down."""
    _three(project)
    cache = tmp_path / "cache"
    cache.mkdir()
    file = cache / "registrations.json"
    if kind == "fifo":
        os.mkfifo(file)
    else:
        file.symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(project), str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limits,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "{'zhongshan': {'pending': 3}}"
    assert file.is_file() and not file.is_symlink()  # replaced by a real cache
    assert len(json.loads(file.read_text(encoding="utf-8"))["files"]) == 3
