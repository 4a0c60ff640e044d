"""A fillable form filled in: each field's value and an appearance drawn with an embedded subset
of exactly the characters filled in, so that every viewer shows every character of a name (the
field font, STSong-Light, is the viewer's own and stops at Adobe-GB1: 𬌗 or 鿍 are beyond it)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from .fonts import subset_font
from .formfields import MULTILINE, TEXT_SIZE

FILL_FONT = "Noto Sans CJK SC:style=Regular"
"""The font filled-in text is drawn with (embedded, cut to the text)."""
FILL_NAME = "/FillSans"
PAD = 2.0
"""Points between the box and the text."""
LINE_SPACING = 1.3
SINGLE_MAX = 11.0
"""The largest point size of a one-line value (as the archive prints it)."""
ASCENT = 0.88
"""Noto CJK's ascender in ems (its descender is 0.12)."""


@dataclass(frozen=True)
class Glyphs:
    """The embedded subset: each character's CID and advance (in ems)."""

    cff: bytes
    cids: dict[str, int]
    advances: dict[str, float]

    def width(self, text: str) -> float:
        return sum(self.advances.get(c, 1.0) for c in text)


def glyphs_for(chars: str) -> Glyphs:
    """The fill font cut to `chars` (hb-subset keeps a CID-keyed CFF's CIDs)."""
    font = TTFont(io.BytesIO(subset_font(FILL_FONT, chars)))
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    units = font["head"].unitsPerEm
    cids, advances = {}, {}
    for char in set(chars):
        name = cmap.get(ord(char))
        if name is None:
            raise ValueError(f"字体 {FILL_FONT} 中没有字符 {char}（U+{ord(char):04X}）")
        cids[char] = int(name.removeprefix("cid")) if name.startswith("cid") else 0
        advances[char] = metrics[name][0] / units
    return Glyphs(font.reader["CFF "], cids, advances)


@dataclass(frozen=True)
class Layout:
    """Where a value goes in its box: the point size and the lines, each with its baseline
    (points from the box's bottom-left corner)."""

    size: float
    lines: tuple[tuple[str, float, float], ...]
    """(text, x, baseline y) per line."""


