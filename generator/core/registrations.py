"""Intake records under data/registrations/ and data/proposals/: loaded, validated against the
data set, and counted. Only counts reach the site."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

from pydantic import ValidationError

from . import loader
from .activities import Person
from .errors import DataErrors, Report
from .loader import Document
from .messages import field_path, from_validation_error
from .records import OpinionLevel, Proposal, RecordStatus, Registration
from .review import derive_status, order_problem, waiting_level
from .writer import write_atomic

REGISTRATIONS = "data/registrations"
PROPOSALS = "data/proposals"


@dataclass
class LoadedRecords:
    """What the build needs of the intake records: counts per union and status. The records
    themselves are kept only when asked for (50,000 of them are a lot to hold)."""

    counted: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    waiting: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Union id → level (unit, district, city) → pending records waiting for its opinion."""
    report: Report = field(default_factory=Report)
    clean: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    """Files that validated without error: data path → (union, status, digest of the bytes,
    the level it waits at or "")."""
    registrations: list[Registration] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    """Record id → status and city approval date, of every registration read (not those the
    cache counted: `needed` names the ones activities refer to, read again for this)."""

    def counts(self) -> dict[str, dict[str, int]]:
        """Union id → status → number of registrations."""
        return {union: dict(c) for union, c in self.counted.items()}

    def waiting_counts(self) -> dict[str, dict[str, int]]:
        """Union id → level → number of pending registrations waiting for that opinion."""
        return {union: dict(c) for union, c in self.waiting.items() if c}


def registration_files(root: Path) -> Iterator[Path]:
    yield from sorted((root / REGISTRATIONS).glob("*/*.yml"), key=lambda p: p.parts)


def _read(file: Path, root: Path, report: Report) -> Document | None:
    try:
        return loader.read(file, root)
    except DataErrors as exc:
        report.errors.extend(exc.errors)
        return None


def _read_text(file: Path, root: Path, report: Report) -> tuple[str, str, bytes] | None:
    """The path in messages, the text and the bytes of a registration file (None, reported, if
    it cannot be read)."""
    try:
        return loader.read_text(file, root)
    except DataErrors as exc:
        report.errors.extend(exc.errors)
        return None


def _validate(cls: type[Registration] | type[Proposal], doc: Document, report: Report):  # type: ignore[no-untyped-def]
    if not isinstance(doc.data, dict):
        report.error(doc.path, 1, "", "应为键值映射（字段: 值）")
        return None
    try:
        return cls.model_validate(doc.data)
    except ValidationError as exc:
        report.errors.extend(from_validation_error(doc, exc))
        return None


def load_records(
    root: Path,
    unions: set[str],
    categories: set[str],
    report: Report,
    keep: bool = False,
    cache_dir: Path | None = None,
    needed: frozenset[str] = frozenset(),
) -> LoadedRecords:
    """Every registration and proposal, checked: file name = id, folder = union, references
    known, opinions in the form's order, status as the opinions say.

    With `cache_dir` (the site build), a registration file that validated before, unchanged
    (same size and modification time) under the same code and the same unions and categories,
    is counted from the cache instead of read again; `volunteers check` always reads them all."""
    files = list(registration_files(root))
    cache = _Cache(cache_dir, unions, categories) if cache_dir is not None and not keep else None
    known: list[tuple[str, str, str]] = []
    if cache is not None:
        files, known = cache.split(root, files, needed)
    # One process: a second one (as before) cost ~1 CPU s of start-up and pickling for 50,000
    # files, a tenth of the whole, and gave back time only when a core was free.
    records = _load_registrations(root, files, unions, categories, keep, cache is not None)
    report.extend(records.report)
    for union, status, level in known:
        records.counted[union][status] += 1
        if level:
            records.waiting[union][level] += 1
    if cache is not None:
        cache.save(root, records.clean)
    for file in sorted((root / PROPOSALS).glob("*.yml")):
        doc = _read(file, root, report)
        proposal = _validate(Proposal, doc, report) if doc else None
        if proposal is None or doc is None:
            continue
        _check_common(doc, proposal.id, file, report)
        if proposal.union is not None and proposal.union not in unions:
            report.error(doc.path, doc.line(("union",)), "union", f"未知的工会 “{proposal.union}”")
        if proposal.category not in categories:
            report.error(
                doc.path,
                doc.line(("category",)),
                "category",
                f"未知的服务类别 “{proposal.category}”",
            )
        if keep:
            records.proposals.append(proposal)
    return records


