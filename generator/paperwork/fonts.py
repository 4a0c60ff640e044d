"""CJK fonts for the PDFs: found with fontconfig and cut to a document's characters with
HarfBuzz's subsetter through ctypes (milliseconds; fontTools takes seconds)."""

from __future__ import annotations

import ctypes
import ctypes.util
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

INSTALL_HINT = "请安装 fonts-noto-cjk 与 libharfbuzz-subset0（make setup）"


class PdfError(RuntimeError):
    """A font, a font library or a local resource the PDFs need is missing."""


@dataclass(frozen=True)
class Face:
    """A CSS @font-face the templates use, backed by an installed font."""

    family: str
    """The family name the templates' CSS uses."""
    weight: int
    pattern: str
    """Fontconfig pattern of the installed source font."""


DOC_FACES = (
    Face("DocSerif", 400, "Noto Serif CJK SC:style=Regular"),
    Face("DocSerif", 700, "Noto Serif CJK SC:style=Bold"),
    Face("DocSans", 400, "Noto Sans CJK SC:style=Regular"),
    Face("DocSans", 700, "Noto Sans CJK SC:style=Bold"),
)
"""Real Bold faces only: WeasyPrint has no synthetic bold, so a missing face prints regular."""

FIELD_FACE = Face("FieldSans", 400, "Noto Sans CJK SC:style=Regular")
"""The face WeasyPrint gives form fields, cut to BASE_CHARS: formfields.finish_form then gives
the fields Adobe's STSong-Light (not embedded) and drops this one. Filled values are drawn
with formfill.FILL_FONT, embedded and cut to the values."""

BASE_CHARS = "".join(map(chr, range(0x20, 0x7F))) + "　、。，．：；？！“”‘’（）《》〔〕【】—…·－～×"
"""Printable ASCII and common full-width punctuation, in every subset."""


# --- Installed fonts (fontconfig) and subsets (hb-subset), both through ctypes ---------------

_P = ctypes.c_void_p


def _lib(name: str) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(ctypes.util.find_library(name) or f"lib{name}.so.0")
    except OSError:
        raise PdfError(f"找不到系统库 lib{name}。{INSTALL_HINT}") from None


def _declare(lib: ctypes.CDLL, name: str, restype: object, *argtypes: object) -> None:
    func = getattr(lib, name)
    func.restype, func.argtypes = restype, list(argtypes)


@cache
def _fontconfig() -> ctypes.CDLL:
    fc = _lib("fontconfig")
    _declare(fc, "FcNameParse", _P, ctypes.c_char_p)
    _declare(fc, "FcConfigSubstitute", ctypes.c_int, _P, _P, ctypes.c_int)
    _declare(fc, "FcDefaultSubstitute", None, _P)
    _declare(fc, "FcFontMatch", _P, _P, _P, ctypes.POINTER(ctypes.c_int))
    _declare(fc, "FcPatternGetString", ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_int, _P)
    _declare(fc, "FcPatternGetInteger", ctypes.c_int, _P, ctypes.c_char_p, ctypes.c_int, _P)
    _declare(fc, "FcPatternDestroy", None, _P)
    return fc


@cache
def find_font(pattern: str) -> tuple[Path, int]:
    """File and face index of the installed font matching `pattern`; its family must be the one
    asked for (fontconfig otherwise answers with whatever it has)."""
    fc = _fontconfig()
    query = fc.FcNameParse(pattern.encode())
    fc.FcConfigSubstitute(None, query, 0)
    fc.FcDefaultSubstitute(query)
    match = fc.FcFontMatch(None, query, ctypes.byref(ctypes.c_int()))
    fc.FcPatternDestroy(query)
    if not match:
        raise PdfError(f"找不到字体 {pattern}。{INSTALL_HINT}")
    value, index = ctypes.c_char_p(), ctypes.c_int()
    families: list[str] = []
    while fc.FcPatternGetString(match, b"family", len(families), ctypes.byref(value)) == 0:
        families.append((value.value or b"").decode())
    fc.FcPatternGetString(match, b"file", 0, ctypes.byref(value))
    path = Path((value.value or b"").decode())
    fc.FcPatternGetInteger(match, b"index", 0, ctypes.byref(index))
    fc.FcPatternDestroy(match)
    family = pattern.split(":")[0]
    if family not in families or not path.is_file():
        raise PdfError(f"找不到字体 {family}（系统给出 {'、'.join(families)}）。{INSTALL_HINT}")
    return path, index.value


