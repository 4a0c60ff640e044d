"""`volunteers roster`: a union's filled roster and forms, full numbers only in --out, never in the repo."""

from __future__ import annotations

import io
import re
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from generator.cli.main import main
from generator.core.identity import find_personal_numbers, keyed_hash, mask_id
from generator.core.records import Registration
from generator.core.sourcerow import SourceRow
from generator.paperwork import archive
from generator.paperwork.downloads import ROSTER, ROSTER_COLUMNS, roster_context, text_lines
from generator.paperwork.xlsx import FIRST_ROW
from tests import intake_support
from tests.conftest import ROOT, copy_project
from tests.intake_support import HEADER, grid, write_csv
from tests.records_factory import KEY, make_id, make_mobile, registration, write_registration
from tests.sheets_server import SheetsServer

pytestmark = pytest.mark.slow  # real PDFs rendered

FULL = ("unit", "district", "city")
IDENTITY = "身份"


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY.decode())


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["roster", *args, "--data-dir", str(project / "data")])


def source_row(n: int, union: str = "中山区总工会", phone: str | None = None) -> dict[str, str]:
    """The form row of factory person n, with the full numbers the record only has hashed."""
    return {
        "时间戳记": f"2012/7/4 12:00:{n % 60:02d}",
        "姓名": f"测试{n}号",
        "性别": "男" if int(make_id(n)[16]) % 2 else "女",
        "政治面貌": "群众",
        "身份证号": make_id(n),
        "联系电话": phone or make_mobile(n),
        "所属工会": union,
        "个人信息处理同意": "同意",
        IDENTITY: "在职职工",
    }


def approved(n: int, union: str = "zhongshan", **fields: object) -> Registration:
    record = registration(union, n, FULL)
    return Registration.model_validate({**record.model_dump(), **fields})


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[tuple[Path, Path, dict[str, Registration]]]:
    """A project with approved, pending and other unions' records, and the form's CSV export."""
    project = copy_project(tmp_path / "project")
    records = {
        "full": approved(
            1,
            name="王建国",
            employer="大连港集团",
            skills="=1+1",  # formula-like text stays text in the workbook
            political_status="中共党员",
            education="本科",
            work_start="1998-07",
            resume="1998年参加工作\n2005年至今 大连港集团",
            application="自愿参加工会服务帮扶志愿者队伍。",
        ),
        "plain": approved(2, name="李秀英"),
        "pending": registration("zhongshan", 3, ("unit",), name="王待审"),
        "other": approved(4, "xigang", name="赵西岗"),
        "missing": approved(5, name="钱无源"),
        "new_phone": approved(6, name="孙换号"),
    }
    for record in records.values():
        write_registration(project, record)
    rows: list[dict[str, str] | None] = [
        source_row(1),
        source_row(2),
        source_row(3),
        source_row(4, "西岗区总工会"),
        source_row(6, phone=make_mobile(60)),
        source_row(7),  # never registered: ignored
    ]
    csv = write_csv(tmp_path / "form.csv", grid(rows, [*HEADER, IDENTITY]))
    yield project, csv, records


