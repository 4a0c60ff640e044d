"""One intake run from the options of `volunteers intake` (no printing; the CLI says the result),
and what `intake` and `roster` share: the HMAC key, the choice of source, opening it."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from generator.core import faults, outputs
from generator.core.writer import write_atomic

from . import gitbranch, profiles, report, sources
from .columns import Mapping
from .errors import IntakeError
from .pipeline import Progress, RunResult, run
from .store import Store

MIN_KEY_LENGTH = 16

ProgressFactory = Callable[[int | None], AbstractContextManager[Progress | None]]
"""Given the number of rows (None: unknown), a context giving the progress callback, if any."""


def hmac_key() -> bytes:
    """INTAKE_HMAC_KEY from the environment; without it nothing can be de-duplicated safely."""
    key = os.environ.get("INTAKE_HMAC_KEY", "")
    if len(key) < MIN_KEY_LENGTH:
        raise IntakeError(
            f"未设置 INTAKE_HMAC_KEY（至少 {MIN_KEY_LENGTH} 个字符的密钥，放在环境变量中，不要写进仓库）："
            "没有它无法生成去重散列，本次未写入任何文件"
        )
    return key.encode()


PULLS = {"jinshuju": "金数据表单的 token", "wjx": "问卷星问卷编号"}
"""The sources pulled from an API with --form, and what --form names for each."""


def check_source(
    sheet: str | None, file: Path | None, form: str | None = None, source: str = "auto"
) -> None:
    """Exactly one of --sheet, --file and --form; --form only with a source that has a pull."""
    if form is not None:
        if source not in PULLS:
            raise IntakeError("--form 只能与 --source jinshuju 或 --source wjx 一起使用")
        if sheet is not None or file is not None:
            raise IntakeError("--form 不能与 --sheet 或 --file 同时使用：请只指定一个来源")
        if not form.strip():
            raise IntakeError(f"--form 是空的：请填写{PULLS[source]}")
        return
    if sheet is None and file is None and source in PULLS:
        raise IntakeError(
            f"--source {source} 从接口拉取需要 --form（{PULLS[source]}）；"
            "导入下载的文件请用 --file PATH"
        )
    if (sheet is None) == (file is None):
        raise IntakeError("请指定 --sheet KEY 或 --file PATH 之一")


def check_credentials(credentials: Path | None, root: Path) -> None:
    """The service-account file must not sit in the project (it would be committed)."""
    if credentials is not None and credentials.resolve().is_relative_to(root):
        raise IntakeError("凭据文件不能放在项目目录中（以免提交进仓库）；请放到仓库之外")


def open_table(
    sheet: str | None,
    worksheet: str | None,
    file: Path | None,
    credentials: Path | None,
    mapping: Mapping,
    form: str | None = None,
    source: str = "auto",
) -> sources.Table:
    """The Google Sheet, the exported file or the API pull (--form) the options name."""
    if form is not None:
        if worksheet is not None:
            raise IntakeError("--worksheet 只用于 Google 表格和 Excel 文件，不能与 --form 同时使用")
        if source == "wjx":
            from .wjx import read_survey

            return read_survey(form.strip())
        from .jinshuju import read_form

        return read_form(form.strip())
    if sheet is not None:
        return sources.open_sheet(sheet, worksheet, credentials, mapping.status_column)
    assert file is not None
    return sources.open_file(file, worksheet)


def shaped(
    table: sources.Table, mapping: Mapping, source: str
) -> tuple[sources.Table, profiles.Detection]:
    """The table in the form's shape per its source profile, and which profile and why; a mapping
    file overrides every profile (its renames apply to the headers exactly as exported)."""
    if mapping.rename:
        plain = profiles.PROFILES["plain"]
        return table, profiles.Detection(plain, "按列名对照文件读取（不识别导出格式）")
    detection = profiles.detect(table.header, source)
    return profiles.apply(table, detection), detection


def settle(result: RunResult, detection: profiles.Detection) -> None:
    """The profile and its reason on the result; the service's metadata columns not listed as
    unused."""
    result.profile = detection.reason
    result.ignored_columns = profiles.questions_only(result.ignored_columns, detection)


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


def intake_run(
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
    progress_for: ProgressFactory,
    source: str = "auto",
    form: str | None = None,
) -> RunResult:
    """Read the source, write the new records (or commit them to `branch`), the report and the
    write-back; an IntakeError says what went wrong (WriteBackFailed: only the write-back)."""
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
    check_source(sheet, file, form, source)
    if mark_imported and sheet is None:
        raise IntakeError("--mark-imported 只能与 --sheet 一起使用")
    check_credentials(credentials, data_dir.resolve().parent)
    mapping = Mapping.load(mapping_file)
    table = open_table(sheet, worksheet, file, credentials, mapping, form, source)
    table, detection = shaped(table, mapping, source)
    with progress_for(table.total) as progress:
        if branch is None:
            result = run(
                kind, table, data_dir, key, mapping, keep_statuses=mark_imported, progress=progress
            )
            settle(result, detection)
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
                settle(result, detection)
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
