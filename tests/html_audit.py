"""What counts as live markup in a built page, read with a real HTML parser: event-handler
attributes, scripts that are not the theme's, frames and embedded documents, and script URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
)
EMBEDDING = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
SAFE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);")
THEME_SCRIPTS = (
    re.compile(r'__md_scope=new URL\("[./]*",location\),__md_hash=.*', re.DOTALL),
    re.compile(
        r"var target=document\.getElementById\(location\.hash\.slice\(1\)\);target&&target\.name"
        r'&&\(target\.checked=target\.name\.startsWith\("__tabbed_"\)\)'
    ),
)
"""Material's two inline scripts (the same on every page but for the page's depth)."""
THEME_BUNDLE = re.compile(
    r"^(/|(\.\./)*)assets/(javascripts/bundle\.[0-9a-f]+\.min\.js|search\.js)$"
)
"""The theme's bundle and the site's own search script (content/assets/search.js)."""
SITE_SCRIPT = re.compile(r"^(\.\./)*assets/site\.js$")
"""The site's own script (content/assets/site.js: the menu button, the tables' scroll hint)."""
NOT_FOUND_SCRIPT = (
    (Path(__file__).resolve().parent.parent / "site_templates/theme/404.html")
    .read_text(encoding="utf-8")
    .split("<script>", 1)[1]
    .split("</script>", 1)[0]
)
"""404.html's inline script (it finds the site's root), exactly as the template writes it."""
MARKERS = ("alert(", "__pwned", "msgbox(")


def _url_kind(value: str) -> str:
    """A URL as the browser reads it: whitespace and control characters inside the scheme are
    ignored, and the scheme is case-insensitive."""
    return re.sub(r"[\x00-\x20]", "", value).lower()


class Audit(HTMLParser):
    """Collects every live thing a page would run; `problems` is empty for a safe page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
            kind = _url_kind(value or "")
            if name in URL_ATTRIBUTES and (
                kind.startswith(("javascript:", "vbscript:"))
                or (kind.startswith("data:") and not SAFE_DATA.match(kind))
            ):
                self.problems.append(f"<{tag} {name}={value!r}> script URL")
            if name == "style" and ("javascript:" in kind or "expression(" in kind):
                self.problems.append(f"<{tag} style={value!r}>")
            if name == "title" and "<" in (value or ""):
                # Material's tooltips (content.tooltips) show a title attribute as HTML.
                self.problems.append(f"<{tag} title={value!r}> markup in a tooltip")
        if tag in EMBEDDING:
            self.problems.append(f"<{tag}> embeds a document")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._script, self._script_text = dict(attrs), []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        attrs, body = self._script, "".join(self._script_text)
        self._script = None
        if attrs.get("src") is not None:
            src = attrs["src"] or ""
            if not (THEME_BUNDLE.match(src) or SITE_SCRIPT.match(src)) or body.strip():
                self.problems.append(f"<script src={attrs['src']!r}> not the theme's")
        elif attrs.get("type") == "application/json" and attrs.get("id") == "__config":
            if any(m in body for m in MARKERS):
                self.problems.append("theme configuration holds a payload")
        elif body == NOT_FOUND_SCRIPT:
            pass
        elif not any(p.fullmatch(body) for p in THEME_SCRIPTS) or any(m in body for m in MARKERS):
            self.problems.append(f"<script> not the theme's: {body[:80]!r}")


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


class Texts(HTMLParser):
    """The text of the first element of each wanted tag, and meta descriptions."""

    def __init__(self, wanted: tuple[str, ...] = ("title", "h1")) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.found: dict[str, str] = {}
        self._open: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "description":
            self.found.setdefault("description", values.get("content") or "")
        if tag in self.wanted and tag not in self.found and self._open is None:
            self._open, self._buffer = tag, []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self.found[tag] = "".join(self._buffer)
            self._open = None


def texts(html: str) -> dict[str, str]:
    parser = Texts()
    parser.feed(html)
    parser.close()
    return parser.found
