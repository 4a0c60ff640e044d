"""`volunteers intake` against a real local Sheets API server (SHEETS_API_URL), end to end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result

from generator.cli.main import main
from generator.core.identity import find_personal_numbers, mask_id
from intake import sources
from intake.store import Store
from tests.intake_support import (
    HEADER,
    KEY,
    all_text_under,
    bad_check,
    grid,
    make_id,
    make_mobile,
    project,
    row,
)
from tests.sheets_server import SheetsServer

SHEET = "form-responses-key"
TITLE = "表单回复 1"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsServer]:
    with SheetsServer() as srv:
        monkeypatch.setenv("SHEETS_API_URL", srv.url)
        monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield srv


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        sources, "DEFAULT_POLICY", sources.RetryPolicy(attempts=3, backoff=0.05, timeout=2.0)
    )


def snapshot(data: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(data).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(data.rglob("*"))
        if p.is_file()
    }


def invoke(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["intake", *args, "--data-dir", str(data)])


def table_rows() -> list[dict[str, str] | None]:
    """Rows 2–14 of the sheet: good, bad, blank, duplicate."""
    number = make_id(seq=150)
    return [
        row(1),  # 2 good, 中山
        row(2, 所属工会="教育", 服务意向=""),  # 3 good, 教育工会
        row(3, 身份证号=bad_check(make_id(seq=103))),  # 4 bad check digit
        row(4, 身份证号="210202" + "19800231" + "1045"),  # 5 impossible date
        row(5, 身份证号=make_id("20130101", 105)),  # 6 born after the submission
        row(6, 所属工会="火星"),  # 7 unknown union
        row(7, 个人信息处理同意=""),  # 8 no consent
        None,  # 9 blank
        row(8, 特长="=1+1", 工作简历="<b>粗</b>", 本人申请="no", 工作单位="0612"),  # 10 flagged
        row(
            9,
            身份证号=number,
            性别="女",
            联系电话="".join(chr(ord(c) + 0xFEE0) for c in make_mobile(9)),
        ),
        row(10, 身份证号=number, 性别="女"),  # 12 same person as row 11
        row(1),  # 13 exactly row 2 again
        row(11, 所属工会="普兰店区总工会"),  # 14 good, renamed union
    ]


def test_a_sheet_of_good_and_bad_rows(server: SheetsServer, tmp_path: Path) -> None:
    server.state.sheets[SHEET] = {TITLE: grid(table_rows()), "其他": [["x"]]}
    data = project(tmp_path)
    report = tmp_path / "report.md"
    result = invoke(
        data, "registrations", "--sheet", SHEET, "--report", str(report), "--mark-imported"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "网上报名导入：新增 5 条报名记录：已导入过 0，重复 2，有误 5（共读取 12 行）。\n"
        "导出格式：匹配 Google 表单 导出格式：有“时间戳记”列\n"
    )
    files = sorted(p.relative_to(data).as_posix() for p in (data / "registrations").rglob("*.yml"))
    assert [f.split("/")[1] for f in files] == [
        "jiaoyu",
        "pulandian",
        "zhongshan",
        "zhongshan",
        "zhongshan",
    ]
    assert not list(data.glob(".intake*"))

    text = report.read_text(encoding="utf-8")
    for expected in [
        "| 中山区总工会 | 3 | 0 | 2 |",
        "| 教育工会 | 1 | 0 | 0 |",
        "| 普兰店市总工会 | 1 | 0 | 0 |",
        "- 第 4 行（志愿者3）：身份证号：校验位不正确（可能有数字填错）",
        "- 第 5 行（志愿者4）：身份证号：中的出生日期不存在",
        "- 第 6 行（志愿者5）：身份证号：中的出生日期晚于提交时间",
        "- 第 7 行（志愿者6）：所属工会：未知的工会“火星”",
        "- 第 8 行（志愿者7）：个人信息处理同意：未同意个人信息处理",
        "- 第 12 行（志愿者10）：与第 11 行为同一人（身份证号相同）",
        "- 第 13 行（志愿者1）：与第 2 行为同一人（身份证号相同）",
        "- 第 10 行（志愿者8）：特长：以“=”开头，已按文本保存",
    ]:
        assert expected in text, expected
    assert "第 9 行" not in text

    # Exactly two reads (metadata, values), then one RAW batch write.
    assert [unquote(r.path.rsplit("/", 1)[-1]) for r in server.state.reads()] == [
        SHEET,
        "'" + TITLE + "'",
    ]
    (write,) = server.state.writes()
    assert write.path.endswith("values:batchUpdate") and write.body["valueInputOption"] == "RAW"
    status = [r[16] if len(r) > 16 else "" for r in server.state.sheets[SHEET][TITLE]]
    assert status[0] == "导入状态" and status[1] == status[2] == "已导入"
    assert status[3].startswith("有误：身份证号：校验位不正确") and status[8] == ""
    assert status[12] == "重复：与第 2 行为同一人（身份证号相同）"

    stored = (data / files[-1]).read_text(encoding="utf-8")
    assert 'status: "pending"' in stored and "opinions: []" in stored
    flagged = next(f for f in files if "20120710t150008-h" in f)
    content = (data / flagged).read_text(encoding="utf-8")
    assert 'skills: "=1+1"' in content and 'resume: "<b>粗</b>"' in content
    assert 'application: "no"' in content and 'employer: "0612"' in content

    # Nothing personal anywhere: files, report, the CLI's output, the sheet's status column.
    outputs = all_text_under(data / "registrations", report) + result.output + "\n".join(status)
    assert find_personal_numbers(outputs) == []
    assert mask_id(make_id(seq=150)) in all_text_under(data / "registrations")


def test_re_running_changes_nothing(server: SheetsServer, tmp_path: Path) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1), row(2), None, row(3)])}
    data = project(tmp_path)
    assert invoke(data, "registrations", "--sheet", SHEET, "--mark-imported").exit_code == 0
    before = snapshot(data)
    server.state.sheets[SHEET][TITLE][1:1] = []  # the sheet now also has the status column
    again = invoke(data, "registrations", "--sheet", SHEET, "--worksheet", TITLE)
    assert again.exit_code == 0, again.output
    assert again.output.startswith("网上报名导入：新增 0 条报名记录：已导入过 3，重复 0，有误 0")
    assert snapshot(data) == before


def test_shuffled_and_renamed_columns_with_a_mapping(server: SheetsServer, tmp_path: Path) -> None:
    renamed = {
        "所属工会": "您的工会",
        "身份证号": "身份证号码",
        "姓名": "姓  名",
        "个人信息处理同意": "同意书",
    }
    header = [renamed.get(h, h) for h in reversed(HEADER)] + ["备注"]
    values = [row(1), row(2)]
    cells = [header] + [
        [v.get({b: a for a, b in renamed.items()}.get(h, h), "") for h in header] for v in values
    ]
    server.state.sheets[SHEET] = {TITLE: cells}
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        "columns:\n  您的工会: 所属工会\n  同意书: 个人信息处理同意\n", encoding="utf-8"
    )
    data = project(tmp_path)
    report = tmp_path / "r.md"
    result = invoke(
        data, "registrations", "--sheet", SHEET, "--mapping", str(mapping), "--report", str(report)
    )
    assert result.exit_code == 0, result.output
    assert len(list((data / "registrations" / "zhongshan").glob("*.yml"))) == 2
    assert "未使用的列：备注" in report.read_text(encoding="utf-8")


def test_the_same_rows_from_a_csv_give_the_same_files(server: SheetsServer, tmp_path: Path) -> None:
    from tests.intake_support import write_csv

    cells = grid([row(1), row(2)])
    server.state.sheets[SHEET] = {TITLE: cells}
    first, second = project(tmp_path / "a"), project(tmp_path / "b")
    assert invoke(first, "registrations", "--sheet", SHEET).exit_code == 0
    csv_file = write_csv(tmp_path / "export.csv", cells, encoding="gb18030")
    assert invoke(second, "registrations", "--file", str(csv_file)).exit_code == 0
    assert snapshot(first).keys() == snapshot(second).keys()
    for name in snapshot(first):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_missing_required_columns_are_fatal(server: SheetsServer, tmp_path: Path) -> None:
    server.state.sheets[SHEET] = {TITLE: [["时间戳记", "姓名"], ["2012/7/10 1:00:00", "张三"]]}
    data = project(tmp_path)
    result = invoke(data, "registrations", "--sheet", SHEET)
    assert result.exit_code == 1
    assert result.output.startswith(
        "导入失败：表头缺少必填列：性别、政治面貌、身份证号、联系电话、所属工会、个人信息处理同意"
    )


def test_429_then_success_honours_retry_after(server: SheetsServer, tmp_path: Path) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.faults = [{"status": 429, "retry_after": "1"}]
    data = project(tmp_path)
    start = time.monotonic()
    result = invoke(data, "registrations", "--sheet", SHEET)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start >= 1.0
    assert len(server.state.reads()) == 3  # one retried, two answered


def test_a_permanent_500_ends_within_a_minute_writing_nothing(
    server: SheetsServer, tmp_path: Path
) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.permanent = {"status": 500}
    data = project(tmp_path)
    before = snapshot(data)
    start = time.monotonic()
    result = invoke(data, "registrations", "--sheet", SHEET, "--report", str(tmp_path / "r.md"))
    assert time.monotonic() - start < 60
    assert result.exit_code == 1
    assert result.output == (
        "导入失败：Google 表格接口HTTP 500，已尝试 4 次仍失败；本次未写入任何文件，请稍后再试\n"
    )
    assert len(server.state.reads()) == 4
    assert snapshot(data) == before and not (tmp_path / "r.md").exists()


def test_a_long_retry_after_is_not_waited_for(server: SheetsServer, tmp_path: Path) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.permanent = {"status": 429, "retry_after": "3600"}
    start = time.monotonic()
    result = invoke(project(tmp_path), "registrations", "--sheet", SHEET)
    assert result.exit_code == 1 and time.monotonic() - start < 5
    assert "HTTP 429，已尝试 1 次仍失败" in result.output


def test_malformed_json_is_fatal(server: SheetsServer, tmp_path: Path, fast: None) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.faults = [{"malformed": True}]
    data = project(tmp_path)
    before = snapshot(data)
    result = invoke(data, "registrations", "--sheet", SHEET)
    assert result.exit_code == 1
    assert result.output == "导入失败：Google 表格接口返回了无法解析的数据（不是有效的 JSON）\n"
    assert snapshot(data) == before


def test_timeouts_are_bounded(
    server: SheetsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sources, "DEFAULT_POLICY", sources.RetryPolicy(attempts=2, backoff=0.05, timeout=0.3)
    )
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.permanent = {"delay": 1.5}
    start = time.monotonic()
    result = invoke(project(tmp_path), "registrations", "--sheet", SHEET)
    assert result.exit_code == 1 and time.monotonic() - start < 3
    assert result.output.startswith("导入失败：Google 表格接口请求超时，已尝试 2 次仍失败")


def test_a_slow_answer_within_the_timeout_is_fine(
    server: SheetsServer, tmp_path: Path, fast: None
) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    server.state.faults = [{"delay": 0.3}]
    assert invoke(project(tmp_path), "registrations", "--sheet", SHEET).exit_code == 0


@pytest.mark.parametrize(
    ("sheet", "worksheet", "message"),
    [
        ("nope", None, "导入失败：找不到表格 nope：请检查 --sheet，并确认已把表格共享给服务账号\n"),
        (SHEET, "表单回复 2", "导入失败：找不到工作表“表单回复 2”（现有：表单回复 1）\n"),
    ],
)
def test_unknown_sheet_or_worksheet(
    server: SheetsServer, tmp_path: Path, sheet: str, worksheet: str | None, message: str
) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    args = ["registrations", "--sheet", sheet] + (["--worksheet", worksheet] if worksheet else [])
    result = invoke(project(tmp_path), *args)
    assert (result.exit_code, result.output) == (1, message)


def test_without_the_hmac_key_nothing_happens(
    server: SheetsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTAKE_HMAC_KEY")
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    data = project(tmp_path)
    before = snapshot(data)
    result = invoke(data, "registrations", "--sheet", SHEET)
    assert result.exit_code == 1 and "未设置 INTAKE_HMAC_KEY" in result.output
    assert server.state.log == [] and snapshot(data) == before


def test_a_second_concurrent_run_refuses(server: SheetsServer, tmp_path: Path) -> None:
    server.state.sheets[SHEET] = {TITLE: grid([row(1)])}
    data = project(tmp_path)
    with Store(data):
        result = invoke(data, "registrations", "--sheet", SHEET)
    assert result.exit_code == 1 and "另一个导入正在运行" in result.output
    assert not (data / "registrations").exists()
    assert invoke(data, "registrations", "--sheet", SHEET).exit_code == 0
    assert not (data / ".intake.lock").exists()


def test_a_remote_api_needs_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHEETS_API_URL", "https://sheets.example.invalid")
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    result = invoke(project(tmp_path), "registrations", "--sheet", SHEET)
    assert result.exit_code == 1
    assert "缺少 Google 服务账号凭据" in result.output


def test_proposals_from_a_sheet(server: SheetsServer, tmp_path: Path) -> None:
    from tests.intake_support import PROPOSAL_HEADER, office_phone

    good = [
        "2012/7/20 9:00:00",
        "法律咨询进企业",
        "法律咨询",
        "工会组织",
        "财贸工会",
        "财贸",
        "某商场",
        "2012-08-01",
        "",
        "",
        "每月一次劳动法律咨询。",
        "财贸工会办公室",
        office_phone(),
    ]
    bad = [*good[:1], "重复", *good[2:12], make_mobile(4)]
    bad[0] = "2012/7/21 9:00:00"
    server.state.sheets[SHEET] = {TITLE: [PROPOSAL_HEADER, good, bad, good]}
    data = project(tmp_path)
    report = tmp_path / "r.md"
    result = invoke(data, "proposals", "--sheet", SHEET, "--report", str(report))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "网上报名导入：新增 1 条服务项目申报：已导入过 0，重复 1，有误 1"
    )
    (file,) = (data / "proposals").glob("*.yml")
    assert 'category: "legal-aid"' in file.read_text(encoding="utf-8")
    assert "第 3 行（重复）：联系电话：公开页面只能登载办公电话" in report.read_text(
        encoding="utf-8"
    )
    assert find_personal_numbers(all_text_under(data / "proposals", report)) == []
