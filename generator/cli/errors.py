"""The command group whose commands end an operating-system error in one Chinese line."""

from __future__ import annotations

import errno
import sys
from typing import Any

import click

from generator.core.faults import describe, reset


class Group(click.Group):
    """The command group whose commands never end an OSError in a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        reset()
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (| head): nothing to say
                sys.exit(1)
            click.echo(f"错误：{describe(exc)}", err=True)
            sys.exit(1)
