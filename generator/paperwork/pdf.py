"""HTML → PDF bytes (the only WeasyPrint user): pre-subset CJK fonts, local-only fetching, a cache.

WeasyPrint subsets the fonts it embeds but keeps the source font's glyph ids: a 65,535-glyph
Noto CJK face leaves ~200 KB of empty glyph slots in every PDF, and a form field embeds its
font whole (15–21 MB, with Kangxi-radical look-alikes in the extracted text; formfields.py
replaces the fields' font afterwards). So each build
first cuts the Noto CJK faces down to the characters its documents use, with HarfBuzz's
subsetter through ctypes (milliseconds; fontTools takes seconds), and hands WeasyPrint those.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.core import safefile
from generator.core.worker import Background
from generator.core.writer import write_atomic

from .assembly import Assembly, assemble
from .fonts import (
    BASE_CHARS,
    DOC_FACES,
    FIELD_FACE,
    Face,
    PdfError,
    find_font,
    font_fingerprint,
    subset_font,
)

__all__ = ["PdfError", "PdfRenderer", "find_font", "subset_font", "url_fetcher"]

if TYPE_CHECKING:
    import weasyprint

ENGINE_VERSION = "2"
"""Bump when a change here alters the PDF bytes, so that cached PDFs are not reused."""
CACHED_PDF_MAX_BYTES = 64 * 1024 * 1024
"""A cached PDF larger than this is not read (the largest, the fillable form, is under 1 MB)."""

# --- Rendering ---------------------------------------------------------------------------

Job = tuple[str, bool]
"""The HTML of a document and whether its inputs become form fields."""


def url_fetcher() -> weasyprint.URLFetcher:
    """Fetches `file:` and `data:` URLs only: a PDF never reaches the network."""
    import weasyprint  # imported on first render: a build served from the cache never loads it

    return weasyprint.URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


def _font_face_css(faces: Iterable[Face], chars: str, folder: Path) -> str:
    """@font-face rules for `faces` cut to `chars`, each subset written into `folder` and named
    by its file URL. WeasyPrint reads each file once, as the stylesheet is made (it keeps its
    own copy for fontconfig), so `folder` may go right after. A file rather than a data: URL
    spares the CSS tokenizer half a megabyte of base64 (0.4 s per process)."""
    rules = []
    for n, face in enumerate(faces):
        file = folder / f"{n}-{face.family}-{face.weight}.otf"
        file.write_bytes(subset_font(face.pattern, chars))
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
            f'src: url("{file.as_uri()}"); }}'
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
        self._shared: dict[str, Any] = {}
        """Laid-out documents whose pages other documents share (Assembly.shared), by HTML."""
        self._fonts_key = "\n".join(
            [ENGINE_VERSION, version("weasyprint"), self.charset]
            + [
                f"{f.family}/{f.weight}={font_fingerprint(f.pattern)}"
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
        try:  # .cache/ may be restored from a shared cache: no FIFO, device or giant file
            return safefile.read_bytes(file, CACHED_PDF_MAX_BYTES)
        except safefile.Refused:
            return None

    def render(self, html: str, *, forms: bool = False, assembly: Assembly | None = None) -> bytes:
        """The PDF of `html`. With `forms`, inputs and textareas become AcroForm fields. With an
        `assembly` (the same document in parts, see assembly.py), pages shared with other
        documents are laid out once."""
        pdf = self.cached(html, forms)
        if pdf is None:
            pdf = self._assembled(assembly) if assembly is not None and not forms else None
            if pdf is None:
                pdf = self._render(html, forms)
            self.rendered += 1
            if self.cache_dir is not None:
                write_atomic(self.cache_dir / f"{self.key(html, forms)}.pdf", pdf)
        return pdf

    def render_all(
        self,
        jobs: Mapping[str, Job],
        workers: int | None = None,
        assemblies: Mapping[str, Assembly] | None = None,
    ) -> dict[str, bytes]:
        """Every job's PDF, by name (`assemblies`: how some are put together from shared pages).
        When many need rendering and a core is free, a second process takes part of them, whole
        groups that share pages (WeasyPrint is single-threaded)."""
        assemblies = assemblies or {}
        out = {name: self.cached(*job) for name, job in jobs.items()}
        todo = [name for name, pdf in out.items() if pdf is None]
        workers = workers if workers is not None else _free_cores()
        groups: dict[str, list[str]] = {}
        for name in todo:
            shared = assemblies[name].shared if name in assemblies else name
            groups.setdefault(shared, []).append(name)
        cost = {
            key: sum(_cost(jobs[n][0], assemblies.get(n)) for n in names)
            + (len(key) if names[0] in assemblies else 0)  # laying the shared pages out
            for key, names in groups.items()
        }
        remote: list[str] = []
        if workers > 1 and sum(cost.values()) > PARALLEL_ABOVE:
            # The helper process starts by importing WeasyPrint (~0.7 s): give it less.
            share, given = sum(cost.values()) * 0.42, 0.0
            for key in sorted(groups, key=lambda k: -cost[k]):
                if given + cost[key] <= share:
                    remote += groups[key]
                    given += cost[key]
        helper = None
        if remote:
            mine = {n: jobs[n] for n in remote}
            parts = {n: assemblies[n] for n in remote if n in assemblies}
            helper = Background(_render_jobs, self.charset, self.cache_dir, mine, parts)
        for name in todo:
            if name not in remote:
                html, forms = jobs[name]
                out[name] = self.render(html, forms=forms, assembly=assemblies.get(name))
        self._shared.clear()
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
        return self._write(self._layout(html, forms), forms)

    def _layout(self, html: str, forms: bool = False) -> weasyprint.Document:
        import weasyprint

        if self._fetcher is None:
            self._fetcher = url_fetcher()
        return weasyprint.HTML(string=html, url_fetcher=self._fetcher).render(
            stylesheets=self._fonts(forms), font_config=self._font_config, pdf_forms=forms
        )

    def _write(self, document: weasyprint.Document, forms: bool) -> bytes:
        pdf = document.write_pdf(
            pdf_forms=forms,
            pdf_identifier=True,  # derived from the content: same input, same bytes
        )
        assert isinstance(pdf, bytes)
        if forms:
            from .formfields import finish_form  # pypdf loads only for a fillable form

            pdf = finish_form(pdf)
        return pdf

    def _assembled(self, assembly: Assembly) -> bytes | None:
        """The PDF put together from shared pages, or None when the parts do not fit."""
        if assembly.shared not in self._shared:
            self._shared[assembly.shared] = self._layout(assembly.shared)
        first = self._layout(assembly.first)
        document = assemble(first, self._shared[assembly.shared], assembly.own_margins)
        return None if document is None else self._write(document, False)

    def _fonts(self, forms: bool) -> list[Any]:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        if self._font_config is None:
            self._font_config = FontConfiguration()
        wanted: list[tuple[bool, tuple[Face, ...], str]] = [(False, DOC_FACES, self.charset)]
        if forms:
            # A placeholder: finish_form gives the fields Adobe's STSong-Light and drops this.
            wanted.append((True, (FIELD_FACE,), BASE_CHARS))
        for field, faces, chars in wanted:
            if field not in self._stylesheets:
                with tempfile.TemporaryDirectory(prefix="volunteers-fonts-") as folder:
                    self._stylesheets[field] = weasyprint.CSS(
                        string=_font_face_css(faces, chars, Path(folder)),
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


def _free_cores() -> int:
    """2 when a core is idle (the last minute's load average half a core below the cores), else
    1. A second process costs its start-up (Python, WeasyPrint's import, a first render: about
    2 CPU s) and halves the wait only when it finds a free core: under load 5 on the two cores,
    two processes took 12.9-13.1 CPU s and 28.5 s, one took 10.9-11.2 CPU s and 21-25 s."""
    cores = _cores()
    try:
        load = os.getloadavg()[0]
    except OSError:  # not measurable here: assume a free core, as before
        load = 0.0
    return 2 if cores >= 2 and load < cores - 0.5 else 1


def _cost(html: str, assembly: Assembly | None) -> float:
    """Estimated cost of a document (see PARALLEL_ABOVE): an assembled one lays out its first
    page and draws every page, drawing being about a quarter of the whole."""
    if assembly is None:
        return len(html) + JOB_COST
    return len(assembly.first) + 0.25 * len(html) + JOB_COST


def _render_jobs(
    charset: str,
    cache_dir: Path | None,
    jobs: Mapping[str, Job],
    assemblies: Mapping[str, Assembly] | None = None,
) -> tuple[dict[str, bytes], int]:
    """What the second process does: render its share of the jobs."""
    renderer = PdfRenderer(charset, cache_dir)
    parts = assemblies or {}
    done = {
        name: renderer.render(html, forms=forms, assembly=parts.get(name))
        for name, (html, forms) in jobs.items()
    }
    return done, renderer.rendered
