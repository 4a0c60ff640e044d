"""Hostile text through every output: a payload corpus planted in every data field that reaches a
page (and through the route proposal → `volunteers approve` → build), the real site built, then
every page read with an HTML parser and opened in Chromium. Nothing runs, and text stays text."""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections.abc import Iterator
from datetime import date, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner
from playwright.sync_api import Browser, Page

from generator.cli.main import main
from generator.core.identity import keyed_hash
from generator.core.models import Contact, ProjectOrigin
from generator.core.records import Proposal, RecordStatus
from generator.core.validate import load_site
from generator.paperwork.downloads import pdf_documents
from intake.store import record_text
from tests.browser.conftest import PHONE, _Handler
from tests.conftest import copy_project, mkdocs_build
from tests.hostile_payloads import (
    LEGIT_MARKDOWN,
    PAYLOADS,
    YAML_UNION_NAMES,
    corpus_text,
    spread,
)
from tests.html_audit import audit, texts
from tests.records_factory import KEY

SITE_NAME = "大连市工会服务帮扶志愿者"
PROPOSAL_ID = "20120801-090000-0badc0de"
APPROVED_AS = "hostile-proposal"
CATEGORIES = ("legal-aid", "social-assistance", "charity", "culture")
SHORT_NAMES = ('"><svg/onload=alert(1)>', "<img src=x onerror=alert(1)>", "{{ 7*7 }}")
KEPT_BY_MATERIAL = re.compile(r"</?(?:p|li|ul|ol|code|pre|sub|sup)>")
"""Bare tags Material's own search entries keep for layout; they never come from data."""


def shown(value: str) -> str:
    """How a value reads on a page: control characters gone, line breaks as spaces, one space."""
    value = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", value)
    return " ".join(value.split())


def _rewrite(root: Path, rel: str, change: Any) -> None:
    path = root / "data" / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _write(root: Path, rel: str, data: dict[str, Any]) -> None:
    path = root / "data" / rel
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _contact(n: int) -> dict[str, str]:
    office, name, address, email = spread(n, 4)
    return {"office": office, "name": name, "address": address, "email": email, "phone": "82610421"}


def plant(root: Path) -> dict[str, dict[str, str]]:
    """Payloads in every field of every kind of data file that reaches a page (descriptions and
    citations hold the whole corpus, the other fields a share each); returns the hostile
    projects' title and summary, to look for on their pages."""

    def campaign(c: dict[str, Any]) -> None:
        c.update(zip(("title", "issuer", "addressees", "submit_to"), spread(0, 4), strict=True))
        c["doc_number"] = "大工办发[2012]18号" + PAYLOADS[1]
        c["contact"] = _contact(4)
        c["signup_url"] = 'https://example.org/"><svg/onload=alert(1)>'
        c["attachments"] = spread(8, 3)

    def unions(u: dict[str, Any]) -> None:
        # The roster template's drop-down list of union names holds 255 characters in all.
        for union, name in zip(u["unions"], [*YAML_UNION_NAMES, *SHORT_NAMES], strict=False):
            union["name"] = name
        for i, union in enumerate(u["unions"]):
            union["short_name"] = f"{PAYLOADS[(i * 3 + 1) % len(PAYLOADS)]}{i}"
            union["contact"] = _contact(i * 5)
            if union.get("history"):
                union["history"][-1].update(name=PAYLOADS[20], note=PAYLOADS[21])

    def categories(c: dict[str, Any]) -> None:
        for i, category in enumerate(c["categories"][:4]):
            category["name"], category["summary"] = f"{PAYLOADS[30 + i]}类", PAYLOADS[34 + i]

    _rewrite(root, "campaign.yml", campaign)
    _rewrite(root, "unions.yml", unions)
    _rewrite(root, "categories.yml", categories)
    _rewrite(root, "quotas.yml", lambda q: q["quotas"][0].update(note=PAYLOADS[3]))
    union_ids = [
        u["id"] for u in yaml.safe_load((root / "data/unions.yml").read_text("utf-8"))["unions"]
    ]
    projects = {}
    for i in range(8):
        title, summary, place, proposer, approved_by = spread(i * 7, 5)
        fields = {"title": f"{title} 恶意{i}", "summary": summary}
        projects[f"hostile-{i}"] = fields
        _write(root, f"projects/hostile-{i}.yml", {
            **fields, "category": CATEGORIES[i % 4], "union": union_ids[i],
            "origin": "volunteer", "proposer": proposer, "status": "approved",
            "start": date(2012, 9, 1), "place": place,
            "description": LEGIT_MARKDOWN if i == 0 else corpus_text(),
            "contact": _contact(i * 3), "approved_by": approved_by,
            "approved_on": date(2012, 8, 1 + i),
        })  # fmt: skip
    for i in range(4):
        name, title, awarded_by = spread(i * 11 + 5, 3)
        _write(root, f"recognitions/hostile-{i}.yml", {
            "year": 2012, "title": title, "kind": "team", "name": name,
            "union": union_ids[i], "citation": LEGIT_MARKDOWN if i == 0 else corpus_text(),
            "awarded_by": awarded_by, "awarded_on": date(2012, 12, 1 + i),
        })  # fmt: skip
    return projects


