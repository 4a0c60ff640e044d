"""Service records end to end: held-out volunteers signed up through intake, approved with the
real staff commands in a git repository, given activities; certificates numbered and registered;
wrong activities refused naming their files."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pypdf import PdfReader

from generator.cli.main import main
from generator.core.identity import find_personal_numbers
from tests import intake_support
from tests.conftest import copy_project
from tests.intake_support import grid, write_csv

pytestmark = pytest.mark.slow  # real PDFs rendered

LEVELS = (("unit", "某公司工会"), ("district", "中山区总工会"), ("city", "市总工会"))


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", intake_support.KEY)


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def write_activity(project: Path, name: str, text: str) -> Path:
    path = project / "data" / "activities" / f"{name}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A git project where three held-out people signed up; two approved at city level on
    2012-07-12, one only by the unit union."""
    tmp = tmp_path_factory.mktemp("records")
    project = copy_project(tmp / "project")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "data")
    rows: list[dict[str, str] | None] = [intake_support.row(n) for n in (1, 2, 3)]
    csv = write_csv(tmp / "form.csv", grid(rows))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTAKE_HMAC_KEY", intake_support.KEY)
        done = cli(
            "intake", "registrations", "--file", str(csv), "--data-dir", str(project / "data")
        )
        assert done.exit_code == 0, done.output
        ids = {}
        for path in (project / "data" / "registrations" / "zhongshan").glob("*.yml"):
            name = re.search(r'name: "(志愿者\d)"', path.read_text(encoding="utf-8"))
            assert name
            ids[name[1]] = path.stem
        for person, levels in (("志愿者1", LEVELS), ("志愿者2", LEVELS), ("志愿者3", LEVELS[:1])):
            for level, office in levels:
                args = ["review", ids[person], "--level", level, "--opinion", "同意"]
                reviewed = cli(
                    *args, "--office", office, "--date", "2012-07-12", "--root", str(project)
                )
                assert reviewed.exit_code == 0, reviewed.output
    git(project, "add", ".")
    git(project, "commit", "-qm", "reviewed")
    return project, csv, ids


def good_activities(project: Path, ids: dict[str, str]) -> None:
    one, two = ids["志愿者1"], ids["志愿者2"]
    write_activity(
        project,
        "jinqiu-visit-2012-08",
        f"title: 金秋助学入户走访\nproject: jinqiu-zhuxue-2012\nunion: zhongshan\n"
        f"date: 2012-08-20\nplace: 中山区桃源街道\nhours: 3\nparticipants:\n"
        f"  - {one}\n  - {{id: {two}, hours: 2.5}}\n",
    )
    write_activity(
        project,
        "legal-2012-09",
        f"title: 职工法律咨询\nunion: zhongshan\ndate: 2012-09-03\nplace: 中山区职工服务中心\n"
        f"hours: 4\nparticipants:\n  - {one}\n",
    )


