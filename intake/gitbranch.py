"""Commit new records to a review branch in a temporary worktree; the checkout stays as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import IntakeError

ZERO = "0" * 40
# Hooks of the clerk's checkout must not run (or block) on a commit they did not make by hand.
_GIT = ["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false"]
_IDENTITY = {
    "GIT_AUTHOR_NAME": "volunteers intake",
    "GIT_AUTHOR_EMAIL": "intake@localhost",
    "GIT_COMMITTER_NAME": "volunteers intake",
    "GIT_COMMITTER_EMAIL": "intake@localhost",
}


def git(*args: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [*_GIT, *args],
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if check and proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["?"])[0]
        raise IntakeError(f"git {args[0]} 失败：{first}")
    return proc.stdout.strip() if proc.returncode == 0 else ""


@dataclass(frozen=True)
class Worktree:
    root: Path
    """The clerk's repository."""
    path: Path
    """The temporary checkout of the review branch (or of HEAD for a new branch)."""
    branch: str
    base: str
    existed: bool

    def data_dir(self, data_dir: Path) -> Path:
        return self.path / data_dir.resolve().relative_to(self.root)


PREFIX = "volunteers-intake-"
"""The temporary worktrees' folder names (in the system's temp folder): ours to remove."""


def remove_stale(root: Path) -> list[Path]:
    """Remove the temporary worktrees that killed runs left registered in `root`'s repository.
    Only called under the intake lock, so no live run can own one. Returns what was removed."""
    temp = Path(tempfile.gettempdir()).resolve()
    listing = git("worktree", "list", "--porcelain", cwd=root, check=False)
    removed = []
    for line in listing.splitlines():
        if not line.startswith("worktree "):
            continue
        path = Path(line.removeprefix("worktree "))
        if path.name.startswith(PREFIX) and path.parent.resolve() == temp:
            git("worktree", "remove", "--force", "--force", str(path), cwd=root, check=False)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    git("worktree", "prune", cwd=root, check=False)
    return removed


@contextmanager
def review_worktree(data_dir: Path, branch: str, *, locked: bool = False) -> Iterator[Worktree]:
    """A detached temporary worktree at the branch (or HEAD); removed afterwards. When the
    caller holds the intake lock (`locked`), worktrees left by killed runs are removed first."""
    start = data_dir.resolve()
    root_text = git("rev-parse", "--show-toplevel", cwd=start, check=False)
    if not root_text:
        raise IntakeError(f"{data_dir} 不在 git 仓库中，不能使用 --branch")
    root = Path(root_text).resolve()
    if not start.is_relative_to(root):
        raise IntakeError(f"{data_dir} 不在仓库 {root} 中")
    git("check-ref-format", "--branch", branch, cwd=root)
    if git("symbolic-ref", "-q", "--short", "HEAD", cwd=root, check=False) == branch:
        raise IntakeError(f"分支 {branch} 正是当前检出的分支；请用另一个分支名存放待审核记录")
    base = git(
        "rev-parse", "-q", "--verify", f"refs/heads/{branch}^{{commit}}", cwd=root, check=False
    )
    existed = bool(base)
    if not existed:
        base = git("rev-parse", "--verify", "HEAD^{commit}", cwd=root)
    if locked:
        remove_stale(root)
    path = Path(tempfile.mkdtemp(prefix=PREFIX))
    git("worktree", "add", "--detach", "--quiet", str(path), base, cwd=root)
    try:
        yield Worktree(root, path, branch, base, existed)
    finally:
        git("worktree", "remove", "--force", str(path), cwd=root, check=False)
        shutil.rmtree(path, ignore_errors=True)
        git("worktree", "prune", cwd=root, check=False)


def commit(tree: Worktree, paths: list[Path], message: str) -> str:
    """Commit `paths` (worktree-relative) and move the branch there; returns the commit id."""
    for start in range(0, len(paths), 500):
        git("add", "--", *(str(p) for p in paths[start : start + 500]), cwd=tree.path)
    configured = git("config", "user.email", cwd=tree.path, check=False)
    env = {} if configured else _IDENTITY
    git("commit", "-q", "--no-verify", "-m", message, cwd=tree.path, env=env)
    new = git("rev-parse", "HEAD", cwd=tree.path)
    git(
        "update-ref",
        f"refs/heads/{tree.branch}",
        new,
        tree.base if tree.existed else ZERO,
        cwd=tree.root,
    )
    return new
