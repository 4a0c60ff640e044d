"""The bench's entries (`@entry`) and what they share: a work folder, the projects at real and
full scale (made once), the floor, and the number of rounds."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Row, Run, bench_env, run
from bench.synthetic import FULL, Scale, generate

ROOT = Path(__file__).resolve().parent.parent

Entry = Callable[["Context"], list[Row]]
ENTRIES: dict[str, Entry] = {}


def entry(name: str) -> Callable[[Entry], Entry]:
    """Register a bench entry under `name` (`bench/run.py --only NAME` runs it alone)."""

    def register(fn: Entry) -> Entry:
        if name in ENTRIES:
            raise ValueError(f"bench entry {name!r} registered twice")
        ENTRIES[name] = fn
        return fn

    return register


@dataclass
class Context:
    work: Path
    strict: bool = True
    rounds: int = 3
    scale: Scale = FULL
    _projects: dict[str, Path] = field(default_factory=dict)
    _floors: dict[int, Path] = field(default_factory=dict)

    def project(self, which: str) -> Path:
        """The project root at "real" scale (this repository's data) or "full" scale
        (bench/synthetic.py), made on first use and shared by the entries: restore what you
        change in it."""
        if which not in self._projects:
            dest = self.work / which
            if which == "real":
                from tests.conftest import copy_project

                self._projects[which] = copy_project(dest)
            elif which == "full":
                print(f"synthetic data: {self.scale} …", flush=True)
                self._projects[which] = generate(dest, self.scale)
            else:
                raise ValueError(which)
        return self._projects[which]

    def floor(self, pages: int) -> Path:
        """mkdocs.yml of the floor: a plain mkdocs-material project of `pages` trivial pages."""
        if pages not in self._floors:
            self._floors[pages] = floor_project(self.work / f"floor-{pages}", pages)
        return self._floors[pages]

    def mkdocs_build(self, config: Path, site: Path, strict: bool | None = None) -> Run:
        """`mkdocs build` in a child process, measured (CPU of its process tree)."""
        cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
        if self.strict if strict is None else strict:
            cmd.append("--strict")
        return run(cmd, bench_env())

    def cold_build(self, root: Path, site: Path) -> Run:
        """Our build with no .cache/: PDFs rendered, registrations validated, all scanned."""
        shutil.rmtree(root / ".cache", ignore_errors=True)
        return self.mkdocs_build(root / "mkdocs.yml", site)


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


def html_pages(site: Path) -> dict[str, int]:
    """Page path → size in bytes, for every HTML page but the 404 page."""
    return {
        p.relative_to(site).as_posix(): p.stat().st_size
        for p in site.rglob("*.html")
        if p.name != "404.html"
    }
