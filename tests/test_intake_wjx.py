"""The 问卷星 OpenAPI pull against a real stand-in server on 127.0.0.1, and through the command."""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import main
from intake.errors import IntakeError
from intake.retry import DEFAULT_POLICY
from intake.wjx import WjxClient, WjxFailure, read_survey, sign
from tests.intake_support import KEY, make_id, make_mobile, project
from tests.wjx_server import WjxServer

VID = 91432
UNIONS = ["中山区总工会", "西岗区总工会"]
AREAS = ["社会救助", "法律咨询", "再就业"]
QUESTIONS = [
    {"q_index": 1, "q_type": 3, "q_title": "姓名"},
    {"q_index": 2, "q_type": 2, "q_title": "<b>以下为联系方式</b>"},
    {"q_index": 3, "q_type": 3, "q_title": "手机号码"},
    {
        "q_index": 4,
        "q_type": 3,
        "q_title": "所属工会",
        "items": [{"item_index": i + 1, "item_title": u} for i, u in enumerate(UNIONS)],
    },
    {
        "q_index": 5,
        "q_type": 4,
        "q_title": "服务意向",
        "items": [{"item_index": i + 1, "item_title": a} for i, a in enumerate(AREAS)],
    },
]


def answer(n: int) -> dict[str, object]:
    return {
        "index": n,
        "submittime": f"2012-07-10 15:{n // 60 % 60:02d}:{n % 60:02d}",
        "q1": f"志愿者{n}",
        "q3": make_mobile(n),
        "q4": "1",
        "q5": "1|3",
    }


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> WjxServer:
    with WjxServer() as running:
        running.state.vid, running.state.questions = VID, list(QUESTIONS)
        monkeypatch.setenv("WJX_API_URL", running.url)
        monkeypatch.delenv("WJX_APPID", raising=False)
        monkeypatch.delenv("WJX_APPKEY", raising=False)
        yield running


def client(**policy: float) -> WjxClient:
    made = WjxClient(replace(DEFAULT_POLICY, **policy))  # type: ignore[arg-type]
    made.sleep = lambda seconds: time.sleep(min(seconds, 0.01))  # type: ignore[method-assign]
    return made


def test_sign_is_the_documented_rule() -> None:
    params = {"b": 2, "a": "x", "c": "", "d": None, "e": True, "sign": "old"}
    assert sign(params, "KEY") == hashlib.sha1(b"x2trueKEY").hexdigest()


def test_answers_over_three_pages_as_sheet_rows(server: WjxServer) -> None:
    server.state.answers = [answer(n) for n in range(1, 121)]
    table = read_survey(str(VID), client())
    assert table.header == ["序号", "提交答卷时间", "姓名", "手机号码", "所属工会", "服务意向"]
    rows = list(table.rows)
    assert [n for n, _ in rows] == list(range(2, 122))
    assert rows[0][1][2:] == ["志愿者1", make_mobile(1), "中山区总工会", "社会救助┋再就业"]
    assert rows[-1][1][:3] == ["120", "2012-07-10 15:02:00", "志愿者120"]
    actions = [b["action"] for b in server.state.bodies]
    assert actions == ["1000001", "1001002", "1001002", "1001002"]
    assert [b.get("page_index") for b in server.state.bodies[1:]] == [1, 2, 3]
    assert all(b["page_size"] == 50 for b in server.state.bodies[1:])


