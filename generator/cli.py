"""The `volunteers` command: the only place that prints or exits."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .errors import DataErrors
from .review import ReviewError
from .staff import StaffError
from .validate import SiteData, load_site

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目根目录（含 data/）。",
)


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def _site(root: Path) -> SiteData:
    try:
        return load_site(root.resolve())
    except DataErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"共 {len(exc.errors)} 处错误。请先修正数据（volunteers check）。", err=True)
        sys.exit(1)


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


@main.command()
@click.argument("record_id")
@click.option(
    "--level",
    type=click.Choice(["unit", "district", "city"]),
    required=True,
    help="unit 单位工会 / district 区市县总工会、产业工会 / city 市总工会。",
)
@click.option("--opinion", type=click.Choice(["同意", "不同意"]), required=True)
@click.option("--office", required=True, help="签署意见的工会或部门。")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="签署日期（默认今天）。"
)
@click.option("--note", default=None, help="备注。")
@ROOT_OPTION
def review(
    record_id: str, level: str, opinion: str, office: str, on: object, note: str | None, root: Path
) -> None:
    """在一份登记上签署某一级工会意见（单位工会 → 区市县总工会、产业工会 → 市总工会）。"""
    from .staff import review as do_review

    day = on.date() if on is not None else date.today()  # type: ignore[attr-defined]
    try:
        record = do_review(root.resolve(), record_id, level, opinion, office, day, note)
    except (StaffError, ReviewError) as exc:
        _fail(str(exc))
    click.echo(
        f"{record_id}：已记录{record.opinions[-1].level.label}（{opinion}），当前状态：{record.status.label}。"
    )


@main.command()
@click.argument("proposal_id")
@click.option("--id", "project_id", default=None, help="新项目的标识（默认由申报编号生成）。")
@click.option("--by", default="大连市总工会生活保障部", show_default=True, help="审核单位。")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="审核日期（默认今天）。"
)
@ROOT_OPTION
def approve(proposal_id: str, project_id: str | None, by: str, on: object, root: Path) -> None:
    """批准一项服务项目申报，发布为服务项目（申报记录保留）。"""
    from .staff import approve as do_approve

    _site(root)
    day = on.date() if on is not None else date.today()  # type: ignore[attr-defined]
    try:
        project, path = do_approve(root.resolve(), proposal_id, project_id, by, day)
    except StaffError as exc:
        _fail(str(exc))
    click.echo(
        f"已发布服务项目 {project.id}：{project.title}（{path.relative_to(root.resolve())}）"
    )


@main.command()
@click.argument("proposal_id")
@ROOT_OPTION
def reject(proposal_id: str, root: Path) -> None:
    """不同意一项服务项目申报（不会公开）。"""
    from .staff import reject as do_reject

    try:
        do_reject(root.resolve(), proposal_id)
    except StaffError as exc:
        _fail(str(exc))
    click.echo(f"项目申报 {proposal_id} 已标记为未通过。")


@main.command()
@click.argument("kind", type=click.Choice(["project", "recognition"]))
@click.option(
    "--id", "record_id", default=None, help="标识（小写英文字母、数字和连字符），默认自动生成。"
)
@ROOT_OPTION
def new(kind: str, record_id: str | None, root: Path) -> None:
    """新建一个服务项目或表彰的 YAML 模板（带注释），填写后运行 volunteers check。"""
    from .staff import new_record

    try:
        path = new_record(root.resolve(), kind, record_id, date.today())
    except StaffError as exc:
        _fail(str(exc))
    click.echo(str(path.relative_to(root.resolve())))


@main.command()
@ROOT_OPTION
def stats(root: Path) -> None:
    """各工会名额、已批准、待审核、完成率和“一助一”结对覆盖率。"""
    from .stats import render_stats

    render_stats(_site(root))
