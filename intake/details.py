"""Form rows → each person's full numbers for the archive (`volunteers roster`), in memory only."""

from __future__ import annotations

from generator.core.identity import IdNumberError, keyed_hash, parse_resident_id
from generator.core.phones import PhoneError, parse_phone
from generator.core.sourcerow import SourceRow
from generator.core.validate import SiteData

from .columns import Mapping, match_header
from .normalize import clean, header_key, parse_timestamp
from .rows import Lookups, cleaned, record_id
from .sources import Table

OCCUPATION_HEADERS = ("身份", "人员身份", "身份类别")
"""Attachment 3's 身份 column (在职职工、离退休、学生、社会人员…): not on the online form, read
when a source has it."""


def _occupation_column(header: list[str], mapping: Mapping) -> int | None:
    wanted = {header_key(h) for h in OCCUPATION_HEADERS}
    for i, cell in enumerate(header):
        key = header_key(cell)
        if mapping.rename.get(key, key) in wanted:
            return i
    return None


def _phone(text: str, key: bytes) -> tuple[str | None, str | None]:
    """(printed form, keyed hash as intake computes it), or (None, None) when not a phone."""
    try:
        phone = parse_phone(text)
    except PhoneError:
        return None, None
    printed = phone.e164.removeprefix("+86") if phone.mobile else phone.display
    return printed, keyed_hash(key, "phone", phone.e164)


def source_rows(table: Table, site: SiteData, key: bytes, mapping: Mapping) -> list[SourceRow]:
    """Every row with a valid ID number, with what the archive prints from the source. Rows
    intake would reject are kept too: only the join with approved records decides."""
    layout = match_header(table.header, "registrations", mapping)
    occupation_at = _occupation_column(table.header, mapping)
    lookups = Lookups.build(site, key)
    out = []
    for number, cells in table.rows:
        values = cleaned({name: layout.value(cells, name) for name in layout.index})
        try:
            person = parse_resident_id(values.get("id_number", ""))
        except IdNumberError:
            continue
        stamp = parse_timestamp(values.get("submitted", ""))
        phone, phone_hash = _phone(values.get("phone", ""), key)
        occupation = ""
        if occupation_at is not None and occupation_at < len(cells):
            occupation = clean(cells[occupation_at])[:30]
        out.append(
            SourceRow(
                row=number,
                union=lookups.union(values.get("union", "")),
                id_hash=keyed_hash(key, "id", person.number),
                id_number=person.number,
                record_id=record_id(stamp, key, person.number) if stamp else None,
                phone=phone,
                phone_hash=phone_hash,
                occupation=occupation,
            )
        )
    return out
