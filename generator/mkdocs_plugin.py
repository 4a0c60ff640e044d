"""The thin MkDocs adapter: runs the generator pipeline and hands its pages to MkDocs."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from .downloads import build_downloads, download_index
from .errors import DataErrors
from .opendata import build_open_data
from .pages import SNIPPETS, Page, build_pages, render_snippet
from .photos import build_photos
from .privacy import scan_site
from .validate import SiteData, load_site

MARKER = re.compile(r"<!--\s*volunteers:([a-z-]+)\s*-->")


class VolunteersConfig(base.Config):
    root = c.Optional(c.Dir(exists=True))
    """The project root holding data/ (default: the folder of mkdocs.yml)."""


class VolunteersPlugin(BasePlugin[VolunteersConfig]):
    site: SiteData | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        today = os.environ.get("VOLUNTEERS_TODAY")  # tests and previews of a past or future date
        try:
            self.site = load_site(
                root, date.fromisoformat(today) if today else None, cache_dir=_cache_dir(root)
            )
        except DataErrors as exc:
            raise PluginError(f"数据校验未通过，共 {len(exc.errors)} 处错误：\n{exc}") from None
        _teach_segmenter(self.site)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for page in build_pages(self.site):
            files.append(File.generated(config, page.uri, content=page.text(self.site)))
        downloads = build_downloads(self.site, _cache_dir(self.site.root) / "pdf")
        page = Page(
            "downloads.md",
            "pages/downloads.md.j2",
            {"downloads": download_index(self.site, downloads)},
        )
        files.append(File.generated(config, page.uri, content=page.text(self.site)))
        generated = {
            **downloads,
            **build_open_data(self.site, config.site_url or ""),
            **build_photos(self.site),
        }
        for path, content in generated.items():
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(
        self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        site = self.site
        assert site is not None

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in SNIPPETS:
                raise PluginError(
                    f"{page.file.src_uri}: 未知的数据占位符 “{name}”（可选：{'、'.join(SNIPPETS)}）"
                )
            return render_snippet(name, site, page.file.src_uri)

        return MARKER.sub(fill, markdown)

    def on_post_build(self, config: MkDocsConfig) -> None:
        """The privacy guard: nothing that looks like a full ID number or a personal mobile
        leaves the build. Offending files are removed, so they cannot be uploaded by mistake."""
        site_dir = Path(config.site_dir)
        assert self.site is not None
        findings = scan_site(site_dir, _cache_dir(self.site.root))
        if not findings:
            return
        for path in {f.path for f in findings}:
            (site_dir / path.split("/", 1)[1]).unlink(missing_ok=True)
        listing = "\n".join(str(f) for f in findings)
        raise PluginError(
            f"隐私检查未通过：以下文件含有完整的身份证号或个人手机号，已删除，构建失败。\n{listing}"
        )


def _cache_dir(root: Path) -> Path:
    """Rendered PDFs are kept by the hash of their inputs; VOLUNTEERS_CACHE moves the cache."""
    return Path(os.environ.get("VOLUNTEERS_CACHE") or root / ".cache")


def _teach_segmenter(site: SiteData) -> None:
    """Search segments Chinese with jieba; teach it our proper names so 中山 finds 中山区总工会
    (jieba alone cuts it 中/山区)."""
    import jieba

    names = [n for u in site.unions.values() for n in (u.name, u.current_name)]
    words = {u.short_name for u in site.unions.values()}
    words |= {n.removesuffix("总工会").removesuffix("工会") for n in names}
    words |= {c.name.strip("“”") for c in site.categories.values()}
    for word in sorted(words):
        jieba.add_word(word)
