"""Signing many registrations at once: find the records waiting at a level, add one opinion to
each, and write every file or none (staged temp files renamed in, rolled back on failure)."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from generator.core import faults, loader, safefile
from generator.core.errors import DataErrors
from generator.core.records import OpinionLevel, Registration
from generator.core.registrations import REGISTRATIONS
from generator.core.review import ReviewError, add_opinion, waiting_level
from generator.core.worker import Background
from generator.core.writer import record_text

from .actions import StaffError, check_id, checked


def registration_paths(root: Path, union: str | None = None) -> dict[str, Path]:
    """Record id → file, for every registration (or one union's), in file order."""
    folder = root / REGISTRATIONS
    pattern = f"{union}/*.yml" if union else "*/*.yml"
    paths: dict[str, Path] = {}
    for path in sorted(folder.glob(pattern), key=lambda p: p.parts):
        paths.setdefault(path.stem, path)
    return paths


@dataclass(frozen=True)
class Loaded:
    """A registration as read, with the bytes to put back should a later write fail."""

    path: Path
    raw: bytes
    record: Registration


def load(path: Path, root: Path) -> Loaded:
    """One registration file, read and validated, or StaffError naming it."""
    rel = path.relative_to(root).as_posix()
    try:
        raw = safefile.read_bytes(path, loader.MAX_FILE_BYTES)
        doc = loader.parse(loader.decode(raw, rel), rel)
    except safefile.Refused as exc:
        raise StaffError(f"{rel}：{exc.reason}") from None
    except DataErrors as exc:
        raise StaffError(str(exc)) from None
    try:
        record = Registration.model_validate(doc.data)
    except (ValidationError, TypeError):
        raise StaffError(f"{rel} 未通过校验，请先运行 volunteers check 修正") from None
    return Loaded(path, raw, record)


PARALLEL_ABOVE = 2_000
"""Files past which reading is shared with a second process (which first spends ~0.5 s
importing): 5,800 registrations read in about half the time on two cores."""


def _load_part(paths: list[Path], root: Path) -> list[Loaded | str]:
    """Each file loaded, or the reason it cannot be (in a second process: no exception)."""
    out: list[Loaded | str] = []
    for path in paths:
        try:
            out.append(load(path, root))
        except StaffError as exc:
            out.append(str(exc))
    return out


def load_all(paths: list[Path], root: Path) -> list[Loaded]:
    """The files loaded, in order; many are shared between two processes."""
    if len(paths) <= PARALLEL_ABOVE:
        return [load(path, root) for path in paths]
    split = len(paths) * 11 // 20
    other = Background(_load_part, paths[split:], root)
    mine = _load_part(paths[:split], root)
    results: list[Loaded | str] = [*mine, *other.result()]
    reasons = [item for item in results if isinstance(item, str)]
    if reasons:
        raise StaffError(reasons[0])
    return [item for item in results if not isinstance(item, str)]


def waiting(root: Path, level: OpinionLevel, union: str | None = None) -> list[Loaded]:
    """Every registration (of one union, or all) waiting for `level`'s opinion, in file order."""
    if union is not None:
        check_id(union, "工会标识")
    paths = list(registration_paths(root, union).values())
    return [one for one in load_all(paths, root) if waiting_level(one.record) == level]


@dataclass(frozen=True)
class Change:
    """One file to write: the record's new text, and its old bytes for a rollback."""

    loaded: Loaded
    record: Registration
    text: str


def sign(
    loaded: Loaded,
    root: Path,
    level: OpinionLevel,
    opinion: str,
    office: str,
    on: date,
    note: str | None,
) -> Change:
    """The change that adds this opinion, checked as `volunteers check` would read the file;
    ReviewError or StaffError (Chinese) when the form's order or the schema refuses it."""
    updated = add_opinion(loaded.record, level, opinion, office, on, note)
    text = record_text(updated, "registrations")
    return Change(loaded, checked(Registration, text, loaded.path, root), text)


@contextmanager
def review_lock(root: Path) -> Iterator[None]:
    """Held while records are read and written; a second review at the same time is refused.
    The lock is an flock on the data/ folder itself: no lock file to leave behind, and a
    read-only folder still opens (the write then fails, naming the record)."""
    data = root / "data"
    with faults.naming(data):
        fd = os.open(data, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StaffError(
                "另一个审核命令正在写入登记，请等它结束后再运行；本次未写入任何文件"
            ) from None
        yield
    finally:
        os.close(fd)


def write_all(changes: list[Change]) -> None:
    """Every file or none: each new text is staged beside its file first, then all are renamed
    in; if any step fails, the files already replaced get their old bytes back."""
    staged: list[tuple[Change, str]] = []
    done: list[Change] = []
    try:
        for change in changes:
            path = change.loaded.path
            with faults.naming(path):
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                staged.append((change, tmp))
                os.fchmod(fd, 0o644)
                with os.fdopen(fd, "wb") as out:
                    out.write(change.text.encode())
        for change, tmp in staged:
            with faults.naming(change.loaded.path):
                os.replace(tmp, change.loaded.path)
            done.append(change)
    except BaseException:
        for change in reversed(done):
            _restore(change.loaded)
        for _change, tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def _restore(loaded: Loaded) -> None:
    path = loaded.path
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(loaded.raw)
        os.replace(tmp, path)
    except OSError:  # the first error is the one reported; this file is listed as written
        faults.note_written(path)


def per_union(changes: list[Change]) -> Counter[tuple[str, str]]:
    """(union id, opinion) → number of records, for the summaries."""
    return Counter((c.record.union, c.record.opinions[-1].opinion) for c in changes)


def review_many(
    root: Path,
    ids: list[str],
    level: OpinionLevel,
    opinion: str,
    office: str,
    on: date,
    note: str | None,
    *,
    pending: bool = False,
    union: str | None = None,
    dry_run: bool = False,
) -> tuple[list[Change], list[str]]:
    """Sign the named records (or, with `pending`, every one waiting at `level`, of `union` or
    all) and write all of them, or none if any is refused: (changes, problems), each problem
    naming its record. The lock is held from reading to writing (not for a dry run)."""
    if dry_run:
        return _plan(root, ids, level, opinion, office, on, note, pending, union)
    with review_lock(root):
        changes, problems = _plan(root, ids, level, opinion, office, on, note, pending, union)
        if not problems:
            write_all(changes)
    return changes, problems


def _plan(
    root: Path,
    ids: list[str],
    level: OpinionLevel,
    opinion: str,
    office: str,
    on: date,
    note: str | None,
    pending: bool,
    union: str | None,
) -> tuple[list[Change], list[str]]:
    if pending:
        selected = waiting(root, level, union)
    else:
        paths = registration_paths(root)
        selected, missing = [], []
        for record_id in dict.fromkeys(ids):
            check_id(record_id, "登记编号")
            if record_id in paths:
                selected.append(load(paths[record_id], root))
            else:
                missing.append(f"找不到登记 {record_id}（data/registrations/*/{record_id}.yml）")
        if missing:
            return [], missing
    changes, problems = [], []
    for loaded in selected:
        try:
            changes.append(sign(loaded, root, level, opinion, office, on, note))
        except (ReviewError, StaffError) as exc:
            problems.append(f"登记 {loaded.record.id}：{exc}")
    return changes, problems
