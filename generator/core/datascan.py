"""The privacy scanner over the published data files: each personal number named by file, line
and field, for `volunteers check` (pure)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from itertools import compress, count, repeat
from operator import is_, not_
from typing import Any

from .errors import Report
from .identity import SHORTEST_NUMBER, find_personal_numbers, may_hold_personal_number
from .loader import Document, Loc
from .messages import field_path

LABELS = {"id": "疑似完整身份证号", "mobile": "疑似个人手机号"}


def scan_documents(
    docs: Iterable[Document], report: Report, known_ids: Collection[str] = ()
) -> None:
    """One error per field of `docs` holding a full ID number or a personal mobile, however it
    is written (an office landline passes); a field the schema already refused (a contact's
    mobile) is not reported twice. A value that is exactly one of `known_ids` (the ids of
    registrations that validated, themselves checked for numbers) is not scanned again: the
    200,000 participant ids of the activities would take seconds."""
    refused = {(e.path, e.field) for e in report.errors}
    for doc in docs:
        for loc, text in _strings(doc.data, (), known_ids):
            if len(text) < SHORTEST_NUMBER or not may_hold_personal_number(text):
                continue
            found = find_personal_numbers(text)
            if not found:
                continue
            field = field_path(doc, loc)
            if (doc.path, field) in refused:
                continue
            what = "、".join(f"{LABELS[f.kind]} {f.masked}" for f in found[:3])
            report.error(
                doc.path,
                doc.line(loc),
                field,
                f"含有{what}：公开的数据只能写办公电话，不得写完整的身份证号或个人手机号",
            )


def _strings(value: Any, loc: Loc, known: Collection[str]) -> Iterator[tuple[Loc, str]]:
    """Every text in `value` but those in `known`, with where it is (a list of texts, such as
    an activity's participants, is gone through without a generator for each item)."""
    if isinstance(value, str):
        if value not in known:
            yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key), known)
    elif isinstance(value, list):
        texts = list(map(is_, map(type, value), repeat(str)))
        if all(map(known.__contains__, compress(value, texts))):  # in C: ids, all known
            for i in compress(count(), map(not_, texts)):
                yield from _strings(value[i], (*loc, i), known)
            return
        for i, item in enumerate(value):
            if isinstance(item, str):
                if item not in known:
                    yield (*loc, i), item
            elif isinstance(item, (dict, list)):
                yield from _strings(item, (*loc, i), known)
