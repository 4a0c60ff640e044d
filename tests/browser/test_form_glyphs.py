"""Every character of the 通用规范汉字表 (8,105) and of GB 18030's basic CJK block, filled into the
registration form's name field, drawn by poppler, pdf.js and PDFium glyph for glyph as FreeType
draws the same font: a dropped, boxed or substituted character fails. Also the real boxes: a
30-character employer and names beyond GB 2312, whole and inside their fields."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable, Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, FloatObject, NameObject, NumberObject

from generator.core import urls
from generator.core.validate import load_site
from generator.paperwork import downloads
from generator.paperwork.formfields import MULTILINE
from generator.paperwork.formfill import fill_form, glyphs_for, layout
from generator.paperwork.pdf import PdfRenderer
from tests.conftest import ROOT
from tests.glyph_ink import cells, mismatches, reference
from tests.pdf_viewers import PdfJs, pdfium, pdfjs_viewer, poppler

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TGH = "".join((ROOT / "tests" / "data" / "tongyong-guifan-hanzi.txt").read_text("utf-8").split())
GB18030_BASIC = "".join(map(chr, range(0x4E00, 0x9FA6)))
"""GB 18030's CJK basic block: U+4E00–U+9FA5, 20,902 characters."""
BLOCK = 2100
"""Characters per rendering: 8,105 + 13,073 in 11 renderings per viewer."""
DPI = 200
PAGE_HEIGHT = 841.89
WIDE_NAME = (40.0, 40.0, 555.0, 800.0)
"""The name field, widened to a page of its own and made multi-line for the block test."""


def _blocks() -> list[tuple[str, str]]:
    rest = "".join(c for c in GB18030_BASIC if c not in set(TGH))
    out = []
    for label, text in (("tgh", TGH), ("gb18030", rest)):
        for k in range(0, len(text), BLOCK):
            out.append((f"{label}-{k // BLOCK + 1}", text[k : k + BLOCK]))
    return out


BLOCKS = _blocks()
Viewer = Callable[[bytes, float], Image.Image]


def test_the_character_lists() -> None:
    assert len(TGH) == len(set(TGH)) == 8105
    assert len(GB18030_BASIC) == 20902
    assert sum(len(t) for _, t in BLOCKS) == len(set(TGH) | set(GB18030_BASIC))
    assert {"婧", "钰", "琦", "璐", "皓", "晟", "煜", "曦", "妍", "喆", "堃", "瑾", "瑜"} <= set(
        TGH
    )


@pytest.fixture(scope="module")
def blank() -> bytes:
    site = load_site(ROOT)
    docs = downloads.pdf_documents(site)
    html, forms = docs[urls.REGISTRATION_FORM_FILLABLE_PDF]
    return PdfRenderer("".join(h for h, _ in docs.values())).render(html, forms=forms)


@pytest.fixture(scope="module")
def wide(blank: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    page = writer.pages[0]
    page.replace_contents(ContentStream(None, None))  # the printed form would lie under the text
    for annot in page["/Annots"]:
        field = annot.get_object()
        if field["/T"] == "name":
            field[NameObject("/Rect")] = ArrayObject(map(FloatObject, WIDE_NAME))
            field[NameObject("/Ff")] = NumberObject(int(field.get("/Ff", 0)) | MULTILINE)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def pdfjs(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdfJs]:
    with pdfjs_viewer(browser, tmp_path_factory.mktemp("pdfjs")) as viewer:
        yield viewer


def check(
    pdf: bytes,
    field: tuple[float, ...],
    text: str,
    multiline: bool,
    pdfjs: PdfJs,
    pdfium_too: bool = True,
) -> None:
    """Every viewer draws `text` in `field` (a rect in points) glyph for glyph, inside the box."""
    glyphs = glyphs_for(text)
    place = layout(text, field[2] - field[0], field[3] - field[1], multiline, glyphs)
    assert "".join(line for line, _, _ in place.lines) == text.replace("\n", "")
    boxes = cells(place, glyphs, (field[0], field[1]), PAGE_HEIGHT, DPI)
    assert len(boxes) == len(text.replace("\n", ""))
    scale = DPI / 72
    inside = (field[0] * scale - 1, (PAGE_HEIGHT - field[3]) * scale - 1,
              field[2] * scale + 1, (PAGE_HEIGHT - field[1]) * scale + 1)  # fmt: skip
    outside = [c.char for c in boxes if not (
        c.box[0] >= inside[0] and c.box[1] >= inside[1]
        and c.box[2] <= inside[2] and c.box[3] <= inside[3]
    )]  # fmt: skip
    assert not outside, f"{len(outside)} characters outside the field: {''.join(outside[:40])}"
    viewers: dict[str, Viewer] = {"poppler": poppler, "pdf.js": pdfjs.render}
    if pdfium_too:
        viewers["PDFium"] = pdfium
    for name, render in viewers.items():
        image = render(pdf, DPI)
        bad = mismatches(image, reference(image.size, place, boxes, DPI), boxes)
        assert not bad, f"{name}: {len(bad)} of {len(boxes)} glyphs differ: {bad[:15]}"


@pytest.mark.parametrize(("label", "text"), BLOCKS, ids=[label for label, _ in BLOCKS])
def test_every_character_renders_in_every_viewer(
    label: str, text: str, wide: bytes, pdfjs: PdfJs
) -> None:
    # PDFium (Chrome's viewer) on the 8,105 only, to keep the run short.
    check(fill_form(wide, {"name": text}), WIDE_NAME, text, True, pdfjs, label.startswith("tgh"))


def field_rect(pdf: bytes, name: str) -> tuple[float, ...]:
    for annot in PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]:
        if annot.get_object()["/T"] == name:
            return tuple(float(v) for v in annot.get_object()["/Rect"])
    raise KeyError(name)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        (
            "employer",
            "大连瑾瑜科技有限公司甘井子区分公司婧钰琦璐皓晟煜曦妍喆堃工会",
        ),  # 30 characters
        ("name", "王梓昊"),
        ("name", "欧阳婧喆"),
        ("name", "𬌗堃"),  # beyond Adobe-GB1 (Unicode extension B/E): the embedded subset has it
        ("skills", "法律咨询心理疏导驾驶维修"),
    ],
)
def test_real_fields_show_the_whole_value(
    blank: bytes, field: str, text: str, pdfjs: PdfJs
) -> None:
    if field == "employer":
        assert len(text) == 30
    check(fill_form(blank, {field: text}), field_rect(blank, field), text, False, pdfjs)


