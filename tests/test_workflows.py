"""The GitHub workflows hold the intake's secrets and publish the site: actions pinned by commit,
least privilege per job, no persisted checkout credentials, pinned installs, no expression pasted
into a shell script, and zizmor (offline) finding nothing above informational."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(?:\.\d+){0,2}\s*$")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data  # type: ignore[no-any-return]


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} == {"check.yml", "deploy.yml", "intake.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines and all(PINNED.match(line) for line in lines), lines
    assert len(lines) == sum("uses" in step for step in _steps(_load(path)))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {}  # nothing by default: each job says what it needs
    for name, job in workflow["jobs"].items():
        granted = job["permissions"]
        writes = {scope for scope, level in granted.items() if level == "write"}
        if path.name == "deploy.yml" and name == "deploy":
            # The Pages deploy runs no project code and checks nothing out.
            assert granted == {"pages": "write", "id-token": "write"}
            assert all("run" not in step for step in job["steps"])
        else:
            assert writes == set(), (name, granted)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_leave_no_credentials_behind(path: Path) -> None:
    checkouts = [
        s for s in _steps(_load(path)) if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_script(path: Path) -> None:
    """`${{ … }}` in `run:` is expanded into the script before the shell reads it (template
    injection): values go through `env:` instead."""
    scripts = [step["run"] for step in _steps(_load(path)) if "run" in step]
    assert scripts and not [s for s in scripts if "${{" in s]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_installs_are_pinned_by_the_constraints_file(path: Path) -> None:
    scripts = [step["run"] for step in _steps(_load(path)) if "run" in step]
    for script in scripts:
        for line in script.splitlines():
            if "pip install" in line:
                assert "-c .ci/constraints.txt" in line, line
    assert any("make setup" in s or "pip install" in s for s in scripts)


def test_the_pr_token_goes_only_to_create_pull_request() -> None:
    text = (ROOT / ".github/workflows/intake.yml").read_text(encoding="utf-8")
    assert text.count("${{ secrets.INTAKE_PR_TOKEN }}") == 1
    steps = _steps(_load(ROOT / ".github/workflows/intake.yml"))
    (step,) = [s for s in steps if "token" in s.get("with", {})]
    assert step["uses"].startswith("peter-evans/create-pull-request@")


def test_dependabot_keeps_actions_and_python_packages_current() -> None:
    config = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    assert all(u["schedule"]["interval"] == "weekly" for u in ecosystems.values())
    assert set(ecosystems["pip"]["directories"]) == {"/", "/.ci"}


def _zizmor(target: Path) -> list[dict[str, Any]]:
    """Findings of the same audit as `make lint`, offline (CI and developers have no network)."""
    zizmor = Path(sys.executable).parent / "zizmor"
    done = subprocess.run(
        [str(zizmor), "--offline", "--no-progress", "--format", "json", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 11, 12, 13, 14), done.stderr[-2000:]  # 1x: worst finding's level
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_zizmor_finds_nothing_above_informational() -> None:
    findings = _zizmor(ROOT / ".github")
    serious = [f["ident"] for f in findings if f["determinations"]["severity"] != "Informational"]
    assert serious == []


def test_zizmor_does_audit_offline(tmp_path: Path) -> None:
    """The audit is not a no-op without network: the faults this project had are found."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: peter-evans/create-pull-request@v7\n",
        encoding="utf-8",
    )
    found = {f["ident"] for f in _zizmor(tmp_path / ".github")}
    assert {"unpinned-uses", "artipacked"} <= found


def _source_step(env: dict[str, str], tmp_path: Path) -> tuple[int, str, str]:
    """Run the intake workflow's Source step as the runner would: its script in bash, its
    inputs and variables in the environment; (status, its outputs, its messages)."""
    steps = _steps(_load(ROOT / ".github/workflows/intake.yml"))
    (step,) = [s for s in steps if s.get("id") == "source"]
    assert set(step["env"]) == {"INPUT_SOURCE", "INPUT_FORM", "INTAKE_SOURCE", "REGISTRATION_FORM"}
    out = tmp_path / "output"
    out.write_text("")
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(out), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.returncode, out.read_text(), done.stdout


@pytest.mark.parametrize(
    ("env", "outputs"),
    [
        ({}, "source=google\nform=\n"),
        (
            {"INPUT_SOURCE": "repository", "INTAKE_SOURCE": "wjx", "REGISTRATION_FORM": "91432"},
            "source=wjx\nform=91432\n",
        ),
        (
            {"INPUT_SOURCE": "jinshuju", "INPUT_FORM": "abc\nx=1", "INTAKE_SOURCE": "wjx"},
            "source=jinshuju\nform=abcx=1\n",
        ),
    ],
)
def test_the_intake_source_comes_from_the_input_or_the_variable(
    tmp_path: Path, env: dict[str, str], outputs: str
) -> None:
    assert _source_step(env, tmp_path) == (0, outputs, "")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"INTAKE_SOURCE": "dropbox"},
            "::error::未知的来源（INTAKE_SOURCE 应为 google、jinshuju 或 wjx）\n",
        ),
        (
            {"INTAKE_SOURCE": "wjx"},
            "::error::--source wjx 需要表单编号：请设置仓库变量 REGISTRATION_FORM\n",
        ),
    ],
)
def test_an_unknown_source_or_a_missing_form_stops_the_run(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    assert _source_step(env, tmp_path) == (1, "", message)


def test_the_manual_run_offers_every_pulled_source() -> None:
    inputs = _load(ROOT / ".github/workflows/intake.yml")["on"]["workflow_dispatch"]["inputs"]
    assert inputs["source"]["options"] == ["repository", "google", "jinshuju", "wjx"]
    assert inputs["form"]["required"] is False


def test_the_object_store_job_is_chosen_by_variables_and_alone_sees_the_keys() -> None:
    path = ROOT / ".github/workflows/deploy.yml"
    text = path.read_text(encoding="utf-8")
    for secret in ("PUBLISH_ACCESS_KEY_ID", "PUBLISH_SECRET_ACCESS_KEY"):
        assert text.count(f"${{{{ secrets.{secret} }}}}") == 1
    jobs = _load(path)["jobs"]
    store = jobs["object-storage"]
    assert store["if"] == "vars.PUBLISH_TARGET != ''"
    assert jobs["deploy"]["if"] == "vars.DEPLOY_PAGES != 'false'"
    assert store["environment"]["name"] == "object-storage"
    (publish,) = [s for s in store["steps"] if "volunteers publish" in s.get("run", "")]
    assert publish["env"]["AWS_ACCESS_KEY_ID"] == "${{ secrets.PUBLISH_ACCESS_KEY_ID }}"
    assert "--delete" in publish["run"] and "$PUBLISH_TARGET" in publish["run"]
