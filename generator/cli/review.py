"""`volunteers review` (one record, several, or all waiting at a level) and `volunteers
review-sheet export|import` (the spreadsheet round trip with the clerks)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import click

from generator.core import outputs
from generator.core.records import OpinionLevel
from generator.core.review import ReviewError
from generator.core.worker import WorkerError
from generator.staff.actions import StaffError

from .errors import Failed
from .options import date_option, day, root_option

LEVEL_HELP = "unit 单位工会 / district 区市县总工会、产业工会 / city 市总工会。"
LISTED = 20
"""Records named one by one in a summary; past this, only counts per union."""


def level_option(command):  # type: ignore[no-untyped-def]
    return click.option(
        "--level", type=click.Choice([lv.value for lv in OpinionLevel]), required=True,
        help=LEVEL_HELP,
    )(command)  # fmt: skip


class Problems(click.ClickException):
    """Every refused record or row on its own line, then what happened (nothing)."""

    def __init__(self, problems: list[str], total: str) -> None:
        super().__init__(total)
        self.problems, self.total = problems, total

    def show(self, file: object = None) -> None:
        for line in self.problems:
            click.echo(line, err=True)
        click.echo(self.total, err=True)


@click.command()
@click.argument("record_ids", metavar="RECORD_ID...", nargs=-1)
@click.option("--union", default=None, help="与 --pending 同用：只签该工会的登记。")
@click.option("--pending", is_flag=True, help="签署所有在该级等待审核的登记（代替列出编号）。")
@level_option
@click.option("--opinion", type=click.Choice(["同意", "不同意"]), required=True)
@click.option("--office", required=True, help="签署意见的工会或部门。")
@date_option("签署日期（默认今天）。")
@click.option("--note", default=None, help="备注。")
@click.option("--dry-run", is_flag=True, help="只列出将要签署的登记，不写入。")
@root_option
def review(
    record_ids: tuple[str, ...],
    union: str | None,
    pending: bool,
    level: str,
    opinion: str,
    office: str,
    on: datetime | None,
    note: str | None,
    dry_run: bool,
    root: Path,
) -> None:
    """在登记上签署某一级工会意见（单位工会 → 区市县总工会、产业工会 → 市总工会）。

    \b
    可列出一个或多个登记编号，或用 --pending（可加 --union 工会标识）选出在该级等待审核的
    全部登记。先列出将要签署的内容；任何一份不能签署时，全部不写入（退出码 1）。
    """
    from generator.staff.batch import review_many

    if union and not pending:
        raise Failed("--union 须与 --pending 同用（签署该工会在该级等待审核的全部登记）")
    if pending and record_ids:
        raise Failed("请只用一种方式选出登记：列出登记编号，或用 --pending")
    if not pending and not record_ids:
        raise Failed("请列出登记编号，或用 --pending 选出在该级等待审核的登记")
    chosen = OpinionLevel(level)
    try:
        changes, problems = review_many(
            root.resolve(), list(record_ids), chosen, opinion, office, day(on), note,
            pending=pending, union=union, dry_run=dry_run,
        )  # fmt: skip
    except (StaffError, ReviewError, WorkerError) as exc:
        raise Failed(str(exc)) from None
    if problems:
        if len(record_ids) == 1:
            raise Failed(problems[0])
        raise Problems(problems, f"共 {len(problems)} 份登记不能签署；本次未写入任何文件。")
    if not changes:
        click.echo(f"没有在{chosen.label}一级等待审核的登记，未写入任何文件。")
        return
    if len(changes) == 1 and not pending and not dry_run:
        record = changes[0].record
        click.echo(
            f"{record.id}：已记录{record.opinions[-1].level.label}（{opinion}），"
            f"当前状态：{record.status.label}。"
        )
        return
    click.echo(f"{chosen.label}（{opinion}，{office}，{day(on)}），共 {len(changes)} 份登记：")
    if len(changes) <= LISTED:
        for change in changes:
            click.echo(f"  {change.record.id}  {change.record.union}")
    for union_id, count in sorted(Counter(c.record.union for c in changes).items()):
        click.echo(f"  {union_id}：{count} 份")
    if dry_run:
        click.echo("（--dry-run：未写入任何文件）")
    else:
        click.echo(f"已写入 {len(changes)} 份登记。")


@click.group("review-sheet")
def review_sheet() -> None:
    """审核表：导出在某一级等待审核的登记，交各级工会在 Excel/WPS 中填写意见，再导入。"""


@review_sheet.command("export")
@level_option
@click.option("--union", default=None, help="只导出该工会的登记（工会标识，见 data/unions.yml）。")
@click.option("--unit", default=None, help="只导出工作单位含此名称的登记（单位工会用）。")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="输出的 .xlsx 文件（不能覆盖已有文件）。",
)  # fmt: skip
@root_option
def export(level: str, union: str | None, unit: str | None, out: Path, root: Path) -> None:
    """导出审核表：每行一份在该级等待审核的登记，只读列已锁定，填写“意见”等四列。"""
    from generator.core.writer import write_atomic
    from generator.staff.reviewsheet import export as build

    refused = outputs.refusal("--out", out, root, directory=False)
    if refused:
        raise Failed(refused)
    if out.suffix.lower() != ".xlsx":
        raise Failed(f"--out {out} 应以 .xlsx 结尾；本次未写入任何文件")
    try:
        data, rows = build(root.resolve(), OpinionLevel(level), union, unit, date.today())
    except (StaffError, WorkerError) as exc:
        raise Failed(str(exc)) from None
    write_atomic(out, data)
    click.echo(f"已导出 {out}：{OpinionLevel(level).label}，{rows} 份登记等待签署。")


@review_sheet.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查，不写入。")
@root_option
def import_(file: Path, dry_run: bool, root: Path) -> None:
    """导入填好的审核表：先逐行检查，全部无误才一次写入所有意见；有错则不写入并列出行号。"""
    from generator.staff.reviewsheet_import import import_sheet

    try:
        outcome = import_sheet(root.resolve(), file, date.today(), dry_run)
    except (StaffError, WorkerError) as exc:
        raise Failed(str(exc)) from None
    if outcome.problems:
        raise Problems(
            outcome.problems,
            f"共 {len(outcome.problems)} 行有误；本次未写入任何文件。请改正后重新导入。",
        )
    label = outcome.level.label
    verb = "将写入" if dry_run else "已写入"
    click.echo(f"{file.name}：{label}，{verb} {len(outcome.changes)} 份登记的意见。")
    for name, counts in sorted(outcome.per_union().items()):
        parts = "，".join(f"{k} {counts[k]} 份" for k in ("同意", "不同意") if counts[k])
        click.echo(f"  {name}：{parts}")
    click.echo(f"未填写意见的空行 {outcome.blank} 行，已跳过。")
    if outcome.again:
        click.echo(f"此前已导入、内容相同的 {outcome.again} 行，未改动。")
    if dry_run:
        click.echo("（--dry-run：未写入任何文件）")
