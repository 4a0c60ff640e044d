"""Shared fixtures: a temporary copy of the project to build and break."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("data", "content", "site_templates", "mkdocs.yml")


def copy_project(dest: Path) -> Path:
    """The project's data, content and mkdocs.yml copied into `dest` (templates are read in place)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(
                src, dest / part, ignore=shutil.ignore_patterns("registrations", "proposals")
            )
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def mkdocs_build(root: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    # Rendered PDFs are cached by the hash of their inputs: one cache serves every test build.
    cache = Path(os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "VOLUNTEERS_CACHE": str(cache)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(root / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data built once with the real MkDocs; tests read the output."""
    root = copy_project(tmp_path_factory.mktemp("build") / "project")
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    return site


WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write(project: Path) -> WriteFile:
    def _write(rel: str, text: str) -> Path:
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