def test_approved_volunteers_are_given_activities_and_certificates(
    scene: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    project, csv, ids = scene
    good_activities(project, ids)
    checked = cli("check", "--root", str(project))
    assert checked.exit_code == 0, checked.output
    one, two = ids["志愿者1"], ids["志愿者2"]
    out = tmp_path / "certificates"
    data = ["--file", str(csv), "--data-dir", str(project / "data"), "--out", str(out)]
    first = cli("certificate", one, *data, "--handler", "张经办", "--date", "2026-11-30")
    assert first.exit_code == 0, first.output
    assert first.output == (
        f"已出具证明 大工志证〔2026〕第0001号：登记 {one}，2012-08-20 至 2012-09-03，2 次，"
        f"合计 7 小时；{out / 'certificate-2026-0001.pdf'}\n"
    )
    second = cli("certificate", two, *data, "--handler", "张经办", "--date", "2026-11-30")
    assert second.exit_code == 0, second.output
    text1 = pdf_text((out / "certificate-2026-0001.pdf").read_bytes())
    text2 = pdf_text((out / "certificate-2026-0002.pdf").read_bytes())
    number1 = intake_support.make_id(seq=101)
    assert f"兹证明志愿者1（证件类型：居民身份证，证件号码：{number1}）" in text1
    assert "编号：大工志证〔2026〕第0001号" in text1
    assert "累计服务时长7小时" in text1 and "合计7" in text1
    assert "2012年8月20日金秋助学入户走访中山区桃源街道3" in text1
    assert "2012年9月3日职工法律咨询中山区职工服务中心4" in text1
    assert "出具单位：大连市总工会（盖章）" in text1 and "经办人：张经办" in text1
    assert "编号：大工志证〔2026〕第0002号" in text2 and "志愿者2" in text2
    assert "累计服务时长2.5小时" in text2 and "职工法律咨询" not in text2
    register = (project / "data" / "certificates.yml").read_text(encoding="utf-8")
    entries = yaml.safe_load(register)["certificates"]
    assert [(e["number"], e["record"], e["hours"]) for e in entries] == [
        ("大工志证〔2026〕第0001号", one, "7"),
        ("大工志证〔2026〕第0002号", two, "2.5"),
    ]
    assert entries[0]["start"] == "2012-08-20" and entries[0]["issuer"] == "大连市总工会"
    assert not find_personal_numbers(register) and "志愿者" not in register
    assert intake_support.make_id(seq=102) not in register
    # A copy keeps its number; a new certificate for the same person gets a new one.
    again = cli(
        "certificate", one, *data, "--handler", "李经办", "--copy", "大工志证〔2026〕第0001号"
    )
    assert again.exit_code == 0, again.output
    copies = list(out.glob("certificate-2026-0001-copy-*.pdf"))
    assert len(copies) == 1 and "（副本）" in pdf_text(copies[0].read_bytes())
    third = cli("certificate", one, *data, "--handler", "张经办", "--from", "2012-09-01")
    assert third.exit_code == 0, third.output
    assert "第0003号" in third.output and "合计 4 小时" in third.output
    entries = yaml.safe_load((project / "data" / "certificates.yml").read_text(encoding="utf-8"))
    numbers = [e["number"] for e in entries["certificates"]]
    assert len(numbers) == len(set(numbers)) == 3
    assert len(entries["certificates"][0]["copies"]) == 1
    assert cli("check", "--root", str(project)).exit_code == 0
    # Not approved at city level: no certificate.
    pending = cli("certificate", ids["志愿者3"], *data, "--handler", "张经办")
    assert pending.exit_code == 1 and "尚未经市总工会同意" in pending.output


def test_certificate_into_the_site_or_the_repository_is_refused(
    scene: tuple[Path, Path, dict[str, str]],
) -> None:
    project, csv, ids = scene
    good_activities(project, ids)
    before = (
        (project / "data" / "certificates.yml").read_bytes()
        if (project / "data" / "certificates.yml").exists()
        else None
    )
    for out, place in (
        (project / "site" / "c", "网站输出目录（site/）之内"),
        (project / "x", "项目目录之内"),
    ):
        args = ["--file", str(csv), "--data-dir", str(project / "data"), "--out", str(out)]
        result = cli("certificate", ids["志愿者1"], *args, "--handler", "张经办")
        assert result.exit_code == 1
        assert result.output == (
            f"错误：--out {out} 在{place}，志愿服务记录证明含完整身份证号，"
            "只能写到仓库之外的目录；本次未写入任何文件\n"
        )
        assert not out.exists()
    after = (
        (project / "data" / "certificates.yml").read_bytes()
        if (project / "data" / "certificates.yml").exists()
        else None
    )
    assert before == after


BAD = {
    "unknown-participant": (
        "participants:\n  - 20120101t000000-h00000000\n",
        "participants[20120101t000000-h00000000]: 未知的登记编号 “20120101t000000-h00000000”",
    ),
    "future": ("date: 2999-01-01\n", "date: 活动日期 2999-01-01 晚于今天"),
    "bad-union": ("union: nowhere\n", "union: 未知的工会 “nowhere”"),
    "bad-project": ("project: nowhere\n", "project: 未知的服务项目 “nowhere”（见 data/projects/）"),
    "zero-hours": ("hours: 0\n", "hours: 应大于 0，实际为 “0”"),
}


def activity_text(ids: dict[str, str], **fields: str) -> str:
    base = {
        "title": "title: 走访\n",
        "union": "union: zhongshan\n",
        "date": "date: 2012-08-20\n",
        "place": "place: 中山区\n",
        "hours": "hours: 3\n",
        "participants": f"participants:\n  - {ids['志愿者1']}\n",
    }
    base.update(fields)
    return "".join(base.values())


def test_wrong_activities_are_refused_each_naming_its_file(
    scene: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    source, _, ids = scene
    project = copy_project(tmp_path / "p")
    import shutil

    shutil.copytree(source / "data" / "registrations", project / "data" / "registrations")
    one, three = ids["志愿者1"], ids["志愿者3"]
    expected = []
    for name, (text, message) in BAD.items():
        field = text.split(":")[0]
        path = write_activity(project, name, activity_text(ids, **{field: text}))
        line = next(
            i for i, t in enumerate(path.read_text().splitlines(), 1) if t.startswith(field)
        )
        line += 1 if field == "participants" else 0
        expected.append((f"data/activities/{name}.yml:{line}", message))
    write_activity(
        project, "pending", activity_text(ids, participants=f"participants:\n  - {three}\n")
    )
    expected.append(
        (
            "data/activities/pending.yml:7",
            f"participants[{three}]: 登记 “{three}” 尚未经市总工会同意，不能记录服务时长",
        )
    )
    write_activity(project, "early", activity_text(ids, date="date: 2012-07-11\n"))
    expected.append(
        (
            "data/activities/early.yml:7",
            f"participants[{one}]: 活动日期 2012-07-11 早于登记 “{one}” 经市总工会同意的日期 2012-07-12",
        )
    )
    for n, hours in ((1, "14"), (2, "11")):
        write_activity(
            project,
            f"long-{n}",
            activity_text(ids, date="date: 2012-08-21\n", hours=f"hours: {hours}\n"),
        )
    for n in (1, 2):
        expected.append(
            (
                f"data/activities/long-{n}.yml:7",
                f"participants[{one}]: 登记 “{one}” 在 2012-08-21 的服务时长合计 25 小时，超过 24 小时（data/activities/long-1.yml、data/activities/long-2.yml）",
            )
        )
    recognition = (
        "year: 2012\ntitle: 优秀\nkind: {kind}\nname: 某\nunion: zhongshan\ncitation: 好。\n"
        "awarded_by: 大连市总工会\nawarded_on: 2012-12-20\nregistration: {rid}\n"
    )
    for name, kind, rid, message in (
        ("team", "team", one, "registration: 只有个人表彰可以指明登记编号"),
        ("pending", "individual", three, f"registration: 登记 “{three}” 尚未经市总工会同意"),
    ):
        path = project / "data" / "recognitions" / f"cite-{name}.yml"
        path.write_text(recognition.format(kind=kind, rid=rid), encoding="utf-8")
        expected.append((f"data/recognitions/cite-{name}.yml:9", message))
    mobile = "139" + "1234" + "5678"
    write_activity(project, "private", activity_text(ids) + f"note: 联系 {mobile}\n")
    expected.append(("data/activities/private.yml:8", "note: 含有疑似个人手机号 139****5678"))
    entry = (
        "  - number: 大工志证〔2026〕第0001号\n    record: {rid}\n    start: 2012-08-20\n"
        "    end: 2012-08-20\n    hours: 3\n    issued: 2026-11-30\n    issuer: 大连市总工会\n"
        "    handler: {handler}\n"
    )
    (project / "data" / "certificates.yml").write_text(
        "certificates:\n"
        + entry.format(rid=one, handler="张经办")
        + entry.format(rid=one, handler=f"张经办 {mobile}"),
        encoding="utf-8",
    )
    expected += [
        (
            "data/certificates.yml:10",
            "certificates[2].number: 证明编号 “大工志证〔2026〕第0001号” 重复：编号永不重复使用",
        ),
        ("data/certificates.yml:17", "certificates[2].handler: 含有疑似个人手机号 139****5678"),
    ]
    result = cli("check", "--root", str(project))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for where, message in expected:
        assert any(line.startswith(f"{where} {message}") for line in lines), (where, message, lines)
    assert lines[-1] == f"共 {len(expected)} 处错误。"
    assert mobile not in result.output


def test_the_site_shows_sums_and_no_name(
    scene: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    import json

    from tests.conftest import mkdocs_build
    from tests.test_site_build import text_of

    project, _, ids = scene
    good_activities(project, ids)
    # Another union's activity: counted there, not in 中山区.
    write_activity(
        project,
        "xigang-2012-10",
        f"title: 社区义诊\nunion: xigang\ndate: 2012-10-01\nplace: 西岗区\nhours: 1.5\n"
        f"participants:\n  - {ids['志愿者2']}\n",
    )
    # A public recognition naming the registration it honours shows the hours up to the award.
    (project / "data" / "recognitions" / "wang-2012.yml").write_text(
        f"year: 2012\ntitle: 优秀工会服务帮扶志愿者\nkind: individual\nname: 王先进\n"
        f"union: zhongshan\ncitation: 坚持入户走访。\nawarded_by: 大连市总工会\n"
        f"awarded_on: 2012-08-31\nregistration: {ids['志愿者1']}\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    zhongshan = text_of(site, "unions/zhongshan/index.html")
    assert "本工会组织志愿服务活动 2 次，志愿者服务 3 人次，累计服务时长 9.5 小时。" in zhongshan
    assert "累计服务时长 1.5 小时" in text_of(site, "unions/xigang/index.html")
    assert "暂无志愿服务记录" in text_of(site, "unions/ganjingzi/index.html")
    page = text_of(site, "projects/jinqiu-zhuxue-2012/index.html")
    assert (
        "服务活动 日期 活动 地点 志愿者人数 服务时长（小时） 2012年8月20日 金秋助学入户走访 中山区桃源街道 2 5.5"
        in page
    )
    honours = text_of(site, "recognitions/index.html")
    assert "王先进 （个人）" in honours and "获表彰时累计志愿服务 3 小时" in honours
    (project / "data" / "recognitions" / "wang-2012.yml").unlink()
    home = text_of(site, "index.html")
    assert "11 小时志愿服务（4 人次）" in home
    data = json.loads((site / "data/quotas.json").read_text(encoding="utf-8"))
    assert data["service"] == {"hours": 11, "person_times": 4, "activities": 3}
    row = next(u for u in data["unions"] if u["id"] == "zhongshan")
    assert row["service"] == {"hours": 9.5, "person_times": 3, "activities": 2}
    for file in site.rglob("*"):
        if file.suffix in {".html", ".json", ".xml", ".js"}:
            text = file.read_text(encoding="utf-8")
            assert "志愿者1" not in text and "志愿者2" not in text, file
            assert ids["志愿者1"] not in text, file


def test_hours_and_stats_in_the_terminal(scene: tuple[Path, Path, dict[str, str]]) -> None:
    project, _, ids = scene
    good_activities(project, ids)
    (project / "data" / "activities" / "xigang-2012-10.yml").unlink(missing_ok=True)
    root = ["--root", str(project)]
    one = cli("hours", "--union", "zhongshan", *root)
    assert one.exit_code == 0, one.output
    row = next(line for line in one.output.splitlines() if "中山区总工会" in line)
    assert re.findall(r"\d+(?:\.\d)?", row) == ["2", "3", "2", "9.5"]
    later = cli("hours", "--from", "2012-09-01", "--to", "2012-12-31", *root)
    assert later.exit_code == 0, later.output
    lines = later.output.splitlines()
    assert "2012-09-01 至 2012-12-31" in lines[0]
    total = next(line for line in lines if "合计" in line)
    assert re.findall(r"\d+(?:\.\d)?", total) == ["1", "1", "1", "4"]
    assert not any("志愿者" in line for line in lines[3:])
    unknown = cli("hours", "--union", "nowhere", *root)
    assert unknown.exit_code == 1 and unknown.output.startswith("错误：未知的工会 “nowhere”")
    stats = cli("stats", *root)
    row = next(line for line in stats.output.splitlines() if "中山区总工会" in line)
    assert re.findall(r"\d+(?:\.\d)?%?", row)[-2:] == ["3", "9.5"]


def test_attendance_sheet_import(scene: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    """Two worksheets (one activity each, activity cells merged down), participants by record id
    or by name; bad rows named by sheet and row; a second import changes nothing."""
    import shutil

    from openpyxl import Workbook

    source, _, ids = scene
    project = copy_project(tmp_path / "p")
    shutil.copytree(source / "data" / "registrations", project / "data" / "registrations")
    one, two, three = ids["志愿者1"], ids["志愿者2"], ids["志愿者3"]
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "8月20日走访"
    first.append(
        ["服务内容", "活动日期", "服务地点", "组织工会", "登记编号", "姓名", "时长（小时）"]
    )
    first.append(["金秋助学入户走访", "2012-08-20", "桃源街道", "中山区总工会", one, "", 3])
    first.append([None, None, None, None, "", "志愿者2", 2.5])
    first.append([None, None, None, None, three, "", 3])
    first.append([None, None, None, None, "20120101t000000-h00000000", "", 3])
    first.append([None, None, None, None, one, "", 3])
    second = book.create_sheet("9月法律咨询")
    second.append(["活动名称", "日期", "地点", "编号", "服务时长"])
    second.append(["职工法律咨询", "2012/9/3", "职工服务中心", one, "4"])
    second.append(["职工法律咨询", "2012/9/3", "职工服务中心", two, "25"])
    sheet = tmp_path / "签到表.xlsx"
    book.save(sheet)
    args = ["activity", "import", str(sheet), "--union", "zhongshan", "--root", str(project)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "已导入 2 次活动、3 人次；有误 4 行；已导入过而跳过 0 次活动。\n"
        "  data/activities/zhongshan-20120820-1.yml\n"
        "  data/activities/zhongshan-20120903-1.yml\n"
    )
    assert result.stderr == (
        f"有误：工作表“8月20日走访” 第 4 行：登记 {three} 尚未经市总工会同意\n"
        "有误：工作表“8月20日走访” 第 5 行：未知的登记编号 “20120101t000000-h00000000”\n"
        f"有误：工作表“8月20日走访” 第 6 行：登记 {one} 在同一活动中重复出现\n"
        "有误：工作表“9月法律咨询” 第 3 行：时长应大于 0、不超过 24 小时、至多一位小数，实际为 25\n"
    )
    written = yaml.safe_load(
        (project / "data" / "activities" / "zhongshan-20120820-1.yml").read_text(encoding="utf-8")
    )
    assert written == {
        "title": "金秋助学入户走访",
        "union": "zhongshan",
        "date": "2012-08-20",
        "place": "桃源街道",
        "hours": "3",
        "participants": [one, {"id": two, "hours": "2.5"}],
    }
    assert cli("check", "--root", str(project)).exit_code == 0
    hours = cli("hours", "--union", "zhongshan", "--root", str(project))
    row = next(line for line in hours.output.splitlines() if "中山区总工会" in line)
    assert re.findall(r"\d+(?:\.\d)?", row) == ["2", "3", "2", "9.5"]
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0
    assert again.stdout.startswith("已导入 0 次活动、0 人次；有误 4 行；已导入过而跳过 2 次活动。")
    assert len(list((project / "data" / "activities").glob("*.yml"))) == 2


def test_cached_registrations_still_answer_for_participants(
    scene: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    """The build's registration cache keeps no approval dates: the registrations activities name
    are read again, so a cached build refuses what check refuses."""
    import shutil

    from generator.core.errors import DataErrors
    from generator.core.validate import load_site

    source, _, ids = scene
    project = copy_project(tmp_path / "p")
    shutil.copytree(source / "data" / "registrations", project / "data" / "registrations")
    cache = tmp_path / "cache"
    load_site(project, cache_dir=cache)  # every registration cached
    assert (cache / "registrations.json").is_file()
    good_activities(project, ids)
    site = load_site(project, cache_dir=cache)
    assert site.service_of_union("zhongshan").hours_text == "9.5"
    write_activity(project, "early", activity_text(ids, date="date: 2012-07-11\n"))
    with pytest.raises(DataErrors) as caught:
        load_site(project, cache_dir=cache)
    assert [e.path for e in caught.value.errors] == ["data/activities/early.yml"]


def test_new_activity_skeleton_must_be_filled_in(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    made = cli("new", "activity", "--id", "visit-2012", "--root", str(project))
    assert made.exit_code == 0 and made.output == "data/activities/visit-2012.yml\n"
    checked = cli("check", "--root", str(project))
    assert checked.exit_code == 1
    assert checked.output.splitlines() == [
        "data/activities/visit-2012.yml:2 title: 不能为空",
        "data/activities/visit-2012.yml:4 union: 不能为空",
        "data/activities/visit-2012.yml:6 place: 不能为空",
        "data/activities/visit-2012.yml:9 participants[1]: 不能为空",
        "共 4 处错误。",
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--handler", " "], "错误：--handler 应为经办人姓名（1 至 200 个字），未出具证明\n"),
        (
            ["--handler", "张" + "139" + "1234" + "5678"],
            "错误：--handler 中含有完整的身份证号或手机号，只填经办人姓名；未出具证明\n",
        ),
        (
            ["--handler", "张", "--from", "2012-09-01", "--to", "2012-08-01"],
            "错误：--to 2012-08-01 早于 --from 2012-09-01，未出具证明\n",
        ),
        (
            ["--handler", "张", "--from", "2013-01-01"],
            "错误：登记 {one} 在所选期间没有服务记录，未出具证明\n",
        ),
        (
            ["--handler", "张", "--copy", "大工志证〔2026〕第9999号"],
            "错误：登记簿中没有登记 {one} 的证明 “大工志证〔2026〕第9999号”，未出具副本\n",
        ),
    ],
)
def test_certificate_refusals_are_one_line(
    scene: tuple[Path, Path, dict[str, str]], tmp_path: Path, extra: list[str], message: str
) -> None:
    project, csv, ids = scene
    good_activities(project, ids)
    register = project / "data" / "certificates.yml"
    before = register.read_bytes() if register.exists() else None
    out = tmp_path / "out"
    args = ["--file", str(csv), "--data-dir", str(project / "data"), "--out", str(out)]
    result = cli("certificate", ids["志愿者1"], *args, *extra)
    assert result.exit_code == 1
    assert result.output == message.format(one=ids["志愿者1"])
    assert not out.exists()
    assert (register.read_bytes() if register.exists() else None) == before
