"""`volunteers publish`: the built site to an S3-compatible object store (OSS, COS, MinIO…)."""

from __future__ import annotations

from pathlib import Path

import click

from .errors import Failed

LISTED = 200
"""Files a dry run names, at most."""


def size_text(count: int) -> str:
    """Bytes in the unit people read: 512 B, 3.4 KB, 12.5 MB."""
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


@click.command()
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="构建好的网站目录（make build 的输出）。",
)
@click.option(
    "--to",
    "to",
    required=True,
    metavar="s3://BUCKET[/PREFIX]",
    help="目标存储桶，可带前缀（子目录），如 s3://dalian-volunteers 或 s3://bucket/site。",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="S3 兼容接口地址，如 https://oss-cn-hangzhou.aliyuncs.com、"
    "https://cos.ap-beijing.myqcloud.com（默认取 AWS_ENDPOINT_URL）。",
)
@click.option("--delete", is_flag=True, help="删除存储桶中网站已没有的文件（只限该前缀下）。")
@click.option("--dry-run", is_flag=True, help="只列出将上传和删除的文件数，不做任何改动。")
def publish(site_dir: Path, to: str, endpoint: str | None, delete: bool, dry_run: bool) -> None:
    """把构建好的网站上传到 S3 兼容的对象存储（阿里云 OSS、腾讯云 COS、MinIO 等）。

    只上传有变化的文件（按 MD5 比较），并为每个文件设置正确的类型和缓存时间。访问密钥只从环境变量
    AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY（或 AWS_PROFILE 指定的配置）读取。"""
    from generator.staff.publish import PublishError, connect, execute, prepare

    try:
        target = connect(to, endpoint)
        work = prepare(site_dir, target, delete)
        if dry_run or not work.upload:
            summary = execute(target, work, dry_run)
        else:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

            columns = ("上传", BarColumn(), DownloadColumn(), TimeRemainingColumn())
            console = Console(stderr=True)
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task("上传", total=work.upload_bytes)
                summary = execute(target, work, dry_run, lambda n: progress.advance(task, n))
    except PublishError as exc:
        raise Failed(str(exc)) from None
    where = f"s3://{target.bucket}/{target.prefix}"
    if summary.dry_run:
        click.echo(
            f"演练（未做任何改动）：{where} 将上传 {summary.uploaded} 个文件"
            f"（{size_text(summary.uploaded_bytes)}），{summary.unchanged} 个未变，"
            f"将删除 {summary.deleted} 个。"
        )
        lines = [f"  上传 {f.path}" for f in work.upload] + [f"  删除 {k}" for k in work.delete]
        for line in lines[:LISTED]:
            click.echo(line)
        if len(lines) > LISTED:
            click.echo(f"  ……另有 {len(lines) - LISTED} 项")
        return
    click.echo(
        f"已发布到 {where}：上传 {summary.uploaded} 个文件（{size_text(summary.uploaded_bytes)}），"
        f"{summary.unchanged} 个未变，删除 {summary.deleted} 个。"
    )
