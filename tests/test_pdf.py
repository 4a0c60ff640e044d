"""The printable PDFs read back: A4, pages, exact text, embedded subset fonts, sizes, fields, QR."""

from __future__ import annotations

import io
import math
import re
import subprocess
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from generator.core.validate import SiteData, load_site
from generator.paperwork import downloads, pdf
from generator.paperwork.downloads import ROSTER, build_downloads, download_index, notice_parts

from .conftest import ROOT, copy_project

pytestmark = pytest.mark.slow  # one real build of all the PDFs, shared by the module

A4 = (595.28, 841.89)
KB = 1024
LOOKALIKES = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\ufffd]")
"""Kangxi radicals, the radicals supplement, compatibility ideographs, the replacement char."""
FORM_LABELS = (
    "附件2", "工会服务帮扶志愿者登记表", "姓名性别政治面貌照片（1寸或2寸）身份证号联系电话",
    "参加工作时间学历健康状况工作单位特长工作简历本人申请签字：年月日",
    "单位工会意见（盖章）年月日区市县总工会、产业工会意见（盖章）年月日市总工会意见（盖章）年月日",
)  # fmt: skip
ROSTER_COLUMNS = ("序号", "姓名", "性别", "身份证号码", "工作单位", "政治面貌", "身份", "特长")
FIELDS = {
    "name": "姓名", "gender": "性别", "political_status": "政治面貌",
    "id_number": "身份证号（18 位）", "phone": "联系电话（手机 11 位）",
    "work_start": "参加工作时间（年月，如 2012年7月）", "education": "学历", "health": "健康状况",
    "employer": "工作单位", "skills": "特长", "resume": "工作简历", "application": "本人申请",
}  # fmt: skip


@pytest.fixture(scope="module")
def site() -> SiteData:
    return load_site(ROOT)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture(scope="module")
def files(site: SiteData, cache_dir: Path) -> dict[str, bytes]:
    return build_downloads(site, cache_dir)


