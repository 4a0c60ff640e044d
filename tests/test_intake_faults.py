"""Intake under faults: a dripping server, a failed write-back, a killed run, a long list of bad
rows, a full disk and a read-only folder. Real servers, real git, real subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli.main import main
from generator.core.identity import find_personal_numbers
from intake import sources
from tests.intake_support import KEY, REPO, grid, make_id, project, row, write_csv
from tests.sheets_server import SheetsServer

VOLUNTEERS = Path(sys.executable).with_name("volunteers")
SHEET, TITLE = "form-responses-key", "表单回复 1"


def volunteers(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "INTAKE_HMAC_KEY": KEY, **env}
    return subprocess.run(
        [str(VOLUNTEERS), *args], capture_output=True, text=True, env=full, timeout=120
    )


def one_chinese_line(stderr: str) -> str:
    """The whole error output: one line, no traceback."""
    assert "Traceback" not in stderr and stderr.count("\n") == 1, stderr
    return stderr


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsServer]:
    with SheetsServer() as srv:
        monkeypatch.setenv("SHEETS_API_URL", srv.url)
        monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield srv


def intake(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["intake", "registrations", *args, "--data-dir", str(data)])


# --- one deadline per network call, body included ---------------------------------------------


def test_a_dripping_answer_is_cut_at_the_deadline_and_retried(
    server: SheetsServer, tmp_path: Path
) -> None:
    """The first answer sends a byte every 5 s (each read is quick, so a per-read timeout never
    fires); the real command gives it SHEETS_API_TIMEOUT=1 s in all, then retries and succeeds."""
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.faults = [{"drip": 5.0}]
    data = project(tmp_path)
    start = time.monotonic()
    proc = volunteers(
        "intake", "registrations", "--sheet", SHEET, "--data-dir", str(data),
        SHEETS_API_URL=server.url, SHEETS_API_TIMEOUT="1",
    )  # fmt: skip
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("网上报名导入：新增 1 条报名记录")
    assert took < 8, took
    assert len(server.state.reads()) == 3  # the dripped metadata, again, then the values


def test_a_permanently_dripping_server_ends_the_run_in_seconds(
    server: SheetsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sources, "DEFAULT_POLICY", sources.RetryPolicy(attempts=2, backoff=0.05, timeout=0.5)
    )
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.permanent = {"drip": 0.2}
    data = project(tmp_path)
    start = time.monotonic()
    result = intake(data, "--sheet", SHEET)
    assert time.monotonic() - start < 3
    assert result.output == (
        "导入失败：Google 表格接口请求超时，已尝试 2 次仍失败；本次未写入任何文件，请稍后再试\n"
    )
    assert not (data / "registrations").exists()


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1000"])
def test_a_bad_timeout_setting_is_said(server: SheetsServer, tmp_path: Path, value: str) -> None:
    os.environ["SHEETS_API_TIMEOUT"] = value
    try:
        result = intake(project(tmp_path), "--sheet", SHEET)
    finally:
        del os.environ["SHEETS_API_TIMEOUT"]
    assert result.exit_code == 1 and result.output.startswith("导入失败：SHEETS_API_TIMEOUT 应")


# --- messages that say exactly what was written ------------------------------------------------


def test_a_failed_write_back_says_what_was_written(
    server: SheetsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sources, "DEFAULT_POLICY", sources.RetryPolicy(attempts=2, backoff=0.05, timeout=2.0)
    )
    server.state.sheets[SHEET] = {TITLE: grid([row(1), row(2), row(3, 所属工会="火星")])}
    server.state.faults = [{}, {}]  # the two reads pass; then every request fails
    server.state.permanent = {"status": 500}
    data = project(tmp_path)
    report = tmp_path / "report.md"
    result = intake(data, "--sheet", SHEET, "--report", str(report), "--mark-imported")
    assert result.exit_code == 1
    assert "本次未写入任何文件" not in result.output
    assert result.output.startswith("网上报名导入：新增 2 条报名记录")
    assert result.output.endswith(
        "导入状态未回写：回写导入状态失败：Google 表格接口HTTP 500，已尝试 2 次仍失败。"
        f"已写入 data/ 2 条新记录，审核摘要已写入 {report}；表格的导入状态列未更新，"
        "请稍后带 --mark-imported 重新运行（已导入的行不会重复导入）\n"
    )
    assert len(list((data / "registrations").rglob("*.yml"))) == 2 and report.is_file()
    # Run again once the API is back: nothing new, and the statuses are written.
    server.state.permanent = None
    again = intake(data, "--sheet", SHEET, "--report", str(report), "--mark-imported")
    assert again.exit_code == 0 and "新增 0 条报名记录：已导入过 2" in again.output
    assert server.state.sheets[SHEET][TITLE][1][-1] == "已导入"


# --- every rejected row in the report ----------------------------------------------------------


def test_the_report_lists_every_rejected_row(tmp_path: Path) -> None:
    bad = [row(n, 所属工会="火星") for n in range(1, 251)]
    csv_file = write_csv(tmp_path / "in.csv", grid([row(300), *bad]))
    data = project(tmp_path)
    report = tmp_path / "report.md"
    proc = volunteers(
        "intake", "registrations", "--file", str(csv_file), "--data-dir", str(data),
        "--report", str(report),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = report.read_text("utf-8")
    listed = [line for line in text.splitlines() if "未知的工会“火星”" in line]
    assert [line.split(" 行")[0] for line in listed] == [f"- 第 {n}" for n in range(3, 253)]
    # An option text the form has and we do not: the export's problem, listed for staff.
    assert "见导入日志" not in text and "导出文件或列名对照的问题（250）" in text
    assert "### 有误的行" not in text
    assert proc.stderr == ""  # the list is in the report, not on the terminal

    # Without --report, the terminal shows the first rows and says how to get the rest.
    proc = volunteers("intake", "registrations", "--file", str(csv_file), "--data-dir", str(data))
    lines = proc.stderr.splitlines()
    assert proc.returncode == 0 and len(lines) == 22
    assert lines[0].startswith("有误：第 3 行（志愿者1）：所属工会：未知的工会“火星”")
    assert lines[-2].startswith("其中 250 行是表单选项或导出格式的问题")
    assert lines[-1].startswith("……另有 230 行有误未在此列出；加 --report 文件 重新运行")
    assert find_personal_numbers(proc.stdout + proc.stderr + text) == []


# --- leftovers of a killed run -----------------------------------------------------------------

HOLDS_THE_LOCK = """
import sys
from pathlib import Path
from intake.store import Store
store = Store(Path(sys.argv[1]))
store.acquire()
store.stage(Path("registrations", "zhongshan", "x.yml"), "half")
input()
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def many_rows(count: int) -> list[dict[str, str] | None]:
    """Distinct valid people, enough to keep a run busy for a few seconds."""
    out: list[dict[str, str] | None] = []
    for n in range(1, count + 1):
        seq = 100 + n % 800
        number = make_id(f"1975{1 + n // 800 % 12:02d}{1 + n % 28:02d}", seq)
        gender = "男" if seq % 2 else "女"
        out.append(row(n, id_number=number, gender=gender))
    return out