@cache
def _harfbuzz() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    hb, hbs = _lib("harfbuzz"), _lib("harfbuzz-subset")
    _declare(hb, "hb_blob_create_from_file_or_fail", _P, ctypes.c_char_p)
    _declare(hb, "hb_face_create", _P, _P, ctypes.c_uint)
    _declare(hb, "hb_face_reference_blob", _P, _P)
    _declare(hb, "hb_blob_get_data", _P, _P, ctypes.POINTER(ctypes.c_uint))
    _declare(hb, "hb_blob_destroy", None, _P)
    _declare(hb, "hb_face_destroy", None, _P)
    _declare(hb, "hb_set_add", None, _P, ctypes.c_uint32)
    _declare(hb, "hb_set_clear", None, _P)
    _declare(hbs, "hb_subset_input_create_or_fail", _P)
    _declare(hbs, "hb_subset_input_destroy", None, _P)
    _declare(hbs, "hb_subset_input_unicode_set", _P, _P)
    _declare(hbs, "hb_subset_input_set", _P, _P, ctypes.c_int)
    _declare(hbs, "hb_subset_input_set_flags", None, _P, ctypes.c_uint)
    _declare(hbs, "hb_subset_or_fail", _P, _P, _P)
    return hb, hbs


@cache
def _source_face(path: Path, index: int) -> int:
    """A HarfBuzz face kept for the process's life (the file is memory-mapped, not read)."""
    hb, _ = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
    if not blob:
        raise PdfError(f"无法读取字体文件 {path}。{INSTALL_HINT}")
    face = hb.hb_face_create(blob, index)
    hb.hb_blob_destroy(blob)
    return int(face)


_NO_HINTING, _DESUBROUTINIZE, _NOTDEF_OUTLINE, _SETS_LAYOUT_FEATURES = 0x1, 0x4, 0x40, 6


def subset_font(pattern: str, chars: Iterable[str]) -> bytes:
    """The installed font cut down to `chars`: new glyph ids, no hinting, no layout features,
    and a cmap of exactly these code points (no Kangxi-radical twin of 工 or 长 survives)."""
    hb, hbs = _harfbuzz()
    face = _source_face(*find_font(pattern))
    request = hbs.hb_subset_input_create_or_fail()
    if not request:
        raise PdfError("HarfBuzz 无法创建字体子集请求")
    try:
        unicodes = hbs.hb_subset_input_unicode_set(request)
        for code in sorted({ord(c) for c in chars}):
            hb.hb_set_add(unicodes, code)
        # Chinese needs no shaping features; dropping them keeps their closure glyphs out.
        hb.hb_set_clear(hbs.hb_subset_input_set(request, _SETS_LAYOUT_FEATURES))
        hbs.hb_subset_input_set_flags(request, _NO_HINTING | _DESUBROUTINIZE | _NOTDEF_OUTLINE)
        result = hbs.hb_subset_or_fail(face, request)
    finally:
        hbs.hb_subset_input_destroy(request)
    if not result:
        raise PdfError(f"HarfBuzz 无法为 {pattern} 生成子集")
    blob = hb.hb_face_reference_blob(result)
    size = ctypes.c_uint()
    data = ctypes.string_at(hb.hb_blob_get_data(blob, ctypes.byref(size)), size.value)
    hb.hb_blob_destroy(blob)
    hb.hb_face_destroy(result)
    return cids_as_glyph_ids(data)


def cids_as_glyph_ids(font: bytes) -> bytes:
    """A CID-keyed CFF font whose CIDs are its glyph ids. hb-subset renumbers the glyphs but
    keeps each one's CID (cid21309 becomes glyph 3); WeasyPrint writes glyph ids as the PDF's
    character codes, and a viewer that follows the PDF standard (pdf.js: Firefox's viewer) looks
    codes up as CIDs and drew no Chinese at all. The charset is rewritten in place as one range
    (format 2: CIDs 1..n-1), which is never longer than the one it replaces."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    sfnt = TTFont(io.BytesIO(font), lazy=True)
    entry = sfnt.reader.tables.get("CFF ")
    if entry is None:
        return font
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(sfnt.reader["CFF "]), None)
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return font
    glyphs = len(top.charset)
    start = entry.offset + top.rawDict["charset"]
    if glyphs < 3:
        return font
    charset = bytes([2]) + (1).to_bytes(2, "big") + (glyphs - 2).to_bytes(2, "big")
    return font[:start] + charset + font[start + len(charset) :]


def font_fingerprint(pattern: str) -> str:
    """What a subset depends on besides its characters: the file, its size and its time."""
    path, index = find_font(pattern)
    stat = path.stat()
    return f"{path}:{index}:{stat.st_size}:{stat.st_mtime_ns}"
