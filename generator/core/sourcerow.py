"""SourceRow: one row of an online sign-up form as the archive needs it (full numbers, in memory
only); intake reads it, the archive joins it with the approved records."""

from __future__ import annotations

from dataclasses import dataclass

from .identity import mask_id


@dataclass(frozen=True, repr=False)
class SourceRow:
    """One row of the form, as the archive needs it. It holds full numbers: it lives in memory
    only, and its repr shows the masked ID."""

    row: int
    """The sheet row (第 N 行)."""
    union: str | None
    """The union id the row names, None when unknown."""
    id_hash: str
    """keyed_hash(key, "id", number), as intake stores it."""
    id_number: str
    """The full 18-character number (a 15-digit one converted)."""
    record_id: str | None = None
    """The record id intake gives this row (time + keyed hash), when its time is readable."""
    phone: str | None = None
    """As printed: 11 digits for a mobile, 0411-82610421 for a landline; None when invalid."""
    phone_hash: str | None = None
    occupation: str = ""
    """身份 (在职职工、离退休、学生、社会人员…), when the source has such a column."""

    def __repr__(self) -> str:
        return f"SourceRow(row={self.row}, id={mask_id(self.id_number)})"