def test_the_comparison_catches_a_wrong_or_missing_glyph(blank: bytes) -> None:
    rect = field_rect(blank, "employer")
    drawn = "大连瑾喆科技　公司"  # 瑜 drawn as 喆, 有 left out
    claimed = "大连瑾瑜科技有公司"
    pdf = fill_form(blank, {"employer": drawn})
    glyphs = glyphs_for(claimed + drawn)
    place = layout(claimed, rect[2] - rect[0], rect[3] - rect[1], False, glyphs)
    boxes = cells(place, glyphs, (rect[0], rect[1]), PAGE_HEIGHT, DPI)
    image = poppler(pdf, DPI)
    bad = mismatches(image, reference(image.size, place, boxes, DPI), boxes)
    assert [b.split()[0] for b in bad] == ["瑜", "有"]
    assert layout(drawn, rect[2] - rect[0], rect[3] - rect[1], False, glyphs).size == place.size


def _ink(image: Image.Image) -> int:
    return sum(count for value, count in enumerate(image.histogram()) if value < 128)


def test_pdfjs_draws_the_printed_labels(blank: bytes, pdfjs: PdfJs) -> None:
    """pdf.js looks character codes up as CIDs: the subsets' CIDs must be their glyph ids, or it
    draws no Chinese at all (it drew only the digits before fonts.cids_as_glyph_ids)."""
    site = load_site(ROOT)
    docs = downloads.pdf_documents(site)
    renderer = PdfRenderer("".join(h for h, _ in docs.values()))
    for pdf in (blank, renderer.render(docs[urls.REGISTRATION_FORM_PDF][0])):
        drawn, expected = _ink(pdfjs.render(pdf, 100)), _ink(poppler(pdf, 100))
        assert 0.85 * expected <= drawn <= 1.15 * expected, (drawn, expected)


def test_archived_forms_show_names_beyond_gb2312_in_every_viewer(pdfjs: PdfJs) -> None:
    """`volunteers roster`'s forms (the filled forms for the archive) embed the fonts cut to their
    own text: every viewer draws the same page, rare characters included."""
    from generator.paperwork import archive
    from tests.records_factory import registration

    record = registration("zhongshan", 1, ("unit", "district", "city"))
    record = type(record).model_validate({
        **record.model_dump(),
        "name": "欧阳婧喆",
        "employer": "大连瑾瑜科技有限公司甘井子区分公司婧钰琦璐皓晟煜曦妍喆堃工会",
    })  # fmt: skip
    join = archive.Join(entries=[archive.MatchedRecord(record, None)])
    files = archive.render(archive.plan(load_site(ROOT), "zhongshan", join))
    pdf = files[f"registration-{record.id}.pdf"]
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    flat = "".join(out.stdout.decode().split())
    assert "欧阳婧喆" in flat and "婧钰琦璐皓晟煜曦妍喆堃工会" in flat
    expected = _ink(poppler(pdf, 100))
    for name, render in (("pdf.js", pdfjs.render), ("PDFium", pdfium)):
        drawn = _ink(render(pdf, 100))
        assert 0.85 * expected <= drawn <= 1.15 * expected, (name, drawn, expected)
