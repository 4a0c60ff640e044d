"""The review sheet at the notice's scale: the whole city's 5,800 registrations waiting at one level,
exported, filled (all 同意), checked with --dry-run and applied, each step the real `volunteers`
command in its own process (its own time and peak memory), against the issue's budgets.

Usage: .venv/bin/python bench/review_bench.py   (or through `make bench`, which calls `rows`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import Pairs, Run, reference, reference_figures  # noqa: E402
from bench.synthetic import Scale, generate  # noqa: E402

REGISTRATIONS = 5_800
BUDGETS = {"export": 5.0, "dry-run import": 10.0, "apply": 15.0}
"""Seconds for each step as the issue states them (a quiet machine): each step is measured as a
ratio of its CPU seconds to the reference workload's, run just before it (bench/measure.py)."""
MEMORY_MB = 300
SIGNED_ON = "2013-01-10"
"""After every synthetic submission (July–August 2012), before today."""

Row = tuple[str, str, str, bool | None]


@dataclass
class Step:
    seconds: float
    cpu: float
    peak_mb: float
    output: str
    reference: Run


def volunteers(root: Path, *args: str) -> Step:
    """One real `volunteers` command, measured alone: os.wait4 gives the child's own usage (CPU
    includes the second process it waits for; peak memory is the larger process's)."""
    cmd = [str(Path(sys.executable).with_name("volunteers")), *args, "--root", str(root)]
    yardstick = reference()  # the pair's first run: the reference workload, then the command
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        env = {**os.environ, "REVIEW_SHEET_KEY": "bench-review-sheet-key-0123456789"}
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"volunteers {' '.join(args)} failed:\n{text[-3000:]}")
    return Step(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text, yardstick)


def _all_waiting_at_unit(root: Path) -> None:
    """The synthetic records with their opinions taken away: all 5,800 wait for the unit."""
    for file in (root / "data" / "registrations").glob("*/*.yml"):
        text = file.read_text(encoding="utf-8").split("\nopinions:", 1)[0]
        lines = [
            'status: "pending"' if line.startswith("status:") else line for line in text.split("\n")
        ]
        file.write_text("\n".join(lines) + "\nopinions: []\n", encoding="utf-8")


def _fill(sheet: Path) -> None:
    """Every row agreed, as a clerk fills a sheet (not measured: it is the clerk's part)."""
    from openpyxl import load_workbook

    from generator.staff.reviewsheet import FIRST_ROW, HEADER_ROW, SHEET

    wb = load_workbook(sheet)
    ws = wb[SHEET]
    heads = {c.value: c.column for c in ws[HEADER_ROW]}
    for row in range(FIRST_ROW, ws.max_row + 1):
        ws.cell(row, heads["意见"], "同意")
        ws.cell(row, heads["签署单位"], "单位工会")
        ws.cell(row, heads["签署日期"], SIGNED_ON)
    wb.save(sheet)


def rows(work: Path) -> list[Row]:
    """The measured rows, in bench/run.py's (measure, value, budget, ok) shape."""
    root = generate(work / "review", Scale(unions=20, projects=1, recognitions=1,
                                           registrations=REGISTRATIONS))  # fmt: skip
    _all_waiting_at_unit(root)
    sheet = work / "city-unit.xlsx"
    steps = {"export": volunteers(root, "review-sheet", "export", "--level", "unit",
                                  "--out", str(sheet))}  # fmt: skip
    assert f"{REGISTRATIONS} 份登记" in steps["export"].output, steps["export"].output
    _fill(sheet)
    steps["dry-run import"] = volunteers(root, "review-sheet", "import", str(sheet), "--dry-run")
    steps["apply"] = volunteers(root, "review-sheet", "import", str(sheet))
    assert f"已写入 {REGISTRATIONS} 份" in steps["apply"].output, steps["apply"].output
    out: list[Row] = []
    for name, step in steps.items():
        pair = Pairs([step.reference], [Run(step.cpu, step.seconds)])
        out.append(reference_figures(f"review sheet, {REGISTRATIONS:,} rows: {name}", pair,
                                     BUDGETS[name]))  # fmt: skip
    peak = max(step.peak_mb for step in steps.values())
    out.append(("review sheet: peak memory of a step", f"{peak:.0f} MB", f"≤ {MEMORY_MB} MB",
                peak <= MEMORY_MB))  # fmt: skip
    return out


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="volunteers-review-bench-"))
    try:
        measured = rows(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| measure | value | budget | |\n| --- | --: | --: | --- |")
    for name, value, budget, ok in measured:
        print(
            f"| {name} | {value} | {budget} | {'' if ok is None else 'ok' if ok else '**over**'} |"
        )
    return 0 if all(ok is not False for *_, ok in measured) else 1


if __name__ == "__main__":
    sys.exit(main())
