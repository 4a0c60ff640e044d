"""How the `volunteers` command ends in error: click exceptions with a Chinese line, and the
command group whose commands end an operating-system error in one Chinese line."""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from generator.core.errors import DataErrors
from generator.core.faults import describe, reset

if TYPE_CHECKING:
    from generator.core.validate import SiteData


class Failed(click.ClickException):
    """A command's failure: one Chinese line on stderr (`错误：…` unless told), status 1."""

    def __init__(self, message: str, prefix: str = "错误：") -> None:
        super().__init__(message)
        self.prefix = prefix

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"{self.prefix}{self.message}", err=True)


class DataFailed(click.ClickException):
    """The project's data failed validation: every error on its own line, then `total`."""

    def __init__(self, errors: Sequence[object], total: str | None = None) -> None:
        super().__init__(f"共 {len(errors)} 处错误。")
        self.errors = errors
        self.total = total

    def show(self, file: IO[Any] | None = None) -> None:
        for error in self.errors:
            click.echo(str(error), err=True)
        if self.total is not None:
            click.echo(self.total, err=True)


class Group(click.Group):
    """The command group whose commands never end an OSError in a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        reset()
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (| head): click ends quietly
                raise
            raise Failed(describe(exc)) from None


def loaded(root: Path) -> SiteData:
    """The project's data, or the command ends listing its errors (fix them first)."""
    from generator.core.validate import load_site  # 0.5 s of imports: only where data is read

    try:
        return load_site(root.resolve())
    except DataErrors as exc:
        raise DataFailed(
            exc.errors, f"共 {len(exc.errors)} 处错误。请先修正数据（volunteers check）。"
        ) from None
