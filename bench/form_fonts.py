"""The fillable form's field-font options side by side: bytes, cold render time, and what
poppler, PDFium and pdf.js draw for values the viewer lays out itself (NeedAppearances), with
and without the system's CJK fonts. Numbers for the README's "The fillable form's field font".

Usage: .venv/bin/python bench/form_fonts.py [--out test-output/form-fonts]
Writes one PNG per option and viewer into --out (look at them) and prints a table.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, NameObject, TextStringObject

ROOT = Path(__file__).resolve().parent.parent
BUDGET_BYTES = 1024 * 1024
BUDGET_COLD_RENDER_S = 1.0
"""Issue 15's budgets: the form ≤ 1 MB; a cold render (poppler in a new process) ≤ 1 s, for the
blank form and for one filled by fill_form."""
sys.path.insert(0, str(ROOT))

from generator.core import urls  # noqa: E402
from generator.core.validate import load_site  # noqa: E402
from generator.paperwork import downloads  # noqa: E402
from generator.paperwork.fonts import BASE_CHARS, subset_font  # noqa: E402
from generator.paperwork.formfill import fill_form  # noqa: E402
from generator.paperwork.pdf import PdfRenderer  # noqa: E402

TGH = "".join((ROOT / "tests" / "data" / "tongyong-guifan-hanzi.txt").read_text("utf-8").split())
BASIC = "".join(map(chr, range(0x4E00, 0x9FA6)))
SAMPLE = {
    "name": "王梓昊𬌗鿍",
    "employer": "大连瑾瑜科技有限公司甘井子区分公司婧钰琦璐皓晟煜曦妍喆堃工会",
    "skills": "婧钰琦璐",
}
"""Typed values: a name beyond GB 2312 and beyond Adobe-GB1 (𬌗 U+2C317, 鿍 U+9FCD), and a
30-character employer."""


def blank_form() -> bytes:
    site = load_site(ROOT)
    docs = downloads.pdf_documents(site)
    html, _ = docs[urls.REGISTRATION_FORM_FILLABLE_PDF]
    return PdfRenderer("".join(h for h, _ in docs.values())).render(html, forms=True)


def typed(blank: bytes) -> bytes:
    """Values set as a viewer's user would leave them: /V only, the viewer draws them."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    annots: Any = writer.pages[0]["/Annots"]
    for annot in annots:
        field = annot.get_object()
        if field["/T"] in SAMPLE:
            field[NameObject("/V")] = TextStringObject(SAMPLE[field["/T"]])
    acroform: Any = writer._root_object["/AcroForm"]
    acroform[NameObject("/NeedAppearances")] = BooleanObject(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def font_bytes(pattern: str, chars: str) -> int:
    """An embedded field font's cost: the subset's program, Flate-compressed as in a PDF."""
    return len(zlib.compress(subset_font(pattern, BASE_CHARS + chars), 9))


def cold(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def no_cjk_fonts_env(tmp: Path) -> dict[str, str]:
    """A fontconfig that sees only DejaVu: a machine without any Chinese font."""
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp}/cache</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def pdfium_png(pdf: Path, png: Path) -> None:
    code = (
        "import sys, pypdfium2 as p; d = p.PdfDocument(sys.argv[1]); d.init_forms(); "
        "d[0].render(scale=100/72, may_draw_forms=True).to_pil().save(sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", code, str(pdf), str(png)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "form-fonts")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    blank = blank_form()
    rows = [
        ("A embedded Noto Sans CJK SC: 8,105", font_bytes("Noto Sans CJK SC:style=Regular", TGH)),
        (
            "A embedded Noto Sans CJK SC: 8,105 + GB 18030 basic",
            font_bytes("Noto Sans CJK SC:style=Regular", TGH + BASIC),
        ),
        (
            "C embedded Droid Sans Fallback: GB 18030 basic (7,906 of the 8,105)",
            font_bytes("Droid Sans Fallback", BASIC) if _has("Droid Sans Fallback") else -1,
        ),
        ("B STSong-Light, not embedded", 0),
    ]
    print(f"blank form as built (option B): {len(blank):,} bytes")
    for label, size in rows:
        total = "n/a (font not installed)" if size < 0 else f"{len(blank) + size:,} bytes"
        print(f"  {label}: field font {max(size, 0):,} bytes -> form about {total}")
    failures = [] if len(blank) <= BUDGET_BYTES else [f"form {len(blank):,} bytes > 1 MB"]
    filled = fill_form(blank, SAMPLE)
    files = {"blank": blank, "typed": typed(blank), "filled": filled}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bare = no_cjk_fonts_env(tmp)
        for name, data in files.items():
            pdf = tmp / f"{name}.pdf"
            pdf.write_bytes(data)
            seconds = cold(
                ["pdftoppm", "-r", "100", "-png", str(pdf), str(out / f"{name}-poppler")]
            )
            print(f"{name}: {len(data):,} bytes; poppler cold render {seconds:.2f} s")
            if name != "typed" and seconds > BUDGET_COLD_RENDER_S:
                failures.append(f"{name}: poppler cold render {seconds:.2f} s > 1 s")
            start = time.perf_counter()
            pdfium_png(pdf, out / f"{name}-pdfium.png")
            print(f"{name}: PDFium cold render {time.perf_counter() - start:.2f} s")
            cold(
                ["pdftoppm", "-r", "100", "-png", str(pdf), str(out / f"{name}-poppler-nofonts")],
                bare,
            )
    print(f"PNGs in {out}: look at the name, employer and skills cells")
    for failure in failures:
        print(f"OVER BUDGET: {failure}")
    return 1 if failures else 0


def _has(family: str) -> bool:
    from generator.paperwork.fonts import PdfError, find_font

    try:
        find_font(family)
    except PdfError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
