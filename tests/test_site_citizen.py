"""What a citizen meets first, read from the real build: the campaign's state in words, figures
that say what they count, a number to call on every union page, filtered category pages, a
Chinese 404 page with no root-absolute path, and zh-CN on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import mkdocs_build
from tests.test_site_build import text_of

CITY_PHONE = "0411-82610421"


def flat(site: Path, page: str) -> str:
    """A page's article text with no white space (tags leave spaces where the eye sees none)."""
    return re.sub(r"\s+", "", text_of(site, page))


def test_every_page_says_simplified_chinese(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 40
    wrong = [
        p.relative_to(built_site).as_posix()
        for p in pages
        if not re.search(r'<html lang="zh-CN"', p.read_text(encoding="utf-8"))
    ]
    assert wrong == []


def test_closed_campaign_is_said_in_words_with_no_zero_percent(built_site: Path) -> None:
    home = flat(built_site, "index.html")
    status = home.split("本期报名已于", 1)[1][:200]
    assert status.startswith("2012年7月15日截止下一步：")
    assert "纸质登记表交本单位工会" in status and CITY_PHONE in status
    assert "0.0%" not in home and "名已批准" not in home
    assert "本网站尚未收到网上登记记录" in home
    assert "个服务项目（其中4个为示例）" in home
    quotas = (built_site / "quotas/index.html").read_text(encoding="utf-8")
    assert "0.0%" not in quotas and 'class="chart"' not in quotas
    assert "本网站尚未收到网上登记记录" in quotas


def test_open_campaign_says_until_when(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOLUNTEERS_TODAY", "2012-07-10")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = flat(tmp_path / "site", "index.html")
    assert "报名进行中，截止7月15日下一步：下载并填写登记表，交本单位工会" in home
    assert f"于7月15日前报到市总工会生活保障部，电话{CITY_PHONE}" in home


def test_every_union_page_ends_with_a_number_to_call(built_site: Path) -> None:
    pages = sorted((built_site / "unions").glob("*/index.html"))
    assert len(pages) == 19
    for page in pages:
        text = flat(built_site, page.relative_to(built_site).as_posix())
        assert re.search(r"电话：(0411-\d{8}|尚未登载)", text), page
        assert text.endswith(f"{CITY_PHONE}。"), (page, text[-80:])
        html = page.read_text(encoding="utf-8")
        assert f'href="tel:{CITY_PHONE.replace("-", "")}"' in html


def test_a_known_union_phone_is_shown_with_tap_to_call(project: Path, tmp_path: Path) -> None:
    path = project / "data/unions.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["unions"][0]["contact"] = {
        "office": "中山区总工会办公室",
        "address": "中山区某路 1 号",
        "phone": "8" + "2000000",  # 8 digits: a Dalian landline, written without the area code
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    text = flat(tmp_path / "site", "unions/zhongshan/index.html")
    assert "办公室：中山区总工会办公室地址：中山区某路1号电话：0411-82000000" in text
    assert text.endswith("有疑问可致电中山区总工会办公室：0411-82000000。")
    html = (tmp_path / "site/unions/zhongshan/index.html").read_text(encoding="utf-8")
    assert 'href="tel:041182000000"' in html


def test_every_category_link_opens_that_category_only(built_site: Path) -> None:
    services = (built_site / "services/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">查看(\S+?)服务项目</a>', services)
    assert len(links) == 10
    for href, name in links:
        page = (built_site / "services" / href / "index.html").resolve()
        html = page.read_text(encoding="utf-8")
        assert f"<h1>{name}服务项目</h1>" in html, href
        assert re.search(rf'<a href="[^"]+" aria-current="page">{name}</a>', html), href
        assert re.search(r'<a href="\.\./\.\./">全部</a>', html), href
        listed = re.findall(r'<span class="meta">([^ ]+) · ', html)
        assert all(c == name for c in listed), (href, listed)
        assert listed or f"暂无{name}方面的服务项目" in html, href
    everything = (built_site / "projects/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\./" aria-current="page">全部</a>', everything)


def test_404_page_is_chinese_with_ways_on_and_no_root_absolute_path(built_site: Path) -> None:
    html = (built_site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "页面不存在" in html and "Not found" not in html
    for label in ("返回首页", "通知全文", "怎样报名", "表格下载"):
        assert label in html
    assert 'name="q"' in html  # the search box: the home page opens Material's search for ?q=
    targets = re.findall(r'\b(?:href|src|action)="([^"]*)"', html)
    assert targets and not [t for t in targets if t.startswith("/")]
