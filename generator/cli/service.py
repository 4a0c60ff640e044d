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


@click.group()
def activity() -> None:
    """志愿服务活动记录。"""


@activity.command("import")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--union", "union_id", metavar="ID", help="表中没有“组织工会”一列时，活动所属的工会。"
)
@click.option(
    "--project", "project_id", metavar="ID", help="表中没有“服务项目”一列时，所属服务项目。"
)
@click.option(
    "--mapping", type=click.Path(dir_okay=False, path_type=Path), help="列名对照文件（YAML）。"
)
@root_option
def import_(
    path: Path,
    union_id: str | None,
    project_id: str | None,
    mapping: Path | None,
    root: Path,
) -> None:
    """把签到表（.xlsx 或 .csv）导入为服务活动文件 data/activities/<标识>.yml。

    \b
    - 每位参加者一行：服务内容、日期、地点、登记编号（或姓名）、时长；可有组织工会、服务项目两列。
      活动信息留空的单元格沿用上一行（合并单元格），一个工作表可以是一次活动，也可以是多次。
    - 表头按列名识别（与网上报名导入相同）；有误的行按“第 N 行”列出，其余照常导入。
    - 已导入过的活动（服务内容、日期、地点、工会相同）跳过，不会重复记录。
    """
    from generator.core.errors import Report
    from generator.core.identity import redact
    from generator.core.registrations import load_records
    from generator.core.writer import write_atomic
    from intake.attendance import Context, activity_text, read
    from intake.columns import Mapping
    from intake.errors import IntakeError

    root = root.resolve()
    site = loaded(root)
    if union_id is not None and union_id not in site.unions:
        raise Failed(f"未知的工会 “{union_id}”（可选：{'、'.join(site.unions)}）")
    if project_id is not None and project_id not in {p.id for p in site.projects}:
        raise Failed(f"未知的服务项目 “{project_id}”")
    records = load_records(root, set(site.unions), set(site.categories), Report(), keep=True)
    ctx = Context(
        unions=site.unions,
        projects={p.id for p in site.projects},
        people=records.people,
        registrations=records.registrations,
        existing=site.activities,
        today=site.today,
        default_union=union_id,
        default_project=project_id,
    )
    try:
        result = read(path, ctx, Mapping.load(mapping))
    except IntakeError as exc:
        raise Failed(str(exc), prefix="导入失败：") from None
    folder = root / "data" / "activities"
    for activity_id, data in result.activities.items():
        write_atomic(folder / f"{activity_id}.yml", activity_text(data, path.name))
    people = sum(len(d["participants"]) for d in result.activities.values())  # type: ignore[arg-type,misc]
    click.echo(
        f"已导入 {len(result.activities)} 次活动、{people} 人次；"
        f"有误 {len(result.problems)} 行；已导入过而跳过 {len(result.skipped)} 次活动。"
    )
    for activity_id in result.activities:
        click.echo(f"  data/activities/{activity_id}.yml")
    for problem in result.problems:
        click.echo(redact(f"有误：{problem}"), err=True)
    for skipped in result.skipped:
        click.echo(f"跳过：{skipped}", err=True)
