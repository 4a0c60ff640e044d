"""Every internal link and source of a built site leads to a file of that site: used on the
Zensical build (`make zensical`) and by the bench. Usage: python tools/linkcheck.py SITE_DIR"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from urllib.parse import unquote

LINK = re.compile(r'\b(?:href|src)="([^"]*)"')


def broken_links(site: Path) -> list[str]:
    """Each `page → target` whose target is not a file under `site` (an address ending in / is
    its index.html). The 404 page is served at any address, so its links are not checked."""
    site = site.resolve()
    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            path = unquote(html.unescape(target).split("#", 1)[0].split("?", 1)[0])
            if not path or re.match(r"^[a-z]+:|^//", path):
                continue  # an anchor, or another scheme or host
            resolved = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
            resolved = resolved.resolve()
            if resolved.is_dir():
                resolved /= "index.html"
            if not resolved.is_file() or not resolved.is_relative_to(site):
                broken.append(f"{page.relative_to(site)} → {target}")
    return broken


def main() -> int:
    site = Path(sys.argv[1])
    found = broken_links(site)
    for line in found[:50]:
        print(line)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"{len(found)} broken internal links in {pages} pages of {site}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
