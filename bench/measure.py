"""Measuring on a shared machine: CPU seconds of a whole process tree (wall time beside, for
information), and every budget a ratio to a yardstick timed in the same run (the floor, or the
fixed reference workload of bench/reference.py) as the median of interleaved pairs."""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
REFERENCE = Path(__file__).resolve().parent / "reference.py"
REFERENCE_DIGEST = "e4d4d4f012a87ec3d48db9e74b89a8f46c3d728bcc8ed3cf20c9d1f5479af0d4"
"""What bench/reference.py prints: the same work every run (a changed digest means the
yardstick changed, and every ratio budget must be calibrated again)."""
REFERENCE_QUIET_S = 3.6
"""CPU seconds of one reference run on this project's 2-core machine when quiet: what turns a
budget of B seconds into the ratio B / REFERENCE_QUIET_S. Calibrated on 2026-11-30 at load
1.3-1.6: five runs took 3.59-3.67 CPU s (median 3.62); 3.87-4.41 at load 12-19 (README, "Budgets
that hold on a busy machine")."""


@dataclass
class Run:
    """One measured run: CPU seconds (user + system) of the process and of every descendant it
    waited for, wall seconds (information only), peak memory of the largest one of them."""

    cpu_s: float
    wall_s: float
    peak_bytes: int = 0
    code: int = 0
    stderr: str = ""
    stdout: str = ""


def bench_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **extra}
    env.pop("VOLUNTEERS_CACHE", None)  # each project's own .cache, which the caller controls
    return env


def run(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, check: bool = True
) -> Run:
    """Run a child and measure its process tree: os.wait4's usage is the child's own plus that of
    every descendant it reaped (worker processes, multiprocessing pools), as RUSAGE_CHILDREN."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env or bench_env(), cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            cpu_s=usage.ru_utime + usage.ru_stime,
            wall_s=wall,
            peak_bytes=usage.ru_maxrss * 1024,  # ru_maxrss is in KiB
            code=proc.returncode,
            stderr=err.read().decode("utf-8", errors="replace"),
            stdout=out.read().decode("utf-8", errors="replace"),
        )
    if check and result.code != 0:
        sys.exit(f"failed ({' '.join(cmd[:6])} …):\n{result.stderr[-3000:]}")
    return result


def cpu_now() -> float:
    """CPU seconds of this process and of all its reaped children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def in_process() -> Iterator[Run]:
    """`with in_process() as r:` measures the block in this process (and its reaped children)."""
    result = Run(0.0, 0.0)
    cpu, wall = cpu_now(), time.perf_counter()
    try:
        yield result
    finally:
        result.cpu_s = cpu_now() - cpu
        result.wall_s = time.perf_counter() - wall


