"""Bench entries of the preview: edit-to-preview under `mkdocs serve` against the floor's serve
(a ratio of wall times taken in turns: waiting is what staff feel), and our serve's idle CPU."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.measure import Row, Run, bench_env, interleaved, process_cpu, ratio_row
from bench.registry import Context, entry, html_pages

BUDGET = {"real": 1.2, "full": 0.5}
"""Edit-to-preview ≤ ×1.2 the floor's at real scale, ≤ ×0.5 at full scale (issue 18)."""
BUDGET_IDLE = 0.05
"""Our serve, idle, uses under 5 % of a core."""
IDLE_SECONDS = 10.0
TIMEOUT = 600.0


class Serve:
    """`mkdocs serve` of a project in a child process, on a free port."""

    def __init__(self, config: Path, log: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = log.open("wb")
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config)]
        self.proc = subprocess.Popen(
            [*cmd, "--dev-addr", f"127.0.0.1:{self.port}"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=bench_env(),
        )

    def get(self, path: str) -> str:
        url = f"http://127.0.0.1:{self.port}/{path}"
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return str(response.read().decode("utf-8"))

    def ready(self) -> None:
        """Wait for the first build (the server answers once it is done)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"mkdocs serve ended: see {self.log.name}")
            try:
                self.get("")
                return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"mkdocs serve not ready after {TIMEOUT:.0f} s")

    def edit_to_preview(self, file: Path, old: str, new: str, page: str, shown: str) -> Run:
        """Write the edit, then ask for the page until it shows `shown`: the server holds a
        request while it rebuilds, so the page comes back from the finished build."""
        cpu = process_cpu(self.proc.pid)
        start = time.perf_counter()
        file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        while shown not in self.get(page):
            if time.perf_counter() - start > TIMEOUT:
                sys.exit(f"the edit of {file} did not reach {page}")
            time.sleep(0.05)
        return Run(process_cpu(self.proc.pid) - cpu, time.perf_counter() - start)

    def idle_cpu(self, seconds: float) -> float:
        """Share of one core used while nothing changes."""
        cpu = process_cpu(self.proc.pid)
        time.sleep(seconds)
        return (process_cpu(self.proc.pid) - cpu) / seconds

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _preview(ctx: Context, which: str) -> list[Row]:
    root = ctx.project(which)
    project = sorted((root / "data" / "projects").glob("*.yml"))[0]
    title = re.search(r'^title: "(.*)"$', project.read_text(encoding="utf-8"), re.M)
    assert title is not None, project
    site = ctx.work / f"preview-count-{which}"
    if not site.exists():
        ctx.mkdocs_build(root / "mkdocs.yml", site)
    floor = ctx.floor(len(html_pages(site)))
    print(f"{which} scale: starting both serves …", flush=True)
    state = {"ours": title.group(1), "floor": "第 1 页"}
    count = {"ours": 0, "floor": 0}
    ours = Serve(root / "mkdocs.yml", ctx.work / f"serve-{which}.log")
    theirs = Serve(floor, ctx.work / f"serve-floor-{which}.log")
    try:
        ours.ready()
        theirs.ready()
        time.sleep(2.0)
        idle = ours.idle_cpu(IDLE_SECONDS)

        def edit(side: str) -> Run:
            count[side] += 1
            old, new = state[side], f"{state[side].split('（')[0]}（改{count[side]}）"
            state[side] = new
            if side == "ours":
                page = f"projects/{project.stem}/"
                return ours.edit_to_preview(
                    project, f'title: "{old}"', f'title: "{new}"', page, new
                )
            md = floor.parent / "docs" / "p00001.md"
            return theirs.edit_to_preview(md, f"# {old}", f"# {new}", "p00001/", new)

        rounds = interleaved(
            {"ours": lambda: edit("ours"), "floor": lambda: edit("floor")},
            ctx.rounds,
            f"{which}: edit a project's title / a floor page's title",
        )
    finally:
        ours.stop()
        theirs.stop()
        project.write_text(
            project.read_text(encoding="utf-8").replace(
                f'title: "{state["ours"]}"', f'title: "{title.group(1)}"'
            ),
            encoding="utf-8",
        )
    return [
        ratio_row(
            f"{which} scale: edit to preview under mkdocs serve / floor",
            rounds,
            "ours",
            "floor",
            BUDGET[which],
            key="wall_s",
        ),
        Row(
            f"{which} scale: our serve idle, CPU over {IDLE_SECONDS:.0f} s",
            f"{idle:.1%} of a core",
            f"< {BUDGET_IDLE:.0%}",
            idle < BUDGET_IDLE,
        ),
    ]


@entry("preview-real")
def preview_real(ctx: Context) -> list[Row]:
    return _preview(ctx, "real")


@entry("preview-full")
def preview_full(ctx: Context) -> list[Row]:
    return _preview(ctx, "full")
