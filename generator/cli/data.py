"""`volunteers check`, `scan`, `generate` and `stats`: the project's data and what is built."""

from __future__ import annotations

from pathlib import Path

import click

from generator.core import faults, outputs
from generator.core.errors import DataErrors
from generator.core.validate import load_site

from .errors import DataFailed, Failed, loaded
from .options import out_option, root_option


@click.command()
@root_option
def check(root: Path) -> None:
    """校验 data/ 下的全部数据文件；有错误时逐条列出并以状态 1 退出。"""
    try:
        site = load_site(root.resolve(), scan=True)
    except DataErrors as exc:
        raise DataFailed(exc.errors, f"共 {len(exc.errors)} 处错误。") from None
    for warning in site.warnings:
        click.echo(f"提示：{warning}", err=True)
    click.echo(
        f"数据校验通过：{len(site.unions)} 个工会，名额合计 {site.quotas.total}，"
        f"{len(site.projects)} 个服务项目，{len(site.recognitions)} 项表彰。"
    )


@click.command()
@root_option
def stats(root: Path) -> None:
    """各工会名额、已批准、待审核、完成率、“一助一”结对覆盖率和志愿服务人次、时长。"""
    from generator.staff.stats import render_stats

    render_stats(loaded(root))


@click.command()
@out_option(
    "输出目录：完整的 Markdown 文档目录（手写页面已填入数据，另含全部生成的页面和文件）；"
    "不能在 data/、content/、site_templates/ 之内。"
)
@root_option
@click.option(
    "--for",
    "tool",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="zensical：--out 写成 Zensical 项目目录（docs/ 与 mkdocs.yml），用 zensical build 构建。",
)
def generate(out: Path, root: Path, tool: str) -> None:
    """不经 MkDocs 生成网站的全部页面和文件（供其他静态网站工具使用）。"""
    from generator.site.pipeline import build_date, cache_dir
    from generator.site.pipeline import generate as write_all
    from generator.site.zensical import source_relative, write_assets, zensical_config

    root = root.resolve()
    refused = outputs.refusal("--out", out, root, directory=True)
    if refused:
        raise Failed(refused)
    faults.scratch(cache_dir(root))
    try:
        site = load_site(root, build_date(), cache_dir=cache_dir(root))
        with faults.partial(out):
            docs = out / "docs" if tool == "zensical" else out
            written = write_all(site, root / "content", docs, cache_dir(root))
            if tool == "zensical":
                for file in written:
                    if file.suffix == ".md":
                        uri = file.relative_to(docs).as_posix()
                        text = file.read_text(encoding="utf-8")
                        file.write_text(source_relative(text, uri), encoding="utf-8")
                written += write_assets(docs)
                (out / "mkdocs.yml").write_text(
                    zensical_config(root / "mkdocs.yml"), encoding="utf-8"
                )
    except DataErrors as exc:
        raise DataFailed(exc.errors) from None
    click.echo(f"已生成 {len(written)} 个文件：{out}")
    if tool == "zensical":
        click.echo(f"下一步：cd {out} && zensical build，然后 volunteers scan {out / 'site'}")


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def scan(folder: Path) -> None:
    """用网站构建时的隐私检查扫描任意目录（网页、JSON、XML、PDF、XLSX、图片元数据）：
    发现完整的身份证号或个人手机号时列出文件（号码只显示脱敏形式）并以状态 1 退出。"""
    from generator.site.privacy import scan_site

    try:
        findings = scan_site(folder)
    except OSError as exc:
        raise Failed(f"无法读取 {exc.filename or folder}：{exc.strerror or exc}") from None
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        files = len({f.path for f in findings})
        raise Failed(f"隐私检查未通过：{files} 个文件含有完整的身份证号或个人手机号（见上）。")
    click.echo(f"隐私检查通过：{folder} 中未发现完整的身份证号或个人手机号。")