def text_of(data: bytes, page: int | None = None) -> str:
    """pdftotext's reading of the PDF (or of one page), as a second reader next to pypdf."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def read(data: bytes, page: int | None = None) -> str:
    """pypdf's reading, in drawing order (which is the template's order), without whitespace."""
    pages = PdfReader(io.BytesIO(data)).pages
    chosen = [pages[page - 1]] if page else pages
    return squeeze("".join(p.extract_text() for p in chosen))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts_of(data: bytes, tmp_path: Path) -> list[list[str]]:
    file = tmp_path / "f.pdf"
    file.write_bytes(data)
    out = subprocess.run(["pdffonts", str(file)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def test_every_download_is_built_and_listed(site: SiteData, files: dict[str, bytes]) -> None:
    index = download_index(site, files)
    assert [d.path for d in index] == list(files)
    expected = {
        "downloads/notice.pdf", "downloads/quota-table.pdf", "downloads/registration-form.pdf",
        "downloads/registration-form-fillable.pdf", "downloads/roster-blank.pdf",
        "downloads/roster-template.xlsx",
        *(f"downloads/roster-{u}.pdf" for u in site.unions),
    }  # fmt: skip
    assert set(files) == expected
    assert all(d.size == len(files[d.path]) and d.title and d.description for d in index)
    assert {d.union for d in index if d.kind == "roster"} == {None, *site.unions}
    assert [d.size for d in download_index(site)] == [None] * len(index)


def test_pages_are_a4(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if not path.endswith(".pdf"):
            continue
        for page in PdfReader(io.BytesIO(data)).pages:
            size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
            assert size == pytest.approx(sorted(A4), abs=0.5), path
            landscape = page.mediabox.width > page.mediabox.height
            assert landscape == ("/roster-" in path), path


def test_text_has_no_lookalikes_and_fonts_are_ours(files: dict[str, bytes], tmp_path: Path) -> None:
    for path, data in files.items():
        if not path.endswith(".pdf"):
            continue
        text = text_of(data)
        pypdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert not LOOKALIKES.search(text + pypdf_text), path
        rows = fonts_of(data, tmp_path)
        assert rows, path
        for name, *_, emb, sub, uni, _obj, _gen in rows:
            assert (emb, sub, uni) == ("yes", "yes", "yes"), (path, name)
            # Only the build's own subsets: a system fallback font would mean a missing glyph.
            assert re.fullmatch(r"[A-Z]{6}\+(DocSerif|DocSans|FieldSans)(-Bold)?", name), name


def test_sizes_within_budget(files: dict[str, bytes]) -> None:
    assert len(files["downloads/registration-form.pdf"]) <= 60 * KB
    assert len(files["downloads/notice.pdf"]) <= 200 * KB
    assert len(files["downloads/registration-form-fillable.pdf"]) <= 1024 * KB
    rosters = [v for k, v in files.items() if "/roster-" in k and k.endswith(".pdf")]
    assert len(rosters) == 20
    assert max(map(len, rosters)) <= 150 * KB


def test_notice_text_is_the_notice(site: SiteData, files: dict[str, bytes]) -> None:
    text = re.sub(r"—\d+—", "", read(files["downloads/notice.pdf"]))
    c = site.campaign
    for piece in (f"{c.issuer}文件", c.doc_number, c.title, c.addressees, "2012年7月3日印发"):
        assert squeeze(piece) in text, piece
    source = (ROOT / "content" / "notice.md").read_text(encoding="utf-8")
    body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", source.split("\n---\n", 1)[1])
    body = re.sub(r"<[^>]+>|^#+ |^\d+\. ", "", body, flags=re.M)
    for line in body.splitlines():
        line = squeeze(line)
        if line:
            assert line in text, line
    assert "附件：1．工会服务帮扶志愿者名额分配表" in squeeze(
        text_of(files["downloads/notice.pdf"])
    )
    assert text.index("3．服务帮扶志愿者花名册") < text.index(f"{c.issuer}2012年7月3日")
    for page in range(1, len(PdfReader(io.BytesIO(files["downloads/notice.pdf"])).pages) + 1):
        assert f"—{page}—" in squeeze(text_of(files["downloads/notice.pdf"], page))


def test_notice_parts_reads_the_markdown_structurally() -> None:
    title, body = notice_parts(
        '---\ntitle: x\n---\n<div class="official-header" markdown>\n<p>横幅</p>\n</div>\n\n'
        "# 标题\n\n各单位：\n\n正文[链接](a.md)。\n\n附件：\n\n1. [表一](b.md)\n\n"
        '<p class="official-imprint"><span>印发</span></p>\n'
    )
    assert title == "标题"
    assert "横幅" not in body and "印发" not in body and "href" not in body and "<h1" not in body
    assert '<p class="addressees">各单位：</p>' in body
    assert '<div class="attachments"><p>附件：</p>' in body


def test_quota_table(site: SiteData, files: dict[str, bytes]) -> None:
    data = files["downloads/quota-table.pdf"]
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = read(data)
    for label in (
        "附件1",
        "工会服务帮扶志愿者名额分配表",
        "序号",
        "区市县、产业工会",
        "人数",
        "备注",
    ):
        assert label in text
    for i, quota in enumerate(site.quotas.quotas, start=1):
        assert f"{i}{site.unions[quota.union].name}{quota.count}" in text
    assert "合计5800" in text


@pytest.mark.parametrize("path", ["registration-form", "registration-form-fillable"])
def test_registration_form_is_one_page_with_every_label(files: dict[str, bytes], path: str) -> None:
    data = files[f"downloads/{path}.pdf"]
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = read(data)
    for label in FORM_LABELS:
        assert label in text, label


def test_fillable_fields(files: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(files["downloads/registration-form-fillable.pdf"]))
    fields = reader.get_fields()
    assert fields is not None
    # Tooltips say the label, and for the ID, phone and date fields what to type.
    assert {name: f.get("/TU") for name, f in fields.items()} == FIELDS
    assert all(f.get("/FT") == "/Tx" for f in fields.values())
    page = reader.pages[0]
    widgets = [a.get_object() for a in page["/Annots"]]
    # Tab order follows the paper form: row by row, left to right.
    assert [w["/T"] for w in widgets] == list(FIELDS)
    assert page["/Tabs"] == "/R"
    assert [f.get_object()["/T"] for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]] == list(
        FIELDS
    )
    by_name = {w["/T"]: w for w in widgets}
    assert by_name["id_number"]["/MaxLen"] == 18
    assert by_name["phone"]["/MaxLen"] == 11
    assert {n for n, w in by_name.items() if "/MaxLen" in w} == {"id_number", "phone"}
    multiline = {n for n, f in fields.items() if int(f.get("/Ff", 0)) & (1 << 12)}
    assert multiline == {"resume", "application"}
    # One-line fields auto-size (0 Tf), multi-line ones wrap at 10.5 pt; all in STSong-Light.
    for name, widget in by_name.items():
        size = "10.5" if name in multiline else "0"
        assert widget["/DA"] == f"/STSong {size} Tf 0 g", name
        llx, lly, urx, ury = (float(v) for v in widget["/Rect"])
        assert llx < urx and lly < ury, name
    acroform = reader.trailer["/Root"]["/AcroForm"]
    font = acroform["/DR"]["/Font"]["/STSong"].get_object()
    assert (font["/BaseFont"], font["/Encoding"]) == ("/STSong-Light", "/Identity-H")
    cid = font["/DescendantFonts"][0].get_object()
    assert cid["/CIDSystemInfo"]["/Ordering"] == "GB1"
    assert "/FontFile" not in cid["/FontDescriptor"] and "/FontFile3" not in cid["/FontDescriptor"]
    assert acroform["/NeedAppearances"].value is True
    assert not PdfReader(io.BytesIO(files["downloads/registration-form.pdf"])).get_fields()


def test_fillable_form_is_small_and_rebuilds_byte_for_byte(
    site: SiteData, files: dict[str, bytes]
) -> None:
    data = files["downloads/registration-form-fillable.pdf"]
    assert len(data) <= 100 * KB  # budget 1 MB: the field font is the viewer's, not embedded
    docs = downloads.pdf_documents(site)
    html, forms = docs["downloads/registration-form-fillable.pdf"]
    assert forms
    again = pdf.PdfRenderer("".join(h for h, _ in docs.values())).render(html, forms=True)
    assert again == data


def test_fillable_form_filled_keeps_every_character(
    files: dict[str, bytes], tmp_path: Path
) -> None:
    from generator.paperwork.formfill import fill_form

    values = {
        "name": "王梓昊",
        "employer": "大连瑾瑜科技公司",
        "skills": "婧钰琦璐皓晟煜曦妍喆堃",
        "resume": "2012年7月至今\n大连瑾瑜科技公司𬌗",
    }
    filled = fill_form(files["downloads/registration-form-fillable.pdf"], values)
    reader = PdfReader(io.BytesIO(filled))
    got = reader.get_fields() or {}
    assert {k: got[k].get("/V") for k in values} == values
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is False
    # The values as poppler reads the page (appearance streams included), whole.
    text = squeeze(text_of(filled))
    for value in values.values():
        assert squeeze(value) in text, value
    assert not LOOKALIKES.search(text)
    names = [row[0] for row in fonts_of(filled, tmp_path)]
    assert "FillSans" in names  # embedded: every viewer draws the same glyphs
    with pytest.raises(ValueError, match="表单中没有这些字段：nickname"):
        fill_form(filled, {"nickname": "小王"})


def roster_pages(rows: int) -> int:
    return 1 + max(0, math.ceil((rows - ROSTER.first) / ROSTER.rest))


def test_rosters(site: SiteData, files: dict[str, bytes]) -> None:
    for quota in site.quotas.quotas:
        union = site.unions[quota.union]
        data = files[f"downloads/roster-{union.id}.pdf"]
        pages = len(PdfReader(io.BytesIO(data)).pages)
        assert pages == roster_pages(quota.count), union.id
        numbers: list[int] = []
        for page in range(1, pages + 1):
            text = PdfReader(io.BytesIO(data)).pages[page - 1].extract_text()
            flat = squeeze(text)
            assert "".join(ROSTER_COLUMNS) in flat, (union.id, page)  # header row on every page
            assert f"第{page}页共{pages}页" in flat
            assert union.name in flat
            numbers += [int(n) for n in re.findall(r"^\s*(\d+)\s*$", text, re.M)]
        assert numbers == list(range(1, quota.count + 1)), union.id
    first = read(files["downloads/roster-zhongshan.pdf"], 1)
    assert "附件3服务帮扶志愿者花名册区市县、产业工会：中山区总工会负责人：联系电话：" in first


def test_blank_roster(files: dict[str, bytes]) -> None:
    data = files["downloads/roster-blank.pdf"]
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    text = read(data, 1)
    assert "区市县、产业工会：负责人：联系电话：" in text
    assert "总工会" not in text and "工会：" in text


def test_no_qr_code_without_signup_url(files: dict[str, bytes]) -> None:
    for path in ("notice", "registration-form"):
        page = PdfReader(io.BytesIO(files[f"downloads/{path}.pdf"])).pages[0]
        assert not page.images
        assert "扫码" not in text_of(files[f"downloads/{path}.pdf"])


def test_qr_code_encodes_the_signup_url(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    url = "https://example.org/volunteer/signup?from=qr"
    campaign = root / "data" / "campaign.yml"
    campaign.write_text(
        re.sub(r"^signup_url:.*$", f'signup_url: "{url}"', campaign.read_text(), flags=re.M),
        encoding="utf-8",
    )
    site = load_site(root)
    docs = downloads.pdf_documents(site)
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()))
    expected = [[bool(m) for m in row] for row in segno.make(url, error="m", micro=False).matrix]
    for path in ("downloads/notice.pdf", "downloads/registration-form.pdf"):
        data = renderer.render(docs[path][0])
        reader = PdfReader(io.BytesIO(data))
        images = {im.name: im for page in reader.pages for im in page.images}
        assert len(images) == 1, path
        image = next(iter(images.values())).image.convert("L")
        assert image.size == (len(expected), len(expected))
        modules = [
            [image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)
        ]
        assert modules == expected, path
        assert "扫码网上报名" in read(data)
    assert url in read(renderer.render(docs["downloads/notice.pdf"][0]))
    assert (
        len(
            PdfReader(io.BytesIO(renderer.render(docs["downloads/registration-form.pdf"][0]))).pages
        )
        == 1
    )


def test_cache_serves_unchanged_pdfs_without_rendering(
    site: SiteData, files: dict[str, bytes], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> bytes:
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(pdf.PdfRenderer, "_render", refuse)
    monkeypatch.setattr(pdf, "Background", refuse)
    assert build_downloads(site, cache_dir) == files


def test_output_is_reproducible_in_and_out_of_the_helper(
    site: SiteData, files: dict[str, bytes]
) -> None:
    docs = downloads.pdf_documents(site)
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()))  # no cache: renders again
    for path in (
        "downloads/notice.pdf",
        "downloads/roster-ganjingzi.pdf",
        "downloads/roster-changhai.pdf",
    ):
        html, forms = docs[path]
        assert renderer.render(html, forms=forms) == files[path], path
    assert renderer.rendered == 3


def test_changed_input_is_rendered_again(site: SiteData, cache_dir: Path) -> None:
    docs = downloads.pdf_documents(site)
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()), cache_dir)
    html, _ = docs["downloads/quota-table.pdf"]
    renderer.render(html)
    assert renderer.rendered == 0
    changed = html.replace("<td></td></tr>", "<td>备</td></tr>", 1)
    renderer.render(changed)
    assert renderer.rendered == 1
    assert (cache_dir / f"{renderer.key(changed)}.pdf").is_file()
    renderer.render_all(docs)  # a whole build drops what it no longer produces
    assert renderer.rendered == 1
    assert not (cache_dir / f"{renderer.key(changed)}.pdf").exists()
    assert len(list(cache_dir.glob("*.pdf"))) == len(docs)


def test_creation_date_is_fixed(
    site: SiteData, files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = PdfReader(io.BytesIO(files["downloads/notice.pdf"])).metadata
    assert meta is not None and meta.title == site.campaign.title
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1341273600")
    assert downloads.build_time(site.campaign) == "2012-07-03T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert downloads.build_time(site.campaign) == "2012-07-03T00:00:00+08:00"


def test_fetcher_refuses_the_network() -> None:
    fetcher = pdf.url_fetcher()
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/font.woff2", "ftp://x/y"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_missing_font_is_reported_in_chinese() -> None:
    with pytest.raises(pdf.PdfError, match=r"找不到字体 No Such Font SC.*fonts-noto-cjk"):
        pdf.find_font("No Such Font SC:style=Regular")


def test_subset_maps_only_the_characters_asked_for() -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(pdf.subset_font("Noto Sans CJK SC:style=Regular", "工面长身人见")))
    assert set(map(chr, font.getBestCmap())) == set("工面长身人见")
    assert len(font.getGlyphOrder()) == 7  # .notdef and the six
