"""Opening files that anyone could have crafted: a regular file within a size cap, or a refusal.

Every input file (data YAML, photos, intake exports) is opened here. A symlink to a device, a
FIFO or a folder named like a data file is refused before anything is read, and the size is
checked before reading, so neither /dev/zero nor a pipe with no writer can exhaust memory or hang.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

MiB = 1024 * 1024
YAML_MAX_BYTES = 1 * MiB
"""A data file (campaign, unions, a project, a registration...): the real ones are a few KB. The
pure-Python parser that places errors reads about 0.3 MB/s, so this also bounds the time spent."""
PHOTO_MAX_BYTES = 20 * MiB
"""A recognition photo, before it is resized to 480 pixels."""
EXPORT_MAX_BYTES = 64 * MiB
"""An intake export (CSV or XLSX): 100,000 rows of a sign-up form fit several times over."""
MAPPING_MAX_BYTES = 64 * 1024
"""An intake column-mapping file (a few dozen column names)."""


class Refused(Exception):
    """The file cannot be read as asked; `reason` is one Chinese phrase, without the file name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def _size(size: int) -> str:
    return f"{size / MiB:.1f} MB" if size >= MiB else f"{(size + 1023) // 1024} KB"


def _check(mode: int, size: int, limit: int) -> None:
    if not stat.S_ISREG(mode):
        raise Refused(f"不是普通文件（是{_kind(mode)}），拒绝读取")
    if size > limit:
        raise Refused(f"文件过大（{_size(size)}，上限 {_size(limit)}）")


def os_reason(exc: OSError) -> str:
    """An operating-system error as one Chinese phrase."""
    reasons = {
        errno.ENOENT: "文件不存在（或是指向不存在文件的链接）",
        errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限",
        errno.ELOOP: "符号链接循环",
        errno.EISDIR: "是文件夹，不是文件",
        errno.ENAMETOOLONG: "文件名过长",
        errno.EIO: "读取时发生输入输出错误",
    }
    return reasons.get(exc.errno or 0, f"无法读取（{exc.strerror or type(exc).__name__}）")


def _open(path: str | Path, limit: int) -> tuple[int, int]:
    """A descriptor and the size of `path`, if it is a regular file of at most `limit` bytes.

    The type is checked before opening (opening some devices has effects), and again on the open
    descriptor (the path may have been swapped in between); O_NONBLOCK keeps a FIFO from hanging."""
    try:
        before = os.stat(path)
        _check(before.st_mode, before.st_size, limit)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Refused(os_reason(exc)) from None
    try:
        now = os.fstat(fd)
        _check(now.st_mode, now.st_size, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd, now.st_size


def open_regular(path: Path, limit: int) -> BinaryIO:
    """The file opened for binary reading, if it is a regular file of at most `limit` bytes."""
    fd, _ = _open(path, limit)
    try:
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, limit: int) -> bytes:
    """The whole file, if it is a regular file of at most `limit` bytes (see `_open`). Read with
    os.read into a buffer of the file's size: a data file costs one system call, not a 1 MB
    buffer."""
    fd, size = _open(path, limit)
    parts: list[bytes] = []
    total = 0
    try:
        while chunk := os.read(fd, want := max(size + 1 - total, 1 << 16)):
            parts.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew after the size was checked
                raise Refused(f"文件过大（上限 {_size(limit)}）")
            if len(chunk) < want:  # a regular file reads short only at its end
                break
    except OSError as exc:
        raise Refused(os_reason(exc)) from None
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 1 else b"".join(parts)
