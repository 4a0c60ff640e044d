"""The report tells staff's problems (the export, the mapping) from one person's (their answers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from tests.intake_support import KEY, bad_check, grid, make_id, project, row, write_csv


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)


def test_export_problems_and_answer_problems_are_reported_apart(tmp_path: Path) -> None:
    people = [
        row(1),
        row(2, 服务意向="社会救助、老年关爱"),  # an option the form has and we do not: staff
        row(3, 身份证号=bad_check(make_id(seq=103))),  # a wrong check digit: the person
        row(4, 身份证号="2.10202E+17"),  # Excel saved the column as numbers: staff
        row(5, 所属工会="某某区总工会", 身份证号=bad_check(make_id(seq=105))),  # both
    ]
    source = write_csv(tmp_path / "in.csv", grid(people))
    data = project(tmp_path)
    report = tmp_path / "report.md"
    args = ["intake", "registrations", "--file", str(source), "--data-dir", str(data)]
    result = CliRunner().invoke(main, [*args, "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    staff, _, person = text.partition("### 有误的行")
    staff = staff.partition("### 导出文件或列名对照的问题（3）")[2]
    assert "不必联系报名人" in staff
    assert [line.split("：")[0] for line in staff.splitlines() if line.startswith("- ")] == [
        "- 第 3 行（志愿者2）",
        "- 第 5 行（志愿者4）",
        "- 第 6 行（志愿者5）",
    ]
    assert "未知的服务领域“老年关爱”" in staff and "设为“文本”格式" in staff
    assert "未知的工会“某某区总工会”" in staff and "校验位" not in staff
    assert person.startswith("（2）")
    assert "请联系本人更正" in person
    lines = [line for line in person.splitlines() if line.startswith("- ")]
    assert lines == [
        "- 第 4 行（志愿者3）：身份证号：校验位不正确（可能有数字填错）",
        "- 第 6 行（志愿者5）：身份证号：校验位不正确（可能有数字填错）",
    ]


def test_the_terminal_says_how_many_rows_are_for_staff(tmp_path: Path) -> None:
    people = [row(1), row(2, 服务意向="老年关爱"), row(3, 身份证号=bad_check(make_id(seq=103)))]
    source = write_csv(tmp_path / "in.csv", grid(people))
    data = project(tmp_path)
    args = ["intake", "registrations", "--file", str(source), "--data-dir", str(data)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (
        "其中 1 行是表单选项或导出格式的问题（未知的选项文字等），请工作人员修改表单或列名对照，"
        "不必联系报名人"
    ) in result.output
