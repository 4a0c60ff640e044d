"""A wheel (not an editable install) builds the site: templates and the theme override are
package data, and a folder with only content/, data/ and mkdocs.yml is a whole project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_a_wheel_checks_generates_and_builds_a_bare_project(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env["VOLUNTEERS_CACHE"] = os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache")
    env.pop("PYTHONPATH", None)
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", wheels], ROOT, env)
    (wheel,) = wheels.glob("*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
            env,
        ).strip()
    )
    # The dependencies come from this environment's site-packages as a plain path entry: its
    # .pth files (the editable install of this checkout) are not run, so only the wheel's
    # generator can be imported.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], tmp_path, env)
    where = _run([python, "-c", "import generator; print(generator.__file__)"], tmp_path, env)
    assert Path(where.strip()).is_relative_to(venv)

    project = tmp_path / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("registrations", "proposals")
    for part in ("content", "data"):
        shutil.copytree(ROOT / part, project / part, ignore=ignore)
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    assert sorted(p.name for p in project.iterdir()) == ["content", "data", "mkdocs.yml"]

    _run([venv / "bin" / "volunteers", "check"], project, env)
    out = tmp_path / "out"
    _run([venv / "bin" / "volunteers", "generate", "--out", out], project, env)
    assert (out / "index.md").is_file()
    _run([python, "-m", "mkdocs", "build", "--strict", "-d", tmp_path / "site"], project, env)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "大连市工会服务帮扶志愿者" in index
    # The theme override (site_templates/theme/main.html) came from the package.
    assert 'type="application/atom+xml" title="服务项目与表彰"' in index
    assert any((tmp_path / "site").rglob("*.pdf"))