def test_roster_and_forms_with_full_numbers_only_in_out(
    scene: tuple[Path, Path, dict[str, Registration]], tmp_path: Path
) -> None:
    project, csv, records = scene
    before = snapshot(project)
    out = tmp_path / "archive"
    result = invoke(project, "zhongshan", "--file", str(csv), "--out", str(out))
    assert result.exit_code == 0, result.output
    missing, new_phone = records["missing"], records["new_phone"]
    assert (
        result.stdout
        == f"中山区总工会：已批准 4 人，花名册（PDF、XLSX）和 4 份登记表已写入 {out}\n"
    )
    assert result.stderr == (
        f"提示：1 条已批准登记在报名表中找不到（按身份证号散列核对），花名册和登记表中为脱敏号码："
        f"{missing.id}（{missing.id_masked}）\n"
        f"提示：1 条已批准登记的联系电话与报名表不一致，登记表中为脱敏号码："
        f"{new_phone.id}（{new_phone.id_masked}）\n"
    )
    numbers = [make_id(n) for n in range(1, 8)] + [make_mobile(n) for n in (*range(1, 8), 60)]
    assert not find_personal_numbers(result.output)
    assert not any(number in result.output for number in numbers)

    shown = [records[k] for k in ("full", "plain", "missing", "new_phone")]
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(files) == {
        "roster-zhongshan.pdf",
        "roster-zhongshan.xlsx",
        *(f"registration-{r.id}.pdf" for r in shown),
    }
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name

    roster = text(files["roster-zhongshan.pdf"])
    assert (
        "附件3服务帮扶志愿者花名册区市县、产业工会：中山区总工会负责人：联系电话：1234序号"
        in roster
    )
    assert "".join(label.replace("　", "") for label, _ in ROSTER_COLUMNS) in roster
    assert f"王建国男{make_id(1)}大连港集团中共党员在职职工=1+1" in roster
    assert f"李秀英女{make_id(2)}群众在职职工" in roster
    assert f"钱无源男{mask_id(make_id(5))}群众" in roster  # no source row: masked
    assert f"孙换号女{make_id(6)}群众在职职工" in roster
    for absent in ("王待审", "赵西岗", make_id(3), make_id(4), make_id(7)):
        assert absent not in roster

    form = text(files[f"registration-{records['full'].id}.pdf"])
    for piece in (
        "姓名王建国性别男政治面貌中共党员照片（1寸或2寸）",
        f"身份证号{make_id(1)}联系电话{make_mobile(1)}参加工作时间",
        "参加工作时间1998年7月学历大学本科",
        "工作单位大连港集团特长=1+1",
        "工作简历1998年参加工作2005年至今大连港集团",
        "自愿参加工会服务帮扶志愿者队伍。",
        "同意测试工会（盖章）2012年7月5日",
        "同意测试工会（盖章）2012年7月7日",
    ):
        assert piece in form, piece
    assert "扫码" not in form  # an archived form carries no sign-up code
    changed = text(files[f"registration-{new_phone.id}.pdf"])
    assert make_id(6) in changed and new_phone.phone_masked in changed
    assert make_mobile(6) not in changed and make_mobile(60) not in changed
    for name, data in files.items():
        if name.endswith(".pdf"):
            assert len(PdfReader(io.BytesIO(data)).pages) == 1, name

    ws = load_workbook(io.BytesIO(files["roster-zhongshan.xlsx"])).active
    assert isinstance(ws, Worksheet)
    assert ws["C2"].value == "中山区总工会"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + 4)]
    assert rows == [
        [1, "王建国", "男", make_id(1), "大连港集团", "中共党员", "在职职工", "=1+1"],
        [2, "李秀英", "女", make_id(2), None, "群众", "在职职工", None],
        [3, "钱无源", "男", mask_id(make_id(5)), None, "群众", None, None],
        [4, "孙换号", "女", make_id(6), None, "群众", "在职职工", None],
        [5] + [None] * 7,  # the quota's rows are numbered in advance
    ]
    assert ws[f"D{FIRST_ROW}"].data_type == "s" and ws[f"H{FIRST_ROW}"].data_type == "s"
    assert ws.print_area == f"'花名册'!$A$1:$H${FIRST_ROW + 300 - 1}"  # 中山区's quota: 300

    assert snapshot(project) == before  # nothing written into the project


