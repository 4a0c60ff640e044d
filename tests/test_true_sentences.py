"""Only true sentences: no rule the notice does not have, pages for citizens, and example data
flagged wherever it goes (pages, feed, open data, search index) without a real phone number."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.core.validate import load_site
from generator.site.intents import INTENTS
from generator.site.pages import build_pages

from .conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"


def html_text(site: Path, page: str) -> str:
    body = (site / page).read_text(encoding="utf-8")
    body = body.split('<article class="md-content__inner', 1)[-1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def notice_text() -> str:
    """The notice in full, as the site publishes it."""
    return (ROOT / "content" / "notice.md").read_text(encoding="utf-8")


def test_no_age_rule_the_notice_does_not_have(built_site: Path) -> None:
    join = html_text(built_site, "join/index.html")
    notice = notice_text()
    for word in ("周岁", "监护人", "未满", "年满"):
        if word not in notice:
            assert word not in join, word
    assert "通知对年龄没有另作规定" in join
    # the conditions are the notice's own words
    assert "热爱祖国、热爱党、热爱人民，身体健康，有条件和能力" in notice
    assert "热爱祖国、热爱党、热爱人民，身体健康，有条件和能力" in join


def test_privacy_page_speaks_to_citizens(built_site: Path) -> None:
    text = html_text(built_site, "privacy/index.html")
    for developer_word in ("仓库", "代码", "数据库", "YAML", "git", "HMAC", "哈希"):
        assert developer_word not in text, developer_word
    if not load_site(ROOT).campaign.signup_url:
        assert "网上报名" not in text and "勾选" not in text
    assert "本人申请" in text and "单独同意" in text


def test_projects_page_does_not_call_examples_approved(built_site: Path) -> None:
    text = html_text(built_site, "projects/index.html")
    site = load_site(ROOT)
    assert site.projects and all(p.example for p in site.projects)
    assert "经市总工会审核同意实施的服务项目" not in text
    assert "下面列出的都是展示网站样式的示例，不是真实项目" in text


def test_projects_page_with_one_real_project(project: Path) -> None:
    path = project / "data/projects/jinqiu-zhuxue-2012.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("example: true\n", ""), "utf-8")
    site = load_site(project)
    listing = next(p for p in build_pages(site) if p.uri == "projects/index.md").render(site)
    assert "经市总工会审核同意实施的服务项目；标有“示例”的不是真实项目" in listing


def test_example_projects_give_no_real_number(built_site: Path) -> None:
    site = load_site(ROOT)
    real = {site.campaign.contact.phone} | {
        u.contact.phone for u in site.unions.values() if u.contact and u.contact.phone
    }
    for p in site.projects:
        assert p.example
        text = html_text(built_site, f"projects/{p.id}/index.html")
        assert "示例项目，没有联系人和电话" in text
        digits = re.sub(r"\D", "", text)
        for number in real:
            assert re.sub(r"\D", "", number or "x").removeprefix("0411") not in digits, p.id


def test_feed_flags_every_example_entry(built_site: Path) -> None:
    site = load_site(ROOT)
    examples = {f"projects/{p.id}" for p in site.projects if p.example}
    examples |= {f"recognitions/{r.id}" for r in site.recognitions if r.example}
    assert examples
    feed = ET.parse(built_site / "feed.xml").getroot()
    for entry in feed.iter(f"{ATOM}entry"):
        key = (entry.findtext(f"{ATOM}id") or "").split(":", 2)[-1]
        title = entry.findtext(f"{ATOM}title") or ""
        summary = entry.findtext(f"{ATOM}summary") or ""
        terms = {c.get("term") for c in entry.iter(f"{ATOM}category")}
        if key in examples:
            assert title.startswith("【示例】") and summary.startswith("【示例】"), key
            assert "example" in terms, key
        else:
            assert "示例" not in title and "example" not in terms, key


def test_open_data_flags_example_figures(built_site: Path) -> None:
    site = load_site(ROOT)
    assert site.pairing is not None and site.pairing.example
    quotas = json.loads((built_site / "data/quotas.json").read_text(encoding="utf-8"))
    assert quotas["pairing_example"] is True
    pairing = [u["pairing"] for u in quotas["unions"] if u["pairing"]]
    assert pairing and all(p["example"] is True for p in pairing)
    projects = json.loads((built_site / "data/projects.json").read_text(encoding="utf-8"))
    assert {p["id"]: p["example"] for p in projects["projects"]} == {
        p.id: p.example for p in site.projects
    }


def test_search_index_flags_examples_and_shows_the_flag_once(built_site: Path) -> None:
    site = load_site(ROOT)
    docs = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    by_location = {d["location"]: d for d in docs["docs"]}
    for p in site.projects:
        entry = by_location[f"projects/{p.id}/"]
        assert entry.get("example") is (True if p.example else None), p.id
    for entry in docs["docs"]:
        text = re.sub(r"[\s\u200b]+", " ", entry["text"])
        assert "示例 示例" not in text, entry["location"]


def test_example_pairing_does_not_list_real_unions_as_not_reported(built_site: Path) -> None:
    text = html_text(built_site, "pairing/index.html")
    assert "尚未上报" not in text
    assert "示例数字只列出了 3 个工会，不说明其他工会是否已上报" in text


def test_every_intent_leads_to_a_page_and_its_anchor(built_site: Path) -> None:
    table = json.loads((built_site / "search/intents.json").read_text(encoding="utf-8"))
    assert len(table["intents"]) == len(INTENTS)
    for intent in table["intents"]:
        path, _, anchor = intent["location"].partition("#")
        page = built_site / path / "index.html"
        assert page.is_file(), intent["location"]
        if anchor:
            assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), intent["location"]
