"""The layers of generator/ and what each may import, proven by walking every module's imports
(as test_registration_cache proves VALIDATION_CODE): core ← paperwork ← site, staff ← cli;
intake imports generator.core only; only the MkDocs plugin imports MkDocs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS = ("core", "paperwork", "site", "staff", "cli")
MAY_IMPORT = {
    "generator.core": {"generator.core"},
    "generator.paperwork": {"generator.core", "generator.paperwork"},
    "generator.site": {"generator.core", "generator.paperwork", "generator.site"},
    "generator.staff": {"generator.core", "generator.paperwork", "generator.staff"},
    "generator.cli": {"generator", "intake"},
    "intake": {"generator.core", "intake"},
}
"""Of our own packages, what each layer may import (a name or anything below it)."""

HEAVY = {"mkdocs", "weasyprint", "gspread", "jinja2", "click"}
"""Libraries the data core never imports."""

PLUGIN = "generator.site.mkdocs_plugin"


def modules() -> dict[str, Path]:
    out = {}
    for package in ("generator", "intake"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(p for p in parts if p != "__init__")] = path
    return out


def imports(name: str, path: Path) -> set[str]:
    """Every module that `name` imports, anywhere in it (functions included), made absolute."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in ALL}
    return found


ALL = modules()


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> str | None:
    for layer in MAY_IMPORT:
        if within(module, layer):
            return layer
    return None


def test_generator_has_no_flat_modules() -> None:
    flat = [p.name for p in (ROOT / "generator").glob("*.py") if p.name != "__init__.py"]
    assert flat == [], f"modules outside the layers: {flat}"
    assert {p.name for p in (ROOT / "generator").iterdir() if p.is_dir()} >= set(LAYERS)


@pytest.mark.parametrize("layer", [*(f"generator.{x}" for x in LAYERS), "intake"])
def test_each_layer_says_what_it_owns_and_may_import(layer: str) -> None:
    init = ROOT / layer.replace(".", "/") / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and "May import" in doc, f"{init} needs a docstring naming what it may import"


@pytest.mark.parametrize("name", sorted(ALL))
def test_imports_follow_the_layers(name: str) -> None:
    layer = layer_of(name)
    if layer is None:  # generator/__init__.py
        return
    ours = {m for m in imports(name, ALL[name]) if within(m, "generator") or within(m, "intake")}
    allowed = MAY_IMPORT[layer]
    wrong = sorted(m for m in ours if not any(within(m, a) for a in allowed) and m != "generator")
    assert wrong == [], f"{name} ({layer}) may import only {sorted(allowed)}"


@pytest.mark.parametrize("name", sorted(n for n in ALL if within(n, "generator.core")))
def test_core_imports_no_heavy_library(name: str) -> None:
    heavy = sorted(m for m in imports(name, ALL[name]) if m.split(".")[0] in HEAVY)
    assert heavy == [], f"{name} is in the data core and imports {heavy}"


def test_only_the_plugin_imports_mkdocs() -> None:
    users = sorted(
        name
        for name, path in ALL.items()
        if any(m.split(".")[0] == "mkdocs" for m in imports(name, path))
    )
    assert users == [PLUGIN]


def test_the_walk_sees_imports() -> None:
    """The walk itself: relative and absolute imports, in functions too, are found."""
    found = imports(PLUGIN, ALL[PLUGIN])
    assert "mkdocs.plugins" in found
    assert any(within(m, "generator.core") for m in found)
    assert any(within(m, "generator.site") for m in found)
