"""The `volunteers` command group and its entry point `main`; each command group is a module,
imported only when its command runs (or when `--help` lists them all), so a command pays for its
own modules only: `publish` does not load gspread, nor `review-sheet` the intake."""

from __future__ import annotations

import importlib

import click

from .errors import Group

COMMANDS: dict[str, str] = {
    "check": "data:check",
    "scan": "data:scan",
    "generate": "data:generate",
    "stats": "data:stats",
    "new": "staff:new",
    "approve": "staff:approve",
    "reject": "staff:reject",
    "review": "review:review",
    "review-sheet": "review:review_sheet",
    "roster": "archive:roster",
    "certificate": "certificate:certificate",
    "hours": "service:hours",
    "activity": "service:activity",
    "intake": "intake:intake",
    "publish": "publish:publish",
}
"""Command name → `module:attribute` in generator.cli, in the order `--help` lists them."""


class LazyGroup(Group):
    """The command group that imports a command's module when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dalian-union-volunteers")
def main() -> None:
    """工会服务帮扶志愿者（大工办发[2012]18号）：数据校验、网站与表格生成、网上报名导入。"""
