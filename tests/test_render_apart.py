"""A build that renders its pages in a second process renders its PDFs in one: a third process
on two cores pays its start-up and gives no time back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.core.validate import load_site
from generator.paperwork.pdf import PdfRenderer
from generator.site import pipeline

from .conftest import ROOT


@pytest.mark.parametrize(("apart", "workers"), [(True, 1), (False, None)])
def test_pdfs_take_no_second_process_while_the_pages_have_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apart: bool, workers: int | None
) -> None:
    asked: list[int | None] = []

    def render_all(self: PdfRenderer, jobs: Any, workers: int | None = None, *_: Any) -> Any:
        asked.append(workers)
        return {}

    monkeypatch.setattr(PdfRenderer, "render_all", render_all)
    monkeypatch.setattr(pipeline, "RENDER_APART_ABOVE", 0)
    site = load_site(ROOT)
    generated = pipeline.generate_site(site, tmp_path, apart=apart)
    bodies = generated.bodies()
    assert asked == [workers]
    assert set(bodies) == set(generated.html) and all(bodies.values())