def kill_mid_run(args: list[str], staging: Callable[[], list[Path]]) -> None:
    """The real command, SIGKILLed as soon as it has staged a record."""
    env = {**os.environ, "INTAKE_HMAC_KEY": KEY}
    proc = subprocess.Popen([str(VOLUNTEERS), *args], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not staging() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"


def test_a_killed_run_leaves_nothing_git_sees_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    data = project(repo)
    (repo / ".gitignore").write_bytes((REPO / ".gitignore").read_bytes())
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "data")
    big = write_csv(tmp_path / "big.csv", grid(many_rows(1500)))
    base = ["intake", "registrations", "--file", str(big), "--data-dir", str(data)]

    def trees() -> list[Path]:
        listing = git(repo, "worktree", "list", "--porcelain").splitlines()
        return [Path(line[9:]) for line in listing[1:] if line.startswith("worktree ")]

    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("volunteers-intake-*"))
    kill_mid_run(
        [*base, "--branch", "intake/review"],
        lambda: [
            s for t in set(temp.glob("volunteers-intake-*")) - before
            for s in (t / "data").glob(".intake-staging-*")
        ],
    )  # fmt: skip
    (worktree,) = trees()
    kill_mid_run(base, lambda: list(data.glob(".intake-staging-*")))
    assert (data / ".intake.lock").exists() and list(data.glob(".intake-staging-*"))
    assert worktree.is_dir() and not (data / "registrations").exists()
    assert git(repo, "status", "--porcelain") == ""  # git-ignored meanwhile

    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    proc = volunteers(
        "intake", "registrations", "--file", str(csv_file), "--data-dir", str(data),
        "--branch", "intake/review",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not list(data.glob(".intake*"))
    assert not worktree.exists() and trees() == []
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-list", "--count", "intake/review") == "2"


def test_a_live_run_is_named_in_the_refusal(tmp_path: Path) -> None:
    data = project(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDS_THE_LOCK, data],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO,
    )  # fmt: skip
    try:
        for _ in range(100):
            if list(data.glob(".intake-staging-*")):
                break
            time.sleep(0.05)
        csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
        proc = volunteers("intake", "registrations", "--file", str(csv_file), "--data-dir", data)
        assert proc.returncode == 1
        assert f"另一个导入正在运行（{data / '.intake.lock'}，进程 {holder.pid}）" in proc.stderr
    finally:
        holder.kill()
        holder.communicate()


