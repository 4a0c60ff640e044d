"""Helpers for the review-sheet tests: run the command, fill a sheet as a clerk would (openpyxl,
which is how Excel's cells look to a program), and save it again through LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli.main import main
from generator.staff.reviewsheet import HEADER_ROW, SHEET


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)])
    return result.exit_code, result.output


def export(root: Path, out: Path, level: str, *more: str) -> Path:
    code, text = run(root, "review-sheet", "export", "--level", level, "--out", str(out), *more)
    assert code == 0, text
    return out


def rows_of(sheet: Path) -> dict[str, dict[str, Any]]:
    """Record id → {column name: value, "row": sheet row number}, as openpyxl reads them."""
    ws = load_workbook(sheet)[SHEET]
    heads = [c.value for c in ws[HEADER_ROW]]
    out = {}
    for cells in ws.iter_rows(min_row=HEADER_ROW + 1):
        values = dict(zip(heads, (c.value for c in cells), strict=False))
        if values.get("登记编号"):
            out[str(values["登记编号"])] = {**values, "row": cells[0].row}
    return out


def fill(sheet: Path, entries: dict[str, dict[str, Any]], out: Path | None = None) -> Path:
    """Type values into the rows of the named records (column name → value) and save."""
    wb = load_workbook(sheet)
    ws = wb[SHEET]
    heads = {c.value: c.column for c in ws[HEADER_ROW]}
    rows: dict[str, int] = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        rows.setdefault(str(ws.cell(r, 1).value), r)  # the first row of a record
    for record_id, values in entries.items():
        for head, value in values.items():
            ws.cell(rows[record_id], heads[head], value)
    wb.save(out or sheet)
    return out or sheet


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice (soffice) is missing: run `make setup` (.ci/setup-system.sh)"
    return found


def libreoffice_round_trip(sheet: Path, work: Path) -> Path:
    """The sheet opened and saved again as .xlsx by LibreOffice headless, with a private user
    profile (parallel runs never share one); returns the saved copy."""
    out = work / "lo-out"
    out.mkdir(parents=True, exist_ok=True)
    profile = (work / "lo-profile").resolve().as_uri()
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(sheet)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    saved = out / sheet.name
    assert result.returncode == 0 and saved.is_file(), result.stdout + result.stderr
    final = sheet.with_name(f"lo-{sheet.name}")
    saved.replace(final)
    return final
