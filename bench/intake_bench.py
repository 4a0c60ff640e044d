"""Intake speed and memory: N CSV rows validated and written (budget: 10,000 rows in 10 CPU
seconds of the process tree); `make bench`'s entry "intake".

Usage: .venv/bin/python bench/intake_bench.py [--rows 10000]
Each size runs in its own process, so peak RSS is that run's alone; memory must stay flat
in the number of rows (rows are streamed; only a hash per accepted row is kept)."""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import MB, Row, Run, against_reference, reference_row, run  # noqa: E402
from bench.registry import Context, entry  # noqa: E402
from generator.core.identity import check_char  # noqa: E402

HEADER = (
    "时间戳记 姓名 性别 政治面貌 身份证号 联系电话 参加工作时间 学历 健康状况 工作单位 特长 工作简历 "
    "所属工会 服务意向 本人申请 个人信息处理同意"
).split()
UNIONS = ["中山", "西岗", "沙河口", "甘井子", "金普新区", "旅顺口", "教育工会", "财贸"]
BUDGET_CPU_SECONDS = 10.0


def person(i: int) -> tuple[str, str]:
    """A distinct valid ID number and mobile for row i, computed (never stored anywhere)."""
    born = date(1960, 1, 1) + timedelta(days=i // 500)
    first17 = f"210202{born:%Y%m%d}{i % 500 * 2 + 1:03d}"
    return first17 + check_char(first17), "1" + "39" + f"{i:08d}"


def write_rows(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        start = date(2012, 7, 4)
        for i in range(rows):
            number, mobile = person(i)
            stamp = f"{start + timedelta(days=i // 86400):%Y/%m/%d} {i // 3600 % 24}:{i // 60 % 60:02d}:{i % 60:02d}"
            out.writerow(
                [stamp, f"志愿者{i}", "男", "群众", number, mobile, "2001年7月", "本科", "健康",
                 "大连某公司", "摄影", "2001 年参加工作", UNIONS[i % len(UNIONS)],
                 "社会救助、法律咨询", "自愿参加", "同意"]
            )  # fmt: skip


def child(csv_file: Path, data: Path) -> None:
    """Run intake in this process and print its peak memory as JSON (the parent counts CPU)."""
    from click.testing import CliRunner

    from generator.cli.main import main

    result = CliRunner().invoke(
        main, ["intake", "registrations", "--file", str(csv_file), "--data-dir", str(data)]
    )
    assert result.exit_code == 0, result.output
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mb": peak_kb / 1024, "output": result.output}))


def measure(rows: int, work: Path) -> dict[str, float]:
    project = work / f"p{rows}"
    shutil.copytree(
        ROOT / "data", project / "data", ignore=shutil.ignore_patterns("registrations", "proposals")
    )
    csv_file = work / f"rows{rows}.csv"
    write_rows(csv_file, rows)
    env = {**os.environ, "INTAKE_HMAC_KEY": "bench-key-0123456789abcdef"}
    proc = run([sys.executable, __file__, "--child", str(csv_file), str(project / "data")], env)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    written = sum(1 for _ in (project / "data" / "registrations").rglob("*.yml"))
    assert written == rows, (written, figures["output"])
    return {"cpu_s": proc.cpu_s, "wall_s": proc.wall_s, "peak_mb": figures["peak_mb"]}


@entry("intake")
def intake(ctx: Context) -> list[Row]:
    print("intake of 10,000 CSV rows …", flush=True)
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        small = measure(1_000, Path(tmp))
        fresh = (Path(tmp) / f"large{n}" for n in itertools.count())

        def large() -> Run:  # each pair on a new project; the last one's 10,000 files removed first
            work = next(fresh)
            figures = measure(10_000, work)
            shutil.rmtree(work, ignore_errors=True)
            return Run(figures["cpu_s"], figures["wall_s"], int(figures["peak_mb"] * MB))

        pairs = against_reference(large, ctx.rounds, "intake of 10,000 CSV rows")
    per_row_kb = (pairs.ours[-1].peak_bytes / MB - small["peak_mb"]) * 1024 / 9_000
    return [
        reference_row("intake of 10,000 CSV rows / reference", pairs, BUDGET_CPU_SECONDS),
        Row("… memory growth from 1,000 to 10,000 rows", f"{per_row_kb:.2f} KB a row"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=2, type=Path)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        small = measure(args.rows // 10, Path(tmp))
        large = measure(args.rows, Path(tmp))
    per_row_kb = (large["peak_mb"] - small["peak_mb"]) * 1024 / (args.rows - args.rows // 10)
    for count, figures in ((args.rows // 10, small), (args.rows, large)):
        print(
            f"{count:>6} rows: {figures['cpu_s']:.2f} CPU s ({figures['wall_s']:.2f} s wall),"
            f" peak RSS {figures['peak_mb']:.0f} MB"
        )
    print(f"memory growth: {per_row_kb:.2f} KB per row; budget {BUDGET_CPU_SECONDS:.0f} CPU s")
    return 0 if large["cpu_s"] <= BUDGET_CPU_SECONDS * args.rows / 10_000 else 1


if __name__ == "__main__":
    sys.exit(main())
