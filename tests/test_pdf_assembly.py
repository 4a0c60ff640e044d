"""Rosters assembled from shared pages (generator/paperwork/assembly.py) read back: the same bytes
as the whole HTML's PDF, the fallback, which rosters share, the second process's share."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.validate import SiteData, load_site
from generator.paperwork import downloads, pdf
from generator.paperwork.assembly import Assembly
from generator.paperwork.roster_parts import roster_assemblies

from .conftest import ROOT, copy_project

pytestmark = pytest.mark.slow  # a few real renders, shared by the module

NAMES = (
    "downloads/roster-zhongshan.pdf", "downloads/roster-xigang.pdf",  # 300 rows
    "downloads/roster-changhai.pdf", "downloads/roster-changxingdao.pdf",  # 200 rows
    "downloads/quota-table.pdf", "downloads/registration-form.pdf",
)  # fmt: skip


@pytest.fixture(scope="module")
def site() -> SiteData:
    return load_site(ROOT)


Docs = dict[str, tuple[str, bool]]


@pytest.fixture(scope="module")
def docs(site: SiteData) -> Docs:
    return downloads.pdf_documents(site)


@pytest.fixture(scope="module")
def files(docs: Docs) -> dict[str, bytes]:
    """Each PDF of NAMES rendered from its whole HTML, as before rosters were assembled."""
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()))
    return {name: renderer.render(docs[name][0], forms=docs[name][1]) for name in NAMES}


def test_union_rosters_are_assembled_from_shared_pages_byte_for_byte(
    site: SiteData, docs: Docs, files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rosters of one length share their pages after the first (laid out once): the result is
    the PDF of the whole HTML, byte for byte."""
    names = ["downloads/roster-zhongshan.pdf", "downloads/roster-xigang.pdf",
             "downloads/roster-changhai.pdf", "downloads/quota-table.pdf"]  # fmt: skip
    whole: list[str] = []
    render = pdf.PdfRenderer._render

    def spy(self: pdf.PdfRenderer, html: str, forms: bool) -> bytes:
        whole.append(html)
        return render(self, html, forms)

    monkeypatch.setattr(pdf.PdfRenderer, "_render", spy)
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()))
    shared = renderer._layout
    laid_out: list[str] = []
    monkeypatch.setattr(
        renderer, "_layout", lambda html, forms=False: laid_out.append(html) or shared(html, forms)
    )
    out = renderer.render_all({n: docs[n] for n in names}, 1, roster_assemblies(site))
    assert out == {n: files[n] for n in names}
    assert whole == [docs["downloads/quota-table.pdf"][0]]  # no roster rendered whole
    # the quota table; the 300- and 200-row blank rosters, once each; three first pages
    assert len(laid_out) == 1 + 2 + 3
    assert renderer.rendered == 4 and not renderer._shared  # shared pages freed after the build


def test_assembly_that_does_not_fit_falls_back_to_the_whole_html(
    site: SiteData, docs: Docs, files: dict[str, bytes]
) -> None:
    path = "downloads/roster-changhai.pdf"
    html = docs[path][0]
    right = roster_assemblies(site)[path]
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()))
    for wrong in (
        Assembly(html, right.shared),
        Assembly(right.first, right.shared, ("@top-left",)),
    ):
        # a "first page" of 10 pages; a margin box the roster does not have
        assert renderer.render(html, assembly=wrong) == files[path]
    assert renderer.rendered == 2


def test_a_roster_of_a_length_no_other_has_is_rendered_whole(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    quotas = root / "data" / "quotas.yml"
    text = quotas.read_text(encoding="utf-8")
    for union, count in (("zhongshan", 301), ("xigang", 299)):  # the total stays 5800
        text = text.replace(
            f"union: {union}\n    count: 300", f"union: {union}\n    count: {count}"
        )
    quotas.write_text(text, encoding="utf-8")
    site = load_site(root)
    parts = roster_assemblies(site)
    assert set(parts) == {
        f"downloads/roster-{q.union}.pdf"
        for q in site.quotas.quotas
        if q.union not in ("zhongshan", "xigang")
    }
    assert len({p.shared for p in parts.values()}) == 3  # 300, 400 and 200 rows
    docs = downloads.pdf_documents(site)
    for path, part in parts.items():  # the first page is the whole roster's, cut
        assert docs[path][0].startswith(part.first.split('<div class="sheet"', 1)[0])


def test_helper_process_takes_whole_groups_and_gives_the_same_bytes(
    site: SiteData, docs: Docs, files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    group = {"downloads/roster-changhai.pdf", "downloads/roster-changxingdao.pdf"}
    names = [*sorted(group), "downloads/quota-table.pdf", "downloads/registration-form.pdf"]
    given: list[set[str]] = []
    background = pdf.Background

    def spy(func: object, charset: str, cache: object, jobs: dict[str, object], *rest: object):
        given.append(set(jobs))
        return background(func, charset, cache, jobs, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "Background", spy)
    monkeypatch.setattr(pdf, "PARALLEL_ABOVE", 0)
    renderer = pdf.PdfRenderer("".join(h for h, _ in docs.values()))
    out = renderer.render_all({n: docs[n] for n in names}, 2, roster_assemblies(site))
    assert out == {n: files[n] for n in names}
    assert renderer.rendered == 4
    assert len(given) == 1 and given[0] and set(names) - given[0]  # both processes had work
    assert group <= given[0] or not group & given[0]  # the shared pages laid out in one


@pytest.mark.parametrize(
    ("cores", "load", "workers"), [(2, 0.3, 2), (2, 1.2, 2), (2, 4.0, 1), (1, 0.0, 1)]
)
def test_second_process_only_when_a_core_is_free(
    monkeypatch: pytest.MonkeyPatch, cores: int, load: float, workers: int
) -> None:
    monkeypatch.setattr(pdf, "_cores", lambda: cores)
    monkeypatch.setattr(pdf.os, "getloadavg", lambda: (load, load, load))
    assert pdf._free_cores() == workers
