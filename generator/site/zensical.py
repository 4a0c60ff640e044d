"""A project folder for Zensical (the successor of Material for MkDocs): the generated docs, with
the links in their HTML written as Zensical reads them, and a configuration without our plugin."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from generator.site.render import TEMPLATES

SEARCH_ZH = "assets/zensical-search-zh.js"
"""Zensical's search dialog in Chinese: its 0.0.73 bundle has the dialog's strings in English
(site_templates/zensical/search-zh.js says how it puts Zensical's own Chinese ones there)."""

_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
_OTHER = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")


def source_relative(body: str, uri: str) -> str:
    """The links of a page's HTML, written relative to its address (projects/x/ for
    projects/x.md, as MkDocs serves it), rewritten relative to its source file's folder: Zensical
    reads a relative link in a page's HTML that way, and adds the `../` that the page's own
    folder needs (so `../../unions/a/` on projects/x.md is written `../unions/a/`). An index.md
    is served at its folder: its links stay."""
    name = posixpath.basename(uri)
    if name == "index.md" or not uri.endswith(".md"):
        return body
    page_dir = "/" + uri[: -len(".md")] + "/"  # where MkDocs serves the page
    source_dir = "/" + posixpath.dirname(uri) + "/" if "/" in uri else "/"

    def rewrite(match: re.Match[str]) -> str:
        attr, link = match.groups()
        if not link or _OTHER.match(link):
            return match.group(0)
        path, sep, rest = _split(link)
        target = posixpath.normpath(posixpath.join(page_dir, path))
        moved = posixpath.relpath(target, source_dir)
        if path.endswith("/") and not moved.endswith("/"):
            moved += "/"
        return f'{attr}="{moved}{sep}{rest}"'

    return _ATTR.sub(rewrite, body)


def _split(link: str) -> tuple[str, str, str]:
    for sep in ("?", "#"):
        if sep in link:
            path, rest = link.split(sep, 1)
            return path, sep, rest
    return link, "", ""


def write_assets(docs: Path) -> list[Path]:
    """The files only the Zensical build has, written into its docs folder."""
    dest = docs / SEARCH_ZH
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEMPLATES / "zensical" / "search-zh.js", dest)
    return [dest]


def zensical_config(mkdocs_yml: Path) -> str:
    """The project's mkdocs.yml as Zensical builds it: docs in docs/, our plugin and its watch
    list left out (the pages are already generated), no theme override (it calls the plugin's
    macros; Zensical's own templates are used), and its search dialog put in Chinese."""
    config: dict[str, Any] = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config.pop("watch", None)
    plugins = [p for p in config.get("plugins") or [] if p != "volunteers"]
    config["plugins"] = [p for p in plugins if not (isinstance(p, dict) and "volunteers" in p)]
    theme = config.get("theme")
    if isinstance(theme, dict):
        theme.pop("custom_dir", None)
    scripts = list(config.get("extra_javascript") or [])
    config["extra_javascript"] = [*scripts, SEARCH_ZH] if SEARCH_ZH not in scripts else scripts
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
