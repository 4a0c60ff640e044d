"""Material's interface texts (partials/language.html's `t`), looked up once per key and build.

Material imports its language partial with the page's context on every page, which imports the
language's texts twice more, and asks `t` dozens of times a page; each answer built a mapping of
a hundred texts. The texts depend on the key and the theme's language only."""

from __future__ import annotations

import functools
from collections.abc import Callable

import jinja2


def theme_texts(env: jinja2.Environment) -> Callable[[str], Callable[[str], str]]:
    """`texts(language)`: the language partial's `t` for that language, as a cached function."""

    @functools.cache
    def texts(language: str) -> Callable[[str], str]:
        lang = env.get_template(f"partials/languages/{language}.html").module
        fallback = env.get_template("partials/languages/en.html").module

        @functools.cache
        def t(key: str) -> str:
            if key == "language" and language == "zh":
                return "zh-CN"  # the page language as the site is written (Simplified Chinese)
            return str(lang.t(key) or fallback.t(key) or key)  # type: ignore[attr-defined]

        return t

    return texts