def read_all(root: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("where", ["project", "site", "data", "symlink", "git", "repository"])
def test_refuses_to_write_inside_the_project_or_a_work_tree(
    scene: tuple[Path, Path, dict[str, Registration]], tmp_path: Path, where: str
) -> None:
    project, csv, _ = scene
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "link").symlink_to(project)
    out, place = {
        "project": (project / "archive", "项目目录之内"),
        "site": (project / "site" / "archive", "网站输出目录（site/）之内"),
        "data": (project / "data", "项目目录之内"),
        "symlink": (tmp_path / "link" / "archive", "项目目录之内"),
        "git": (repo / "archive", f"git 工作区 {repo} 之内"),
        "repository": (ROOT / ".archive-refused", f"git 工作区 {ROOT} 之内"),
    }[where]
    assert not out.exists() or where == "data"
    before = snapshot(project)
    result = invoke(project, "zhongshan", "--file", str(csv), "--out", str(out))
    assert result.exit_code == 1
    assert result.output == (
        f"错误：--out {out} 在{place}，花名册和登记表含完整身份证号和手机号，"
        "只能写到仓库之外的目录；本次未写入任何文件\n"
    )
    assert not out.exists() or where == "data"
    assert snapshot(project) == before
    assert [p.name for p in repo.iterdir()] == [".git"]


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["xigang", "--file", "{csv}"], {}, "错误：西岗区总工会尚无已批准的登记，未生成任何文件"),
        (["zhongshan"], {}, "错误：请指定 --sheet KEY 或 --file PATH 之一"),
        (["mars", "--file", "{csv}"], {}, "错误：未知的工会 “mars”（可选：zhongshan、xigang、"),
        (
            ["zhongshan", "--file", "{csv}"],
            {"INTAKE_HMAC_KEY": "short"},
            "错误：未设置 INTAKE_HMAC_KEY（至少 16 个字符的密钥",
        ),
        (
            ["zhongshan", "--file", "{tmp}/missing.csv"],
            {},
            "错误：读取报名表失败：找不到文件 {tmp}/missing.csv",
        ),
        (
            ["zhongshan", "--file", "{tmp}/narrow.csv"],
            {},
            "错误：读取报名表失败：表头缺少必填列：时间戳记、性别、政治面貌、联系电话",
        ),
    ],
)
def test_errors_are_one_chinese_line_and_write_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    expected: str,
) -> None:
    project = copy_project(tmp_path / "project")
    write_registration(project, approved(1))
    write_registration(project, registration("xigang", 2, ("unit",)))
    csv = write_csv(tmp_path / "form.csv", grid([source_row(1)], [*HEADER, IDENTITY]))
    write_csv(tmp_path / "narrow.csv", [["姓名", "身份证号", "所属工会", "个人信息处理同意"]])
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "archive"
    filled = [a.format(csv=csv, tmp=tmp_path) for a in args]
    result = invoke(project, *filled, "--out", str(out))
    assert result.exit_code == 1
    assert result.output.startswith(expected.format(tmp=tmp_path)), result.output
    assert result.output.count("\n") == 1
    assert not out.exists()


def test_intake_review_then_roster_matches_the_imported_row(tmp_path: Path) -> None:
    """The staff path end to end: intake a CSV, approve one person at three levels, archive."""
    project = copy_project(tmp_path / "project")
    runner = CliRunner()
    again = intake_support.row(
        1, stamp="2012/7/11 9:00:00", 联系电话=intake_support.make_mobile(99)
    )
    rows: list[dict[str, str] | None] = [intake_support.row(1), intake_support.row(2), again]
    csv = write_csv(tmp_path / "form.csv", grid(rows))
    done = runner.invoke(
        main, ["intake", "registrations", "--file", str(csv), "--data-dir", str(project / "data")]
    )
    assert done.exit_code == 0, done.output
    first = next(
        p.stem
        for p in (project / "data" / "registrations" / "zhongshan").glob("*.yml")
        if "志愿者1" in p.read_text(encoding="utf-8")
    )
    for level, office in (
        ("unit", "某公司工会"),
        ("district", "中山区总工会"),
        ("city", "市总工会"),
    ):
        args = ["review", first, "--level", level, "--opinion", "同意", "--office", office]
        reviewed = runner.invoke(main, [*args, "--date", "2012-07-12", "--root", str(project)])
        assert reviewed.exit_code == 0, reviewed.output
    out = tmp_path / "archive"
    result = invoke(project, "zhongshan", "--file", str(csv), "--out", str(out))
    assert result.exit_code == 0, result.output
    number = intake_support.make_id(seq=101)
    assert (
        result.stdout
        == f"中山区总工会：已批准 1 人，花名册（PDF、XLSX）和 1 份登记表已写入 {out}\n"
    )
    assert result.stderr == (
        f"提示：1 条已批准登记在报名表中有多行，已取导入时的那一行（认不出时取最后一行）：{first}（{mask_id(number)}）\n"
    )
    form = text((out / f"registration-{first}.pdf").read_bytes())
    assert f"身份证号{number}联系电话{intake_support.make_mobile(1)}参加工作时间" in form
    assert "同意市总工会（盖章）2012年7月12日" in form
    roster = text((out / "roster-zhongshan.pdf").read_bytes())
    assert f"志愿者1男{number}大连某公司群众摄影" in roster and "志愿者2" not in roster
    assert not find_personal_numbers(read_all(project))


