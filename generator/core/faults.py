"""Operating-system errors said in one Chinese line, and what a run had written before one."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "所在文件系统是只读的",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "操作不被允许（权限不足）",
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "已存在",
    errno.ELOOP: "符号链接层数过多",
    errno.EIO: "读写出错（磁盘或设备故障）",
    errno.EMFILE: "打开的文件过多",
    errno.ENFILE: "系统打开的文件过多",
    errno.ENOTEMPTY: "目录不为空",
    errno.EXDEV: "不能跨文件系统移动",
    errno.EBUSY: "文件或设备正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EFBIG: "文件过大",
    errno.ENOMEM: "内存不足",
}

written: list[Path] = []
"""Every file this process has put in place (atomic writes, intake records), for messages."""
_partial: list[Path] = []
"""Folders a command writes into file by file: after a fault some files may be there."""


def note_written(path: Path) -> None:
    if not any(path.resolve().is_relative_to(s) for s in _scratch):
        written.append(path)


@contextmanager
def naming(path: Path | str) -> Iterator[None]:
    """An OSError inside names `path` when the system did not say which file (a write on an
    open file: ENOSPC, EIO)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None or str(exc.filename).endswith(".tmp"):
            exc.filename = str(path)
        raise


committed: list[str] = []
"""What went somewhere other than a file in place (a commit on a review branch), said as is."""


def note_committed(under: Path, text: str) -> None:
    """Files written under `under` (a temporary checkout, about to go) now live in a commit."""
    written[:] = [p for p in written if not p.is_relative_to(under)]
    committed.append(text)


_scratch: list[Path] = []
"""Caches: what goes there is not output, and messages do not list it."""


def scratch(folder: Path) -> None:
    _scratch.append(folder.resolve())


@contextmanager
def partial(folder: Path) -> Iterator[None]:
    """Within: files go into `folder` one by one, so a fault may leave some of them there (the
    message after a fault says so; the folder stays noted until the handler has spoken)."""
    _partial.append(folder)
    with naming(folder):
        yield
    _partial.remove(folder)


def describe(exc: OSError) -> str:
    """One Chinese line: the path, the reason, and exactly what had been written before."""
    code = exc.errno
    reason = REASONS.get(code) if code is not None else None
    if reason is None:
        name = errno.errorcode.get(code, str(code)) if code is not None else type(exc).__name__
        reason = f"系统错误（{name}）"
    where = exc.filename
    if code == errno.EEXIST and where and Path(where).exists() and not Path(where).is_dir():
        reason = "这是一个文件，应为目录"  # mkdir over a file
    target = f" → {exc.filename2}" if exc.filename2 else ""
    head = f"无法读写 {where}{target}：{reason}" if where else f"系统错误：{reason}"
    return f"{head}；{done_so_far()}"


def done_so_far() -> str:
    """What the run has left on disk, said exactly."""
    notes = list(committed)
    if written:
        shown = "、".join(str(p) for p in written[:3]) + ("等" if len(written) > 3 else "")
        notes.append(f"此前已写入 {len(written)} 个文件（{shown}）")
    for folder in _partial:
        notes.append(f"{folder} 中可能已有部分输出文件，请删除后重新运行")
    return "；".join(notes) if notes else "本次未写入任何文件"


def reset() -> None:
    """Forget what an earlier command noted (one run per process, but tests invoke many)."""
    for noted in (written, committed, _partial, _scratch):
        noted.clear()
