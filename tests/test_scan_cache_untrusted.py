"""The privacy-scan and PDF caches under .cache/ are restored from a shared CI cache: a forged or
broken one is not believed and cannot crash, hang or exhaust the build."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from generator.paperwork.pdf import PdfRenderer
from generator.site import privacy

MOBILE = "139" + " " + "1234" + " " + "5678"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<p>联系电话 {MOBILE}</p>", encoding="utf-8")
    return site


def _forged(files: object) -> str:
    return json.dumps({"scanner": privacy._SCANNER, "files": files})


@pytest.mark.parametrize(
    "text",
    [
        _forged([]),  # files as a list
        _forged({"x": "no list"}),
        _forged({"x": [["mobile", "139****5678"]]}),  # a finding of two parts
        _forged({"x": [["script", "139****5678", 1]]}),  # an unknown kind
        _forged({"x": [["mobile", "139****5678", "1"]]}),  # a line that is no number
        _forged({"x": [["mobile", "139****5678", True]]}),
        '{"scanner": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deeper than json can parse
        "not json at all",
        "",
    ],
)
def test_a_malformed_scan_cache_means_scanning_again(tmp_path: Path, text: str) -> None:
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "privacy-scan.json").write_text(text, encoding="utf-8")
    found = privacy.scan_site(site, cache)
    assert [(f.path, f.kind) for f in found] == [("site/index.html", "mobile")]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_scan_cache_that_is_no_regular_file_is_not_read(tmp_path: Path, kind: str) -> None:
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    target = cache / "privacy-scan.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    started = time.monotonic()
    found = privacy.scan_site(site, None)
    assert privacy._load_cache(cache) == {}
    assert time.monotonic() - started < 10
    assert len(found) == 1


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_cached_pdf_that_is_no_regular_file_is_rendered_anew(tmp_path: Path, kind: str) -> None:
    renderer = PdfRenderer("表格", cache_dir=tmp_path)
    html = "<html lang='zh-CN'><title>表格</title><p>表格</p></html>"
    target = tmp_path / f"{renderer.key(html)}.pdf"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    started = time.monotonic()
    assert renderer.cached(html) is None
    assert time.monotonic() - started < 10
