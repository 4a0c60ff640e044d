"""One escaping policy for text from data files: it is text in every page. Plain fields are
escaped for HTML and made inert for Markdown; descriptions and citations may use a small Markdown
subset, rendered and then sanitised with an allow-list (nh3), links only to http, https, mailto
and tel. Each field is made safe where it enters a page, by the templates' `finalize`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup, escape

_CONTROLS = {c: None for c in [*range(0x20), 0x7F] if chr(c) not in "\r\n\t\v\f"}
"""Control characters are never text (XML does not even allow them)."""
_BREAKS = {ord(c): " " for c in "\r\n\t\v\f\x85\u2028\u2029"}

# Characters that mean something to HTML or to Markdown (links, images, emphasis, code, tables,
# attribute lists, headings, admonitions, escapes), written as character references: the
# browser shows the same character, and neither HTML nor Markdown sees syntax in it. Line
# breaks become spaces, so that a value never starts a Markdown block of its own.
_TEXT = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#|!~^$"}
_TEXT.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})
_TEXT.update({ord('"'): "&#34;", ord("'"): "&#39;"})
_TEXT.update(_CONTROLS)
_TEXT.update(_BREAKS)
_LEAD = re.compile(r"[-+=:]|\d+[.)](?=\s|$)")
"""How a list item, a definition or a setext underline starts when a value begins a line."""


def text(value: object) -> Markup:
    """Text safe in HTML (elements and quoted attributes) and inert in Markdown."""
    out = str(value).translate(_TEXT)
    lead = _LEAD.match(out)
    if lead:
        end = lead.end() - 1
        out = f"{out[:end]}&#{ord(out[end])};{out[end + 1 :]}"
    return Markup(out)


def finalize(value: object) -> object:
    """Jinja's `finalize` for the page templates: every plain string they print is text; what
    is already Markup (links built from ids, sanitised Markdown, the charts) stays as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return text(value)
    return value


def heading(value: object) -> str:
    """A page title or description for the front matter. The theme prints both as HTML without
    escaping (in <title>, the header, <meta content="…">, the search index), so they are
    escaped here once, as a plain string for the YAML emitter."""
    return str(escape(str(value).translate(_CONTROLS).translate(_BREAKS)))


ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote", "hr"}
)
"""The Markdown subset of descriptions and citations: paragraphs, emphasis, lists, links, code.
Other elements (headings, images, tables) are reduced to their text."""
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Links only to an absolute http, https, mailto or tel address: no relative or
    protocol-relative link either, which could lead anywhere on the site or off it."""
    if tag == "a" and name == "href":
        try:
            scheme = urlsplit(value.strip()).scheme.lower()
        except ValueError:
            return None
        return value if scheme in ALLOWED_SCHEMES else None
    return value


def sanitise(html: str) -> Markup:
    """HTML made from the Markdown of a data field, cleaned with an allow-list of elements,
    attributes and link schemes; anything else is dropped (script and style with their text)."""
    return Markup(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            # No title (nh3 keeps `title` and `lang` on every element unless "*" says
            # otherwise): the theme's tooltips (content.tooltips) show a title as HTML.
            attributes={"a": {"href"}, "*": set()},
            attribute_filter=_keep_attribute,
            url_schemes=set(ALLOWED_SCHEMES),
            link_rel="nofollow noopener noreferrer",
            strip_comments=True,
        )
    )


def source_text(value: str) -> str:
    """A Markdown field's source with control characters removed, before it is rendered."""
    return value.translate(_CONTROLS)
