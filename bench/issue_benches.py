"""Entries for the budgets of issues 12, 13, 16 and 17, whose benches were written as standalone
scripts (each also runs alone): their (measure, value, budget, ok) rows become `Row`s here, and
`Row` refuses a budget in seconds, so each times its budgets against the reference workload."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from bench.measure import Row, Run, against_reference, reference_row
from bench.registry import Context, entry


def _rows(measured: list[tuple[str, str, str, bool | None]]) -> list[Row]:
    return [Row(name, value, budget, ok) for name, value, budget, ok in measured]


@entry("intake-wjx")
def intake_wjx(ctx: Context) -> list[Row]:
    """Issue 12: a 问卷星 XLSX of 10,000 rows, memory flat in the row count, profile detection."""
    from bench import wjx_bench

    print("问卷星 XLSX intake, 10,000 rows …", flush=True)
    return _rows(wjx_bench.rows())


@entry("review-sheet")
def review_sheet(ctx: Context) -> list[Row]:
    """Issue 13: the review sheet's export, dry run and apply at 5,800 registrations."""
    from bench import review_bench

    print(f"review sheet at {review_bench.REGISTRATIONS:,} registrations …", flush=True)
    return _rows(review_bench.rows(ctx.work / "review"))


@entry("publish")
def publish(ctx: Context) -> list[Row]:
    """Issue 16: the full-scale site to moto's S3 server on loopback, first and unchanged."""
    from bench import publish_bench

    root = ctx.project("full")
    site = ctx.work / "publish-site"
    print("full build for publish …", flush=True)
    config = str(root / "mkdocs.yml")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(site)],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return _rows(publish_bench.publish_rows(site))


@entry("records")
def records(ctx: Context) -> list[Row]:
    """Issue 17: 50,000 registrations and 200,000 participations loaded and validated; one
    certificate rendered."""
    from bench import records_bench as rb

    print(f"service records: {rb.REGISTRATIONS:,} registrations …", flush=True)
    root, _ = rb.records_project(ctx.work / "records")

    def load() -> Run:  # in this process, as the standalone bench measures it; nothing cached
        shutil.rmtree(root / ".cache", ignore_errors=True)
        return Run(*rb.records_load(root))

    lines: list[int] = []

    def certificate() -> Run:
        cpu, wall, count = rb.certificate_render(root)
        lines.append(count)
        return Run(cpu, wall)

    loads = against_reference(load, 2, "load + validation")
    certificates = against_reference(certificate, 2, "one certificate")
    return [
        reference_row(
            f"load + validation, {rb.REGISTRATIONS:,} registrations and "
            f"{rb.PARTICIPATIONS:,} participations",
            loads,
            rb.BUDGET_LOAD_S,
        ),
        reference_row(
            f"one certificate ({lines[-1]} activities)", certificates, rb.BUDGET_CERTIFICATE_S
        ),
    ]