def test_requests_are_signed_and_a_bad_key_is_one_chinese_line(
    server: WjxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.state.credentials = ("907", "right-key")
    server.state.answers = [answer(1)]
    monkeypatch.setenv("WJX_APPID", "907")
    monkeypatch.setenv("WJX_APPKEY", "wrong-key")
    with pytest.raises(IntakeError) as info:
        read_survey(str(VID), client())
    assert str(info.value) == (
        "问卷星接口拒绝了请求：签名错误!（请检查 WJX_APPID、WJX_APPKEY 和问卷编号）；本次未写入任何文件"
    )
    monkeypatch.setenv("WJX_APPKEY", "right-key")
    assert len(list(read_survey(str(VID), client()).rows)) == 1
    body = server.state.bodies[-1]
    assert body["appid"] == "907" and body["encode"] == "sha1" and "traceid" not in body
    assert abs(body["ts"] - time.time()) < 60


def test_a_429_with_retry_after_is_waited_then_retried(server: WjxServer) -> None:
    server.state.answers = [answer(1)]
    server.state.faults = [{}, {"status": 429, "retry_after": "7"}]
    waits: list[float] = []
    made = client()
    made.sleep = waits.append  # type: ignore[method-assign]
    assert len(list(read_survey(str(VID), made).rows)) == 1
    assert waits == [7.0]
    assert len(server.state.log) == 3


def test_persistent_5xx_fails_after_bounded_attempts(server: WjxServer) -> None:
    server.state.faults = [{"status": 503}] * 10
    with pytest.raises(WjxFailure) as info:
        read_survey(str(VID), client(attempts=3))
    assert str(info.value) == "问卷星接口HTTP 503，已尝试 3 次仍失败；本次未写入任何文件"
    assert len(server.state.log) == 3


def test_a_dripping_answer_is_cut_at_the_deadline(server: WjxServer) -> None:
    server.state.faults = [{"drip": 1.0}] * 5
    started = time.monotonic()
    with pytest.raises(WjxFailure) as info:
        read_survey(str(VID), client(timeout=1.0, deadline=2.5, attempts=5))
    assert time.monotonic() - started < 5
    assert "请求超时" in str(info.value)


def test_credentials_are_required_off_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WJX_API_URL", raising=False)
    monkeypatch.delenv("WJX_APPID", raising=False)
    monkeypatch.setenv("WJX_APPKEY", "k")
    with pytest.raises(IntakeError) as info:
        WjxClient()
    assert str(info.value) == "缺少问卷星 API 凭据：请设置 WJX_APPID 和 WJX_APPKEY"


def test_survey_number_must_be_digits(server: WjxServer) -> None:
    with pytest.raises(IntakeError) as info:
        read_survey("abc", client())
    assert "问卷星问卷编号应为数字" in str(info.value)
    assert server.state.log == []


def invoke(data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["intake", "registrations", *args, "--data-dir", str(data)])
    return result.exit_code, result.output


def full_answer(n: int, **changed: str) -> dict[str, object]:
    values: dict[str, object] = {
        "index": n,
        "submittime": f"2012-07-10 15:00:{n:02d}",
        "q1": f"志愿者{n}",
        "q2": "男" if n % 2 else "女",
        "q3": "群众",
        "q4": make_id(seq=100 + n) if n % 2 == 0 else make_id(seq=101 + 2 * n),
        "q5": make_mobile(n),
        "q6": "2001年7月",
        "q7": "本科",
        "q8": "健康",
        "q9": "大连某公司",
        "q10": "1",
        "q11": "1|2|3",
        "q12": "1",
    }
    values.update(changed)
    return values


REGISTRATION = [
    {"q_index": i + 1, "q_type": 3, "q_title": t}
    for i, t in enumerate(
        ["姓名", "性别", "政治面貌", "身份证号", "手机号码", "参加工作时间", "学历", "健康状况"]
    )
] + [
    {"q_index": 9, "q_type": 3, "q_title": "工作单位"},
    {
        "q_index": 10,
        "q_type": 3,
        "q_title": "所属工会",
        "items": [{"item_index": i + 1, "item_title": u} for i, u in enumerate(UNIONS)],
    },
    {
        "q_index": 11,
        "q_type": 4,
        "q_title": "服务意向（可多选）",
        "items": [{"item_index": i + 1, "item_title": a} for i, a in enumerate(AREAS)],
    },
    {
        "q_index": 12,
        "q_type": 3,
        "q_title": "个人信息处理同意",
        "items": [{"item_index": 1, "item_title": "同意"}],
    },
]


def test_the_command_pulls_a_survey_with_every_service_area(
    server: WjxServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
    server.state.questions = REGISTRATION
    server.state.answers = [full_answer(1), full_answer(2), full_answer(3, q4="2102021")]
    data = project(tmp_path)
    code, output = invoke(data, "--source", "wjx", "--form", str(VID))
    assert code == 0, output
    assert output.startswith("网上报名导入：新增 2 条报名记录")
    assert "有误：第 4 行" in output
    assert "导出格式：按 --source wjx 读作 问卷星 导出格式" in output
    records = [yaml.safe_load(p.read_text()) for p in sorted(data.rglob("registrations/**/*.yml"))]
    assert len(records) == 2
    wanted = ["social-assistance", "legal-aid", "reemployment"]
    assert [r["categories"] for r in records] == [wanted, wanted]
    assert sorted(str(r["name"]) for r in records) == ["志愿者1", "志愿者2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--source", "wjx"],
            "导入失败：--source wjx 从接口拉取需要 --form（问卷星问卷编号）；导入下载的文件请用 --file PATH",
        ),
        (
            ["--source", "jinshuju"],
            "导入失败：--source jinshuju 从接口拉取需要 --form（金数据表单的 token）；导入下载的文件请用 --file PATH",
        ),
        (["--form", "1"], "导入失败：--form 只能与 --source jinshuju 或 --source wjx 一起使用"),
        (
            ["--source", "wjx", "--form", "1", "--sheet", "k"],
            "导入失败：--form 不能与 --sheet 或 --file 同时使用：请只指定一个来源",
        ),
        (["--source", "wjx", "--form", " "], "导入失败：--form 是空的：请填写问卷星问卷编号"),
        (
            ["--source", "wjx", "--form", "1", "--worksheet", "x"],
            "导入失败：--worksheet 只用于 Google 表格和 Excel 文件，不能与 --form 同时使用",
        ),
        (
            ["--source", "wjx", "--form", "1"],
            "导入失败：缺少问卷星 API 凭据：请设置 WJX_APPID 和 WJX_APPKEY",
        ),
        (
            ["--source", "jinshuju", "--form", "abc"],
            "导入失败：缺少金数据 API 凭据：请设置 JINSHUJU_API_KEY 和 JINSHUJU_API_SECRET",
        ),
    ],
)
def test_form_option_mistakes_are_one_chinese_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], message: str
) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
    for name in ("WJX_API_URL", "WJX_APPID", "WJX_APPKEY", "JINSHUJU_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("JINSHUJU_API_KEY", raising=False)
    data = project(tmp_path)
    code, output = invoke(data, *args)
    assert (code, output.strip()) == (1, message)
    assert not (data / "registrations").exists()
