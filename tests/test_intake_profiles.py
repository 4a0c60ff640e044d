"""Exports shaped like 问卷星, 腾讯问卷, 金数据, WPS and 腾讯文档's import with no mapping file."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from intake.normalize import parse_timestamp, split_list
from intake.profiles import PROFILES, detect, question
from tests.intake_support import KEY, REPO, bad_check, make_id, project, row, write_csv

AREAS = ["社会救助", "法律咨询", "文化活动"]
AREA_IDS = {"社会救助": "social-assistance", "法律咨询": "legal-aid", "文化活动": "culture"}
# The form's own field → the wording each service's questionnaire used.
QUESTIONS = [
    ("姓名", "姓名"),
    ("性别", "性别"),
    ("政治面貌", "政治面貌"),
    ("身份证号", "身份证号码"),
    ("联系电话", "手机号"),
    ("参加工作时间", "参加工作时间"),
    ("学历", "学历"),
    ("健康状况", "健康状况"),
    ("工作单位", "单位"),
    ("特长", "特长"),
    ("工作简历", "工作简历"),
    ("所属工会", "所在工会"),
    ("服务意向", "服务意向"),
    ("本人申请", "本人申请"),
    ("个人信息处理同意", "个人信息处理同意"),
]


def people() -> list[dict[str, str]]:
    """Three good people with one, two and three service areas; the third-listed has a bad ID."""
    return [
        row(1, 服务意向="社会救助"),
        row(2, 服务意向="社会救助 法律咨询"),
        row(3, 身份证号=bad_check(make_id(seq=103)), 服务意向="文化活动"),
        row(4, 服务意向="社会救助 法律咨询 文化活动"),
    ]


def areas(person: dict[str, str]) -> list[str]:
    return person["服务意向"].split()


def wjx(person: dict[str, str], n: int) -> tuple[list[str], list[str]]:
    meta = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    header = meta + [
        f"{i + 1}、{q}{'（可多选）' if f == '服务意向' else '：'}"
        for i, (f, q) in enumerate(QUESTIONS)
    ]
    stamp = f"2012/7/10 15:30:{n:02d}"
    cells = [str(n), stamp, "125秒", "手机提交", "直接访问", "223.100.1.7(辽宁-大连)"]
    cells += ["┋".join(areas(person)) if f == "服务意向" else person[f] for f, _ in QUESTIONS]
    return header, cells


def jinshuju(person: dict[str, str], n: int) -> tuple[list[str], list[str]]:
    header = [
        "序号",
        *(q for _, q in QUESTIONS),
        "提交人",
        "提交时间",
        "更新时间",
        "填写设备",
        "IP",
    ]
    stamp = f"2012-07-10 15:30:{n:02d}"
    cells = [str(n)]
    cells += ["，".join(areas(person)) if f == "服务意向" else person[f] for f, _ in QUESTIONS]
    cells += ["", stamp, stamp, "手机", "223.100.1.7"]
    return header, cells


def wps(person: dict[str, str], n: int) -> tuple[list[str], list[str]]:
    header = ["提交者", "提交时间", *(q for _, q in QUESTIONS)]
    cells = ["微信用户", f"2012-07-10 15:30:{n:02d}"]
    cells += ["\n".join(areas(person)) if f == "服务意向" else person[f] for f, _ in QUESTIONS]
    return header, cells


def tencent(person: dict[str, str], n: int) -> tuple[list[str], list[str]]:
    meta = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区"]
    meta += ["地理位置省", "地理位置市", "自定义字段"]
    header, cells = list(meta), [str(n), "", f"10-Jul-2012 15:30:{n:02d}", "60", "中国"]
    cells += ["辽宁省", "大连市", ""]
    marks = ["1", "√", "是"]
    for i, (f, q) in enumerate(QUESTIONS):
        if f != "服务意向":
            header.append(f"{i + 1}.{q}")
            cells.append(person[f])
            continue
        for k, area in enumerate(AREAS):  # one column per option, each marked its own way
            header.append(f"{i + 1}.{q}:{area}")
            chosen = area in areas(person)
            cells.append((area if k == 0 else marks[n % 3]) if chosen else "")
        header.append(f"{i + 1}.{q}:其他_填空1")  # the text of 其他: not an option chosen
        cells.append("是")
    return [*header, ""], [*cells, ""]  # 腾讯问卷 ends every line with an empty column


Shape = Callable[[dict[str, str], int], tuple[list[str], list[str]]]


def xlsx(path: Path, lines: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in lines:
        sheet.append(line)
    book.save(path)
    return path


def export(tmp_path: Path, shape: Shape, kind: str) -> Path:
    lines = []
    for n, person in enumerate(people(), start=1):
        header, cells = shape(person, n)
        lines.append(cells)
    lines.insert(0, header)
    if kind == "csv":
        return write_csv(tmp_path / "export.csv", lines, "gb18030")
    return xlsx(tmp_path / "export.xlsx", lines)


def volunteers(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "volunteers"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"INTAKE_HMAC_KEY": KEY, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("shape", "kind", "label"),
    [
        (wjx, "xlsx", "问卷星"),
        (jinshuju, "xlsx", "金数据"),
        (wps, "xlsx", "WPS 表单或腾讯文档收集表"),
        (tencent, "csv", "腾讯问卷"),
    ],
)
def test_each_services_export_imports_without_a_mapping(
    tmp_path: Path, shape: Shape, kind: str, label: str
) -> None:
    data = project(tmp_path)
    path = export(tmp_path, shape, kind)
    report = tmp_path / "report.md"
    args = ["intake", "registrations", "--file", str(path), "--data-dir", str(data)]
    done = volunteers(*args, "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("网上报名导入：新增 3 条报名记录"), done.stdout
    assert f"导出格式：匹配 {label} 导出格式" in done.stdout
    text = report.read_text(encoding="utf-8")
    assert f"匹配 {label} 导出格式" in text
    assert "- 第 4 行（志愿者3）：身份证号：" in text  # the bad row, by its sheet row
    unused = [line for line in text.splitlines() if line.startswith("未使用的列")]
    assert not any(m in "".join(unused) for m in ("来自IP", "序号", "提交人", "编号"))  # metadata
    records = [yaml.safe_load(p.read_text()) for p in (data / "registrations").rglob("*.yml")]
    by_name = {r["name"]: r for r in records}
    assert set(by_name) == {"志愿者1", "志愿者2", "志愿者4"}
    for person in people():
        if person["姓名"] in by_name:
            wanted = [AREA_IDS[a] for a in areas(person)]
            assert by_name[person["姓名"]]["categories"] == wanted


def test_a_mapping_file_overrides_detection(tmp_path: Path) -> None:
    """Mapped by hand, the 问卷星 export's own 序号 is read as nothing and 提交答卷时间 stays
    ignored: the mapping's renames are what count, and the report says so."""
    data = project(tmp_path)
    path = export(tmp_path, wjx, "xlsx")
    mapping = tmp_path / "mapping.yml"
    renames = {f"{i + 1}、{q}：": f for i, (f, q) in enumerate(QUESTIONS) if f != "服务意向"}
    renames["13、服务意向（可多选）"] = "服务意向"
    renames["提交答卷时间"] = "时间戳记"
    mapping.write_text(yaml.safe_dump({"columns": renames}, allow_unicode=True), encoding="utf-8")
    args = ["intake", "registrations", "--file", str(path), "--data-dir", str(data)]
    done = volunteers(*args, "--mapping", str(mapping))
    assert done.returncode == 0, done.stderr
    assert "导出格式：按列名对照文件读取" in done.stdout
    assert done.stdout.startswith("网上报名导入：新增 3 条报名记录")
    # A mapping that leaves a required column out fails, even though the profile would match.
    mapping.write_text(yaml.safe_dump({"columns": {"序号": "备注"}}), encoding="utf-8")
    done = volunteers(*args, "--mapping", str(mapping))
    assert done.returncode != 0
    assert "表头缺少必填列" in done.stderr


