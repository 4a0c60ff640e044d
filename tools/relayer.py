"""Move generator/'s flat modules into its layers (issue 11) and rewrite every reference to them.

Run from the repository root, on a clean tree: `python tools/relayer.py`. It is idempotent: a
second run finds nothing to move and nothing to rewrite. It stops before changing anything when
generator/ or intake/ holds a module that the table below does not place: add it to LAYOUT (or
INTAKE) and run again.

What it does:
1. `git mv generator/X.py generator/<layer>/Y.py` for every module in LAYOUT;
2. writes each layer's `__init__.py` with its docstring (what it owns, what it may import);
3. rewrites relative imports (`from .x import`, `from . import x`) to the moved modules: kept
   relative inside one layer, absolute across layers;
4. rewrites `generator.X` and `generator/X.py` wherever they appear as text (absolute imports,
   strings for `-c`/`-m`/monkeypatch, entry points in pyproject.toml, paths in the README);
5. runs ruff (import order, format) over the moved code when .venv/bin/ruff exists.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

LAYOUT: dict[str, str] = {
    # core: data, validation, identity, safe writes. No MkDocs, WeasyPrint, gspread, Jinja2, click.
    "errors": "core.errors",
    "messages": "core.messages",
    "loader": "core.loader",
    "writer": "core.writer",
    "models": "core.models",
    "records": "core.records",
    "identity": "core.identity",
    "phones": "core.phones",
    "validate": "core.validate",
    "registrations": "core.registrations",
    "review": "core.review",
    "progress": "core.progress",
    "worker": "core.worker",
    "sourcerow": "core.sourcerow",
    "safefile": "core.safefile",  # issue 10, best guess
    "digitgroups": "core.digitgroups",  # issue 10, best guess
    "datascan": "core.datascan",  # issue 10, best guess
    # paperwork: PDFs, fonts, forms, roster, XLSX, archive.
    "pdf": "paperwork.pdf",
    "fonts": "paperwork.fonts",
    "downloads": "paperwork.downloads",
    "xlsx": "paperwork.xlsx",
    "archive": "paperwork.archive",
    # site: pages and everything the public site is made of.
    "render": "site.render",
    "pages": "site.pages",
    "chart": "site.chart",
    "search": "site.search",
    "photos": "site.photos",
    "opendata": "site.opendata",
    "privacy": "site.privacy",
    "pipeline": "site.pipeline",
    "mkdocs_plugin": "site.mkdocs_plugin",
    "escaping": "site.escaping",
    "imagemeta": "site.imagemeta",
    "faults": "core.faults",
    "outputs": "core.outputs",
    "cli_errors": "cli.errors",
    # staff: commands that change records.
    "staff": "staff.actions",
    "stats": "staff.stats",
    # cli: the `volunteers` command.
    "cli": "cli.main",
}

INTAKE = {
    "__init__",
    "cli",
    "columns",
    "details",
    "errors",
    "gitbranch",
    "normalize",
    "pipeline",
    "proposals",
    "records",
    "report",
    "sources",
    "store",
    "files",  # issue 10
    "xlsxfile",  # issue 10
    "deadline",  # issue 10
}

LAYERS = {
    "core": "The data core: errors and their Chinese messages, the YAML loader, the models, the\n"
    "site-data loader (validation and registrations), identity numbers and phones, review rules,\n"
    "progress, the second process (worker) and safe writes.\n\n"
    "May import: nothing else of ours, and none of MkDocs, WeasyPrint, gspread, Jinja2 or click.",
    "paperwork": "The paperwork: PDFs (the only WeasyPrint user) and their fonts, the printable\n"
    "forms and the notice, the roster layout, XLSX workbooks, the archive.\n\n"
    "May import: generator.core.",
    "site": "The public site: rendering, pages, chart, search, photos, open data, the privacy\n"
    "guard, the build pipeline and mkdocs_plugin (the only module that imports MkDocs).\n\n"
    "May import: generator.core, generator.paperwork.",
    "staff": "Staff operations on records: approve, reject, new records and projects, stats.\n\n"
    "May import: generator.core, generator.paperwork.",
    "cli": "The `volunteers` command, one module per command group.\n\n"
    "May import: anything (generator's layers and intake).",
}

TEXT_FILES = ("pyproject.toml", "mkdocs.yml", "Makefile", "README.md", "bench", "tests", ".github")
CODE_DIRS = ("generator", "intake", "tests", "bench", "tools")


def fail(message: str) -> None:
    print(f"relayer: {message}", file=sys.stderr)
    sys.exit(1)


def unplaced(root: Path) -> list[str]:
    """Modules that the tables do not place: flat generator modules and unknown intake ones."""
    flat = [p for p in (root / "generator").glob("*.py") if p.stem != "__init__"]
    out = [str(p.relative_to(root)) for p in flat if p.stem not in LAYOUT]
    out += [
        str(p.relative_to(root)) for p in (root / "intake").glob("*.py") if p.stem not in INTAKE
    ]
    return sorted(out)


def new_name(old: str) -> str:
    """'generator.X' → 'generator.<layer>.Y' (anything else unchanged)."""
    parts = old.split(".")
    if len(parts) >= 2 and parts[0] == "generator" and parts[1] in LAYOUT:
        return ".".join(["generator", LAYOUT[parts[1]], *parts[2:]])
    return old


def module_of(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    return ".".join(p for p in rel.parts if p != "__init__")


def package_of(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    return ".".join(rel.parent.parts)


def absolute(node: ast.ImportFrom, package: str) -> str:
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def rewrite_relative(text: str, old_package: str, new_package: str) -> str:
    """Relative imports of one file that moves from old_package to new_package."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        target = absolute(node, old_package)
        start = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
        segment = text[start:end]
        if node.module is None:  # from . import a, b: each name is a module of its own
            groups: dict[str, list[str]] = {}
            for alias in node.names:
                full = new_name(f"{target}.{alias.name}")
                parent, _, leaf = full.rpartition(".")
                shown = leaf if alias.asname is None else f"{leaf} as {alias.asname}"
                groups.setdefault(parent, []).append(shown)
            indent = " " * node.col_offset
            new = f"\n{indent}".join(
                f"from {relative(parent, new_package)} import {', '.join(names)}"
                for parent, names in groups.items()
            )
        else:
            prefix = re.match(r"from\s+\.+[\w.]*\s+import", segment)
            assert prefix, segment
            new = f"from {relative(new_name(target), new_package)} import" + segment[prefix.end() :]
        if new != segment:
            edits.append((start, end, new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def relative(module: str, package: str) -> str:
    """`.x` when module sits in package itself, else the absolute name."""
    parent, _, leaf = module.rpartition(".")
    if parent == package:
        return f".{leaf}"
    if module == package:
        return "."
    return module


def text_pattern() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """`generator.X` and `generator/X.py` for the moved modules. staff and cli name both an old
    module and a new package: those are rewritten only where code names them (after `from ` or
    `import ` or `-m ` or a quote, before ` import`, `:`, a quote or a space), so that a second
    run, or prose about the new package, is left alone."""
    ambiguous = sorted(old for old, new in LAYOUT.items() if new.split(".")[0] in LAYOUT)
    plain = sorted((old for old in LAYOUT if old not in ambiguous), key=len, reverse=True)
    dotted = re.compile(rf"\bgenerator\.({'|'.join(plain)})\b")
    coded = re.compile(
        rf"(?:(?<=from )|(?<=import )|(?<=-m )|(?<=[\"']))generator\.({'|'.join(ambiguous)})"
        rf"(?=[ :\"']|$)",
        re.MULTILINE,
    )
    names = "|".join(sorted(LAYOUT, key=len, reverse=True))
    slashed = re.compile(rf"\bgenerator/({names})\.py\b")
    return dotted, coded, slashed


FROM_PACKAGE = re.compile(r"^([ \t]*)from generator import ([\w ,]+)$", re.MULTILINE)
"""`from generator import a, b` on one line: each name a module of its own."""


def _split_from_package(m: re.Match[str]) -> str:
    indent, names = m.group(1), [n.strip() for n in m.group(2).split(",") if n.strip()]
    groups: dict[str, list[str]] = {}
    for name in names:
        module, _, alias = name.partition(" as ")
        parent, _, leaf = new_name(f"generator.{module.strip()}").rpartition(".")
        groups.setdefault(parent, []).append(leaf + (f" as {alias.strip()}" if alias else ""))
    return "\n".join(f"{indent}from {p} import {', '.join(n)}" for p, n in groups.items())


def rewrite_text(text: str) -> str:
    text = FROM_PACKAGE.sub(_split_from_package, text)
    dotted, coded, slashed = text_pattern()
    text = dotted.sub(lambda m: "generator." + LAYOUT[m.group(1)], text)
    text = coded.sub(lambda m: "generator." + LAYOUT[m.group(1)], text)
    return slashed.sub(lambda m: "generator/" + LAYOUT[m.group(1)].replace(".", "/") + ".py", text)


SKIP = ("tools/relayer.py", "tests/test_layers.py")
"""Written for the layers already: never rewritten."""


def text_files(root: Path) -> list[Path]:
    out: list[Path] = []
    for name in (*TEXT_FILES, *CODE_DIRS):
        path = root / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += [
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix in {".py", ".toml", ".yml", ".yaml", ".md", ".txt", ".cfg"}
                and "__pycache__" not in p.parts
            ]
    return sorted({p for p in out if p.relative_to(root).as_posix() not in SKIP})


def main() -> None:
    root = Path.cwd()
    if not (root / "generator").is_dir() or not (root / "pyproject.toml").is_file():
        fail("run me from the repository root")
    missing = unplaced(root)
    if missing:
        fail(
            "these modules have no place in LAYOUT/INTAKE of tools/relayer.py; add them and run "
            "again:\n  " + "\n  ".join(missing)
        )
    moves = [
        (root / "generator" / f"{old}.py", root / "generator" / (new.replace(".", "/") + ".py"))
        for old, new in LAYOUT.items()
        if (root / "generator" / f"{old}.py").is_file()
    ]
    # Relative imports are resolved against the old places before anything moves.
    contents = {
        dst: rewrite_relative(
            src.read_text(encoding="utf-8"),
            package_of(src, root),
            package_of(dst, root),
        )
        for src, dst in moves
    }
    ignore = root / ".gitignore"
    if ignore.is_file():  # the built site's "site/" would also hide generator/site/
        lines = ignore.read_text(encoding="utf-8").splitlines()
        lines = ["/site/" if line.strip() == "site/" else line for line in lines]
        ignore.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for layer, doc in LAYERS.items():
        init = root / "generator" / layer / "__init__.py"
        init.parent.mkdir(exist_ok=True)
        if not init.exists():
            init.write_text(f'"""{doc}\n"""\n', encoding="utf-8")
            subprocess.run(["git", "add", str(init)], check=True)
    for src, dst in moves:
        subprocess.run(["git", "mv", str(src), str(dst)], check=True)
        dst.write_text(contents[dst], encoding="utf-8")
    changed = [dst for _, dst in moves]
    for path in text_files(root):
        text = path.read_text(encoding="utf-8")
        new = rewrite_text(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    ruff = root / ".venv" / "bin" / "ruff"
    py = [str(p) for p in set(changed) if p.suffix == ".py"]
    if ruff.exists() and py:
        subprocess.run([str(ruff), "check", "--quiet", "--fix", "--select", "I", *py], check=False)
        subprocess.run([str(ruff), "format", "--quiet", *py], check=False)
    print(f"relayer: moved {len(moves)} modules, rewrote {len(set(changed))} files")


if __name__ == "__main__":
    main()
