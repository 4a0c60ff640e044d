"""Options shared by several `volunteers` commands, each declared once as a decorator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目根目录（含 data/）。",
)
"""The project folder (holding data/)."""


def date_option(help: str) -> Callable[[F], F]:
    """`--date YYYY-MM-DD`, passed as `on` (None: today, see `day`)."""
    return click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help=help)


def day(on: datetime | None) -> date:
    """The day a `date_option` names, today by default."""
    return on.date() if on is not None else date.today()


def out_option(help: str) -> Callable[[F], F]:
    """`--out DIR`, required: where a command writes its files."""
    return click.option(
        "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help=help
    )


def source_options(command: F) -> F:
    """The options naming where submissions are read (shared by intake and roster)."""
    options = [
        click.option(
            "--sheet", metavar="KEY", help="Google 表格的 KEY（网址中 /d/ 与 /edit 之间的部分）。"
        ),
        click.option("--worksheet", metavar="TITLE", help="工作表名称（默认第一个）。"),
        click.option(
            "--file",
            "file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="导出的 .csv（UTF-8、GB18030 或 UTF-16）、.txt（Excel 的 Unicode 文本）、.xlsx 或 .xls 文件。",
        ),
        click.option(
            "--data-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("data"),
            show_default=True,
            help="项目的 data 目录。",
        ),
        click.option(
            "--mapping",
            type=click.Path(dir_okay=False, path_type=Path),
            help="列名对照文件（YAML）。",
        ),
        click.option(
            "--credentials",
            type=click.Path(dir_okay=False, path_type=Path),
            help="服务账号 JSON（默认取 GOOGLE_APPLICATION_CREDENTIALS）；须放在仓库之外。",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command
