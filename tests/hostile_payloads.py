"""A corpus of hostile text for every data field that reaches a page: markup that would run
script (each calls alert() or sets window.__pwned if it ever runs), links with script schemes in
HTML, Markdown and autolinks, entities that decode to markup, breakouts from <title>, <script>
and attributes, YAML- and Jinja-significant text, Markdown reference links, attribute lists and
HTML blocks, control and direction characters."""

from __future__ import annotations

PAYLOADS: tuple[str, ...] = (
    # Markup and event handlers
    "<script>alert(1)</script>",
    '"><svg/onload=alert(1)>',
    "'><svg/onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="window.__pwned=1">',
    "<details open ontoggle=alert(1)>",
    '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="https://example.org/" onclick="alert(1)">ok</a>',
    '<style>*{background:url("javascript:alert(1)")}</style>',
    # Breaking out of the contexts the value lands in
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "' onmouseover='alert(1)' x='",
    '" onmouseover="alert(1)" x="',
    "\u202e<img src=x onerror=alert(1)>",
    # HTML entities that decode to markup
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "&#x3C;svg onload=alert(1)&#x3E;",
    '<a href="&#106;avascript:alert(1)">x</a>',
    # Script schemes in Markdown links, images and autolinks
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](javascript&#58;alert(1))",
    '[x](tel:1"onclick="alert(1))',
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<mailto:a@example.org?subject=<script>alert(1)</script>>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    # A link title: the theme's tooltips show title attributes as HTML
    "[x][t]\n\n[t]: https://example.org/ (<img src=x onerror=alert(1)>)",
    '[x](https://example.org/ "<img src=x onerror=alert(1)>")',
    # Markdown extensions: attribute lists, HTML blocks, admonitions, the TOC marker, code
    '{: onclick="alert(1)" }',
    "# x { onmouseover=alert(1) }",
    '<div markdown="1">[x](javascript:alert(1))</div>',
    '!!! note "<img src=x onerror=alert(1)>"',
    "[TOC]",
    "`<img src=x onerror=alert(1)>`",
    "    <img src=x onerror=alert(1)>",
    # Template syntax, YAML-significant text, line breaks, control characters
    "{{ 7*7 }}{% raw %}",
    "{% for x in range(3) %}{{ x }}{% endfor %}{{ config }}",
    "${alert(1)}",
    "a: b # c",
    "---\ntitle: pwned\n---",
    "key: 'value'\n- item\n? complex",
    "line1\nline2\r\nline3",
    "- [x](javascript:alert(1))\n1. <img src=x onerror=alert(1)>",
    "\x1b[31m\x0b<b>control</b>\x00",
)
"""At least 40 payloads; each reaches every kind of field through `spread` in the tests."""

YAML_UNION_NAMES = ("中山区: 总工会 # 注释", "西岗区\n总工会\ntitle: pwned", "---\n沙河口区总工会")
"""Union names that broke the pages' front matter when it was pasted as text."""

LEGIT_MARKDOWN = (
    "第一段有*强调*和**加粗**。\n\n"
    "- 第一项\n- 第二项\n\n"
    "详见[项目说明](https://example.org/a?b=1&c=2)，或发邮件至[信箱](mailto:a@example.org)。"
)
"""The Markdown subset descriptions and citations keep: emphasis, lists, paragraphs, links."""


def spread(start: int, count: int) -> list[str]:
    """`count` payloads from the corpus, starting at `start` and wrapping around."""
    return [PAYLOADS[(start + i) % len(PAYLOADS)] for i in range(count)]


def corpus_text() -> str:
    """Every payload in one Markdown field, a paragraph each."""
    return "\n\n".join(PAYLOADS)
