"""Every public path has one owner, generator/core/urls.py: no other module or template spells
out a page, listing, download or photo path, and the served URLs follow directory URLs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.core import urls

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ("projects/", "unions/", "downloads/", "recognitions/")
FEED_KEYS = {
    ("generator/site/opendata.py", "projects/"),
    ("generator/site/opendata.py", "recognitions/"),
}
"""The feed's entry ids (tag URIs): keys that must never change, even if the paths do."""


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _spelled_paths(path: Path) -> list[str]:
    """String literals (and leading parts of f-strings) that start with a public path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                skip.add(id(first))
                found += [p for p in PUBLIC if first.value.startswith(p)]
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            found += [p for p in PUBLIC if node.value.startswith(p)]
    return found


def test_no_module_but_urls_spells_out_a_public_path() -> None:
    offenders = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "generator/core/urls.py":
            continue
        offenders += [(rel, p) for p in _spelled_paths(path) if (rel, p) not in FEED_KEYS]
    assert offenders == []


def test_the_check_sees_a_spelled_out_path(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Doc: projects/x.md."""\nA = f"projects/{1}.md"\nB = "downloads/a.pdf"\n')
    assert _spelled_paths(module) == ["projects/", "downloads/"]


TEMPLATE_PATH = re.compile(
    r"""['"(](?:projects|unions|downloads|recognitions|data)/|['"]feed\.xml"""
)


@pytest.mark.parametrize(
    "template",
    sorted(p for p in (ROOT / "site_templates").rglob("*") if p.is_file() and "pdf" not in p.parts),
    ids=lambda p: p.relative_to(ROOT / "site_templates").as_posix(),
)
def test_no_template_spells_out_a_public_path(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert TEMPLATE_PATH.findall(text) == []


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("index.md", ""),
        (urls.union_page("zhongshan"), "unions/zhongshan/"),
        (urls.UNIONS, "unions/"),
        (urls.first_page(urls.PROJECTS), "projects/"),
        (urls.listing_page(urls.union_projects("xigang"), 2), "projects/union/xigang/2/"),
        (urls.first_page(urls.category_projects("law")), "projects/category/law/"),
        (urls.union_roster("zhongshan"), "downloads/roster-zhongshan.pdf"),
        (urls.recognition_photo("r1"), "recognitions/photos/r1.jpg"),
    ],
)
def test_served_urls_are_directory_urls(uri: str, served: str) -> None:
    assert urls.served(uri) == served
