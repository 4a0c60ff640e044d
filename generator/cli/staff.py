"""`volunteers new`, `approve` and `reject`: staff work on projects (reviews: review.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from generator.staff.actions import StaffError

from .errors import Failed, loaded
from .options import date_option, day, root_option


@click.command()
@click.argument("proposal_id")
@click.option("--id", "project_id", default=None, help="新项目的标识（默认由申报编号生成）。")
@click.option("--by", default="大连市总工会生活保障部", show_default=True, help="审核单位。")
@date_option("审核日期（默认今天）。")
@root_option
def approve(
    proposal_id: str, project_id: str | None, by: str, on: datetime | None, root: Path
) -> None:
    """批准一项服务项目申报，发布为服务项目（申报记录保留）。"""
    from generator.staff.actions import approve as do_approve

    loaded(root)
    try:
        project, path = do_approve(root.resolve(), proposal_id, project_id, by, day(on))
    except StaffError as exc:
        raise Failed(str(exc)) from None
    click.echo(
        f"已发布服务项目 {project.id}：{project.title}（{path.relative_to(root.resolve())}）"
    )


@click.command()
@click.argument("proposal_id")
@root_option
def reject(proposal_id: str, root: Path) -> None:
    """不同意一项服务项目申报（不会公开）。"""
    from generator.staff.actions import reject as do_reject

    try:
        do_reject(root.resolve(), proposal_id)
    except StaffError as exc:
        raise Failed(str(exc)) from None
    click.echo(f"项目申报 {proposal_id} 已标记为未通过。")


@click.command()
@click.argument("kind", type=click.Choice(["project", "recognition", "activity"]))
@click.option(
    "--id", "record_id", default=None, help="标识（小写英文字母、数字和连字符），默认自动生成。"
)
@root_option
def new(kind: str, record_id: str | None, root: Path) -> None:
    """新建一个服务项目、表彰或服务活动的 YAML 模板（带注释），填写后运行 volunteers check。"""
    from generator.staff.actions import new_record

    try:
        path = new_record(root.resolve(), kind, record_id, date.today())
    except StaffError as exc:
        raise Failed(str(exc)) from None
    click.echo(str(path.relative_to(root.resolve())))
