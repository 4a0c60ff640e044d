"""`volunteers intake`: the only place in intake that prints or exits."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click

from generator.core import faults, outputs
from generator.core.identity import redact
from generator.core.writer import write_atomic

from . import gitbranch, report, sources
from .columns import Mapping
from .errors import IntakeError
from .pipeline import DUPLICATE, EXISTING, REJECTED, WRITTEN, Progress, RunResult, run
from .store import Store

MIN_KEY_LENGTH = 16


def hmac_key() -> bytes:
    """INTAKE_HMAC_KEY from the environment; without it nothing can be de-duplicated safely."""
    key = os.environ.get("INTAKE_HMAC_KEY", "")
    if len(key) < MIN_KEY_LENGTH:
        raise IntakeError(
            f"未设置 INTAKE_HMAC_KEY（至少 {MIN_KEY_LENGTH} 个字符的密钥，放在环境变量中，不要写进仓库）："
            "没有它无法生成去重散列，本次未写入任何文件"
        )
    return key.encode()


@contextmanager
def _progress(enabled: bool, total: int | None) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing at all otherwise."""
    if not enabled:
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


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
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
            help="导出的 .csv（UTF-8 或 GB18030）或 .xlsx 文件。",
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
) -> None:
    """导入网上报名（registrations）或服务项目申报（proposals），写成待审核的 YAML 记录。"""
    try:
        result = _intake(
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
        )
    except WriteBackFailed as exc:
        _summary(exc.result, report_file)
        click.echo(f"导入状态未回写：{exc}", err=True)
        sys.exit(1)
    except IntakeError as exc:
        click.echo(f"导入失败：{exc}", err=True)
        sys.exit(1)
    _summary(result, report_file)


SHOWN_ROWS = 20
"""Rejected rows listed on the terminal; the --report file lists every one."""


def _summary(result: RunResult, report_file: Path | None) -> None:
    click.echo(
        f"{report.title(result)}：{result.summary(EXISTING, DUPLICATE, REJECTED)}"
        f"（共读取 {result.rows} 行）。"
    )
    if report_file is not None:
        return  # the report lists every row
    for note in result.rejected[:SHOWN_ROWS]:
        who = f"（{redact(note.name)}）" if note.name else ""
        click.echo(f"有误：第 {note.row} 行{who}：{redact(note.text)}", err=True)
    rest = len(result.rejected) - SHOWN_ROWS
    if rest > 0:
        click.echo(
            f"……另有 {rest} 行有误未在此列出；加 --report 文件 重新运行可得全部有误的行"
            "（已导入的行不会重复导入）",
            err=True,
        )


class WriteBackFailed(IntakeError):
    """The records (and report) are in place; only --mark-imported's write-back failed."""

    def __init__(self, message: str, result: RunResult) -> None:
        super().__init__(message)
        self.result = result


def _written(result: RunResult, branch: str | None, report_file: Path | None) -> str:
    """Exactly what this run wrote, for a message after a later step failed."""
    parts = []
    if result.written:
        where = f"提交到分支 {branch}" if branch else "写入 data/"
        parts.append(f"已{where} {len(result.written)} 条新记录")
    else:
        parts.append("没有新记录")
    if report_file is not None:
        parts.append(f"审核摘要已写入 {report_file}")
    return "，".join(parts)


def _intake(
    kind: str,
    sheet: str | None,
    worksheet: str | None,
    file: Path | None,
    data_dir: Path,
    report_file: Path | None,
    mark_imported: bool,
    branch: str | None,
    mapping_file: Path | None,
    credentials: Path | None,
) -> RunResult:
    key = hmac_key()
    if report_file is not None:
        refused = outputs.refusal(
            "--report",
            report_file,
            data_dir.resolve().parent,
            directory=False,
            inputs=[file, mapping_file, credentials],
        )
        if refused:
            raise IntakeError(refused)
    if (sheet is None) == (file is None):
        raise IntakeError("请指定 --sheet KEY 或 --file PATH 之一")
    if mark_imported and sheet is None:
        raise IntakeError("--mark-imported 只能与 --sheet 一起使用")
    if credentials is not None and credentials.resolve().is_relative_to(data_dir.resolve().parent):
        raise IntakeError("凭据文件不能放在项目目录中（以免提交进仓库）；请放到仓库之外")
    mapping = Mapping.load(mapping_file)
    if sheet is not None:
        table = sources.open_sheet(sheet, worksheet, credentials, mapping.status_column)
    else:
        assert file is not None
        table = sources.open_file(file, worksheet)
    with _progress(sys.stderr.isatty(), table.total) as progress:
        if branch is None:
            result = run(
                kind, table, data_dir, key, mapping, keep_statuses=mark_imported, progress=progress
            )
        else:
            locked = data_dir.is_dir()
            with (
                Store(data_dir) if locked else nullcontext(),
                gitbranch.review_worktree(data_dir, branch, locked=locked) as tree,
            ):
                result = run(
                    kind,
                    table,
                    tree.data_dir(data_dir),
                    key,
                    mapping,
                    keep_statuses=mark_imported,
                    progress=progress,
                )
                if result.written:
                    rel = tree.data_dir(data_dir).relative_to(tree.path)
                    gitbranch.commit(
                        tree, [rel / p for p in result.written], report.commit_message(result)
                    )
                    faults.note_committed(
                        tree.path, f"已把 {len(result.written)} 条新记录提交到分支 {branch}"
                    )
    if report_file is not None:
        write_atomic(report_file, report.render(result))
    if mark_imported and table.sheet is not None:
        try:
            sources.write_status(
                table.sheet, result.status_column, mapping.status_column, result.statuses
            )
        except IntakeError as exc:
            raise WriteBackFailed(
                f"{exc}。{_written(result, branch, report_file)}；表格的导入状态列未更新，"
                "请稍后带 --mark-imported 重新运行（已导入的行不会重复导入）",
                result,
            ) from None
    return result
