"""Intake from exported files (CSV in UTF-8/BOM/GB18030, XLSX), the store, the report, the branch."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from generator.cli.main import main
from generator.core.identity import find_personal_numbers
from intake import store as store_module
from intake.errors import IntakeError
from intake.files import cell_text, open_file
from intake.report import md
from intake.store import Store, dump_yaml
from tests.intake_support import (
    KEY,
    all_text_under,
    grid,
    make_id,
    project,
    row,
    write_csv,
)


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)


def invoke(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["intake", "registrations", *args, "--data-dir", str(data)])


def files_of(data: Path) -> dict[str, bytes]:
    return {
        p.relative_to(data).as_posix(): p.read_bytes()
        for p in sorted((data / "registrations").rglob("*.yml"))
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_gives_the_same_records(tmp_path: Path, encoding: str) -> None:
    cells = grid([row(1), None, row(2, 姓名="𠮷野家"), row(3, 工作简历="第一行\n第二行，含逗号")])
    if encoding == "gb18030":
        cells[3][1] = "王二"  # GB18030 covers 𠮷 too, but keep one row plainly GBK
    data = project(tmp_path)
    result = invoke(data, "--file", str(write_csv(tmp_path / "in.csv", cells, encoding)))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("网上报名导入：新增 3 条报名记录")
    resumes = [yaml.safe_load(t)["resume"] for t in files_of(data).values()]
    assert "第一行\n第二行，含逗号" in resumes


def test_xlsx_values_are_read_as_text(tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cells = grid([row(1), row(2)])
    cells[1][0] = datetime(2012, 7, 10, 15, 0, 1)  # type: ignore[call-overload]
    cells[2][6] = 2001  # type: ignore[call-overload]
    for line in cells:
        sheet.append(line)
    path = tmp_path / "in.xlsx"
    book.save(path)
    data = project(tmp_path / "x")
    result = invoke(data, "--file", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("网上报名导入：新增 2 条报名记录")
    # The same submission read from a CSV export lands in the same file.
    other = project(tmp_path / "y")
    assert (
        invoke(other, "--file", str(write_csv(tmp_path / "in.csv", grid([row(1)])))).exit_code == 0
    )
    assert set(files_of(other)) < set(files_of(data))


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (13.0, "13"), (0.5, "0.5"), (True, "TRUE"), ("0612", "0612"), (2001, "2001")],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.pdf", b"x", "不支持的文件类型 .pdf：请导出为 .csv、.xlsx 或 .xls"),
        ("a.csv", b"", "文件 a.csv 是空的（第 1 行应为表头）"),
        ("a.xlsx", b"not a zip", "无法读取 a.xlsx：InvalidFileException"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(IntakeError) as info:
        open_file(tmp_path / name)
    assert str(info.value).startswith(message.split("：")[0])


def test_mark_imported_needs_a_sheet_and_file_or_sheet_is_required(tmp_path: Path) -> None:
    data = project(tmp_path)
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    assert invoke(data, "--file", str(csv_file), "--mark-imported").output == (
        "导入失败：--mark-imported 只能与 --sheet 一起使用\n"
    )
    assert invoke(data).output == "导入失败：请指定 --sheet KEY 或 --file PATH 之一\n"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_yaml_round_trips(value: object) -> None:
    assert yaml.safe_load(dump_yaml(value)) == value


def test_a_crash_while_staging_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = project(tmp_path)
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1), row(2), row(3)]))
    calls = {"n": 0}
    real = store_module.Store.stage

    def crash_on_second(self: Store, relative: Path, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash")
        real(self, relative, text)

    monkeypatch.setattr(store_module.Store, "stage", crash_on_second)
    with pytest.raises(RuntimeError, match="simulated crash"):
        CliRunner().invoke(
            main,
            ["intake", "registrations", "--file", str(csv_file), "--data-dir", str(data)],
            catch_exceptions=False,
        )
    assert not (data / "registrations").exists()
    assert not [p for p in data.iterdir() if p.name.startswith(".intake")]


def test_markdown_in_names_is_neutralised() -> None:
    number = make_id()
    assert md(f"<img src=x> @所有人 #1 *粗* | {number}") == (
        "&lt;img src=x> \\@所有人 \\#1 \\*粗\\* \\| " + number[:6] + "\\*" * 8 + number[-4:]
    )


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_branch_commit_leaves_the_checkout_as_it_was(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    data = project(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "data")
    git(repo, "commit", "-qm", "data")
    (repo / "notes.txt").write_text("uncommitted work\n", encoding="utf-8")
    (data / "campaign.yml").write_text(
        (data / "campaign.yml").read_text(encoding="utf-8") + "# local edit\n", encoding="utf-8"
    )
    git(repo, "add", "notes.txt")
    before = (
        git(repo, "status", "--porcelain"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "diff", "--cached"),
    )
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1), row(2, 所属工会="教育")]))

    result = invoke(
        data,
        "--file",
        str(csv_file),
        "--branch",
        "intake/review",
        "--report",
        str(tmp_path / "r.md"),
    )
    assert result.exit_code == 0, result.output
    after = (
        git(repo, "status", "--porcelain"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "diff", "--cached"),
    )
    assert after == before
    assert git(repo, "symbolic-ref", "--short", "HEAD") == "main"
    assert not (data / "registrations").exists()
    assert (
        git(repo, "log", "-1", "--format=%s", "intake/review") == "网上报名导入：新增 2 条报名记录"
    )
    assert (
        git(repo, "log", "-1", "--format=%b", "intake/review")
        == "- 中山区总工会：1 条\n- 教育工会：1 条"
    )
    tree = git(
        repo, "ls-tree", "-r", "--name-only", "intake/review", "data/registrations"
    ).splitlines()
    assert len(tree) == 2 and tree[0].startswith("data/registrations/jiaoyu/")
    assert git(repo, "worktree", "list").count("\n") == 0

    # Again with one more row: only the new one is committed on top; the same rows are not.
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1), row(2, 所属工会="教育"), row(3)]))
    result = invoke(data, "--file", str(csv_file), "--branch", "intake/review")
    assert result.output.startswith("网上报名导入：新增 1 条报名记录：已导入过 2")
    assert git(repo, "rev-list", "--count", "intake/review") == "3"
    result = invoke(data, "--file", str(csv_file), "--branch", "intake/review")
    assert result.output.startswith("网上报名导入：新增 0 条报名记录")
    assert git(repo, "rev-list", "--count", "intake/review") == "3"
    assert find_personal_numbers(git(repo, "log", "-p", "intake/review")) == []
    assert find_personal_numbers(all_text_under(tmp_path / "r.md")) == []


def test_branch_cannot_be_the_checked_out_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    data = project(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "data")
    git(repo, "commit", "-qm", "data")
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    result = invoke(data, "--file", str(csv_file), "--branch", "main")
    assert result.exit_code == 1
    assert (
        result.output == "导入失败：分支 main 正是当前检出的分支；请用另一个分支名存放待审核记录\n"
    )


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda text: yaml.safe_dump(yaml.safe_load(text), allow_unicode=True, sort_keys=False),
        lambda text: text.replace('"', "'"),
        lambda text: text.replace("id_hash: ", "id_hash:   "),
    ],
    ids=["plain-scalars", "single-quotes", "spaced"],
)
def test_a_duplicate_is_found_however_the_stored_record_is_quoted(
    tmp_path: Path, rewrite: object
) -> None:
    """The stored record, rewritten by hand or another tool in equivalent YAML, still says who
    it is: the same person signing up again (another time, so another record) is a duplicate."""
    data = project(tmp_path)
    first = invoke(data, "--file", str(write_csv(tmp_path / "a.csv", grid([row(1)]))))
    assert first.exit_code == 0, first.output
    [stored] = list((data / "registrations").rglob("*.yml"))
    assert callable(rewrite)
    text = rewrite(stored.read_text(encoding="utf-8"))
    assert yaml.safe_load(text) == yaml.safe_load(stored.read_text(encoding="utf-8"))
    stored.write_text(text, encoding="utf-8")
    again = write_csv(tmp_path / "b.csv", grid([row(1, stamp="2012/7/11 9:00:00")]))
    result = invoke(data, "--file", str(again), "--report", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("网上报名导入：新增 0 条报名记录"), result.output
    assert "重复 1" in result.output
    assert f"与已有记录 {stored.stem} 为同一人" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert list((data / "registrations").rglob("*.yml")) == [stored]


def test_a_stored_record_that_does_not_parse_stops_the_run_by_name(tmp_path: Path) -> None:
    """A record whose hash cannot be read could hide a duplicate: the run says which file. (One
    where the build looks is refused by the data check first; this one is deeper.)"""
    data = project(tmp_path)
    broken = data / "registrations" / "zhongshan" / "old" / "20120701t090000-h00000000.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text('id: "x"\nid_hash: [unclosed\n', encoding="utf-8")
    result = invoke(data, "--file", str(write_csv(tmp_path / "a.csv", grid([row(1)]))))
    assert result.exit_code != 0
    assert (
        "无法读取已有记录 data/registrations/zhongshan/old/20120701t090000-h00000000.yml:3："
        in (result.output)
    ), result.output
    assert "Traceback" not in result.output
    assert list((data / "registrations").rglob("*.yml")) == [broken]
