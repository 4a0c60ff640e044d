"""Staff commands against hostile input: what they write is validated as `check` validates it,
ids are short ASCII slugs, and no output path lands on the project's own sources."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from generator.core.identity import find_personal_numbers
from generator.core.models import Project, is_slug
from generator.staff.actions import StaffError, new_record
from tests.intake_support import KEY, grid, make_id, make_mobile, row, write_csv
from tests.records_factory import registration, write_proposal, write_registration

VOLUNTEERS = Path(sys.executable).with_name("volunteers")


def volunteers(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess (no traceback may reach the clerk)."""
    env = {**os.environ, "INTAKE_HMAC_KEY": KEY}
    return subprocess.run(
        [str(VOLUNTEERS), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


REVIEW = ["--level", "unit", "--opinion", "同意", "--date", "2012-07-10"]


@pytest.mark.parametrize(
    ("office", "note"),
    [
        ("某公司工会", "联系 " + make_mobile(7)),
        ("某公司工会 " + make_id(seq=321), None),
        ("某公司工会", "电话 " + "139-" + "1234" + "-5678"),
    ],
    ids=["mobile-in-note", "id-in-office", "dashed-mobile-in-note"],  # no number in test names
)
def test_review_refuses_a_personal_number_in_note_or_office(
    project: Path, office: str, note: str | None
) -> None:
    record = registration("zhongshan", 3)
    path = write_registration(project, record)
    before = path.read_bytes()
    args = ["review", record.id, *REVIEW, "--office", office, "--root", str(project)]
    proc = volunteers(*args, *(["--note", note] if note else []))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "含有完整的身份证号或手机号" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_bytes() == before
    assert find_personal_numbers(proc.stdout + proc.stderr) == []
    # The same record takes a clean opinion, and `check` still passes it.
    ok = volunteers("review", record.id, *REVIEW, "--office", "某公司工会", "--root", str(project))
    assert ok.returncode == 0, ok.stderr
    assert volunteers("check", "--root", str(project)).returncode == 0


BAD_IDS = ["abc\n", "abc\r", "a\tb", "a" * 65, "a" * 300, "Abc", "abc-", "项目", "ab c", "../x"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_new_refuses_a_bad_id_without_a_traceback(project: Path, bad: str) -> None:
    before = tree(project / "data")
    proc = volunteers("new", "project", "--id", bad, "--root", str(project))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("错误：标识 “") and "至多 64 个字符" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert tree(project / "data") == before


def test_a_nul_or_control_character_is_never_an_id(project: Path) -> None:
    for bad in ["ab\x00c", "ab\x1bc", "abc\u2028", "ａｂｃ"]:
        assert not is_slug(bad)
        with pytest.raises(StaffError, match="应为小写英文字母"):
            new_record(project, "project", bad, date(2013, 1, 1))


def test_an_id_of_64_characters_is_fine(project: Path) -> None:
    good = "a" * 60 + "-013"
    assert is_slug(good) and not is_slug(good + "4") and not is_slug("abc\n")
    proc = volunteers("new", "recognition", "--id", good, "--root", str(project))
    assert proc.returncode == 0 and proc.stdout == f"data/recognitions/{good}.yml\n"


@pytest.mark.parametrize("bad", ["abc\n", "a" * 65, "a" * 300])
def test_approve_review_reject_refuse_bad_ids(project: Path, bad: str) -> None:
    proposal = write_proposal(project)
    record = registration("zhongshan", 4)
    write_registration(project, record)
    before = tree(project / "data")
    runs = [
        ["approve", proposal.id, "--id", bad],
        ["approve", bad],
        ["reject", bad],
        ["review", bad, *REVIEW, "--office", "某公司工会"],
    ]
    for args in runs:
        proc = volunteers(*args, "--root", str(project))
        assert proc.returncode == 1, args
        assert "应为小写英文字母、数字和连字符" in proc.stderr and "Traceback" not in proc.stderr
        assert proc.stderr.count("\n") == 1, proc.stderr
    assert tree(project / "data") == before


def test_check_refuses_a_file_named_with_a_long_or_broken_id(project: Path) -> None:
    source = (project / "data" / "projects" / "jinqiu-zhuxue-2012.yml").read_text("utf-8")
    for name in ["a" * 65, "abc\n", "ABC"]:
        target = project / "data" / "projects" / f"{name}.yml"
        target.write_text(source, encoding="utf-8")
        proc = volunteers("check", "--root", str(project))
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        expected = "过长（不超过 64 个字）" if len(name) > 64 else "标识应为小写英文字母"
        assert expected in proc.stderr, proc.stderr
        target.unlink()
    with pytest.raises(ValueError, match="at most 64 characters"):
        Project.model_validate({"id": "a" * 65})


def test_approve_and_reject_write_what_check_accepts(project: Path) -> None:
    proposal = write_proposal(project)
    code = CliRunner().invoke(main, ["approve", proposal.id, "--root", str(project)]).exit_code
    assert code == 0
    other = write_proposal(project, 2, "另一项申报")
    assert CliRunner().invoke(main, ["reject", other.id, "--root", str(project)]).exit_code == 0
    assert volunteers("check", "--root", str(project)).returncode == 0


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"INTAKE_HMAC_KEY": KEY}).invoke(main, list(args))
    return result.exit_code, result.output


def test_intake_report_never_overwrites_a_data_or_source_file(
    project: Path, tmp_path: Path
) -> None:
    data = project / "data"
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    (tmp_path / "elsewhere.yml").write_text("keep: me\n", encoding="utf-8")
    before = tree(project)
    targets = [
        data / "campaign.yml",
        data / "new-report.md",
        data / "projects" / "report.md",
        project / "content" / "index.md",
        project / "content" / "report.md",
        project / "site_templates" / "r.md",
        tmp_path / "elsewhere.yml",
        csv_file,
        Path("/dev/null"),
    ]
    for target in targets:
        args = ["intake", "registrations", "--file", str(csv_file), "--data-dir", str(data)]
        code, out = invoke(*args, "--report", str(target))
        assert code == 1, (target, out)
        assert out.startswith(f"导入失败：--report {target} ") and "本次未写入任何文件" in out
        assert out.count("\n") == 1
    assert tree(project) == before
    assert (tmp_path / "elsewhere.yml").read_text("utf-8") == "keep: me\n"
    # Outside the project, a new Markdown file (or last run's report) is fine.
    code, out = invoke(
        "intake", "registrations", "--file", str(csv_file), "--data-dir", str(data),
        "--report", str(tmp_path / "report.md"),
    )  # fmt: skip
    assert code == 0, out and (tmp_path / "report.md").is_file()


@pytest.mark.parametrize("where", ["content", "content/sub", "data", "site_templates", ".", ".."])
def test_generate_never_writes_over_the_sources(project: Path, where: str) -> None:
    before = tree(project)
    out = project / where
    code, text = invoke("generate", "--out", str(out), "--root", str(project))
    assert code == 1 and text.startswith(f"错误：--out {out} ") and "本次未写入任何文件" in text
    assert tree(project) == before


def test_roster_out_inside_data_is_refused(project: Path, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "in.csv", grid([row(1)]))
    args = ["roster", "zhongshan", "--file", str(csv_file), "--data-dir", str(project / "data")]
    code, text = invoke(*args, "--out", str(project / "data" / "roster"))
    assert code == 1 and "本次未写入任何文件" in text
    assert not (project / "data" / "roster").exists()
