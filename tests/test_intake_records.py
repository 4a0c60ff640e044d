"""Rows → records: a table of good and bad form rows and the exact Chinese outcome of each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.core.identity import find_personal_numbers, mask_id
from generator.core.loader import parse
from generator.core.records import Proposal, Registration
from intake.columns import PROPOSAL, REGISTRATION
from intake.pipeline import load_lookups
from intake.proposals import proposal
from intake.rows import Accepted, Lookups, Rejected, registration
from intake.store import dump_yaml, record_text
from tests.intake_support import (
    KEY,
    PROPOSAL_HEADER,
    bad_check,
    make_id,
    make_mobile,
    office_phone,
    project,
    row,
)

LABEL_TO_FIELD = {c.label: c.field for c in REGISTRATION}
PROPOSAL_FIELD = {c.label: c.field for c in PROPOSAL}


@pytest.fixture(scope="module")
def lookups(tmp_path_factory: pytest.TempPathFactory) -> Lookups:
    return load_lookups(project(tmp_path_factory.mktemp("p")), KEY.encode())


def convert(
    values: dict[str, str], lookups: Lookups, number: int = 2
) -> Accepted | Rejected | None:
    raw: dict[str, str | None] = {
        LABEL_TO_FIELD[k]: v for k, v in values.items() if k in LABEL_TO_FIELD
    }
    return registration(number, raw, lookups)


def test_a_good_row_becomes_a_pending_record(lookups: Lookups) -> None:
    values = row(1, 政治面貌="中共党员", 学历="大专")
    result = convert(values, lookups)
    assert isinstance(result, Accepted)
    record = result.record
    assert isinstance(record, Registration)
    assert record.status == "pending" and record.opinions == [] and record.row == 2
    assert record.union == "zhongshan" and record.gender == "男"
    assert record.political_status == "中国共产党党员" and record.education == "大学专科"
    assert record.categories == ["social-assistance", "legal-aid"]
    assert record.id_masked == mask_id(values["身份证号"])
    assert record.phone_masked == make_mobile(1)[:3] + "****" + make_mobile(1)[-4:]
    assert record.id.startswith("20120710t150001-h") and record.work_start == "2001-07"
    assert record.warnings == []


def test_the_record_id_depends_on_the_submission_not_the_row(lookups: Lookups) -> None:
    a = convert(row(1), lookups, number=2)
    b = convert(row(1), lookups, number=40)
    c = convert(row(1, stamp="2012-07-10T15:00:01"), lookups)
    d = convert(row(1, stamp="2012年7月10日 下午3:00:01"), lookups)
    assert isinstance(a, Accepted) and isinstance(b, Accepted)
    assert isinstance(c, Accepted) and isinstance(d, Accepted)
    assert a.record.id == b.record.id == c.record.id == d.record.id


MINOR = make_id("19950801", 131)  # 16 on 2012-07-10
CHILD = make_id("19990101", 131)  # 13 on 2012-07-10
UNBORN = make_id("20130101", 131)  # born after the submission

BAD_ROWS = [
    ({"身份证号": bad_check(make_id(seq=101))}, ["身份证号：校验位不正确（可能有数字填错）"]),
    ({"身份证号": "210202" + "19800230" + "1015"}, ["身份证号：中的出生日期不存在"]),
    ({"身份证号": UNBORN}, ["身份证号：中的出生日期晚于提交时间"]),
    ({"性别": "女"}, ["性别：“女”与身份证号不符"]),
    ({"性别": "未知"}, ["性别：无法识别“未知”（可填：男、女）"]),
    ({"所属工会": "火星区总工会"}, ["所属工会：未知的工会“火星区总工会”（可填工会名称或简称："]),
    (
        {"个人信息处理同意": ""},
        ["个人信息处理同意：未同意个人信息处理（应填写“同意”或“是”），不能登记"],
    ),
    ({"个人信息处理同意": "不同意"}, ["个人信息处理同意：未同意个人信息处理"]),
    ({"个人信息处理同意": "no"}, ["个人信息处理同意：未同意个人信息处理"]),
    ({"联系电话": "0612"}, ["联系电话：电话号码无效"]),
    ({"联系电话": ""}, ["联系电话：不能为空"]),
    ({"姓名": ""}, ["姓名：不能为空"]),
    ({"姓名": "名" * 31}, ["姓名：过长（不超过 30 个字）"]),
    ({"政治面貌": "no"}, ["政治面貌：无法识别“no”（可填："]),
    ({"学历": "幼儿园"}, ["学历：无法识别“幼儿园”（可填："]),
    ({"服务意向": "社会救助、跳伞"}, ["服务意向：未知的服务领域“跳伞”（可选："]),
    ({"时间戳记": "昨天"}, ["时间戳记：无法识别的时间“昨天”（如 2012/7/10 15:30:00）"]),
    ({"参加工作时间": "很早"}, ["参加工作时间：无法识别“很早”（如 1998-07 或 1998年7月）"]),
    ({"身份证号": "", "所属工会": ""}, ["身份证号：不能为空", "所属工会：不能为空"]),
]


@pytest.mark.parametrize(
    ("changes", "expected"), BAD_ROWS, ids=[str(i) for i in range(len(BAD_ROWS))]
)
def test_bad_rows_are_rejected_with_every_reason(
    changes: dict[str, str], expected: list[str], lookups: Lookups
) -> None:
    result = convert(row(1, **changes), lookups, number=7)
    assert isinstance(result, Rejected), result
    assert result.row == 7 and len(result.reasons) == len(expected)
    for reason, start in zip(result.reasons, expected, strict=True):
        assert reason.startswith(start), reason
    assert not any(find_personal_numbers(r) for r in result.reasons)


def test_minor_with_guardian_consent_is_accepted_with_a_warning(lookups: Lookups) -> None:
    result = convert(row(1, 身份证号=MINOR, 监护人同意="同意"), lookups)
    assert isinstance(result, Accepted)
    assert result.record.guardian_consent is True
    assert "身份证号：报名时未满 18 周岁（16 岁），已注明监护人同意，请审核时留意" in (
        result.record.warnings
    )


@pytest.mark.parametrize("number", [MINOR, CHILD], ids=["16", "13"])
def test_no_age_rule_the_notice_does_not_have(number: str, lookups: Lookups) -> None:
    """The notice (大工办发[2012]18号) sets no age condition and the join page states none, so
    intake refuses no one by age: the reviewing union is told, and decides."""
    result = convert(row(1, 身份证号=number), lookups)
    assert isinstance(result, Accepted), result
    assert result.record.guardian_consent is None
    assert any(w.startswith("身份证号：报名时未满 18 周岁") for w in result.record.warnings)


def test_awkward_values_are_read_as_text(lookups: Lookups) -> None:
    number = make_id(seq=101)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    mobile = make_mobile(9)
    values = row(
        1,
        姓名="\u200b 张\u00a0三 ",
        身份证号=full_width.lower(),
        联系电话=f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        特长='=HYPERLINK("http://x")',
        工作简历="<script>alert(1)</script>",
        工作单位="@公司",
        服务意向="社会救助，法律咨询, 一助一",
        所属工会="普兰店区总工会",
        学历="no",
        健康状况="",
        个人信息处理同意="我已阅读并同意《个人信息处理规则》",
    )
    values["学历"] = "其他"
    result = convert(values, lookups)
    assert isinstance(result, Accepted), result
    record = result.record
    assert record.name == "张 三" and record.union == "pulandian"
    assert record.id_masked == mask_id(number)
    assert (
        record.skills == '=HYPERLINK("http://x")' and record.resume == "<script>alert(1)</script>"
    )
    assert record.categories == ["social-assistance", "legal-aid", "one-to-one"]
    assert record.health is None
    assert record.warnings == [
        "工作单位：以“@”开头，已按文本保存（疑似公式，请勿在表格软件中直接执行）",
        "特长：以“=”开头，已按文本保存（疑似公式，请勿在表格软件中直接执行）",
    ]


def test_legacy_id_unknown_area_and_numbers_in_free_text(lookups: Lookups) -> None:
    full = make_id("19650315", 101, area="990101")
    mobile = make_mobile(3)
    values = row(1, 身份证号=full[:6] + full[8:17], 工作简历=f"电话 {mobile}")
    result = convert(values, lookups)
    assert isinstance(result, Accepted), result
    assert result.record.resume == f"电话 {mobile[:3]}****{mobile[-4:]}"
    assert result.record.warnings == [
        "工作简历：含有完整的身份证号或手机号，已替换为脱敏形式",
        "身份证号：15 位旧身份证号，已按规则转换为 18 位，请核对",
        "身份证号：地区码 990101 不在省级行政区划代码表中，请核对",
    ]


def test_blank_rows_are_skipped(lookups: Lookups) -> None:
    assert convert({k: " \u200b" for k in row(1)}, lookups) is None


def test_the_stored_file_validates_with_the_build_loader_and_round_trips(lookups: Lookups) -> None:
    result = convert(row(1, 特长="no", 工作简历="0612", 本人申请="12:30"), lookups)
    assert isinstance(result, Accepted)
    text = record_text(result.record, "registrations")
    assert yaml.safe_load(text) == result.record.model_dump(mode="json", exclude_none=True)
    doc = parse(text, "data/registrations/zhongshan/x.yml")
    assert Registration.model_validate(doc.data) == result.record
    assert not find_personal_numbers(text)
    assert dump_yaml({"text": "no", "list": ["0612", "12:30", "~"], "y": True}) == (
        'text: "no"\nlist:\n- "0612"\n- "12:30"\n- "~"\n"y": true\n'
    )


def proposal_row(**changes: str) -> dict[str, str | None]:
    values = {
        "时间戳记": "2012/7/20 9:00:00",
        "项目名称": "金秋助学进社区",
        "服务类别": "金秋助学",
        "提出方": "志愿者",
        "提出单位或个人": "王五",
        "承接工会": "教育工会",
        "服务地点": "中山区",
        "开始日期": "2012-08-01",
        "结束日期": "2012/8/31",
        "项目简介": "",
        "项目内容": "为困难职工子女辅导功课。",
        "联系部门": "教育工会办公室",
        "联系电话": office_phone(),
        **changes,
    }
    assert set(values) == set(PROPOSAL_HEADER)
    return {PROPOSAL_FIELD[k]: v for k, v in values.items()}


def test_a_good_proposal(lookups: Lookups) -> None:
    result = proposal(3, proposal_row(), lookups)
    assert isinstance(result, Accepted)
    record = result.record
    assert isinstance(record, Proposal)
    assert (record.category, record.union, record.origin) == ("student-aid", "jiaoyu", "volunteer")
    assert record.contact.phone == "0411-82610421" and record.status == "pending"
    text = record_text(record, "proposals")
    assert Proposal.model_validate(parse(text, "x.yml").data) == record


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"联系电话": make_mobile(1)}, ["联系电话：公开页面只能登载办公电话，不能登载个人手机号"]),
        ({"服务类别": "跳伞"}, ["服务类别：未知的服务类别“跳伞”"]),
        ({"开始日期": "下个月"}, ["开始日期：无法识别的日期“下个月”（如 2012-08-01）"]),
        ({"结束日期": "2012-07-01"}, ["结束日期不能早于开始日期"]),
        ({"项目内容": ""}, ["项目内容：不能为空"]),
        ({"承接工会": "火星"}, ["承接工会：未知的工会“火星”"]),
    ],
)
def test_bad_proposals(changes: dict[str, str], expected: list[str], lookups: Lookups) -> None:
    result = proposal(4, proposal_row(**changes), lookups)
    assert isinstance(result, Rejected), result
    assert len(result.reasons) == len(expected)
    for reason, start in zip(result.reasons, expected, strict=True):
        assert reason.startswith(start), reason
    assert not any(find_personal_numbers(r) for r in result.reasons)


def test_lookups_accept_every_name_of_a_union(lookups: Lookups, tmp_path: Path) -> None:
    for text in (
        "金州新区总工会",
        "金普新区总工会",
        "金州新区",
        "jinzhou-new-area",
        " 金普新区总工会 ",
    ):
        assert lookups.union(text) == "jinzhou-new-area"
    assert lookups.category("“一助一”长期结对") == "one-to-one"


@pytest.mark.parametrize(
    ("column", "written"),
    [
        ("项目内容", lambda m: f"报名请联系 {m[:3]}.{m[3:7]}.{m[7:]}，工作日均可。"),
        ("项目简介", lambda m: f"咨询：{m[:4]} {m[4:8]} {m[8:]}"),
        ("服务地点", lambda m: f"某社区（电话 {m[:3]}\u200b{m[3:]}）"),
    ],
)
def test_a_proposal_with_a_personal_number_in_its_text_is_refused(
    column: str, written: Callable[[str], str], lookups: Lookups
) -> None:
    mobile = make_mobile(7)
    result = proposal(5, proposal_row(**{column: written(mobile)}), lookups)
    assert isinstance(result, Rejected), result
    (reason,) = result.reasons
    assert reason.startswith(f"{column}：含有疑似个人手机号 {mobile[:3]}****{mobile[-4:]}")
    assert "项目申报会公开发布" in reason and not find_personal_numbers(reason)


def test_a_registration_keeps_a_number_in_its_free_text_only_masked(lookups: Lookups) -> None:
    mobile = make_mobile(8)
    result = convert(
        row(1, 工作简历=f"原单位电话 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"), lookups
    )
    assert isinstance(result, Accepted), result
    assert result.record.resume == f"原单位电话 {mobile[:3]}****{mobile[-4:]}"


@pytest.mark.parametrize(
    ("start", "expected"),
    [("", "开始日期：不能为空"), ("下个月", "开始日期：无法识别的日期“下个月”（如 2012-08-01）")],
)
def test_a_missing_part_is_not_stood_in_for(start: str, expected: str, lookups: Lookups) -> None:
    """A proposal without a readable start date, ending in 1999: the one fault is its start date.
    Checked against a stand-in start (2000-01-01), it was also told that it ends before it
    starts, a rule about a date the proposer never wrote."""
    result = proposal(4, proposal_row(开始日期=start, 结束日期="1999-12-31"), lookups)
    assert isinstance(result, Rejected), result
    assert result.reasons == [expected]