def test_sheet_source(scene: tuple[Path, Path, dict[str, Registration]], tmp_path: Path) -> None:
    project, _, records = scene
    with SheetsServer() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHEETS_API_URL", server.url)
        server.state.sheets["form-key"] = {"表单回复 1": grid([source_row(2)], HEADER)}
        out = tmp_path / "archive"
        result = invoke(project, "zhongshan", "--sheet", "form-key", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(server.state.reads()) == 2
    assert make_id(2) in text((out / f"registration-{records['plain'].id}.pdf").read_bytes())
    assert make_id(1) not in text((out / "roster-zhongshan.pdf").read_bytes())


# --- The join and the layout, without rendering -------------------------------------------


def row_of(n: int, row: int, union: str | None = "zhongshan", **fields: object) -> SourceRow:
    number = make_id(n)
    return SourceRow(
        row=row,
        union=union,
        id_hash=keyed_hash(KEY, "id", number),
        id_number=number,
        phone=make_mobile(n),
        phone_hash=keyed_hash(KEY, "phone", "+86" + make_mobile(n)),
        **fields,  # type: ignore[arg-type]
    )


def test_join_prefers_the_row_the_record_came_from() -> None:
    record = approved(1)  # the factory's record says row 3
    by_id = row_of(1, 9, record_id=record.id)
    joined = archive.join([record], [row_of(1, 2), by_id, row_of(1, 12)])
    assert joined.entries[0].source is by_id and joined.several == [record]
    joined = archive.join([record], [row_of(1, 2), row_of(1, 3), row_of(1, 12)])
    assert joined.entries[0].source is not None and joined.entries[0].source.row == 3
    joined = archive.join([record], [row_of(1, 2), row_of(1, 12)])
    assert joined.entries[0].source is not None and joined.entries[0].source.row == 12
    other_union = archive.join([record], [row_of(1, 2, "xigang"), row_of(2, 4)])
    assert other_union.unmatched == [record]
    assert other_union.entries[0].id_number == record.id_masked
    assert other_union.entries[0].phone == record.phone_masked


def test_full_numbers_stay_out_of_reprs() -> None:
    record = approved(1)
    source = row_of(1, 2)
    entry = archive.MatchedRecord(record, source)
    for shown in (repr(source), repr(entry), repr(archive.join([record], [source]))):
        assert not find_personal_numbers(shown), shown


def test_long_cells_shrink_then_wrap_then_are_cut() -> None:
    context = roster_context("中山区总工会", None, 1, [("名", "男", "", "单" * 60, "", "", "")])
    pages = context["pages"]
    assert isinstance(pages, list)
    cells = pages[0]["rows"][0]["cells"]
    assert [c["size"] for c in cells[:2]] == ["", ""]
    employer = cells[3]
    assert employer["size"] == "small two" and employer["text"].endswith("…")
    assert text_lines(employer["text"], employer["width"] - 2, 8.0) == 2
    medium = roster_context("", None, 1, [("", "", "", "单" * 22, "", "", "")])["pages"]
    assert medium[0]["rows"][0]["cells"][3]["size"] == "small"  # type: ignore[index]


def test_roster_rows_continue_on_the_next_page() -> None:
    entries = [(f"人{n}", "男", "", "", "", "", "") for n in range(1, ROSTER.first + 4)]
    pages = roster_context("中山区总工会", None, len(entries), entries)["pages"]
    assert isinstance(pages, list)
    assert [len(p["rows"]) for p in pages] == [ROSTER.first, 3]
    assert pages[1]["numbers"][0] == ROSTER.first + 1
    assert pages[1]["rows"][0]["cells"][0]["text"] == f"人{ROSTER.first + 1}"
    assert pages[1]["rows"][0]["top"] == ROSTER.header_row
