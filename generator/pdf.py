"""HTML → PDF bytes (the only WeasyPrint user): pre-subset CJK fonts, local-only fetching, a cache.

WeasyPrint subsets the fonts it embeds but keeps the source font's glyph ids: a 65,535-glyph
Noto CJK face leaves ~200 KB of empty glyph slots in every PDF, and a form field embeds its
font whole (15–21 MB, with Kangxi-radical look-alikes in the extracted text). So each build
first cuts the Noto CJK faces down to the characters its documents use, with HarfBuzz's
subsetter through ctypes (milliseconds; fontTools takes seconds), and hands WeasyPrint those.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
from base64 import b64encode
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .worker import Background

if TYPE_CHECKING:
    import weasyprint

ENGINE_VERSION = "1"
"""Bump when a change here alters the PDF bytes, so that cached PDFs are not reused."""

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
"""The font of fillable fields, embedded whole by WeasyPrint: what the form prints plus what
people are likely to type (`typing_charset`), and nothing else."""

BASE_CHARS = "".join(map(chr, range(0x20, 0x7F))) + "　、。，．：；？！“”‘’（）《》〔〕【】—…·－～×"
"""Printable ASCII and common full-width punctuation, in every subset."""


def gb2312_hanzi(level: int) -> str:
    """GB 2312-80 hanzi of level 1 (3,755 common ones, rows 16–55) or level 2 (rows 56–87)."""
    rows = range(0xB0, 0xD8) if level == 1 else range(0xD8, 0xF8)
    out = []
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(out)


@cache
def typing_charset() -> str:
    """ASCII, full-width forms and GB 2312 level 1 (≈99.7 % of running Chinese text). Level 2
    would push the font past the 1 MB budget; a rarer character still types, in the viewer's
    fallback font."""
    return BASE_CHARS + "".join(map(chr, range(0xFF01, 0xFF5F))) + gb2312_hanzi(1)


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
    return data


def _font_identity(pattern: str) -> str:
    """What a subset depends on besides its characters: the file, its size and its time."""
    path, index = find_font(pattern)
    stat = path.stat()
    return f"{path}:{index}:{stat.st_size}:{stat.st_mtime_ns}"


# --- Rendering ---------------------------------------------------------------------------

Job = tuple[str, bool]
"""The HTML of a document and whether its inputs become form fields."""


def url_fetcher() -> weasyprint.URLFetcher:
    """Fetches `file:` and `data:` URLs only: a PDF never reaches the network."""
    import weasyprint  # imported on first render: a build served from the cache never loads it

    return weasyprint.URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


def _font_face_css(faces: Iterable[Face], chars: str) -> str:
    rules = []
    for face in faces:
        data = b64encode(subset_font(face.pattern, chars)).decode()
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
            f"src: url(data:font/otf;base64,{data}); }}"
        )
    return "\n".join(rules)


class PdfRenderer:
    """Renders the documents of one build. The fonts are subset once, to `charset` (every
    character of every document of the build), and registered in one FontConfiguration.
    A PDF whose inputs are unchanged comes from `cache_dir` without rendering."""

    def __init__(self, charset: Iterable[str], cache_dir: Path | None = None) -> None:
        self.charset = "".join(sorted(set(BASE_CHARS).union(charset)))
        self.cache_dir = cache_dir
        self.rendered = 0
        """How many documents were rendered (the others came from the cache)."""
        self._fetcher: Any = None
        self._font_config: Any = None
        self._stylesheets: dict[bool, Any] = {}
        self._fonts_key = "\n".join(
            [ENGINE_VERSION, version("weasyprint"), self.charset]
            + [
                f"{f.family}/{f.weight}={_font_identity(f.pattern)}"
                for f in (*DOC_FACES, FIELD_FACE)
            ]
        )

    def key(self, html: str, forms: bool = False) -> str:
        """The content hash naming a document's PDF in the cache."""
        digest = hashlib.sha256(self._fonts_key.encode())
        digest.update(f"\nforms={forms}\n".encode())
        digest.update(html.encode())
        return digest.hexdigest()

    def cached(self, html: str, forms: bool = False) -> bytes | None:
        if self.cache_dir is None:
            return None
        file = self.cache_dir / f"{self.key(html, forms)}.pdf"
        return file.read_bytes() if file.is_file() else None

    def render(self, html: str, *, forms: bool = False) -> bytes:
        """The PDF of `html`. With `forms`, inputs and textareas become AcroForm fields."""
        pdf = self.cached(html, forms)
        if pdf is None:
            pdf = self._render(html, forms)
            self.rendered += 1
            if self.cache_dir is not None:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                file = self.cache_dir / f"{self.key(html, forms)}.pdf"
                tmp = file.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(pdf)
                tmp.replace(file)
        return pdf

    def render_all(self, jobs: Mapping[str, Job], workers: int | None = None) -> dict[str, bytes]:
        """Every job's PDF, by name. When many need rendering, a second process takes part of
        them (WeasyPrint is single-threaded; the budget is for two cores)."""
        out = {name: self.cached(*job) for name, job in jobs.items()}
        todo = [name for name, pdf in out.items() if pdf is None]
        workers = workers if workers is not None else min(2, _cores())
        cost = {name: len(jobs[name][0]) + JOB_COST for name in todo}
        remote: dict[str, Job] = {}
        if workers > 1 and sum(cost.values()) > PARALLEL_ABOVE:
            # The helper process starts by importing WeasyPrint (~0.7 s): give it less.
            share = sum(cost.values()) * 0.42
            for name in sorted(todo, key=lambda n: -cost[n]):
                if sum(cost[n] for n in remote) + cost[name] <= share:
                    remote[name] = jobs[name]
        helper = Background(_render_jobs, self.charset, self.cache_dir, remote) if remote else None
        for name in todo:
            if name not in remote:
                out[name] = self.render(jobs[name][0], forms=jobs[name][1])
        if helper is not None:
            done, count = helper.result()
            out.update(done)
            self.rendered += count
        self._prune({self.key(*job) for job in jobs.values()})
        return {name: pdf for name, pdf in out.items() if pdf is not None}

    def _prune(self, keep: set[str]) -> None:
        """Drops cached PDFs this build no longer produces, so the cache does not grow forever."""
        if self.cache_dir is None or not self.cache_dir.is_dir():
            return
        for file in self.cache_dir.glob("*.pdf"):
            if len(file.stem) == 64 and file.stem not in keep:
                file.unlink(missing_ok=True)

    def _render(self, html: str, forms: bool) -> bytes:
        import weasyprint

        if self._fetcher is None:
            self._fetcher = url_fetcher()
        document = weasyprint.HTML(string=html, url_fetcher=self._fetcher)
        pdf = document.write_pdf(
            stylesheets=self._fonts(forms),
            font_config=self._font_config,
            pdf_forms=forms,
            pdf_identifier=True,  # derived from the content: same input, same bytes
        )
        assert isinstance(pdf, bytes)
        return pdf

    def _fonts(self, forms: bool) -> list[Any]:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        if self._font_config is None:
            self._font_config = FontConfiguration()
        wanted: list[tuple[bool, tuple[Face, ...], str]] = [(False, DOC_FACES, self.charset)]
        if forms:
            wanted.append((True, (FIELD_FACE,), self.charset + typing_charset()))
        for field, faces, chars in wanted:
            if field not in self._stylesheets:
                self._stylesheets[field] = weasyprint.CSS(
                    string=_font_face_css(faces, chars),
                    font_config=self._font_config,
                    url_fetcher=self._fetcher,
                )
        return [self._stylesheets[field] for field, _, _ in wanted]


JOB_COST = 15_000
PARALLEL_ABOVE = 150_000
"""Estimated cost of rendering, in characters of HTML plus JOB_COST per document (about
60 per millisecond here), above which a second process pays for its start-up."""


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _render_jobs(
    charset: str, cache_dir: Path | None, jobs: Mapping[str, Job]
) -> tuple[dict[str, bytes], int]:
    """What the second process does: render its share of the jobs."""
    renderer = PdfRenderer(charset, cache_dir)
    done = {name: renderer.render(html, forms=forms) for name, (html, forms) in jobs.items()}
    return done, renderer.rendered
