"""Measuring on a shared machine: CPU seconds of a whole process tree (wall time beside, for
information), and ratios to a yardstick as the median of interleaved pairs."""

from __future__ import annotations

import os
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


@dataclass
class Row:
    """A line of the report. `ok` is None for a figure given for information."""

    name: str
    value: str
    budget: str = ""
    ok: bool | None = None
    wall: str = ""


def cpu_row(name: str, cpu_s: float, wall_s: float, limit: float | None = None) -> Row:
    """A CPU-seconds figure, with its budget if it has one."""
    return Row(
        name,
        f"{cpu_s:.1f} CPU s",
        "" if limit is None else f"≤ {limit:g} CPU s",
        None if limit is None else cpu_s <= limit,
        f"{wall_s:.1f} s",
    )


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
        "| measure | value | budget | | wall time (information) |",
        "| --- | --: | --: | --- | --: |",
    ]
    for row in rows:
        mark = "" if row.ok is None else ("ok" if row.ok else "**over**")
        lines.append(f"| {row.name} | {row.value} | {row.budget} | {mark} | {row.wall} |")
    return "\n".join(lines)
