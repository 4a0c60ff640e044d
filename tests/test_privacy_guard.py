"""The privacy guard: a full ID number or personal mobile anywhere in site/ is found, named, masked."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from generator.core.identity import check_char
from generator.site.privacy import Finding, scan_site, scan_text
from tests.conftest import copy_project, mkdocs_build


def make_id(seed: int = 1) -> str:
    """A full ID number with a valid check digit, made at run time (none is written in the repo)."""
    rng = random.Random(seed)
    first17 = f"210202{rng.randint(1960, 1999)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}{rng.randint(100, 999)}"
    return first17 + check_char(first17)


def make_mobile(seed: int = 1) -> str:
    """A mobile with a real prefix (the guard knows which prefixes carriers use)."""
    rng = random.Random(seed)
    prefix = rng.choice(("135", "136", "137", "138", "139", "150", "151", "158", "186", "188"))
    return f"{prefix}{rng.randint(0, 99_999_999):08d}"


def _masked_id(number: str) -> str:
    return number[:6] + "********" + number[-4:]


def _masked_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def test_made_numbers_are_what_the_guard_looks_for() -> None:
    number = make_id()
    assert len(number) == 18 and number[17] == check_char(number[:17])
    assert [f.kind for f in scan_text(f"证件：{number}", "x")] == ["id"]
    assert [f.kind for f in scan_text(f"手机 {make_mobile()}", "x")] == ["mobile"]


def test_scan_finds_numbers_in_every_kind_of_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    number, mobile = make_id(2), make_mobile(2)
    files = {
        "projects/a/index.html": f"<p>联系人身份证：{number[:9]}<span>{number[9:]}</span></p>\n",
        "projects/b/index.html": f"<p>电话&#{ord(mobile[0])};{mobile[1:]}</p>",
        "search/search_index.json": json.dumps({"docs": [{"text": f"手机{mobile}"}]}),
        "data/projects.json": json.dumps({"p": f"\uff11{mobile[1:]}"}, ensure_ascii=True),
        "feed.xml": f"<feed><summary>{number}</summary></feed>",
        "notes.txt": f"line one\nline two {mobile[:3]} {mobile[3:7]} {mobile[7:]}\n",
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(number.encode()))
    (site / "logo.png").write_bytes(b"\x89PNG" + number.encode())  # images are not text

    found = scan_site(site)
    assert [(f.path, f.kind) for f in found] == [
        ("site/data/projects.json", "mobile"),
        ("site/feed.xml", "id"),
        ("site/notes.txt", "mobile"),
        ("site/projects/a/index.html", "id"),
        ("site/projects/b/index.html", "mobile"),
        ("site/search/search_index.json", "mobile"),
        ("site/sitemap.xml.gz", "id"),
    ]
    assert Finding("site/notes.txt", 2, "mobile", _masked_mobile(mobile)) in found
    report = "\n".join(map(str, found))
    assert number not in report and mobile not in report
    assert (
        str(found[1])
        == f"site/feed.xml:1: 发现疑似完整身份证号（校验位有效） {_masked_id(number)}，不得发布"
    )


def test_scan_reads_pdf_text_and_xlsx_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from weasyprint import HTML

    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    number, mobile = make_id(3), make_mobile(3)
    HTML(string=f"<p>ID {number}</p>").write_pdf(site / "downloads" / "roster-x.pdf")
    book = Workbook()
    book.active.append(["姓名", "手机"])
    book.active.append(["某某", mobile])
    book.save(site / "downloads" / "roster-template.xlsx")
    found = scan_site(site)
    assert [(f.path, f.kind, f.masked) for f in found] == [
        ("site/downloads/roster-template.xlsx", "mobile", _masked_mobile(mobile)),
        ("site/downloads/roster-x.pdf", "id", _masked_id(number)),
    ]


def test_pdf_findings_are_cached_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint import HTML

    from generator.site import privacy

    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    number = make_id(6)
    HTML(string=f"<p>ID {number}</p>").write_pdf(site / "a.pdf")
    HTML(string="<p>无号码</p>").write_pdf(site / "b.pdf")
    first = scan_site(site, cache)
    assert [(f.path, f.kind) for f in first] == [("site/a.pdf", "id")]

    def no_extraction(raw: bytes) -> str:
        raise AssertionError("extracted again although the bytes are the same")

    monkeypatch.setattr(privacy, "_pdf_text", no_extraction)
    assert scan_site(site, cache) == first
    (site / "b.pdf").write_bytes((site / "a.pdf").read_bytes() + b"\n% changed")
    monkeypatch.undo()
    assert [(f.path, f.kind) for f in scan_site(site, cache)] == [
        ("site/a.pdf", "id"),
        ("site/b.pdf", "id"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Masked forms, as intake stores them and the site may show them.
        "210202********123X 138****5678",
        # A table flattened by the search index: integers in a row must not line up as a mobile.
        "13 长兴岛 200 180 16 90 1 3 5 3 0 0 1 2 0 4 0",
        # An office landline, a wrong check digit, an impossible birth date, a 12-digit run.
        "0411-82610421 82610421",
        "210202198001011230 210202198013011231 139123456789",
    ],
)
def test_scan_leaves_harmless_numbers_alone(text: str) -> None:
    assert scan_text(text, "x") == []


def test_the_real_site_is_clean(built_site: Path) -> None:
    assert scan_site(built_site) == []


def _plant_and_build(root: Path, rel: str, old: str, new: str) -> tuple[int, str]:
    file = root / rel
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = mkdocs_build(root, root / "site")
    return result.returncode, result.stdout + result.stderr


def test_an_id_number_in_a_project_stops_the_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    number = make_id(4)
    code, output = _plant_and_build(
        root,
        "data/projects/jinqiu-zhuxue-2012.yml",
        "  - 服务对象",
        f"  - 联系人证件：{number}\n  - 服务对象",
    )
    assert code != 0
    assert "projects/jinqiu-zhuxue-2012" in output
    assert _masked_id(number) in output
    assert number not in output


def test_a_mobile_in_a_content_page_stops_the_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    mobile = make_mobile(5)
    text = (root / "content" / "contact.md").read_text(encoding="utf-8")
    code, output = _plant_and_build(
        root, "content/contact.md", text, f"{text}\n值班手机：{mobile}\n"
    )
    assert code != 0
    assert "contact/index.html" in output
    assert mobile not in output


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("{id}", "id"),
        ("{id_lower}尾", "id"),
        ("开头 {mobile}", "mobile"),
        ("+86 {mobile}", "mobile"),
        ("0086-{m3}-{m4}-{m4b}", "mobile"),
        ("电话：{m3} {m4} {m4b}。", "mobile"),
        ("1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 {mobile}", "mobile"),
    ],
)
def test_scan_finds_numbers_wherever_they_sit(template: str, kind: str) -> None:
    number, mobile = make_id(16), make_mobile(6)
    assert number.endswith("X")  # so the lower-case form is tried too
    text = template.format(
        id=number,
        id_lower=number.lower(),
        mobile=mobile,
        m3=mobile[:3],
        m4=mobile[3:7],
        m4b=mobile[7:],
    )
    assert [f.kind for f in scan_text(text, "x")] == [kind]


def test_the_scan_names_each_file_and_the_line_of_each_number(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    number, mobile = make_id(8), make_mobile(8)
    for n in range(10):
        (site / f"p{n}.html").write_text(f"<p>第 {n} 页</p>", encoding="utf-8")
    (site / "p1.html").write_text(f"<p>{number}</p>", encoding="utf-8")
    (site / "p9.html").write_text(f"<p>\n手机 {mobile}</p>", encoding="utf-8")
    assert [(f.path, f.line, f.kind) for f in scan_site(site)] == [
        ("site/p1.html", 1, "id"),
        ("site/p9.html", 2, "mobile"),
    ]