def test_forced_source_and_plain(tmp_path: Path) -> None:
    data = project(tmp_path)
    path = export(tmp_path, jinshuju, "xlsx")
    args = ["intake", "registrations", "--file", str(path), "--data-dir", str(data)]
    done = volunteers(*args, "--source", "txdoc")
    assert "按 --source txdoc 读作 腾讯文档收集表 导出格式" in done.stdout, done.stderr
    assert volunteers(*args, "--source", "nosuch").returncode == 2


@pytest.mark.parametrize(
    ("shape", "name"), [(wjx, "wjx"), (jinshuju, "jinshuju"), (wps, "wps"), (tencent, "tencent")]
)
def test_detection_per_profile(shape: Shape, name: str) -> None:
    header, _ = shape(people()[0], 1)
    found = detect(header)
    assert found.profile is PROFILES[name]
    assert found.reason.startswith("匹配 ") and "列" in found.reason


def test_detection_of_google_plain_and_option_columns() -> None:
    assert detect(["时间戳记", "姓名"]).profile.name == "google"
    assert detect(["姓名", "身份证号"]).profile.name == "plain"
    # No metadata columns left, but per-option columns are still 腾讯问卷's.
    assert detect(["1.姓名", "2.服务意向:社会救助"]).profile.name == "tencent"
    assert "提交答卷时间" in detect(["序号", "提交答卷时间", "来自IP", "1、姓名"]).reason


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("1、姓名：", "姓名"),
        ("2. 性别", "性别"),
        ("Q3 身份证号（必填）", "身份证号"),
        ("（4）服务意向（可多选）", "服务意向"),
        ("12、所在工会:", "所在工会"),
        ("姓名", "姓名"),
    ],
)
def test_question_numbers_and_suffixes_are_stripped(cell: str, text: str) -> None:
    assert question(cell) == text