def propose_and_approve(root: Path) -> dict[str, str]:
    """A proposal as intake writes it, published by staff with `volunteers approve`."""
    title, summary, place, proposer, office = spread(40, 5)
    proposal = Proposal(
        id=PROPOSAL_ID,
        status=RecordStatus.pending,
        submitted=datetime(2012, 8, 1, 9, 0, 0),
        row=3,
        hash=keyed_hash(KEY, "proposal", title),
        title=title,
        summary=summary,
        category="legal-aid",
        origin=ProjectOrigin.volunteer,
        proposer=proposer,
        union="xigang",
        place=place,
        start=date(2012, 9, 1),
        description=corpus_text(),
        contact=Contact(office=office, phone="82610421"),
    )
    path = root / "data" / "proposals" / f"{PROPOSAL_ID}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record_text(proposal, "proposals"), encoding="utf-8")
    args = ["approve", PROPOSAL_ID, "--id", APPROVED_AS, "--date", "2012-08-20"]
    result = CliRunner().invoke(
        main, [*args, "--by", "审核: 单位 # 注释\n---", "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    return {"title": title, "summary": summary}


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, dict[str, dict[str, str]]]:
    """The project with the corpus planted, built by the real MkDocs (registration open, so
    that the sign-up button shows): (project root, site, the hostile projects' fields)."""
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    projects = plant(root)
    projects[APPROVED_AS] = propose_and_approve(root)
    site = root / "site"
    # Its own PDF cache: a build keeps only its own PDFs, and these would evict the real ones.
    cache = Path(os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache"))
    env = {"VOLUNTEERS_TODAY": "2012-07-10", "VOLUNTEERS_TEST_CACHE": f"{cache}-hostile"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    return root, site, projects


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(PAYLOADS) >= 40 and len(set(PAYLOADS)) == len(PAYLOADS)


def test_no_page_holds_live_markup(hostile: tuple[Path, Path, dict[str, dict[str, str]]]) -> None:
    _, site, _ = hostile
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    problems = {
        str(p.relative_to(site)): found
        for p in pages
        if (found := audit(p.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_the_audit_sees_what_it_must() -> None:
    """The parser-based audit itself, on markup that must be reported."""
    bad = (
        '<img src=x onerror="alert(1)"><a href=" JaVa\tScript:alert(1)">x</a><iframe srcdoc="x">'
        "<script>alert(1)</script><a href='data:text/html,x'>y</a><script src='evil.js'></script>"
        '<a href="https://example.org/" title="&lt;img src=x&gt;">z</a>'
    )
    assert len(audit(bad)) == 8
    assert audit('<img src="data:image/png;base64,AA"><a href="https://example.org/">x</a>') == []


def test_titles_and_descriptions_read_as_written(
    hostile: tuple[Path, Path, dict[str, dict[str, str]]],
) -> None:
    """Escaped once: the page shows the title as written (not as markup, not as entities),
    in <title>, in the h1 and in the meta description."""
    _, site, projects = hostile
    for project_id, fields in projects.items():
        found = texts((site / "projects" / project_id / "index.html").read_text(encoding="utf-8"))
        assert shown(found["h1"]) == shown(fields["title"]), project_id
        assert shown(found["title"]) == f"{shown(fields['title'])} - {SITE_NAME}", project_id
        assert shown(found["description"]) == shown(fields["summary"]), project_id
    union = texts((site / "unions/xigang/index.html").read_text(encoding="utf-8"))
    assert shown(union["h1"]) == shown(YAML_UNION_NAMES[1])
    assert shown(union["title"]) == f"{shown(YAML_UNION_NAMES[1])} - {SITE_NAME}"


def test_the_markdown_subset_still_works(
    hostile: tuple[Path, Path, dict[str, dict[str, str]]],
) -> None:
    _, site, _ = hostile
    for page in ("projects/hostile-0/index.html", "recognitions/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "<em>强调</em>" in html and "<strong>加粗</strong>" in html, page
        assert "<li>第一项</li>" in html, page
        assert re.search(r'<a href="https://example.org/a\?b=1&amp;c=2" rel="[^"]*nofollow', html)
        assert '<a href="mailto:a@example.org"' in html, page
    corpus = (site / "projects/hostile-1/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in corpus, "raw HTML stays visible as text"


def test_search_index_holds_text_never_markup(
    hostile: tuple[Path, Path, dict[str, dict[str, str]]],
) -> None:
    _, site, _ = hostile
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    hostile_entries = [d for d in docs if "alert" in d["title"] + d["text"]]
    assert len(hostile_entries) > 10, "the payloads are indexed, as text"
    assert any(d["location"] == f"projects/{APPROVED_AS}/" for d in hostile_entries)
    for doc in docs:
        for key in ("title", "text"):
            value = KEPT_BY_MATERIAL.sub(" ", doc[key])
            assert "<" not in value and ">" not in value, (doc["location"], key, value[:200])


def test_feed_open_data_and_pdf_sources(
    hostile: tuple[Path, Path, dict[str, dict[str, str]]],
) -> None:
    root, site, projects = hostile
    feed = ElementTree.fromstring((site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [shown(t.text or "") for t in feed.iter(f"{atom}title")]
    assert f"服务项目：{shown(projects[APPROVED_AS]['title'])}" in titles
    data = json.loads((site / "data/projects.json").read_text(encoding="utf-8"))
    by_id = {p["id"]: p for p in data["projects"]}
    assert by_id["hostile-3"]["title"] == projects["hostile-3"]["title"]
    json.loads((site / "data/quotas.json").read_text(encoding="utf-8"))
    for name, (html, _) in pdf_documents(load_site(root)).items():
        assert audit(html) == [], name


# --- Chromium -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(hostile: tuple[Path, Path, dict[str, dict[str, str]]]) -> Iterator[str]:
    _, site, _ = hostile
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


def _ran(page: Page) -> bool:
    return bool(page.evaluate("() => window.__pwned !== undefined"))


@pytest.mark.browser
def test_no_script_runs_in_chromium(
    browser: Browser, served: str, hostile: tuple[Path, Path, dict[str, dict[str, str]]]
) -> None:
    """Every page opened once; then the search, with results that show the payloads."""
    _, site, _ = hostile
    context = browser.new_context(service_workers="block", viewport=PHONE)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    # The harness sees script that runs: a planted handler raises a dialog and sets the marker.
    page.set_content('<img src="data:," onerror="window.__pwned=1;alert(1)">')
    page.wait_for_function("() => window.__pwned === 1")
    assert _ran(page) and len(dialogs) == 1
    dialogs.clear()
    ran = []
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    for path in paths:
        page.goto(served + path.removesuffix("index.html"), wait_until="load")
        # The theme's tooltips show an element's title as HTML on hover: hover each one.
        for element in page.locator("article [title]").all():
            if element.is_visible():
                element.hover(force=True, timeout=5000)
        page.wait_for_timeout(20)  # handlers queued at load or hover (toggle, animation, focus)
        if _ran(page):
            ran.append(path)
    page.goto(served, wait_until="load")
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    for query in ("onerror", "javascript", "恶意"):
        box.fill(query)
        box.press("End")
        page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=5000)
        page.wait_for_timeout(200)
        if _ran(page):
            ran.append(f"search {query}")
    results = page.locator(".md-search-result__item").count()
    page.locator(".md-search-result__item > a").first.click()  # highlights ?h=恶意 on the page
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    if _ran(page):
        ran.append(page.url)
    context.close()
    assert (dialogs, ran) == ([], [])
    assert results > 0
