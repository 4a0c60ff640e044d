"""`volunteers stats`: the progress table in the terminal (colour where the terminal has it)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from generator.core.progress import totals, union_progress
from generator.core.validate import SiteData

WAITING = "单位/区/市"
"""Of 待审核: how many wait for the unit's, the district's (or industry's), the city's opinion."""
NOTE = "单位/区/市：待审核的登记中，等待单位工会、区市县总工会或产业工会、市总工会意见的人数。"


def _levels(waiting: tuple[int, int, int]) -> str:
    return "/".join(str(n) for n in waiting)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 100 else ("yellow" if value >= 50 else "red")


def render_stats(site: SiteData, console: Console | None = None) -> None:
    # Piped into a file or a report, the table keeps its natural width (rich would otherwise cut
    # it to 80 columns and the union names to "中山区…"); a terminal narrower than the table
    # folds the cells instead of cutting them.
    console = console or Console(width=None if sys.stdout.isatty() else 200)
    rows = union_progress(site)
    table = Table(title=f"{site.campaign.doc_number} 志愿者登记进度", show_footer=True)
    total = totals(rows)
    table.add_column("工会", footer="合计", no_wrap=True, overflow="fold")
    table.add_column("名额", justify="right", footer=str(total.quota))
    table.add_column("已批准", justify="right", footer=str(total.approved))
    table.add_column("待审核", justify="right", footer=str(total.pending))
    table.add_column(WAITING, justify="right", footer=_levels(total.waiting))
    table.add_column("完成率", justify="right", footer=_pct(total.percent))
    table.add_column("结对覆盖率", justify="right", footer=_pct(total.coverage))
    table.add_column("人次", justify="right", footer=str(site.service_total.times))
    table.add_column("时长", justify="right", footer=site.service_total.hours_text)
    for r in rows:
        table.add_row(
            r.union.name,
            str(r.quota),
            str(r.approved),
            str(r.pending),
            _levels(r.waiting),
            f"[{_style(r.percent)}]{_pct(r.percent)}[/]",
            f"[{_style(r.coverage)}]{_pct(r.coverage)}[/]",
            str(site.service_of_union(r.union.id).times),
            site.service_of_union(r.union.id).hours_text,
        )
    console.print(table)
    console.print(NOTE, style="dim")