def _load_registrations(
    root: Path,
    files: list[Path],
    unions: set[str],
    categories: set[str],
    keep: bool,
    digests: bool = False,
) -> LoadedRecords:
    # Imported here: compiling its expression takes 0.3 s, which a process that reads no
    # registration (a warm build, the page renderer's second process) does not pay.
    from .fastrecord import read_registration

    records = LoadedRecords()
    report = records.report
    for file in files:
        errors = len(report.errors)
        read = _read_text(file, root, report)
        if read is None:
            continue
        path, text, raw = read
        record = read_registration(text)
        if record is None or not _passes(record, file, unions, categories):
            try:
                doc = loader.parse(text, path)
            except DataErrors as exc:
                report.errors.extend(exc.errors)
                continue
            record = _validate(Registration, doc, report)
            if record is None:
                continue
            _check_registration(doc, record, file, unions, categories, report)
        records.counted[record.union][record.status.value] += 1
        level = waiting_level(record)
        if level is not None:
            records.waiting[record.union][level.value] += 1
        records.people[record.id] = _person(record)
        if len(report.errors) == errors:
            digest = _digest_of(raw) if digests else ""  # for the cache, after a fresh checkout
            waits = level.value if level is not None else ""
            records.clean[path] = (record.union, record.status.value, digest, waits)
        if keep:
            records.registrations.append(record)
    return records


def _person(record: Registration) -> Person:
    if record.status != RecordStatus.approved:
        return Person(record.union, record.status.value, None)
    city = next((o.date for o in record.opinions if o.level == OpinionLevel.city), None)
    return Person(record.union, "approved", city)


def _passes(record: Registration, file: Path, unions: set[str], categories: set[str]) -> bool:
    """Whether _check_registration finds nothing wrong (then the file need not be parsed again
    for the lines its messages would name). The name is taken apart as a string: pathlib's
    stem and parent cost more than the rest of the check."""
    folder, _, name = str(file).rpartition("/")
    return (
        name[-4:] == ".yml"
        and record.id == name[:-4]
        and record.union == folder.rpartition("/")[2]
        and record.union in unions
        and categories.issuperset(record.categories)
        and order_problem(record.opinions) is None
        and (
            record.status == RecordStatus.withdrawn
            or record.status == derive_status(record.opinions)
        )
    )


def _check_registration(
    doc: Document,
    record: Registration,
    file: Path,
    unions: set[str],
    categories: set[str],
    report: Report,
) -> None:
    _check_common(doc, record.id, file, report)
    if record.union != file.parent.name:
        report.error(
            doc.path,
            doc.line(("union",)),
            "union",
            f"工会 “{record.union}” 与所在文件夹 “{file.parent.name}” 不一致",
        )
    if record.union not in unions:
        report.error(doc.path, doc.line(("union",)), "union", f"未知的工会 “{record.union}”")
    for i, category in enumerate(record.categories):
        if category not in categories:
            loc = ("categories", i)
            report.error(
                doc.path, doc.line(loc), field_path(doc, loc), f"未知的服务类别 “{category}”"
            )
    problem = order_problem(record.opinions)
    if problem:
        report.error(doc.path, doc.line(("opinions",)), "opinions", problem)
    elif record.status != RecordStatus.withdrawn and record.status != derive_status(
        record.opinions
    ):
        expected = derive_status(record.opinions)
        report.error(
            doc.path,
            doc.line(("status",)),
            "status",
            f"状态应为 {expected.value}（{expected.label}，由各级意见得出），实际为 {record.status.value}",
        )


def _check_common(doc: Document, record_id: str, file: Path, report: Report) -> None:
    if record_id != file.stem:
        report.error(
            doc.path, doc.line(("id",)), "id", f"标识 “{record_id}” 应与文件名 “{file.stem}” 一致"
        )


VALIDATION_CODE = (
    "activities",
    "digitgroups",
    "errors",
    "faults",
    "fastrecord",
    "flatyaml",
    "identity",
    "loader",
    "messages",
    "models",
    "phones",
    "records",
    "registrations",
    "review",
    "safefile",
    "writer",
)
"""The modules that validating a registration runs (this one and what it imports;
writer, which only writes the cache, counted to be safe): a change to any of them makes the
cache stale; a change elsewhere (page templates) does not."""


