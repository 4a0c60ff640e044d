"""The one exception intake raises for a fatal problem: a Chinese line for staff, nothing written."""

from __future__ import annotations

from generator.core.identity import redact


class IntakeError(Exception):
    """A fatal problem (no key, unreadable source, API failure, lock held); the run writes nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class SheetsFailure(IntakeError):
    """The Sheets API did not answer usably within the retries; the caller says what that left."""
