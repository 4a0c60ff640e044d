"""Records out: deterministic quoted YAML, staged then renamed into place, under a lock."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from pathlib import Path

from generator.core import faults, loader, safefile
from generator.core.errors import DataErrors
from generator.core.writer import dump_yaml, record_text

from .errors import IntakeError

__all__ = ["Store", "dump_yaml", "existing_hashes", "record_name", "record_path", "record_text"]

HASH = re.compile(r"[0-9a-f]{64}")
LOCK_NAME = ".intake.lock"
STAGING_PREFIX = ".intake-staging-"


def record_path(kind: str, record_id: str, union: str | None) -> Path:
    """data-relative path: registrations/<union>/<id>.yml or proposals/<id>.yml."""
    if kind == "registrations":
        assert union is not None
        return Path("registrations", union, f"{record_id}.yml")
    return Path("proposals", f"{record_id}.yml")


_PLAIN_PATH = re.compile(r"(?:[^/.][^/]*/)*[^/.][^/]*")
"""A relative path that pathlib would leave as it is (no empty, `.` or `..` part)."""


def record_name(kind: str, record_id: str, union: str | None) -> str:
    """record_path as text ("registrations/<union>/<id>.yml"), which the store takes as well:
    a run looks up and writes thousands, and a Path costs more to make and hash than the
    filesystem work it names."""
    if kind == "registrations":
        assert union is not None
        name = f"registrations/{union}/{record_id}.yml"
    else:
        name = f"proposals/{record_id}.yml"
    if _PLAIN_PATH.fullmatch(name):
        return name
    return record_path(kind, record_id, union).as_posix()


HASH_FIELDS = {"registrations": "id_hash", "proposals": "hash"}
"""The field of a stored record that says who (or which proposal) it is, as a keyed hash."""


def existing_hashes(data_dir: Path, kind: str) -> dict[str, str]:
    """hash → record id: an index of every stored record's keyed hash, read from the parsed
    record (however its YAML is written: quoted, plain, or by hand)."""
    found: dict[str, str] = {}
    for file in sorted((data_dir / kind).rglob("*.yml")):
        where = file.relative_to(data_dir.parent).as_posix()
        try:  # the build reads only <kind>/<union>/*.yml: anything deeper is read here first
            raw = safefile.read_bytes(file, safefile.YAML_MAX_BYTES)
        except safefile.Refused as exc:
            raise IntakeError(f"无法读取已有记录 {where}：{exc.reason}") from None
        try:
            data = loader.parse(loader.decode(raw, where), where).data
        except DataErrors as exc:
            first = exc.errors[0]
            at = where if first.line is None else f"{where}:{first.line}"
            raise IntakeError(f"无法读取已有记录 {at}：{first.message}") from None
        value = data.get(HASH_FIELDS[kind]) if isinstance(data, dict) else None
        if isinstance(value, str) and HASH.fullmatch(value):
            found.setdefault(value, file.stem)
    return found


class Store:
    """Holds the lock for a run; new files go to a staging folder and are renamed in at the end."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock_path = data_dir / LOCK_NAME
        self._lock: int | None = None
        self.staging: Path | None = None
        self.staged: list[str] = []
        """Data-relative paths as text ("registrations/<union>/<id>.yml"), as staged."""
        self.made: set[str] = set()
        self.listed: dict[str, frozenset[str] | None] = {}
        root = os.fspath(data_dir)
        self._root = "" if root == "." else root if root.endswith("/") else root + "/"
        """data_dir as the prefix of a data-relative path (as `data_dir / relative` writes it)."""
        self._staging = ""

    def __enter__(self) -> Store:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
        self.release()

    def acquire(self) -> None:
        """Refuse when another run holds the lock. It is an flock, which the kernel drops when
        its process ends however it ends: a lock file left by a killed run is stale, taken over
        here, and whatever that run left (its staging folders) is removed."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # The lock file may have been unlinked by a run finishing between open and flock.
            if os.fstat(fd).st_ino != os.stat(self.lock_path).st_ino:
                raise BlockingIOError
        except (BlockingIOError, FileNotFoundError):
            holder = _holder(fd)
            os.close(fd)
            raise IntakeError(
                f"另一个导入正在运行（{self.lock_path}{holder}）；请等它结束后再试"
            ) from None
        self._lock = fd
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for the message above
        for stale in self.data_dir.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a killed run

    def release(self) -> None:
        if self._lock is not None:
            self.lock_path.unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def stage(self, relative: Path | str, text: str) -> None:
        """Write one new file into the staging folder (nothing in data/ changes yet). Paths are
        handled as text, with os functions: a run stages thousands of files."""
        if self.staging is None:
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.data_dir))
            self._staging = os.fspath(self.staging)
        name = os.fspath(relative)
        target = f"{self._staging}/{name}"
        with faults.naming(target):
            self._folder(target.rpartition("/")[0])
            data = memoryview(text.encode())
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:  # as Path.write_text, in fewer system calls (one file per record, thousands)
                while data:
                    data = data[os.write(fd, data) :]
            finally:
                os.close(fd)
        self.staged.append(name)

    def _folder(self, folder: str) -> None:
        """mkdir -p, once per folder and run (a run writes thousands of files into a few)."""
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)

    def exists(self, relative: Path | str) -> bool:
        """Whether data/`relative` exists. Nothing in data/ changes while the run holds the lock,
        so each folder is listed once; a name found there is still checked as exists() checks
        it (a dangling link is no file)."""
        folder, _, name = os.fspath(relative).rpartition("/")
        if folder not in self.listed:
            try:
                self.listed[folder] = frozenset(os.listdir(f"{self._root}{folder}" or "."))
            except (FileNotFoundError, NotADirectoryError):  # no file in it
                self.listed[folder] = frozenset()
            except OSError:  # cannot be listed (permissions): each name is looked up
                self.listed[folder] = None
        names = self.listed[folder]
        if names is not None and name not in names:
            return False
        return (self.data_dir / relative).exists()

    def commit(self) -> list[Path]:
        """Rename every staged file into place (atomic per file); returns data-relative paths."""
        if self.staging is None:
            return []
        done = []
        staged = self.staged[::-1]  # taken from the end, in order: each text freed once used
        self.staged = []
        while staged:
            name = staged.pop()
            target = f"{self._root}{name}"
            self._folder(target.rpartition("/")[0])
            os.replace(f"{self._staging}/{name}", target)
            relative = Path(name)
            faults.note_written(self.data_dir / relative)  # sharing the relative path's parts
            done.append(relative)
        self.discard()
        return done

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            inside = self._staging + "/"
            self.made = {f for f in self.made if f != self._staging and not f.startswith(inside)}
            self.staging = None


def _holder(fd: int) -> str:
    """ "，进程 1234" from the lock file, when the running import wrote its id there."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f"，进程 {text}" if text.isdigit() else ""
