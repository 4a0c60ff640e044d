"""The MkDocs adapter: runs the generator pipeline and hands its pages to MkDocs (the pages
written in HTML with no Markdown pass, and indexed for search here), shares the theme blocks
that are the same for many pages, and runs the privacy guard over the finished site."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from generator.core import gcpause, urls
from generator.core.errors import DataErrors
from generator.core.memo import Memo
from generator.core.validate import SiteData, load_site
from generator.core.worker import Background, Done
from generator.paperwork.pdf import PdfError

from .contentblock import PLUGINS, ContentBlocks
from .pipeline import Generated, build_date, cache_dir, fill_markers, generate_site
from .privacy import scan_site
from .render import TEMPLATES
from .search import entries, entries_apart, segmenter_words, teach
from .searchcache import Entry, EntryCache
from .serve import MemoryBytecodeCache, PageCache, SearchEntries, watch_what_the_site_reads
from .themetexts import theme_texts
from .titledblock import TitledBlocks

LOG = logging.getLogger("mkdocs.plugins.volunteers")
"""Shown by MkDocs. The missing address is said at INFO level, marked 警告: mkdocs.yml builds
with `strict`, where any WARNING fails the build, and an unset address is allowed."""
SHARING = "VOLUNTEERS_SHARED_BLOCKS"
"""Set to 0, every theme block is rendered for each page, nothing shared: the same site, slower
(tests/test_render_apart.py builds both and compares them byte for byte)."""

SEGMENT_APART_ABOVE = 50_000
"""Pages to index past which jieba runs in a second process while MkDocs renders pages. This
process has jieba's dictionary loaded already (on_config teaches it our words), and runs of
Chinese text are cut once each (memoised): the 5,000 project pages at full scale segment here in
under a second, while a second process spends about two CPU seconds starting and loading the
dictionary again before it cuts a word."""


class VolunteersConfig(base.Config):
    root = c.Optional(c.Dir(exists=True))
    """The project root holding data/ (default: the folder of mkdocs.yml)."""


class VolunteersPlugin(BasePlugin[VolunteersConfig]):
    site: SiteData | None = None
    generated: Generated
    """What the generator made; its pages written in HTML get no Markdown pass here."""
    urls: dict[str, str]
    """Those pages' addresses, by docs path."""
    search: Background | Done | None = None
    """Their search entries, segmented in a second process while MkDocs renders pages."""
    command = "build"
    """The MkDocs command running (build, serve, gh-deploy)."""
    search_slots: tuple[list[str], list[Entry | None]] = ([], [])
    """Each indexed page's key in the entry cache, and its entry when the cache had it."""
    entry_cache: EntryCache | None = None
    memo: Memo | None = None
    """Under `mkdocs serve`: the data files and models kept between rebuilds."""
    pages: PageCache | None = None
    """Under `mkdocs serve`: the generated pages' HTML kept between rebuilds."""
    templates: MemoryBytecodeCache | None = None
    search_entries: SearchEntries | None = None
    """Under `mkdocs serve`: Material's search entries of the hand-written pages."""
    nav: Navigation | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Having this event keeps the plugin, and what it holds, from one build of
        `mkdocs serve` to the next (serve.py)."""
        self.command = command
        self.entry_cache = EntryCache()
        if command == "serve":
            self.memo, self.pages, self.templates = Memo(), PageCache(), MemoryBytecodeCache()
            self.search_entries = SearchEntries()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
        assert self.site is not None
        watch_what_the_site_reads(server, config, self.site.root / "data")
        return server

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError(
                "本站的链接按目录式网址生成：mkdocs.yml 须保留 use_directory_urls: true"
            )
        if not config.theme.custom_dir:  # the theme override ships with the package
            config.theme.dirs.insert(0, str(TEMPLATES / "theme"))
            config.watch.append(str(TEMPLATES))
        root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        try:
            today = build_date()
        except ValueError as exc:
            raise PluginError(f"VOLUNTEERS_TODAY 应为日期（如 2012-07-10）：{exc}") from None
        try:
            self.site = load_site(root, today, cache_dir=cache_dir(root), memo=self.memo)
        except DataErrors as exc:
            raise PluginError(f"数据校验未通过，共 {len(exc.errors)} 处错误：\n{exc}") from None
        teach(segmenter_words(self.site))
        gcpause.set_aside()  # until the build ends (_bring_back)
        self._set_address(config)
        return config

    def _set_address(self, config: MkDocsConfig) -> None:
        """The site's address is data/campaign.yml's site_url, handed to MkDocs (sitemap,
        canonical links); mkdocs.yml must not name another (`serve` puts its own there)."""
        assert self.site is not None
        address = self.site.campaign.site_url
        named = (config.site_url or "").rstrip("/")
        if self.command != "serve" and named and named != (address or "").rstrip("/"):
            raise PluginError(
                "网站地址只在 data/campaign.yml 的 site_url 中填写一次："
                f"请删去 mkdocs.yml 的 site_url（{config.site_url}）"
            )
        if address:
            config.site_url = address
            return
        LOG.info(
            "警告：未设置网站地址（data/campaign.yml 的 site_url）：站点地图和订阅没有绝对地址，"
            "页面没有分享标签，打印的表格不印网址"
            + ("" if self.site.campaign.signup_url else "和二维码")
            + "。"
        )

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        try:
            self.generated = generate_site(
                self.site, cache_dir(self.site.root), config.site_url or "", apart=True
            )
        except PdfError as exc:
            raise PluginError(f"表格 PDF 生成失败：{exc}") from None
        for path, content in self.generated.files.items():
            files.append(File.generated(config, path, content=content))
        self.urls = {}
        for path in self.generated.html:
            file = File.generated(config, path, content="")  # the body comes in on_page_context
            files.append(file)
            self.urls[path] = file.url
        self.search = None
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        if self.pages is not None:
            self.pages.start(config, files, nav, self.generated.html)
        if self.search_entries is not None and (search := _search_plugin(config)) is not None:
            self.search_entries.install(search.search_index)
        return nav

    def on_page_markdown(
        self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.site is not None
        written = self.generated.html.get(page.file.src_uri)
        if written is not None:
            # Indexed by us (on_page_context), so Material's search must skip it.
            page.meta = {**(written.meta or {}), "search": {"exclude": True}}
            _skip_markdown(page)
            if self.pages is not None and self.nav is not None:
                body = self.generated.bodies()[page.file.src_uri]
                self.pages.consider(page, self.nav, dict(page.meta), body)
            return ""
        try:
            return fill_markers(markdown, self.site, page.file.src_uri)
        except DataErrors as exc:
            raise PluginError(str(exc)) from None

    def on_env(
        self, env: jinja2.Environment, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        blocks: dict[tuple[object, ...], str] = {}
        headers = TitledBlocks()
        sharing = os.environ.get(SHARING, "1") != "0"

        def shared(
            block: str,
            page: MkPage | None,
            nav: Navigation | None,
            base_url: str,
            render: Callable[[], str],
        ) -> str:
            """A theme block, rendered once for all the pages it is the same for."""
            key = shared_key(block, page, nav, base_url) if sharing else None
            if key is None:
                return render()
            if block == "header":
                return headers.render(key, page, render)
            if key not in blocks:
                blocks[key] = render()
            return blocks[key]

        extra: dict[str, Any] = dict(config.extra or {})
        plain = set(config.plugins) <= PLUGINS and not extra.get("analytics")
        bodies = ContentBlocks() if plain and sharing else None  # else a partial may print more

        def content(page: MkPage | None, render: Callable[[], str]) -> str:
            """Material's content partial, around the page's body (contentblock.py)."""
            return bodies.render(page, render) if bodies and page is not None else render()

        gcpause.set_aside()  # now with the pages and files made since on_config
        if self.templates is not None:
            self.templates.install(env)
        env.globals["volunteers_shared"] = shared
        env.globals["volunteers_content"] = content
        if sharing:  # else the theme's own macros (language.html)
            env.globals["volunteers_texts"] = theme_texts(env)
        env.globals["volunteers_urls"] = urls  # the theme names the feed through it
        assert self.site is not None
        env.globals["volunteers_campaign"] = self.site.campaign  # share tags, ICP footer
        return env

    @event_priority(100)  # the body in place before any other plugin sees the page
    def on_page_context(
        self, context: TemplateContext, page: MkPage, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if page.file.src_uri in self.generated.html:
            bodies = self.generated.bodies()
            if self.search is None:
                self.search = self._start_search(config, bodies)
            page.content = bodies[page.file.src_uri]
            if self.pages is not None:
                self.pages.context(page, context)  # type: ignore[arg-type]
        return context

    def on_post_page(self, output: str, page: MkPage, config: MkDocsConfig) -> str:
        if self.pages is not None and page.file.src_uri in self.generated.html:
            self.pages.keep(page, output)
        return output

    def _start_search(
        self, config: MkDocsConfig, bodies: dict[str, str]
    ) -> Background | Done | None:
        assert self.site is not None
        indexed = [
            (self.urls[path], str(meta["title"]), bodies[path], bool(meta.get("example")))
            for path, page in self.generated.html.items()
            if not ((meta := page.meta or {}).get("search") or {}).get("exclude")
        ]
        if _search_plugin(config) is None or not indexed:
            return None
        words = segmenter_words(self.site)
        if self.entry_cache is None:  # a build not started through MkDocs' commands
            self.entry_cache = EntryCache()
        self.entry_cache.load(cache_dir(self.site.root))
        keys, slots, todo = self.entry_cache.split(indexed, words)
        self.search_slots = (keys, slots)
        if len(todo) <= SEGMENT_APART_ABOVE:  # a second process would take longer to start
            return Done(entries(todo))
        return Background(entries_apart, todo, words)

    @event_priority(50)  # before Material's search plugin writes its index
    def _add_search_entries(self, config: MkDocsConfig) -> None:
        if self.search is not None:
            search = _search_plugin(config)
            assert search is not None
            assert self.site is not None and self.entry_cache is not None
            keys, slots = self.search_slots
            found = self.entry_cache.merge(
                keys, slots, self.search.result(), cache_dir(self.site.root)
            )
            search.search_index.entries.extend(found)
            self.search = None

    @event_priority(-50)  # after Material's search plugin wrote its index
    def _compact_search_index(self, config: MkDocsConfig) -> None:
        """Material writes the index with every Chinese character as a \\uXXXX escape (six
        bytes instead of three); phones download it on their first page. Same JSON, UTF-8."""
        path = Path(config.site_dir) / "search" / "search_index.json"
        if path.is_file():
            data = json.loads(path.read_bytes())
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            path.write_text(text, encoding="utf-8")

    @event_priority(-100)  # after every file, the search index included, is written
    def _privacy_guard(self, config: MkDocsConfig) -> None:
        """The privacy guard: nothing that looks like a full ID number or a personal mobile
        leaves the build. Offending files are removed, so they cannot be uploaded by mistake."""
        site_dir = Path(config.site_dir)
        assert self.site is not None
        findings = scan_site(site_dir, cache_dir(self.site.root))
        if not findings:
            return
        for path in {f.path for f in findings}:
            (site_dir / path.split("/", 1)[1]).unlink(missing_ok=True)
        listing = "\n".join(str(f) for f in findings)
        raise PluginError(
            f"隐私检查未通过：以下文件含有完整的身份证号或个人手机号，已删除，构建失败。\n{listing}"
        )

    @event_priority(-90)
    def _forget_pages(self, config: MkDocsConfig) -> None:
        if self.pages is not None:
            self.pages.finish()
        if self.search_entries is not None:
            self.search_entries.finish()

    @event_priority(-110)  # the last
    def _bring_back(self, config: MkDocsConfig) -> None:
        gcpause.bring_back()

    on_post_build = CombinedEvent(
        _add_search_entries, _compact_search_index, _forget_pages, _privacy_guard, _bring_back
    )

    def on_build_error(self, *, error: Exception) -> None:
        gcpause.bring_back()


def _skip_markdown(page: MkPage) -> None:
    """What MkDocs' render makes of the empty Markdown of a page written in HTML, without the
    Markdown instance MkDocs builds for every page (most of its cost per page: 5,832 pages)."""

    def render(config: MkDocsConfig, files: Files) -> None:
        page.content = ""
        page.toc = get_toc([])
        page.present_anchor_ids = set()
        page.links_to_anchors = {}

    page.render = render  # type: ignore[method-assign]


PER_DEPTH = frozenset({"styles", "libs", "fonts", "analytics", "scripts", "footer"})
"""Theme blocks made of the configuration and links to the assets only (the footer too, on a
page with no page before or after it in the nav): the same for every page at one depth."""


def shared_key(
    block: str, page: MkPage | None, nav: Navigation | None, base_url: str
) -> tuple[object, ...] | None:
    """What a block of the theme depends on, when it is the same for many pages; None when the
    block must be rendered for this page. The search dialog is the same on every page; the
    script configuration depends on the page's depth (base_url) only, and so do the style
    sheets, scripts and footer (PER_DEPTH). The sidebars (navigation, table of contents) of a page outside the nav,
    with no table of contents, are the same for all such pages at the same depth: no nav item
    is active and there is no toc (the thousands of project pages and listings)."""
    if block == "config":
        return (block, base_url)
    if block == "search":  # the search dialog: the theme's words and icons only
        return (block,)
    if block == "header" and page is not None:  # the page's title spliced in (titledblock.py)
        return (block, base_url, page.url.split("/", 1)[0], bool((page.meta or {}).get("title")))
    if block in PER_DEPTH and page is not None:
        # Links to the assets, relative to the page: the same for all pages at one depth
        # whose address does not start in a folder of the assets (`url` shortens those).
        top = page.url.split("/", 1)[0]
        if block == "footer" and (page.previous_page or page.next_page):
            return None  # the footer's links to the pages before and after
        return (block, base_url, top)
    if block != "site_nav" or page is None or nav is None or page.toc or page in nav.pages:
        return None
    return (block, base_url, tuple((page.meta or {}).get("hide") or ()))


def _search_plugin(config: MkDocsConfig) -> Any:
    """Material's search plugin, if the site has search (it keeps its index in `search_index`)."""
    return next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