# --- operating-system errors: one Chinese line -------------------------------------------------


@contextmanager
def mounted(options: str) -> Iterator[Path]:
    """A fresh tmpfs (`-o options`); skipped where this machine does not allow mounting."""
    where = Path(tempfile.mkdtemp(prefix="volunteers-mount-"))
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if proc.returncode != 0:
        where.rmdir()
        pytest.skip("mounting a tmpfs is not permitted here (the ENOTDIR test still runs)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


def test_a_full_disk_is_one_line_naming_the_file_and_what_was_written(tmp_path: Path) -> None:
    data = project(tmp_path)
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1), row(2)]))
    with mounted("size=64k") as disk:
        with (disk / "filler").open("wb", buffering=0) as filler:  # fill it to the last block
            try:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
            except OSError:
                pass
        report = disk / "report.md"
        proc = volunteers(
            "intake", "registrations", "--file", str(csv_file), "--data-dir", str(data),
            "--report", str(report),
        )  # fmt: skip
    assert proc.returncode == 1
    line = one_chinese_line(proc.stderr)
    assert line.startswith(f"错误：无法读写 {report}：磁盘空间不足；此前已写入 2 个文件（")
    assert "本次未写入任何文件" not in line
    assert len(list((data / "registrations").rglob("*.yml"))) == 2


def test_a_read_only_folder_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    with mounted("size=16m") as disk:
        root = disk / "project"
        from tests.conftest import copy_project
        from tests.records_factory import registration, write_registration

        copy_project(root)
        record = registration("zhongshan", 5)
        path = write_registration(root, record)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = path.read_bytes()
        proc = volunteers(
            "review", record.id, "--level", "unit", "--opinion", "同意", "--office", "某公司工会",
            "--root", str(root),
        )  # fmt: skip
        assert path.read_bytes() == before
    assert proc.returncode == 1
    line = one_chinese_line(proc.stderr)
    assert line.startswith(f"错误：无法读写 {path}：所在文件系统是只读的；本次未写入任何文件")


def test_a_file_where_a_folder_should_be_is_one_line(tmp_path: Path) -> None:
    """Runs everywhere (no mount needed): the report's folder is a file."""
    data = project(tmp_path)
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    (tmp_path / "reports").write_text("a file, not a folder\n", encoding="utf-8")
    report = tmp_path / "reports" / "sub" / "report.md"
    proc = volunteers(
        "intake", "registrations", "--file", str(csv_file), "--data-dir", str(data),
        "--report", str(report),
    )  # fmt: skip
    assert proc.returncode == 1
    line = one_chinese_line(proc.stderr)
    assert line.startswith(f"错误：无法读写 {tmp_path / 'reports' / 'sub'}：路径中有一段不是目录；")
    assert "此前已写入 1 个文件" in line and make_id() not in line


def test_after_a_branch_commit_the_message_names_the_branch_not_a_temporary_path(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    data = project(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "data")
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    (tmp_path / "reports").write_text("a file, not a folder\n", encoding="utf-8")
    proc = volunteers(
        "intake", "registrations", "--file", str(csv_file), "--data-dir", str(data),
        "--branch", "intake/review", "--report", str(tmp_path / "reports" / "r.md"),
    )  # fmt: skip
    assert proc.returncode == 1
    line = one_chinese_line(proc.stderr)
    assert line == (
        f"错误：无法读写 {tmp_path / 'reports'}：这是一个文件，应为目录；"
        "已把 1 条新记录提交到分支 intake/review\n"
    )
    assert git(repo, "rev-list", "--count", "intake/review") == "2"


def test_generate_on_a_full_disk_says_the_output_may_be_partial(tmp_path: Path) -> None:
    from tests.conftest import copy_project

    root = copy_project(tmp_path / "project")
    cache = os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache")
    with mounted("size=256k") as disk:
        out = disk / "out"
        proc = volunteers(
            "generate", "--out", str(out), "--root", str(root), VOLUNTEERS_CACHE=cache
        )
    assert proc.returncode == 1
    assert one_chinese_line(proc.stderr) == (
        f"错误：无法读写 {out}：磁盘空间不足；{out} 中可能已有部分输出文件，请删除后重新运行\n"
    )
