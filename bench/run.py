"""`make bench`: the site built at real and full scale against the floor plain MkDocs sets, the
downloads, intake and preview, each against its budget, in one table (test-output/bench.md).

Budgets hold on a busy machine. No budget is a time: each is a ratio to a yardstick timed in
the same run, the median of the per-pair ratios of interleaved runs, in CPU seconds of the whole
process tree (`measure.run` for a child: os.wait4 counts it and every descendant it reaped;
`measure.in_process` for a block of this process). The yardstick is either
- the floor: a plain mkdocs-material site with as many trivial pages (`Context.floor`,
  `measure.interleaved`, `ratio_row`), or
- the fixed reference workload (bench/reference.py: `measure.against_reference` runs it and ours
  in pairs, `reference_row` turns a budget of B seconds on a quiet machine into the ratio
  B / REFERENCE_QUIET_S).
CPU seconds alone are not load-free here (shared cores run slower per instruction: intake took
6.1 CPU s alone and 21.3 at load 10-16), which is why none is a budget: `cpu_row` takes no limit
and `Row` refuses a budget in seconds. CPU and wall time are printed beside, for information.

Adding an entry (one function, in its own module under bench/):

    from bench.measure import Row, against_reference, bench_env, reference_row, run
    from bench.registry import Context, entry

    @entry("my-thing")
    def my_thing(ctx: Context) -> list[Row]:
        root = ctx.project("real")          # or "full" (bench/synthetic.py), made once, shared
        pairs = against_reference(
            lambda: run([sys.executable, "-c", CHILD, str(root)], bench_env()), ctx.rounds
        )
        return [reference_row("my thing / reference", pairs, 5.0)]  # ≤ 5 s on a quiet machine

then add the module's name to ENTRY_MODULES below. `bench/run.py --only my-thing` runs one
entry (the whole bench takes long: never needed to check one figure); `--list` lists them.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import Row, report  # noqa: E402
from bench.registry import ENTRIES, Context  # noqa: E402

ENTRY_MODULES = [
    "bench.build_bench",  # build-real, build-full, registrations
    "bench.preview_bench",  # preview-real, preview-full
    "bench.pdf_bench",  # pdfs
    "bench.intake_bench",  # intake
    "bench.zensical_bench",  # zensical-real, zensical-full
    "bench.issue_benches",  # intake-wjx, review-sheet, publish, records (issues 12, 13, 16, 17)
]
"""Modules whose `@entry` functions make up the bench, run in this order."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-strict", action="store_true", help="build without --strict")
    parser.add_argument("--only", action="append", help="run only this entry (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the entries")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per ratio")
    parser.add_argument("--keep", type=Path, help="keep the full-scale project in this folder")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "test-output" / "bench.md", help="the table's file"
    )
    args = parser.parse_args()
    for name in ENTRY_MODULES:
        importlib.import_module(name)
    if args.list:
        print("\n".join(ENTRIES))
        return 0
    unknown = set(args.only or ()) - ENTRIES.keys()
    if unknown:
        parser.error(f"unknown entries: {', '.join(sorted(unknown))}")
    work = Path(tempfile.mkdtemp(prefix="volunteers-bench-"))
    ctx = Context(work, strict=not args.no_strict, rounds=args.rounds)
    rows: list[Row] = []
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        for name, fn in ENTRIES.items():
            if args.only and name not in args.only:
                continue
            print(f"== {name}", flush=True)
            rows += fn(ctx)
            out.write_text(report(rows) + "\n", encoding="utf-8")  # so far, if stopped later
        if args.keep and "full" in ctx._projects:
            shutil.copytree(ctx.project("full"), args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = report(rows)
    print("\n" + table)
    out.write_text(table + "\n", encoding="utf-8")
    over = [row.name for row in rows if row.ok is False]
    if over:
        print(f"\n超出预算 / over budget: {'; '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
