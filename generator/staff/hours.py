"""`volunteers hours`: service hours and person-times per union in the terminal (sums only)."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.table import Table

from generator.core.service import by_union, in_period, total
from generator.core.validate import SiteData


def period_label(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "全部"
    return f"{start or '最早'} 至 {end or '最近'}"


def render_hours(
    site: SiteData,
    union_id: str | None,
    start: date | None,
    end: date | None,
    console: Console | None = None,
) -> None:
    console = console or Console()
    chosen = [
        a for a in in_period(site.activities, start, end) if union_id is None or a.union == union_id
    ]
    sums = by_union(chosen)
    overall = total(chosen)
    table = Table(title=f"志愿服务时长（{period_label(start, end)}）", show_footer=union_id is None)
    table.add_column("工会", footer="合计")
    table.add_column("活动", justify="right", footer=str(overall.activities))
    table.add_column("人次", justify="right", footer=str(overall.times))
    table.add_column("人数", justify="right", footer=str(len(overall.people)))
    table.add_column("服务时长（小时）", justify="right", footer=overall.hours_text)
    unions = [union_id] if union_id is not None else list(site.unions)
    for uid in unions:
        s = sums.get(uid)
        if s is None and union_id is None:
            continue
        table.add_row(
            site.unions[uid].name,
            str(s.activities if s else 0),
            str(s.times if s else 0),
            str(len(s.people) if s else 0),
            s.hours_text if s else "0",
        )
    console.print(table)
