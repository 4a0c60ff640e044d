"""The 金数据 API v1 pull against a real stand-in server on 127.0.0.1."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import main
from intake.errors import IntakeError
from intake.jinshuju import JinshujuClient, JinshujuFailure, beijing, read_form
from intake.retry import DEFAULT_POLICY
from tests.intake_support import KEY, make_id, make_mobile, project
from tests.jinshuju_server import JinshujuServer

FIELDS = [("field_1", "姓名"), ("field_2", "所属工会"), ("field_3", "服务意向")]


def entry(n: int) -> dict[str, object]:
    return {
        "serial_number": n,
        "field_1": f"志愿者{n}",
        "field_2": "中山区总工会",
        "field_3": ["社会救助", "法律咨询"],
        "created_at": f"2012-07-10T07:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
        "creator_name": "",
    }


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> JinshujuServer:
    with JinshujuServer() as running:
        running.state.fields = list(FIELDS)
        monkeypatch.setenv("JINSHUJU_API_URL", running.url)
        monkeypatch.delenv("JINSHUJU_API_KEY", raising=False)
        monkeypatch.delenv("JINSHUJU_API_SECRET", raising=False)
        yield running


def client(**policy: float) -> JinshujuClient:
    made = JinshujuClient(replace(DEFAULT_POLICY, **policy))  # type: ignore[arg-type]
    made.sleep = lambda seconds: time.sleep(min(seconds, 0.01))  # type: ignore[method-assign]
    return made


def test_entries_over_three_pages_as_sheet_rows(server: JinshujuServer) -> None:
    server.state.entries = [entry(n) for n in range(1, 121)]
    table = read_form("abc123", client())
    assert table.header == ["序号", "提交时间", "姓名", "所属工会", "服务意向"]
    rows = list(table.rows)
    assert [n for n, _ in rows] == list(range(2, 122))
    assert rows[0][1] == [
        "1",
        "2012-07-10 15:00:01",
        "志愿者1",
        "中山区总工会",
        "社会救助、法律咨询",
    ]
    assert rows[-1][1][2] == "志愿者120"
    pages = [p for p in server.state.log if "/entries" in p]
    assert len(pages) == 3 and "next=50" in pages[1] and "next=100" in pages[2]


def test_a_429_with_retry_after_is_waited_then_retried(server: JinshujuServer) -> None:
    server.state.entries = [entry(1)]
    server.state.faults = [{}, {"status": 429, "retry_after": "7"}]
    waits: list[float] = []
    made = client()
    made.sleep = waits.append  # type: ignore[method-assign]
    rows = list(read_form("abc123", made).rows)
    assert len(rows) == 1 and waits == [7.0]


def test_persistent_5xx_fails_after_bounded_attempts(server: JinshujuServer) -> None:
    server.state.faults = [{"status": 503}] * 10
    with pytest.raises(JinshujuFailure) as info:
        read_form("abc123", client(attempts=3))
    assert str(info.value) == "金数据接口HTTP 503，已尝试 3 次仍失败；本次未写入任何文件"
    assert len(server.state.log) == 3


def test_a_dripping_answer_is_cut_at_the_deadline(server: JinshujuServer) -> None:
    server.state.faults = [{"drip": 1.0}] * 5
    started = time.monotonic()
    with pytest.raises(JinshujuFailure) as info:
        read_form("abc123", client(timeout=1.0, deadline=2.5, attempts=5))
    assert time.monotonic() - started < 5
    assert "请求超时" in str(info.value)


def test_bad_credentials_are_one_chinese_line(
    server: JinshujuServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.state.auth = ("right-key", "right-secret")
    monkeypatch.setenv("JINSHUJU_API_KEY", "wrong-key")
    monkeypatch.setenv("JINSHUJU_API_SECRET", "wrong-secret")
    with pytest.raises(IntakeError) as info:
        read_form("abc123", client())
    assert str(info.value) == (
        "金数据拒绝了 API 凭据：请检查 JINSHUJU_API_KEY 和 JINSHUJU_API_SECRET"
    )
    monkeypatch.setenv("JINSHUJU_API_KEY", "right-key")
    monkeypatch.setenv("JINSHUJU_API_SECRET", "right-secret")
    server.state.entries = [entry(1)]
    assert len(list(read_form("abc123", client()).rows)) == 1


def test_credentials_are_required_off_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JINSHUJU_API_URL", raising=False)
    monkeypatch.delenv("JINSHUJU_API_KEY", raising=False)
    with pytest.raises(IntakeError) as info:
        JinshujuClient()
    assert "JINSHUJU_API_KEY" in str(info.value)


def test_beijing_time() -> None:
    assert beijing("2012-07-09T16:30:00Z") == "2012-07-10 00:30:00"
    assert beijing("not a time") == "not a time"


LABELS = ["姓名", "性别", "政治面貌", "身份证号码", "手机号", "参加工作时间", "学历", "健康状况"]
LABELS += ["工作单位", "所属工会", "服务意向", "个人信息处理同意"]


def full_entry(n: int, **changed: object) -> dict[str, object]:
    seq = 100 + n
    values: list[object] = [f"志愿者{n}", "男" if seq % 2 else "女", "群众", make_id(seq=seq)]
    values += [make_mobile(n), "2001年7月", "本科", "健康", "大连某公司", "中山区总工会"]
    values += [["社会救助", "法律咨询", "再就业"], "同意"]
    entry = {f"field_{i + 1}": v for i, v in enumerate(values)}
    entry |= {"serial_number": n, "created_at": f"2012-07-10T07:30:{n:02d}.000Z"}
    entry.update(changed)
    return entry


def test_the_command_pulls_a_form_with_every_service_area(
    server: JinshujuServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
    server.state.fields = [(f"field_{i + 1}", label) for i, label in enumerate(LABELS)]
    server.state.entries = [full_entry(1), full_entry(2, field_4="2102021"), full_entry(3)]
    data = project(tmp_path)
    args = ["intake", "registrations", "--source", "jinshuju", "--form", "abc123"]
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("网上报名导入：新增 2 条报名记录"), result.output
    assert "有误：第 3 行（志愿者2）" in result.output
    assert "导出格式：按 --source jinshuju 读作 金数据 导出格式" in result.output
    records = [yaml.safe_load(p.read_text()) for p in sorted(data.rglob("registrations/**/*.yml"))]
    assert sorted(str(r["name"]) for r in records) == ["志愿者1", "志愿者3"]
    wanted = ["social-assistance", "legal-aid", "reemployment"]
    assert [r["categories"] for r in records] == [wanted, wanted]
