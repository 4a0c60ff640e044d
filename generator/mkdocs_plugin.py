"""The thin MkDocs adapter: runs the generator pipeline and hands its pages to MkDocs."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from .errors import DataErrors
from .pdf import PdfError
from .pipeline import build_date, cache_dir, fill_markers, site_files
from .privacy import scan_site
from .validate import SiteData, load_site


class VolunteersConfig(base.Config):
    root = c.Optional(c.Dir(exists=True))
    """The project root holding data/ (default: the folder of mkdocs.yml)."""


class VolunteersPlugin(BasePlugin[VolunteersConfig]):
    site: SiteData | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        try:
            self.site = load_site(root, build_date(), cache_dir=cache_dir(root))
        except ValueError as exc:
            raise PluginError(f"VOLUNTEERS_TODAY 应为日期（如 2012-07-10）：{exc}") from None
        except DataErrors as exc:
            raise PluginError(f"数据校验未通过，共 {len(exc.errors)} 处错误：\n{exc}") from None
        _teach_segmenter(self.site)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        try:
            generated = site_files(self.site, cache_dir(self.site.root), config.site_url or "")
        except PdfError as exc:
            raise PluginError(f"表格 PDF 生成失败：{exc}") from None
        for path, content in generated.items():
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(
        self, markdown: str, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.site is not None
        try:
            return fill_markers(markdown, self.site, page.file.src_uri)
        except DataErrors as exc:
            raise PluginError(str(exc)) from None

    def on_post_build(self, config: MkDocsConfig) -> None:
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
