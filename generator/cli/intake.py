"""`volunteers intake`: import online sign-ups or project proposals as records for review."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from generator.core.identity import redact
from intake import report
from intake.errors import IntakeError
from intake.pipeline import DUPLICATE, EXISTING, REJECTED, WRITTEN, Progress, RunResult
from intake.profiles import SOURCES
from intake.session import WriteBackFailed, intake_run

from .errors import Failed
from .options import source_options

SHOWN_ROWS = 20
"""Rejected rows listed on the terminal; the --report file lists every one."""


@contextmanager
def _bar(total: int | None) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing at all otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:
        task = bar.add_task("读取", total=total)

        def update(result: RunResult) -> None:
            bar.update(
                task,
                completed=result.rows,
                description=f"已读 {result.rows} 行：{result.summary(WRITTEN, REJECTED)}",
            )

        yield update


@click.command("intake")
@click.argument("kind", type=click.Choice(["registrations", "proposals"]))
@source_options
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把审核摘要（Markdown，列出每一条有误的行）写入此文件；不能是数据文件或 data/、content/、"
    "site_templates/ 中的文件。",
)
@click.option(
    "--mark-imported", is_flag=True, help="在表格的“导入状态”列写回每行结果（一次批量请求）。"
)
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    default="auto",
    show_default=True,
    help="导出文件来自哪个问卷服务（auto：按表头自动识别；plain：只按列名）；--mapping 优先于它。"
    "与 --form 同用时（jinshuju、wjx）直接从该服务的接口拉取。",
)
@click.option(
    "--form",
    metavar="ID",
    help="从接口拉取：--source jinshuju 时为金数据表单 token（凭据 JINSHUJU_API_KEY、"
    "JINSHUJU_API_SECRET），--source wjx 时为问卷星问卷编号（凭据 WJX_APPID、WJX_APPKEY）。",
)
@click.option(
    "--branch",
    metavar="NAME",
    help="把新记录提交到此分支（不存在则从当前 HEAD 创建），工作区不变。",
)
def intake(
    kind: str,
    sheet: str | None,
    worksheet: str | None,
    file: Path | None,
    data_dir: Path,
    report_file: Path | None,
    mark_imported: bool,
    branch: str | None,
    mapping: Path | None,
    credentials: Path | None,
    source: str,
    form: str | None,
) -> None:
    """导入网上报名（registrations）或服务项目申报（proposals），写成待审核的 YAML 记录。"""
    try:
        result = intake_run(
            kind,
            sheet,
            worksheet,
            file,
            data_dir,
            report_file,
            mark_imported,
            branch,
            mapping,
            credentials,
            _bar,
            source,
            form,
        )
    except WriteBackFailed as exc:
        _summary(exc.result, report_file)
        raise Failed(str(exc), prefix="导入状态未回写：") from None
    except IntakeError as exc:
        raise Failed(str(exc), prefix="导入失败：") from None
    _summary(result, report_file)


def _summary(result: RunResult, report_file: Path | None) -> None:
    click.echo(
        f"{report.title(result)}：{result.summary(EXISTING, DUPLICATE, REJECTED)}"
        f"（共读取 {result.rows} 行）。"
    )
    if result.profile:
        click.echo(f"导出格式：{result.profile}")
    if report_file is not None:
        return  # the report lists every row
    for note in result.rejected[:SHOWN_ROWS]:
        who = f"（{redact(note.name)}）" if note.name else ""
        click.echo(f"有误：第 {note.row} 行{who}：{redact(note.text)}", err=True)
    if result.in_export:
        click.echo(
            f"其中 {len(result.in_export)} 行是表单选项或导出格式的问题（未知的选项文字等），"
            "请工作人员修改表单或列名对照，不必联系报名人",
            err=True,
        )
    rest = len(result.rejected) - SHOWN_ROWS
    if rest > 0:
        click.echo(
            f"……另有 {rest} 行有误未在此列出；加 --report 文件 重新运行可得全部有误的行"
            "（已导入的行不会重复导入）",
            err=True,
        )
