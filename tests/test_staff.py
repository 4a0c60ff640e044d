"""Staff workflow: review order, status, counting on the site, approve, new skeletons, stats."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from generator.core.errors import DataErrors
from generator.core.records import OpinionLevel, RecordStatus
from generator.core.review import ReviewError, add_opinion
from generator.core.validate import load_site
from tests.conftest import mkdocs_build
from tests.records_factory import registration, write_proposal, write_registration
from tests.test_site_build import text_of


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)])
    return result.exit_code, result.output


def test_review_goes_unit_district_city(project: Path) -> None:
    record = registration("zhongshan", 1)
    write_registration(project, record)
    code, out = run(
        project, "review", record.id, "--level", "city", "--opinion", "同意", "--office", "市总工会"
    )
    assert code == 1 and "尚未签署单位工会意见，不能先签署市总工会意见" in out
    steps = [
        ("unit", "某公司工会", "待审核"),
        ("district", "中山区总工会", "待审核"),
        ("city", "市总工会生活保障部", "已批准"),
    ]
    for level, office, status in steps:
        code, out = run(
            project,
            "review",
            record.id,
            "--level",
            level,
            "--opinion",
            "同意",
            "--office",
            office,
            "--date",
            "2012-07-10",
        )
        assert code == 0, out
        assert out.strip().endswith(f"当前状态：{status}。")
    code, out = run(
        project, "review", record.id, "--level", "city", "--opinion", "同意", "--office", "x"
    )
    assert code == 1 and "审核已完成" in out
    assert load_site(project).registration_counts == {"zhongshan": {"approved": 1}}


def test_disagreement_rejects_and_stops_the_chain() -> None:
    record = registration("xigang", 2)
    record = add_opinion(record, OpinionLevel.unit, "同意", "单位工会", date(2012, 7, 5))
    record = add_opinion(
        record, OpinionLevel.district, "不同意", "西岗区总工会", date(2012, 7, 6), "材料不全"
    )
    assert record.status == RecordStatus.rejected
    with pytest.raises(ReviewError, match="该登记的状态为未通过，不能再签署意见"):
        add_opinion(record, OpinionLevel.city, "同意", "市总工会", date(2012, 7, 7))
    with pytest.raises(ReviewError, match="意见应为"):
        add_opinion(registration("xigang", 3), OpinionLevel.unit, "可以", "x", date(2012, 7, 5))


def test_stored_status_must_follow_the_opinions(project: Path) -> None:
    path = write_registration(project, registration("zhongshan", 4, ("unit",)))
    path.write_text(
        path.read_text(encoding="utf-8").replace('status: "pending"', 'status: "approved"'), "utf-8"
    )
    with pytest.raises(DataErrors) as info:
        load_site(project)
    [error] = info.value.errors
    assert str(error).endswith(
        "status: 状态应为 pending（待审核，由各级意见得出），实际为 approved"
    )
    assert error.path.startswith("data/registrations/zhongshan/") and error.line == 3


def test_record_in_the_wrong_folder_is_reported(project: Path) -> None:
    record = registration("zhongshan", 5)
    path = write_registration(project, record)
    wrong = project / "data/registrations/xigang" / path.name
    wrong.parent.mkdir()
    path.rename(wrong)
    with pytest.raises(DataErrors, match="工会 “zhongshan” 与所在文件夹 “xigang” 不一致"):
        load_site(project)


def _numbers(row: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d)?%?", row)


def test_counts_reach_the_site_names_do_not(project: Path, tmp_path: Path) -> None:
    for n in range(3):
        write_registration(
            project,
            registration("ganjingzi", 10 + n, ("unit", "district", "city"), name=f"隐私姓名{n}"),
        )
    for n in range(2):
        write_registration(
            project, registration("ganjingzi", 20 + n, ("unit",), name=f"隐私姓名{n + 3}")
        )
    write_registration(
        project, registration("jiaoyu", 30, ("unit", "district", "city"), name="隐私姓名9")
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    quotas = text_of(site, "quotas/index.html")
    assert "甘井子区总工会 400 3 2 0.8%" in quotas
    assert "合计 5800 4 2 0.1%" in quotas
    data = json.loads((site / "data/quotas.json").read_text(encoding="utf-8"))
    row = next(u for u in data["unions"] if u["id"] == "ganjingzi")
    assert (row["quota"], row["approved"], row["pending"], row["percent"]) == (400, 3, 2, 0.8)
    assert (data["approved"], data["pending"]) == (4, 2)
    union_page = text_of(site, "unions/ganjingzi/index.html")
    assert "已批准 3 人，占名额 400 人的 0.8%；另有 2 人待审核" in union_page
    assert (
        "待审核的登记中，等待单位工会意见 0 人，等待区市县总工会、产业工会意见 2 人，"
        "等待市总工会意见 0 人。" in union_page
    )
    assert "等待单位工会意见" not in text_of(site, "unions/zhongshan/index.html")  # none pending
    for file in site.rglob("*"):
        if file.suffix in {".html", ".json", ".xml", ".js"}:
            assert "隐私姓名" not in file.read_text(encoding="utf-8"), file


def test_open_data_and_feed_agree_with_the_pages(built_site: Path) -> None:
    projects = json.loads((built_site / "data/projects.json").read_text(encoding="utf-8"))[
        "projects"
    ]
    pages = {p.parent.name for p in (built_site / "projects").glob("*/index.html")}
    assert {p["id"] for p in projects} <= pages and len(projects) == 4
    for p in projects:
        page = text_of(built_site, f"projects/{p['id']}/index.html")
        assert p["title"] in page and p["category_name"] in page and p["union_name"] in page
    feed = (built_site / "feed.xml").read_text(encoding="utf-8")
    for p in projects:
        flag = "【示例】" if p["example"] else ""  # example entries say so (issue 14)
        assert f"<title>{flag}服务项目：{p['title']}</title>" in feed
        assert f'href="projects/{p["id"]}/"' in feed
    assert 'href="recognitions/#youxiu-zhiyuanzhe-2012-01"' in feed
    assert 'id="youxiu-zhiyuanzhe-2012-01"' in (built_site / "recognitions/index.html").read_text(
        encoding="utf-8"
    )


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_approve_publishes_a_proposal_in_a_git_repo(project: Path, tmp_path: Path) -> None:
    proposal = write_proposal(project)
    _git(project, "init", "-q")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", ".")
    _git(
        project, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "data"
    )
    code, out = run(
        project, "approve", proposal.id, "--id", "falv-jinshequ-2012", "--date", "2012-08-20"
    )
    assert code == 0, out
    assert "已发布服务项目 falv-jinshequ-2012：社区职工法律咨询进楼院" in out
    status = _git(project, "status", "--porcelain").splitlines()
    assert sorted(status) == [
        f" M data/proposals/{proposal.id}.yml",
        "?? data/projects/falv-jinshequ-2012.yml",
    ]
    site = load_site(project)
    project_record = next(p for p in site.projects if p.id == "falv-jinshequ-2012")
    assert (project_record.proposal, project_record.approved_on, project_record.union) == (
        proposal.id,
        date(2012, 8, 20),
        "xigang",
    )
    code, out = run(project, "approve", proposal.id)
    assert code == 1 and out.strip().endswith(f"项目申报 {proposal.id} 的状态为已批准，不能再批准")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "社区职工法律咨询进楼院" in text_of(
        tmp_path / "site", "projects/falv-jinshequ-2012/index.html"
    )


def test_rejected_proposal_never_publishes(project: Path) -> None:
    proposal = write_proposal(project, 2, "未通过的申报")
    code, _ = run(project, "reject", proposal.id)
    assert code == 0
    assert all(p.title != "未通过的申报" for p in load_site(project).projects)
    code, out = run(project, "approve", proposal.id)
    assert code == 1 and "不能再批准" in out


def test_new_skeletons_must_be_filled_in(project: Path) -> None:
    code, out = run(project, "new", "project", "--id", "jinqiu-2013")
    assert (code, out.strip()) == (0, "data/projects/jinqiu-2013.yml")
    code, out = run(project, "check")
    assert code == 1 and "data/projects/jinqiu-2013.yml:2 title: 不能为空" in out
    code, out = run(project, "new", "project", "--id", "jinqiu-2013")
    assert code == 1 and "已存在" in out
    code, out = run(project, "new", "recognition")
    assert code == 0 and re.fullmatch(r"data/recognitions/recognition-\d{8}-1\.yml", out.strip())


def test_stats_table(project: Path) -> None:
    write_registration(project, registration("zhongshan", 40, ("unit", "district", "city")))
    for n, levels in ((41, ()), (42, ()), (43, ("unit",)), (44, ("unit", "district"))):
        write_registration(project, registration("zhongshan", n, levels))
    write_registration(project, registration("zhongshan", 45, ("unit",), disagree_at="unit"))
    code, out = run(project, "stats")
    assert code == 0
    row = next(line for line in out.splitlines() if "中山区总工会" in line)
    # 待审核 4, of which 2 wait for the unit's opinion, 1 the district's, 1 the city's.
    assert _numbers(row) == ["300", "1", "4", "2", "1", "1", "0.3%", "80.0%", "0", "0"]
    assert "单位/区/市：待审核的登记中，等待单位工会、区市县总工会或产业工会、市总工会意见" in out


def test_signup_closes_after_the_deadline(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOLUNTEERS_TODAY", "2012-07-10")
    result = mkdocs_build(project, tmp_path / "open")
    assert result.returncode == 0, result.stderr
    assert "报名截止： 2012年7月15日 （登记表和花名册于此日前报到市总工会生活保障部）" in text_of(
        tmp_path / "open", "join/index.html"
    )
    monkeypatch.setenv("VOLUNTEERS_TODAY", "2012-07-16")
    result = mkdocs_build(project, tmp_path / "closed")
    assert result.returncode == 0, result.stderr
    closed = text_of(tmp_path / "closed", "join/index.html")
    assert "本期报名已截止" in closed and "已于 2012年7月15日截止" in closed