def process_cpu(pid: int) -> float:
    """CPU seconds so far of a live process and of its reaped children (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Rounds:
    """Runs of a few measured things and of their yardstick, taken in turns: each round runs
    each once, the order turned by one every round, so none always runs on a warmer or a
    busier machine."""

    runs: dict[str, list[Run]] = field(default_factory=dict)

    def ratio(self, name: str, base: str, key: str = "cpu_s") -> float:
        """The median of the per-round ratios: a neighbour that slows one round moves one
        ratio, and the median ignores it."""
        return statistics.median(
            getattr(a, key) / max(getattr(b, key), 1e-9)
            for a, b in zip(self.runs[name], self.runs[base], strict=True)
        )

    def median(self, name: str, key: str = "cpu_s") -> float:
        return statistics.median(getattr(r, key) for r in self.runs[name])


def interleaved(actions: dict[str, Callable[[], Run]], rounds: int, label: str = "") -> Rounds:
    """Run each action once per round, in turns; the first round in the given order."""
    result = Rounds({name: [] for name in actions})
    names = list(actions)
    for n in range(rounds):
        if label:
            print(f"  {label}: round {n + 1}/{rounds}", flush=True)
        turn = n % len(names)
        for name in names[turn:] + names[:turn]:
            result.runs[name].append(actions[name]())
    return result


def reference() -> Run:
    """One run of the reference workload in a new process, measured as ours are."""
    result = run([sys.executable, str(REFERENCE)])
    digest = result.stdout.strip()
    if digest != REFERENCE_DIGEST:
        sys.exit(f"bench/reference.py did other work than calibrated ({digest[:12]}…)")
    return result


@dataclass
class Pairs:
    """Runs of the reference workload and of ours, in pairs: reference, ours, reference, ours."""

    reference: list[Run] = field(default_factory=list)
    ours: list[Run] = field(default_factory=list)

    def ratio(self, key: str = "cpu_s") -> float:
        """The median of the per-pair ratios ours / reference: a neighbour that slows one pair
        moves one ratio, and the median ignores it."""
        return statistics.median(
            getattr(o, key) / max(getattr(r, key), 1e-9)
            for r, o in zip(self.reference, self.ours, strict=True)
        )

    def median(self, side: str, key: str = "cpu_s") -> float:
        runs: list[Run] = getattr(self, side)
        return statistics.median(getattr(r, key) for r in runs)


def against_reference(
    ours: Callable[[], Run],
    rounds: int,
    label: str = "",
    yardstick: Callable[[], Run] = reference,
) -> Pairs:
    """`rounds` pairs: the reference workload, then ours, and again; each pair's two runs are
    neighbours in time, so both meet the same load."""
    pairs = Pairs()
    for n in range(rounds):
        if label:
            print(f"  {label}: pair {n + 1}/{rounds} (reference, ours)", flush=True)
        pairs.reference.append(yardstick())
        pairs.ours.append(ours())
        if label:
            mine, theirs = pairs.ours[-1].cpu_s, pairs.reference[-1].cpu_s
            print(
                f"    ×{mine / max(theirs, 1e-9):.3g} ({mine:.3g} / {theirs:.3g} CPU s)", flush=True
            )
    return pairs


def reference_budget(seconds: float) -> float:
    """A budget written as seconds on a quiet machine, as a ratio to the reference workload."""
    return seconds / REFERENCE_QUIET_S


_TIME_BUDGET = re.compile(r"[0-9]\s*(?:CPU\s*)?(?:ms|s|秒|分钟|min)(?![A-Za-z])")
"""A budget in seconds or milliseconds ("≤ 10 s", "≤ 16 CPU s", "≤ 50 ms"): none may remain."""


@dataclass
class Row:
    """A line of the report. `ok` is None for a figure given for information. A budget is a
    ratio (to the floor or to the reference workload), a size, a count or a share, never a
    time: an absolute time budget only holds when the machine is quiet, so it is refused."""

    name: str
    value: str
    budget: str = ""
    ok: bool | None = None
    wall: str = ""

    def __post_init__(self) -> None:
        if _TIME_BUDGET.search(self.budget):
            raise ValueError(
                f"{self.name}: absolute time budget {self.budget!r}; use reference_row "
                "(a ratio to the reference workload) or ratio_row (to the floor)"
            )


def cpu_row(name: str, cpu_s: float, wall_s: float) -> Row:
    """A CPU-seconds figure, for information only: a time budget is a ratio (reference_row)."""
    return Row(name, f"{cpu_s:.1f} CPU s", "", None, f"{wall_s:.1f} s")


def reference_row(name: str, pairs: Pairs, seconds: float | None) -> Row:
    """Ours against the reference workload (median of the pairs' CPU ratios), with the budget
    `seconds` (on a quiet machine) as a ratio; CPU and wall seconds of both beside."""
    ratio = pairs.ratio()
    limit = None if seconds is None else reference_budget(seconds)
    pair = "pair" if len(pairs.ours) == 1 else "pairs"
    beside = (
        f"{pairs.median('ours'):.3g} CPU s, {pairs.median('ours', 'wall_s'):.3g} s wall; "
        f"reference {pairs.median('reference'):.3g} CPU s, "
        f"{pairs.median('reference', 'wall_s'):.3g} s wall ({len(pairs.ours)} {pair})"
    )
    return Row(
        name,
        f"×{ratio:.3g} ref",
        "" if limit is None else f"≤ ×{limit:.3g} ref",
        None if limit is None else ratio <= limit,
        beside,
    )


def reference_figures(
    name: str, pairs: Pairs, seconds: float | None
) -> tuple[str, str, str, bool | None]:
    """reference_row in the (measure, value, budget, ok) shape of the standalone benches, the
    CPU and wall seconds in the measure's name."""
    row = reference_row(name, pairs, seconds)
    return f"{row.name} ({row.wall})", row.value, row.budget, row.ok


def ratio_row(
    name: str, rounds: Rounds, ours: str, base: str, limit: float | None, key: str = "cpu_s"
) -> Row:
    """A ratio to the yardstick (median of the rounds) with its budget, the wall times beside."""
    ratio = rounds.ratio(ours, base, key)
    unit = "CPU" if key == "cpu_s" else "wall"
    wall = (
        f"{rounds.median(ours, 'wall_s'):.1f} s vs {rounds.median(base, 'wall_s'):.1f} s"
        f" (×{rounds.ratio(ours, base, 'wall_s'):.2f})"
    )
    return Row(
        name,
        f"×{ratio:.2f} {unit}",
        "" if limit is None else f"≤ ×{limit:g}",
        None if limit is None else ratio <= limit,
        wall,
    )


def report(rows: list[Row]) -> str:
    lines = [
        "| measure | value | budget | | time (information) |",
        "| --- | --: | --: | --- | --: |",
    ]
    for row in rows:
        mark = "" if row.ok is None else ("ok" if row.ok else "**over**")
        lines.append(f"| {row.name} | {row.value} | {row.budget} | {mark} | {row.wall} |")
    return "\n".join(lines)