def _digest(file: Path) -> str:
    return _digest_of(file.read_bytes())


def _digest_of(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


CACHE_FORMAT = 3
"""Bump when the cache file's layout changes. 1 was a pickle: never read again (see _Cache);
3 added the level a pending record waits at."""
_STATUSES = frozenset(s.value for s in RecordStatus)
_LEVELS = frozenset({"", *(level.value for level in OpinionLevel)})
CACHE_MAX_BYTES = 256 * 1024 * 1024
"""Far above the 6.5 MB that 50,000 registrations take; a larger file is not read."""


class _Cache:
    """Validated registration files, valid for one version of the code and one set of unions
    and categories. Only files that validated cleanly are kept. A file is known by its size and
    modification time; when the time differs (a fresh checkout, as in CI), by its bytes.

    The file is JSON, never a pickle: in CI, .cache/ comes back from a shared cache that another
    run may have written, so it is data to check, not code to run. An entry counts only if its
    size and time, or its size and digest, equal the file's own (so a wrong type never passes)
    and its status is a known one; the union is the folder's. A malformed file or entry only
    means reading those registrations again."""

    def __init__(self, cache_dir: Path, unions: set[str], categories: set[str]) -> None:
        self.file = cache_dir / "registrations.json"
        self.legacy = cache_dir / "registrations.pickle"
        here = Path(__file__).parent
        code = b"".join((here / f"{name}.py").read_bytes() for name in VALIDATION_CODE)
        refs = "|".join(sorted(unions)) + "#" + "|".join(sorted(categories))
        self.key = hashlib.sha256(code + refs.encode()).hexdigest()
        self.unions = unions
        self.kept: dict[str, list[object]] = {}
        """Path → [size, modification time (ns), status, digest, level waited at], as written."""
        self.stats: dict[str, tuple[int, int]] = {}

    def _load(self) -> dict[str, Any]:
        """Path → entry as the file says, unchecked (`split` checks those it uses)."""
        try:
            if not S_ISREG((stat := self.file.stat()).st_mode) or stat.st_size > CACHE_MAX_BYTES:
                return {}  # a FIFO or /dev/zero would hang the build or exhaust its memory
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("format") != CACHE_FORMAT
            or data.get("key") != self.key
            or not isinstance(data.get("files"), dict)
        ):
            return {}
        return data["files"]

    def split(
        self, root: Path, files: list[Path], needed: frozenset[str] = frozenset()
    ) -> tuple[list[Path], list[tuple[str, str, str]]]:
        """Files to read again (with those whose id is `needed`), and (union, status, level
        waited at) of those the cache vouches for."""
        entries = self._load()
        base = len(str(root).rstrip("/")) + 1
        folder = len(REGISTRATIONS) + 1  # REGISTRATIONS/<union>/<id>.yml
        todo, known = [], []
        for file in files:
            try:
                stat = file.stat()
            except OSError:  # a dangling link: read, and refused there with its reason
                todo.append(file)
                continue
            rel = str(file)[base:]
            self.stats[rel] = now = (stat.st_size, stat.st_mtime_ns)
            try:
                entry = entries[rel]
                size, mtime, status, digest, level = entry
                union = rel[folder : rel.index("/", folder)]
                usable = status in _STATUSES and level in _LEVELS and union in self.unions
            except (KeyError, TypeError, ValueError):  # absent, or not a list of five
                usable = False
            if usable and (size != now[0] or mtime != now[1]):
                usable = size == now[0] and digest == _digest(file)
                entry = [*now, status, digest, level]
            if usable and needed and file.stem in needed:
                usable = False
            if usable:
                self.kept[rel] = entry
                known.append((union, status, level))
            else:
                todo.append(file)
        return todo, known

    def save(self, root: Path, clean: dict[str, tuple[str, str, str, str]]) -> None:
        entries = dict(self.kept)
        for rel, (_union, status, digest, level) in clean.items():
            if rel in self.stats:
                entries[rel] = [*self.stats[rel], status, digest, level]
        data = {"format": CACHE_FORMAT, "key": self.key, "files": entries}
        write_atomic(self.file, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        self.legacy.unlink(missing_ok=True)  # the old pickled cache, restored from CI: never read