def wrap(text: str, room: float, glyphs: Glyphs) -> list[str]:
    """Lines no wider than `room` ems; Chinese breaks between any two characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for char in paragraph:
            if line and glyphs.width(line + char) > room:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def layout(text: str, width: float, height: float, multiline: bool, glyphs: Glyphs) -> Layout:
    """A one-line value shrinks to its box's width (never above SINGLE_MAX, centred vertically);
    a multi-line one wraps at TEXT_SIZE and shrinks only if its lines would overflow."""
    room_w, room_h = width - 2 * PAD, height - 2 * PAD
    if not multiline:
        text = " ".join(re.split(r"[ \t\r\n]+", text.strip(" \t\r\n")))
        size = min(SINGLE_MAX, room_h / LINE_SPACING, room_w / max(glyphs.width(text), 1e-6))
        size = max(round(size, 2) - 0.01, 0.5)
        baseline = (height - size) / 2 + size * (1 - ASCENT)
        return Layout(size, ((text, PAD, round(baseline, 3)),))
    size = TEXT_SIZE
    while True:
        lines = wrap(text, room_w / size, glyphs)
        if len(lines) * size * LINE_SPACING <= room_h or size <= 4:
            break
        size = round(size - 0.5, 2)
    top = height - PAD
    placed = tuple(
        (line, PAD, round(top - size * ASCENT - k * size * LINE_SPACING, 3))
        for k, line in enumerate(lines)
    )
    return Layout(size, placed)


def _appearance(
    place: Layout, glyphs: Glyphs, bbox: tuple[float, float], font: object
) -> StreamObject:
    ops = ["/Tx BMC", "q", "BT", f"{FILL_NAME} {place.size:g} Tf", "0 g"]
    for text, x, y in place.lines:
        codes = "".join(f"{glyphs.cids[c]:04X}" for c in text)
        ops.append(f"1 0 0 1 {x:g} {y:g} Tm <{codes}> Tj")
    ops += ["ET", "Q", "EMC"]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode())
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), *map(FloatObject, bbox)]),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject(FILL_NAME): font})
        }),
    })  # fmt: skip
    return stream


def _embedded_font(writer: PdfWriter, glyphs: Glyphs) -> object:
    """A Type0 font over the CFF subset (FontFile3 /CIDFontType0C), with widths and a
    ToUnicode map so that the filled text copies and searches as written."""
    raw = DecodedStreamObject()
    raw.set_data(glyphs.cff)
    raw[NameObject("/Subtype")] = NameObject("/CIDFontType0C")
    program = raw.flate_encode(level=9)
    chars = sorted(glyphs.cids, key=lambda c: glyphs.cids[c])
    widths: list[object] = []
    for c in chars:
        widths += [
            NumberObject(glyphs.cids[c]),
            ArrayObject([NumberObject(round(glyphs.advances[c] * 1000))]),
        ]
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/FillSans"),
        NameObject("/Flags"): NumberObject(4),
        NameObject("/FontBBox"): ArrayObject(map(NumberObject, (-1000, -1000, 2000, 2000))),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(880),
        NameObject("/Descent"): NumberObject(-120),
        NameObject("/CapHeight"): NumberObject(733),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile3"): writer._add_object(program),
    })  # fmt: skip
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/CIDFontType0"),
        NameObject("/BaseFont"): NameObject("/FillSans"),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("Identity"),
            NameObject("/Supplement"): NumberObject(0),
        }),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
        NameObject("/DW"): NumberObject(1000),
        NameObject("/W"): ArrayObject(widths),
    })  # fmt: skip
    to_unicode = DecodedStreamObject()
    to_unicode.set_data(_to_unicode(glyphs).encode())
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/FillSans"),
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
        NameObject("/ToUnicode"): writer._add_object(to_unicode.flate_encode(level=9)),
    })  # fmt: skip
    return writer._add_object(font)


def _to_unicode(glyphs: Glyphs) -> str:
    pairs = sorted((cid, char) for char, cid in glyphs.cids.items())
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CMapName /FillSans-UTF16 def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    ]  # fmt: skip
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{cid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for cid, char in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def fill_form(blank: bytes, values: Mapping[str, str]) -> bytes:
    """`blank` (a fillable PDF) with `values` by field name: each field's /V, and an appearance
    in the embedded fill font. The fields stay editable; a viewer that edits one lays it out
    again in the field font. Unknown names are an error (a typo would lose a value)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    widgets = {
        a.get_object()["/T"]: a.get_object()
        for page in writer.pages
        for a in page.get("/Annots", [])
    }
    unknown = sorted(set(values) - set(widgets))
    if unknown:
        raise ValueError(f"表单中没有这些字段：{'、'.join(unknown)}")
    filled = {k: v for k, v in values.items() if v}
    chars = "".join(sorted(set("".join(filled.values()) + " ") - set("\n\r\t")))
    glyphs = glyphs_for(chars)
    font = _embedded_font(writer, glyphs) if filled else None
    for name, text in filled.items():
        field = widgets[name]
        rect = [float(v) for v in field["/Rect"]]
        width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
        multiline = bool(int(field.get("/Ff", 0)) & MULTILINE)
        place = layout(text, width, height, multiline, glyphs)
        stream = writer._add_object(_appearance(place, glyphs, (width, height), font))
        field[NameObject("/V")] = TextStringObject(text)
        field[NameObject("/AP")] = DictionaryObject({NameObject("/N"): stream})
    # The appearances are complete: a viewer must draw them, not rebuild them in STSong-Light.
    acroform = cast(DictionaryObject, writer._root_object["/AcroForm"].get_object())
    acroform[NameObject("/NeedAppearances")] = BooleanObject(False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
