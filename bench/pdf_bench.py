"""Benchmark of the downloads: cold and cached build time, size of every file, budgets checked.

Usage: .venv/bin/python bench/pdf_bench.py [--root .] [--runs 3] [--serial]
Cold means a new Python process (WeasyPrint not yet imported) and an empty cache directory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUDGETS = {
    "downloads/registration-form.pdf": 60 * 1024,
    "downloads/notice.pdf": 200 * 1024,
    "downloads/registration-form-fillable.pdf": 1024 * 1024,
}
ROSTER_BUDGET = 150 * 1024
TIME_BUDGET = 8.0

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from generator.core.validate import load_site
from generator.paperwork.downloads import build_downloads
site = load_site(Path(sys.argv[1]))
if sys.argv[3] == "serial":
    import generator.paperwork.pdf as pdf
    pdf.PARALLEL_ABOVE = float("inf")
files = build_downloads(site, Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - t0, "sizes": {k: len(v) for k, v in files.items()}}))
"""


def run(root: Path, cache: Path, serial: bool) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root), str(cache), "serial" if serial else "auto"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serial", action="store_true", help="no helper process")
    args = parser.parse_args()
    cold, cached = [], []
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            first = run(args.root, Path(tmp), args.serial)
            second = run(args.root, Path(tmp), args.serial)
        cold.append(float(first["seconds"]))  # type: ignore[arg-type]
        cached.append(float(second["seconds"]))  # type: ignore[arg-type]
        sizes = first["sizes"]  # type: ignore[assignment]
    pdfs = {k: v for k, v in sizes.items() if k.endswith(".pdf")}
    print(f"{len(pdfs)} PDFs + {len(sizes) - len(pdfs)} other files")
    print(f"cold build:   best {min(cold):.2f} s, worst {max(cold):.2f} s (budget {TIME_BUDGET} s)")
    print(f"cached build: best {min(cached):.2f} s, worst {max(cached):.2f} s")
    failures = []
    for path, size in sizes.items():
        budget = BUDGETS.get(
            path, ROSTER_BUDGET if "/roster-" in path and path.endswith(".pdf") else None
        )
        mark = "" if budget is None or size <= budget else "  OVER BUDGET"
        if mark:
            failures.append(path)
        limit = f" / {budget / 1024:.0f} KB" if budget else ""
        print(f"  {path:52} {size / 1024:8.1f} KB{limit}{mark}")
    if min(cold) > TIME_BUDGET:
        failures.append("time")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
