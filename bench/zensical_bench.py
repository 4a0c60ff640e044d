"""Bench entries of the path off Material: `volunteers generate --for zensical`, `zensical build`
(the pinned one of `make zensical`, or $ZENSICAL), its broken internal links and privacy scan."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench.measure import Row, bench_env, cpu_row, run
from bench.registry import ROOT, Context, entry
from tools.linkcheck import broken_links


def _zensical() -> str | None:
    pinned = ROOT / ".venv-zensical" / "bin" / "zensical"
    return os.environ.get("ZENSICAL") or (str(pinned) if pinned.is_file() else None)


def _zensical_rows(ctx: Context, which: str) -> list[Row]:
    zensical = _zensical()
    if zensical is None:
        return [Row(f"{which} scale: Zensical build", "not installed (make zensical)")]
    root = ctx.project(which)
    out = ctx.work / f"zensical-{which}"
    shutil.rmtree(out, ignore_errors=True)
    print(f"{which} scale: generate --for zensical, zensical build …", flush=True)
    volunteers = str(Path(sys.executable).parent / "volunteers")
    gen = run([volunteers, "generate", "--for", "zensical", "--out", str(out), "--root", str(root)])
    built = run([zensical, "build"], bench_env(), cwd=out)
    site = out / "site"
    broken = broken_links(site)
    pages = sum(1 for _ in site.rglob("*.html"))
    scan = run([volunteers, "scan", str(site)], check=False)
    return [
        cpu_row(f"{which} scale: volunteers generate --for zensical", gen.cpu_s, gen.wall_s),
        cpu_row(f"{which} scale: zensical build ({pages:,} pages)", built.cpu_s, built.wall_s),
        Row(
            f"{which} scale: broken internal links in Zensical's site",
            f"{len(broken):,}",
            "0",
            not broken,
        ),
        Row(
            f"{which} scale: volunteers scan of Zensical's site ({scan.cpu_s:.1f} CPU s)",
            "passed" if scan.code == 0 else "findings",
            "passed",
            scan.code == 0,
            f"{scan.wall_s:.1f} s",
        ),
    ]


@entry("zensical-real")
def zensical_real(ctx: Context) -> list[Row]:
    return _zensical_rows(ctx, "real")


@entry("zensical-full")
def zensical_full(ctx: Context) -> list[Row]:
    return _zensical_rows(ctx, "full")
