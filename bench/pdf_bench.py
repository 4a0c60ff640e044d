"""Benchmark of the downloads: cold and cached build in CPU seconds (the process tree: the
helper process included), size of every file, budgets checked; `make bench`'s entry "pdfs".

Usage: .venv/bin/python bench/pdf_bench.py [--root .] [--runs 3] [--serial]
Cold means a new Python process (WeasyPrint not yet imported) and an empty cache directory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import Row, Run, against_reference, bench_env, cpu_row, reference_row, run  # noqa: E402
from bench.registry import Context, entry  # noqa: E402

BUDGETS = {
    "downloads/registration-form.pdf": 60 * 1024,
    "downloads/notice.pdf": 200 * 1024,
    "downloads/registration-form-fillable.pdf": 1024 * 1024,
}
ROSTER_BUDGET = 150 * 1024
CPU_BUDGET = 16.0
"""CPU seconds of a cold build of all downloads (both processes; a new Python, empty cache): the
former "8 s on two cores" as processor time."""

_CHILD = """
import json, sys
from pathlib import Path
from generator.core.validate import load_site
from generator.paperwork.downloads import build_downloads
site = load_site(Path(sys.argv[1]))
if sys.argv[3] == "serial":
    import generator.paperwork.pdf as pdf
    pdf.PARALLEL_ABOVE = float("inf")
files = build_downloads(site, Path(sys.argv[2]))
print(json.dumps({k: len(v) for k, v in files.items()}))
"""


def measure(root: Path, cache: Path, serial: bool) -> tuple[Run, dict[str, int]]:
    result = run(
        [sys.executable, "-c", _CHILD, str(root), str(cache), "serial" if serial else "auto"],
        bench_env(),
        cwd=ROOT,
    )
    sizes: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return result, sizes


def cold_and_cached(
    root: Path, runs: int, serial: bool
) -> tuple[list[Run], list[Run], dict[str, int]]:
    cold, cached = [], []
    sizes: dict[str, int] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            first, sizes = measure(root, Path(tmp), serial)
            second, _ = measure(root, Path(tmp), serial)
        cold.append(first)
        cached.append(second)
    return cold, cached, sizes


def _budget(path: str) -> int | None:
    return BUDGETS.get(
        path, ROSTER_BUDGET if "/roster-" in path and path.endswith(".pdf") else None
    )


def over_budget(sizes: dict[str, int]) -> list[str]:
    return [p for p, size in sizes.items() if (b := _budget(p)) is not None and size > b]


@entry("pdfs")
def pdfs(ctx: Context) -> list[Row]:
    print("downloads, cold and cached …", flush=True)
    cached: list[Run] = []
    sizes: dict[str, int] = {}

    def cold() -> Run:
        (first,), (second,), found = cold_and_cached(ctx.project("real"), 1, serial=False)
        cached.append(second)
        sizes.update(found)
        return first

    pairs = against_reference(cold, ctx.rounds, "downloads, cold (then cached)")
    pdf_count = sum(1 for k in sizes if k.endswith(".pdf"))
    over = over_budget(sizes)
    median = statistics.median
    return [
        reference_row(
            f"real scale: {pdf_count} PDFs + {len(sizes) - pdf_count} other downloads, cold",
            pairs,
            CPU_BUDGET,
        ),
        cpu_row(
            "… the same, cache kept (nothing rendered)",
            median(r.cpu_s for r in cached),
            median(r.wall_s for r in cached),
        ),
        Row("downloads over their size budget", ", ".join(over) or "none", "none", not over),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serial", action="store_true", help="no helper process")
    args = parser.parse_args()
    cold, cached, sizes = cold_and_cached(args.root, args.runs, args.serial)
    pdfs = {k: v for k, v in sizes.items() if k.endswith(".pdf")}
    print(f"{len(pdfs)} PDFs + {len(sizes) - len(pdfs)} other files")
    for name, runs in (("cold build:  ", cold), ("cached build:", cached)):
        cpu = sorted(r.cpu_s for r in runs)
        wall = statistics.median(r.wall_s for r in runs)
        print(f"{name} CPU {cpu[0]:.2f}–{cpu[-1]:.2f} s (wall, median {wall:.2f} s)")
    print(f"budget: cold ≤ {CPU_BUDGET} CPU s (median)")
    failures = over_budget(sizes)
    for path, size in sizes.items():
        budget = _budget(path)
        mark = "  OVER BUDGET" if path in failures else ""
        limit = f" / {budget / 1024:.0f} KB" if budget else ""
        print(f"  {path:52} {size / 1024:8.1f} KB{limit}{mark}")
    if statistics.median(r.cpu_s for r in cold) > CPU_BUDGET:
        failures.append("time")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
