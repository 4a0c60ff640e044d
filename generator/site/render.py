"""Jinja2 over site_templates/: page contexts → Markdown or HTML (StrictUndefined; every value
printed is text, see escaping.py)."""

from __future__ import annotations

import posixpath
import re
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import jinja2
import markdown
from markupsafe import Markup, escape

from generator.core import urls

from .escaping import finalize, sanitise, source_text

TEMPLATES = Path(str(files("generator") / "site_templates"))
"""Package data (a link to the repository's site_templates/ in a checkout)."""


def relative(from_uri: str, to_uri: str) -> Markup:
    """A Markdown link from one docs page to another file, e.g. ../unions/zhongshan.md (made of
    ids, which are slugs: printed as it is, not as text)."""
    return Markup(escape(posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")))


def url(from_uri: str, to_uri: str) -> Markup:
    """An HTML link from one docs page to another docs file, as the built site serves them,
    e.g. from projects/x.md to unions/y.md → ../../unions/y/. The site builder rewrites links
    written in Markdown; links written in HTML (listings, project pages, the pager) are final."""
    path, _, fragment = to_uri.partition("#")
    link = _link(path, from_uri)
    return Markup(escape(link + ("#" + fragment if fragment else "")))


@lru_cache(maxsize=65_536)
def _folder(from_uri: str) -> str:
    here = urls.served(from_uri)
    return here if here.endswith("/") or not here else posixpath.dirname(here)


@lru_cache(maxsize=65_536)
def _link(path: str, from_uri: str) -> str:
    """`url`'s link without its fragment (memoised: a listing links to the same union and
    category pages twenty times)."""
    target = urls.served(path)
    link = relpath(target, _folder(from_uri))
    if target.endswith("/") or not target:
        link = "./" if link == "." else link + "/"
    return link


def relpath(target: str, folder: str) -> str:
    """posixpath.relpath("/" + target, "/" + folder) without its normalisation, for paths made
    of plain names (ids and file names: no `.` or `..` part), which is what the site's paths
    are; anything else goes to posixpath."""
    to, here = target.split("/"), folder.split("/")
    to, here = [p for p in to if p], [p for p in here if p]
    if any(p in (".", "..") for p in (*to, *here)):
        return posixpath.relpath("/" + target, "/" + folder)
    common = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def cn_date(value: object) -> str:
    """2012-07-03 → 2012年7月3日, as Chinese official documents write dates."""
    year, month, day = (getattr(value, a) for a in ("year", "month", "day"))
    return f"{year}年{month}月{day}日"


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def cjk_join(text: str) -> str:
    """Join lines broken between two Chinese characters: Markdown would render the break as a
    space, which Chinese text does not have. A heading line is never joined to the next."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        previous = out[-1] if out else ""
        if (
            stripped
            and previous
            and _CJK.match(stripped[0])
            and _CJK.match(previous[-1])
            and not previous.lstrip().startswith("#")
        ):
            out[-1] = previous + stripped
        else:
            out.append(line)
    return "\n".join(out)


@cache
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=[])


@lru_cache(maxsize=1024)
def markdown_html(source: str) -> Markup:
    """A field written in the Markdown subset (a project's description, a citation) as
    sanitised HTML. Escaped before the Markdown pass, so HTML in the data shows as text; the
    result is cleaned with the allow-list of escaping.py. Once per field, not per page."""
    text = str(escape(cjk_join(source_text(source))))
    if _PLAIN_PARAGRAPHS.fullmatch(text):  # what Markdown and the sanitiser would make of it
        return Markup("\n".join(f"<p>{p}</p>" for p in text.split("\n\n")))
    converter = _markdown()
    converter.reset()
    return sanitise(converter.convert(text))


_PLAIN = "[\u4e00-\u9fff\u3001-\u303f\uff01-\uffefA-Za-z0-9]+"
_PLAIN_PARAGRAPHS = re.compile(f"{_PLAIN}(?:\n\n{_PLAIN})*")
"""Paragraphs of Chinese text, letters and digits only (no space, no ASCII punctuation: nothing
Markdown or HTML reads as syntax), one line each, parted by a blank line: most descriptions."""


def tel(phone: str) -> Markup:
    """A phone number people can tap to call, never broken across lines."""
    digits = re.sub(r"[^0-9]", "", phone.split("转")[0])
    return Markup('<a class="tel" href="tel:{}">{}</a>').format(digits, phone)


@cache
def environment(root: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cn_date=cn_date,
        percent=percent,
        cjk_join=cjk_join,
        tel=tel,
        markdown=markdown_html,
    )
    env.globals.update(relative=relative, url=url, urls=urls)
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