@pytest.mark.parametrize(
    "value",
    ["10-Jul-2012 15:30:00", "2012/7/10 15:30:00", "2012-07-10 15:30:00", "10-jul-2012 15:30"],
)
def test_each_services_time_format(value: str) -> None:
    stamp = parse_timestamp(value)
    assert stamp is not None and (stamp.month, stamp.day, stamp.hour) == (7, 10, 15)


def test_unknown_month_name_is_unreadable() -> None:
    assert parse_timestamp("10-Jux-2012 15:30:00") is None


@pytest.mark.parametrize("joiner", ["┋", "|", "、", "，", ";", "\n"])
def test_multi_choice_joiners(joiner: str) -> None:
    assert split_list(joiner.join(AREAS)) == AREAS


@pytest.mark.parametrize(
    ("cell", "picked"),
    [
        ("社会救助", True),
        (" √ ", True),
        ("是", True),
        ("1", True),
        ("TRUE", True),
        ("", False),
        ("0", False),
        ("否", False),
        ("法律咨询", False),
    ],
)
def test_a_per_option_cell_says_whether_its_option_was_chosen(cell: str, picked: bool) -> None:
    from intake.profiles import chosen

    assert chosen(cell, "社会救助") is picked


def test_short_rows_and_a_google_sheet_keep_their_columns() -> None:
    from intake.profiles import apply
    from intake.sources import SheetHandle, Table

    header = ["编号", "结束答题时间", "1.姓名", "2.服务意向:社会救助", "2.服务意向:法律咨询"]
    rows = iter([(2, ["1", "2012-07-10 15:30:00", "张三", "", "1"]), (3, ["2"])])
    table = apply(Table(header, rows, "x"), detect(header))
    assert table.header == ["编号", "结束答题时间", "姓名", "服务意向"]
    assert list(table.rows) == [
        (2, ["1", "2012-07-10 15:30:00", "张三", "法律咨询"]),
        (3, ["2", "", "", ""]),
    ]
    sheet = SheetHandle(None, "k", "t")  # type: ignore[arg-type]
    kept = apply(Table(header, iter([]), "x", sheet=sheet), detect(header))
    assert kept.header == ["编号", "结束答题时间", "姓名", "服务意向:社会救助", "服务意向:法律咨询"]


def test_roster_reads_the_same_export_as_intake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 问卷星 export imported, approved at three levels, then archived from the same file."""
    from click.testing import CliRunner

    from generator.cli.main import main
    from tests.conftest import copy_project

    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)
    root = copy_project(tmp_path / "project")
    data = root / "data"
    path = export(tmp_path, wjx, "xlsx")
    runner = CliRunner()
    done = runner.invoke(
        main, ["intake", "registrations", "--file", str(path), "--data-dir", str(data)]
    )
    assert done.exit_code == 0, done.output
    first = next(
        p.stem
        for p in (data / "registrations" / "zhongshan").glob("*.yml")
        if "志愿者4" in p.read_text(encoding="utf-8")
    )
    for level, office in (
        ("unit", "某公司工会"),
        ("district", "中山区总工会"),
        ("city", "市总工会"),
    ):
        args = ["review", first, "--level", level, "--opinion", "同意", "--office", office]
        reviewed = runner.invoke(main, [*args, "--date", "2012-07-12", "--root", str(root)])
        assert reviewed.exit_code == 0, reviewed.output
    out = tmp_path / "archive"
    args = ["roster", "zhongshan", "--file", str(path), "--out", str(out), "--data-dir", str(data)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "已批准 1 人" in result.output
    assert (out / f"registration-{first}.pdf").is_file()
