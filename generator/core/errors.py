"""Data errors: where a problem is (file, line, field) and what it is, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in one data file. `path` is relative to the project root (POSIX)."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


class DataErrors(Exception):
    """Raised once, with every error found, when the data cannot be built."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.path, e.line or 0, e.field, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


@dataclass
class Report:
    """Collects errors and warnings across stages; nothing is raised until `raise_if_errors`."""

    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)

    def error(self, path: str, line: int | None, field: str, message: str) -> None:
        self.errors.append(DataError(path, line, field, message))

    def warn(self, path: str, line: int | None, field: str, message: str) -> None:
        self.warnings.append(DataError(path, line, field, message))

    def extend(self, other: Report) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)
