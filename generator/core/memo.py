"""What `mkdocs serve` keeps in memory between rebuilds: each data file's document and model
while the file is unchanged (same size, modification time and inode), and the registration
counts while their folders are unchanged (intake and the review commands write by rename, which
changes the folder)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import Document

Stamp = tuple[int, int, int]


def stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class Memo:
    docs: dict[str, tuple[Stamp, Document]] = field(default_factory=dict)
    models: dict[tuple[int, type], Any] = field(default_factory=dict)
    """(id of a kept document, model class) → its model."""
    records: tuple[object, Any] | None = None
    """(the key `records_key` gave, the loaded records)."""
    reads: int = 0
    """Files read (not taken from memory) by the last load: for tests and the bench."""

    def document(self, path: Path) -> tuple[Stamp | None, Document | None]:
        now = stamp(path)
        kept = self.docs.get(str(path))
        if now is not None and kept is not None and kept[0] == now:
            return now, kept[1]
        self.reads += 1
        return now, None

    def keep(self, path: Path, now: Stamp | None, doc: Document) -> None:
        old = self.docs.get(str(path))
        if old is not None:
            self.models = {k: v for k, v in self.models.items() if k[0] != id(old[1])}
        if now is not None:
            self.docs[str(path)] = (now, doc)


def records_key(root: Path, unions: set[str], categories: set[str]) -> object:
    """What the registration counts depend on, cheaply: the known ids and each records folder's
    stamp (a file added, removed or replaced by rename changes its folder)."""
    folders = [root / "data" / "registrations", root / "data" / "proposals"]
    if folders[0].is_dir():
        folders += sorted(p for p in folders[0].iterdir() if p.is_dir())
    return (frozenset(unions), frozenset(categories), tuple((str(p), stamp(p)) for p in folders))
