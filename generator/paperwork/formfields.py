"""The fillable registration form's AcroForm, finished after WeasyPrint: a field font every
viewer supplies (Adobe-GB1 `STSong-Light`, not embedded), sizes that fit long entries, length
limits, input hints and the paper form's tab order.

WeasyPrint embeds a field's font whole; an embedded font big enough for every name (the 8,105
characters of the 通用规范汉字表 and GB 18030's 20,902 basic CJK characters) is 4–6 MB. The
measured comparison is in the README ("The fillable form's field font").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

FIELD_FONT = "/STSong"
"""The field font's resource name in /DR and in every field's /DA."""
MULTILINE = 1 << 12
DO_NOT_SCROLL = 1 << 23
TEXT_SIZE = 10.5
"""Point size of the multi-line fields, as 工作简历 and 本人申请 are printed in the archive."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form, in the paper form's order (row by row, left to right)."""

    name: str
    label: str
    """The tooltip (/TU): what a screen reader says and the viewer shows on hover."""
    max_length: int | None = None
    multiline: bool = False


REGISTRATION_FIELDS = (
    FieldSpec("name", "姓名"),
    FieldSpec("gender", "性别"),
    FieldSpec("political_status", "政治面貌"),
    FieldSpec("id_number", "身份证号（18 位）", max_length=18),
    FieldSpec("phone", "联系电话（手机 11 位）", max_length=11),
    FieldSpec("work_start", "参加工作时间（年月，如 2012年7月）"),
    FieldSpec("education", "学历"),
    FieldSpec("health", "健康状况"),
    FieldSpec("employer", "工作单位"),
    FieldSpec("skills", "特长"),
    FieldSpec("resume", "工作简历", multiline=True),
    FieldSpec("application", "本人申请", multiline=True),
)
"""Field names are the contract with `volunteers roster` and the tests (archive.form_values)."""


def field_font() -> DictionaryObject:
    """Adobe's standard Simplified Chinese font, not embedded: a conforming viewer supplies it
    (PDF 32000-1 9.7.5.2, the Adobe-GB1 character collection), so the form carries no glyphs
    and the viewer lays typed text out in its own Chinese face."""
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/STSong-Light"),
        NameObject("/Flags"): NumberObject(6),  # serif, symbolic (a CJK font's usual flags)
        NameObject("/FontBBox"): ArrayObject(map(NumberObject, (-25, -254, 1000, 880))),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(880),
        NameObject("/Descent"): NumberObject(-120),
        NameObject("/CapHeight"): NumberObject(880),
        NameObject("/StemV"): NumberObject(93),
    })  # fmt: skip
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/CIDFontType0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("GB1"),
            NameObject("/Supplement"): NumberObject(4),
        }),
        NameObject("/FontDescriptor"): descriptor,
        NameObject("/DW"): NumberObject(1000),
        # CIDs 1-95 are the collection's proportional Latin: half an em is close enough.
        NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(95), NumberObject(500)]),
    })  # fmt: skip
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"),
        # Codes are Adobe-GB1 CIDs. With UniGB-UCS2-H (codes = UCS-2) poppler writes CIDs into
        # the appearances it builds for typed text and shows other characters (measured, README).
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([cid_font]),
    })  # fmt: skip


def default_appearance(spec: FieldSpec) -> str:
    """Single-line fields auto-size (0 Tf: the viewer shrinks a long entry to the box);
    multi-line ones wrap at the archive's text size."""
    return f"{FIELD_FONT} {TEXT_SIZE if spec.multiline else 0} Tf 0 g"


def finish_form(pdf: bytes, specs: tuple[FieldSpec, ...] = REGISTRATION_FIELDS) -> bytes:
    """WeasyPrint's fillable PDF with its fields made as `specs` say, in their order; the
    whole font WeasyPrint embedded for the fields is dropped (no field uses it any more)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    acroform = cast(DictionaryObject, writer._root_object["/AcroForm"].get_object())
    font_ref = writer._add_object(field_font())
    acroform[NameObject("/DR")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject(FIELD_FONT): font_ref})
    })  # fmt: skip
    acroform[NameObject("/DA")] = TextStringObject(f"{FIELD_FONT} 0 Tf 0 g")
    acroform[NameObject("/NeedAppearances")] = BooleanObject(True)
    page = writer.pages[0]
    annots = cast(ArrayObject, page["/Annots"].get_object())
    widgets = {a.get_object()["/T"]: a for a in annots}
    names = [s.name for s in specs]
    if sorted(widgets) != sorted(names):
        raise ValueError(f"form fields {sorted(widgets)} differ from {sorted(names)}")
    old_fonts: set[str] = set()
    for spec in specs:
        field = widgets[spec.name].get_object()
        old_fonts.update(re.findall(r"(/[^\s/]+)\s+[\d.]+\s+Tf", str(field["/DA"])))
        field[NameObject("/DA")] = TextStringObject(default_appearance(spec))
        field[NameObject("/TU")] = TextStringObject(spec.label)
        flags = int(field.get("/Ff", 0)) & ~MULTILINE
        field[NameObject("/Ff")] = NumberObject(flags | (MULTILINE if spec.multiline else 0))
        if spec.max_length:
            field[NameObject("/MaxLen")] = NumberObject(spec.max_length)
        elif "/MaxLen" in field:
            del field["/MaxLen"]
        field[NameObject("/Q")] = NumberObject(0)
        # WeasyPrint writes (left, top, right, bottom): normalised to lower-left, upper-right.
        x1, y1, x2, y2 = (round(float(v), 3) for v in field["/Rect"])
        box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        field[NameObject("/Rect")] = ArrayObject(FloatObject(v) for v in box)
    ordered = ArrayObject(widgets[n] for n in names)
    others = [a for a in annots if a.get_object().get("/T") not in widgets]
    page[NameObject("/Annots")] = ArrayObject([*ordered, *others])
    page[NameObject("/Tabs")] = NameObject("/R")  # row order, which is also the array's order
    acroform[NameObject("/Fields")] = ArrayObject(widgets[n] for n in names)
    _drop_unused_fonts(page, old_fonts)
    out = io.BytesIO()
    writer.write(out)
    # A second copy keeps only what is reachable: the dropped font's program goes.
    out, writer = io.BytesIO(), PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    writer.write(out)
    return out.getvalue()


def _drop_unused_fonts(page: PageObject, names: set[str]) -> None:
    """Removes the fonts in `names` from the page's resources unless its content uses them."""
    content = page.get_contents()
    data = content.get_data() if content is not None else b""
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    if "/Font" not in resources:
        return
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    for name in names:
        if name in fonts and f"{name} ".encode() not in data and f"{name}\n".encode() not in data:
            del fonts[name]
