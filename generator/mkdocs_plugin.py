"""The thin MkDocs adapter: runs the generator pipeline and hands its pages to MkDocs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from .errors import DataErrors
from .pdf import PdfError
from .pipeline import HtmlPage, build_date, cache_dir, fill_markers, generate_site
from .privacy import scan_site
from .search import entries, plain_text, segmenter_words, teach
from .validate import SiteData, load_site
from .worker import Background


class VolunteersConfig(base.Config):
    root = c.Optional(c.Dir(exists=True))
    """The project root holding data/ (default: the folder of mkdocs.yml)."""


class VolunteersPlugin(BasePlugin[VolunteersConfig]):
    site: SiteData | None = None
    html: dict[str, HtmlPage]
    """Pages the generator wrote in HTML, by docs path: MkDocs runs no Markdown over them."""
    search: Background | None = None
    """Their search entries, segmented in a second process while MkDocs renders pages."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError(
                "本站的链接按目录式网址生成：mkdocs.yml 须保留 use_directory_urls: true"
            )
        root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        try:
            self.site = load_site(root, build_date(), cache_dir=cache_dir(root))
        except ValueError as exc:
            raise PluginError(f"VOLUNTEERS_TODAY 应为日期（如 2012-07-10）：{exc}") from None
        except DataErrors as exc:
            raise PluginError(f"数据校验未通过，共 {len(exc.errors)} 处错误：\n{exc}") from None
        teach(segmenter_words(self.site))
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        try:
            generated = generate_site(self.site, cache_dir(self.site.root), config.site_url or "")
        except PdfError as exc:
            raise PluginError(f"表格 PDF 生成失败：{exc}") from None
        for path, content in generated.files.items():
            files.append(File.generated(config, path, content=content))
        self.html = generated.html
        indexed = []
        for path, page in generated.html.items():
            file = File.generated(config, path, content="")
            files.append(file)
            if not (page.meta.get("search") or {}).get("exclude"):
                indexed.append((file.url, str(page.meta["title"]), plain_text(page.body)))
        search = _search_plugin(config)
        self.search = (
            Background(entries, indexed, segmenter_words(self.site))
            if search is not None and indexed
            else None
        )
        return files

    def on_page_markdown(
        self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.site is not None
        written = self.html.get(page.file.src_uri)
        if written is not None:
            # Indexed by us (on_files), so Material's search must skip it.
            page.meta = {**written.meta, "search": {"exclude": True}}
            return ""
        try:
            return fill_markers(markdown, self.site, page.file.src_uri)
        except DataErrors as exc:
            raise PluginError(str(exc)) from None

    def on_page_content(self, html: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        written = self.html.get(page.file.src_uri)
        return html if written is None else written.body

    @event_priority(50)  # before Material's search plugin writes its index
    def _add_search_entries(self, config: MkDocsConfig) -> None:
        if self.search is not None:
            search = _search_plugin(config)
            assert search is not None
            search.search_index.entries.extend(self.search.result())
            self.search = None

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

    on_post_build = CombinedEvent(_add_search_entries, _privacy_guard)


def _search_plugin(config: MkDocsConfig) -> Any:
    """Material's search plugin, if the site has search (it keeps its index in `search_index`)."""
    return next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
