"""`volunteers hours` and `volunteers activity import`: service records in the terminal and from
attendance sheets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from .errors import Failed, loaded
from .options import root_option


def _day(value: datetime | None):  # type: ignore[no-untyped-def]
    return value.date() if value is not None else None


@click.command()
@click.option("--union", "union_id", metavar="ID", help="只看一个工会（工会标识）。")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="起始日期（含）。")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="截止日期（含）。")
@root_option
def hours(union_id: str | None, start: datetime | None, end: datetime | None, root: Path) -> None:
    """各工会志愿服务的活动次数、人次、人数和服务时长（只有合计，不列姓名）。"""
    from generator.staff.hours import render_hours

    site = loaded(root)
    if union_id is not None and union_id not in site.unions:
        raise Failed(f"未知的工会 “{union_id}”（可选：{'、'.join(site.unions)}）")
    if start is not None and end is not None and end < start:
        raise Failed(f"--to {end:%Y-%m-%d} 早于 --from {start:%Y-%m-%d}")
    render_hours(site, union_id, _day(start), _day(end))
