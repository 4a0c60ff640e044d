"""`make bench`: the site built at scale, against the floor plain MkDocs sets, with budgets."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import review_bench  # noqa: E402
from bench.synthetic import FULL, generate  # noqa: E402
from bench.wjx_bench import rows as wjx_rows  # noqa: E402
from generator.core.validate import load_site  # noqa: E402
from generator.site.privacy import scan_site  # noqa: E402

MB = 1024 * 1024
BUDGET_RATIO = 1.5
"""Full build ≤ 1.5 × a plain `mkdocs build` of as many trivial pages."""
BUDGET_REGISTRATIONS_S = 10.0
BUDGET_MEMORY = 1024 * MB
PAGE_GROWTH = (1.05, 2048)
"""A page present at both scales may grow by 5 % plus 2 KB (longer numbers), not with the data."""
ROUNDS = 3
"""Builds of the floor and of our site, taken in turns; the best of each is compared (a shared
machine's disk and neighbours add seconds at random, never take them away)."""
SMALL = 0.05
"""The smaller data set the page sizes are compared with."""


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    code: int
    stderr: str


def run(cmd: list[str]) -> Run:
    """Run a child and measure it alone: os.wait4 gives that child's own peak memory."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("VOLUNTEERS_CACHE", None)  # the project's own .cache: the first build finds none
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return Run(seconds, usage.ru_maxrss * 1024, proc.returncode, stderr)  # ru_maxrss is in KiB


def mkdocs_build(config: Path, site: Path, strict: bool) -> Run:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    result = run([*cmd, "--strict"] if strict else cmd)
    if result.code != 0:
        sys.exit(f"mkdocs build failed ({config}):\n{result.stderr[-3000:]}")
    return result


def html_pages(site: Path) -> dict[str, int]:
    """Page path → size in bytes, for every HTML page but the 404 page."""
    return {
        p.relative_to(site).as_posix(): p.stat().st_size
        for p in site.rglob("*.html")
        if p.name != "404.html"
    }


def largest_by_kind(pages: dict[str, int]) -> dict[str, int]:
    """The largest page of each kind: a path with its ids as `*` and its page numbers dropped
    (projects/category/*/index.html), so a half-full last page is not compared with a full one."""
    out: dict[str, int] = {}
    for path, size in pages.items():
        parts = path.split("/")
        kind = "/".join(
            part if i == 0 or part in {"category", "union", "index.html"} else "*"
            for i, part in enumerate(parts)
            if not part.isdigit()
        )
        out[kind] = max(out.get(kind, 0), size)
    return out


def floor_project(dest: Path, pages: int) -> Path:
    """A plain MkDocs project (same theme, language and search) of `pages` trivial pages,
    eleven in the nav as on our site, the rest outside it."""
    docs = dest / "docs"
    docs.mkdir(parents=True)
    for n in range(pages):
        name = "index.md" if n == 0 else f"p{n:05d}.md"
        (docs / name).write_text(f"# 第 {n} 页\n\n用于测量的普通页面。\n", encoding="utf-8")
    nav = "\n".join(
        f"  - 第{n}页: {'index.md' if n == 0 else f'p{n:05d}.md'}" for n in range(min(11, pages))
    )
    (dest / "mkdocs.yml").write_text(
        "site_name: floor\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search:\n      lang: zh\n"
        f"nav:\n{nav}\n",
        encoding="utf-8",
    )
    return dest / "mkdocs.yml"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-strict", action="store_true", help="build without --strict")
    parser.add_argument("--keep", type=Path, help="keep the generated project in this folder")
    args = parser.parse_args()
    strict = not args.no_strict
    work = Path(tempfile.mkdtemp(prefix="volunteers-bench-"))
    rows: list[tuple[str, str, str, bool | None]] = []
    try:
        print(f"synthetic data: {FULL} …", flush=True)
        gen_s = timed(lambda: generate(work / "full", FULL))
        root = work / "full"
        rows.append(("synthetic data written", f"{gen_s:.1f} s", "", None))

        print("load and validation …", flush=True)
        load_s = timed(lambda: load_site(root))
        registrations = root / "data" / "registrations"
        registrations.rename(work / "registrations.off")
        without_s = timed(lambda: load_site(root))
        (work / "registrations.off").rename(registrations)
        reg_s = max(0.0, load_s - without_s)
        rows.append(("load + validation, all data", f"{load_s:.1f} s", "", None))
        rows.append(
            (
                f"… of which {FULL.registrations:,} registrations",
                f"{reg_s:.1f} s",
                f"≤ {BUDGET_REGISTRATIONS_S:.0f} s",
                reg_s <= BUDGET_REGISTRATIONS_S,
            )
        )

        print("full build, first (no cache) …", flush=True)
        site = work / "site"
        build = mkdocs_build(root / "mkdocs.yml", site, strict)
        pages = html_pages(site)
        floor_config = floor_project(work / "floor", len(pages))
        floor_site = work / "floor-site"
        mkdocs_build(floor_config, floor_site, False)  # warm-up: both sides now rebuild a site
        floors, rebuilds = [], []
        for n in range(1, ROUNDS + 1):
            print(
                f"round {n}/{ROUNDS}: floor ({len(pages):,} trivial pages), rebuild …", flush=True
            )
            floors.append(mkdocs_build(floor_config, floor_site, False).seconds)
            rebuilds.append(mkdocs_build(root / "mkdocs.yml", site, strict).seconds)
        floor, rebuild = min(floors), min(rebuilds)
        rows.append(
            (
                f"full build, first ever: no cache ({len(pages):,} pages)",
                f"{build.seconds:.1f} s",
                "",
                None,
            )
        )
        rows.append(
            (
                f"full build, cache kept (as deploys run; best of {ROUNDS})",
                f"{rebuild:.1f} s",
                "",
                None,
            )
        )
        rows.append(
            (f"plain MkDocs floor, same page count (best of {ROUNDS})", f"{floor:.1f} s", "", None)
        )
        rows.append(
            (
                "full build, cache kept / floor",
                f"{rebuild / floor:.2f}",
                f"≤ {BUDGET_RATIO}",
                rebuild / floor <= BUDGET_RATIO,
            )
        )
        rows.append(
            (
                "full build, first ever / floor (PDFs rendered, every registration validated)",
                f"{build.seconds / floor:.2f}",
                "see README",
                None,
            )
        )
        rows.append(
            (
                "peak memory of the build",
                f"{build.peak_bytes / MB:.0f} MB",
                f"≤ {BUDGET_MEMORY // MB} MB",
                build.peak_bytes <= BUDGET_MEMORY,
            )
        )

        print("privacy scan …", flush=True)
        findings: list[object] = []
        scan_s = timed(lambda: findings.extend(scan_site(site)))
        rows.append(
            (
                "privacy scan of site/ (findings)",
                f"{scan_s:.1f} s ({len(findings)})",
                "0",
                not findings,
            )
        )

        print(f"review sheet at {review_bench.REGISTRATIONS:,} registrations …", flush=True)
        rows += review_bench.rows(work)

        print(f"smaller data set ({SMALL:.0%}) for page sizes …", flush=True)
        generate(work / "small", FULL.fraction(SMALL))
        small_site = work / "small-site"
        mkdocs_build(work / "small" / "mkdocs.yml", small_site, strict)
        small_pages = html_pages(small_site)
        largest = max(pages, key=lambda p: pages[p])
        full_kinds, small_kinds = largest_by_kind(pages), largest_by_kind(small_pages)
        common = full_kinds.keys() & small_kinds.keys()
        grown = {
            k for k in common if full_kinds[k] > small_kinds[k] * PAGE_GROWTH[0] + PAGE_GROWTH[1]
        }
        worst = max(common, key=lambda k: full_kinds[k] - small_kinds[k])
        rows.append((f"largest page ({largest})", f"{pages[largest] / 1024:.0f} KB", "", None))
        rows.append(
            (
                f"largest page at {SMALL:.0%} of the data",
                f"{max(small_pages.values()) / 1024:.0f} KB",
                "",
                None,
            )
        )
        rows.append(
            (
                f"most grown kind of page ({worst})",
                f"{small_kinds[worst] / 1024:.1f} → {full_kinds[worst] / 1024:.1f} KB",
                "≤ +5 % + 2 KB",
                not grown,
            )
        )
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        rows.append(("whole site", f"{total / MB:.0f} MB", "", None))

        print("intake of a 问卷星 XLSX (issue 12), profile detection …", flush=True)
        rows += wjx_rows()
        if args.keep:
            shutil.copytree(root, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = report(rows)
    print("\n" + table)
    out = ROOT / "test-output" / "bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(table + "\n", encoding="utf-8")
    broken = [name for name, _, _, ok in rows if ok is False]
    if broken:
        print(f"\n超出预算 / over budget: {'; '.join(broken)}", file=sys.stderr)
        return 1
    return 0


def report(rows: list[tuple[str, str, str, bool | None]]) -> str:
    lines = ["| measure | value | budget | |", "| --- | --: | --: | --- |"]
    for name, value, budget, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "**over**")
        lines.append(f"| {name} | {value} | {budget} | {mark} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
