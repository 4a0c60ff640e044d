"""Where a command may write its output: never over the project's sources or a data file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SOURCES = ("data", "content", "site_templates")
"""The hand-kept folders of a project: what a stray --out or --report must never overwrite."""
DATA_SUFFIXES = frozenset({".yml", ".yaml", ".csv", ".xlsx", ".xlsm", ".json", ".j2"})
NOTHING = "本次未写入任何文件"


def _project_data(target: Path) -> Path | None:
    """The nearest enclosing data/ folder of any project (one holding campaign.yml), or None."""
    for folder in target.parents:
        if folder.name == "data" and (folder / "campaign.yml").is_file():
            return folder
    return None


def refusal(
    option: str,
    out: Path,
    root: Path,
    *,
    directory: bool,
    inputs: Iterable[Path | None] = (),
) -> str | None:
    """Why `out` (a file, or a directory when `directory`) may not be written, or None.

    Refused: anything inside the project's data/, content/ or site_templates/ (or, for a
    directory, one that contains them), any project's data/ folder, a file this run reads,
    and an existing data file (YAML, CSV, XLSX, JSON, template) wherever it is."""
    target = out.expanduser().resolve()
    root = root.expanduser().resolve()
    shown = f"{option} {out}"
    for name in SOURCES:
        folder = root / name
        if target.is_relative_to(folder):
            return f"{shown} 在项目的 {name}/ 之内，会覆盖手工维护的文件；请写到别处。{NOTHING}"
        if directory and folder.is_relative_to(target):
            return f"{shown} 包含项目的 {name}/，会覆盖手工维护的文件；请写到别处。{NOTHING}"
    data = _project_data(target) if target != root else None
    if data is not None:
        return f"{shown} 在数据目录 {data} 之内；请写到别处。{NOTHING}"
    for source in inputs:
        if source is not None and source.expanduser().resolve() == target:
            return f"{shown} 正是本次读取的文件，不能覆盖；请另选输出文件。{NOTHING}"
    if directory:
        if target.exists() and not target.is_dir():
            return f"{shown} 已存在且不是目录；{NOTHING}"
        return None
    if target.is_dir():
        return f"{shown} 是一个目录，应为文件路径；{NOTHING}"
    if target.exists() and not target.is_file():
        return f"{shown} 不是普通文件（设备、管道等），不能写入；{NOTHING}"
    if target.exists() and target.suffix.lower() in DATA_SUFFIXES:
        return f"{shown} 是已有的数据文件，不能覆盖；请另选输出文件（如 report.md）。{NOTHING}"
    return None
