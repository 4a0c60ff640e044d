"""The `volunteers` command: the only place that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import DataErrors
from .validate import load_site


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dalian-union-volunteers")
def main() -> None:
    """工会服务帮扶志愿者（大工办发[2012]18号）：数据校验、网站与表格生成、网上报名导入。"""


@main.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目根目录（含 data/）。",
)
def check(root: Path) -> None:
    """校验 data/ 下的全部数据文件；有错误时逐条列出并以状态 1 退出。"""
    try:
        site = load_site(root.resolve())
    except DataErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"共 {len(exc.errors)} 处错误。", err=True)
        sys.exit(1)
    for warning in site.warnings:
        click.echo(f"提示：{warning}", err=True)
    click.echo(
        f"数据校验通过：{len(site.unions)} 个工会，名额合计 {site.quotas.total}，"
        f"{len(site.projects)} 个服务项目，{len(site.recognitions)} 项表彰。"
    )

from intake.cli import intake  # noqa: E402

main.add_command(intake)
