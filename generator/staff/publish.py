"""Publishing the built site to an S3-compatible object store (Aliyun OSS, Tencent COS, MinIO, …)
with boto3: only what changed is uploaded, in parallel, each file with its type and cache
header; with `delete`, objects the site no longer has are removed. Credentials come from the
standard environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or a profile
(AWS_PROFILE), never from the repository."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore import exceptions as boto
from botocore.config import Config

from .siteplan import (
    PART_SIZE,
    LocalFile,
    Plan,
    Remote,
    local_files,
    parse_target,
    plan,
    site_files,
)

WORKERS = 8
"""Uploads (and hashing) at once: enough to hide the round trips, few enough for a small uplink."""

HASH_BATCH = 200
"""Files hashed by one task of the pool (the site's pages are small: a task each would cost more
in the pool's bookkeeping than in hashing)."""

LIST_RANGE = 1000
"""Objects listed by one chain of requests; ranges are listed side by side."""

ATTEMPTS = 5
"""Tries of each request (botocore's standard mode: exponential back-off with jitter)."""

VIRTUAL_HOSTS = ("aliyuncs.com", "myqcloud.com", "amazonaws.com")
"""Services that address a bucket as a host name (OSS refuses path-style requests); others
(MinIO, a loopback test server) get path-style requests."""


class PublishError(Exception):
    """Publishing failed: the message is one Chinese line for the person running it."""


@dataclass
class Target:
    client: Any
    bucket: str
    prefix: str
    endpoint: str


@dataclass
class Summary:
    uploaded: int
    unchanged: int
    deleted: int
    uploaded_bytes: int
    dry_run: bool


def connect(to: str, endpoint: str | None) -> Target:
    """A boto3 client for `s3://BUCKET[/PREFIX]` at `endpoint` (default: AWS_ENDPOINT_URL or
    the AWS endpoint of the profile's region)."""
    try:
        bucket, prefix = parse_target(to)
    except ValueError:
        raise PublishError(
            f"--to 应为 s3://存储桶名[/前缀]（存储桶名为小写字母、数字、点和连字符），实际为 “{to}”"
        ) from None
    endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL") or None
    if endpoint is not None:
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PublishError(
                f"--endpoint 应为网址，如 https://oss-cn-hangzhou.aliyuncs.com，实际为 “{endpoint}”"
            )
        host = parts.hostname
    else:
        host = "amazonaws.com"
    style = "virtual" if host.endswith(VIRTUAL_HOSTS) else "path"
    config = Config(
        retries={"max_attempts": ATTEMPTS, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
        max_pool_connections=WORKERS * 2,
        s3={"addressing_style": style},
        # OSS and COS do not take the CRC32 trailers newer botocore sends by default.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    with translated(bucket, endpoint or "AWS"):
        core = botocore.session.get_session()
        # Listings carry a LastModified per object that nothing here reads; botocore parses each
        # with dateutil (about half of a listing's time): this session's parser leaves them as text.
        core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=str)
        session = boto3.session.Session(botocore_session=core)
        region = session.region_name or "us-east-1"
        client = session.client("s3", endpoint_url=endpoint, region_name=region, config=config)
    return Target(client, bucket, prefix, endpoint or "AWS")


def remote_objects(target: Target, keys: list[str]) -> dict[str, Remote]:
    """Every object under the prefix, with its ETag and size. A listing is a chain of requests
    (1,000 objects each); it is cut into ranges between the site's own keys, listed side by
    side, so that the store answers one range while this end reads another."""
    ordered = sorted(keys)
    bounds = ordered[LIST_RANGE - 1 :: LIST_RANGE][: len(ordered) // LIST_RANGE]
    starts: list[str | None] = [None, *bounds]
    ends: list[str | None] = [*bounds, None]
    with ThreadPoolExecutor(WORKERS) as pool:
        parts = pool.map(lambda r: _list_range(target, *r), zip(starts, ends, strict=True))
        return {key: remote for part in parts for key, remote in part}


def _list_range(target: Target, after: str | None, upto: str | None) -> list[tuple[str, Remote]]:
    """The objects after `after` up to `upto` included (None: from the start, to the end)."""
    found: list[tuple[str, Remote]] = []
    args: dict[str, Any] = {
        "Bucket": target.bucket,
        "Prefix": target.prefix,
        "MaxKeys": LIST_RANGE + 16,  # the range and a few objects the site no longer has
    }
    if after is not None:
        args["StartAfter"] = after
    while True:
        page = target.client.list_objects_v2(**args)
        for item in page.get("Contents", []):
            if upto is not None and item["Key"] > upto:
                return found
            found.append((item["Key"], Remote(item["ETag"], item["Size"])))
        if not page.get("IsTruncated"):
            return found
        args["ContinuationToken"] = page["NextContinuationToken"]


def prepare(site_dir: Path, target: Target, delete: bool) -> Plan:
    """Hash the site (in parallel) and list the bucket: what to upload, keep and delete."""
    if not site_dir.is_dir():
        raise PublishError(f"网站目录 {site_dir} 不存在：请先构建网站（make build）")
    paths = site_files(site_dir)
    if not paths:
        raise PublishError(f"网站目录 {site_dir} 是空的：请先构建网站（make build）")
    batches = [paths[start : start + HASH_BATCH] for start in range(0, len(paths), HASH_BATCH)]
    with ThreadPoolExecutor(WORKERS) as pool:
        hashed = pool.map(lambda batch: local_files(site_dir, batch), batches)
        with translated(target.bucket, target.endpoint):
            remote = remote_objects(target, [target.prefix + path for path in paths])
        local = [file for batch in hashed for file in batch]
    result = plan(local, remote, target.prefix, delete)
    if result.uncertain:
        with translated(target.bucket, target.endpoint), ThreadPoolExecutor(WORKERS) as pool:
            same = list(pool.map(lambda f: _stored_md5(target, f) == f.md5, result.uncertain))
        for file, unchanged in zip(result.uncertain, same, strict=True):
            (result.unchanged if unchanged else result.upload).append(file)
        result.uncertain = []
    return result


def execute(
    target: Target, work: Plan, dry_run: bool, advance: Callable[[int], None] | None = None
) -> Summary:
    """Upload what changed and delete what is gone (nothing with `dry_run`); `advance` is told
    the bytes sent as they go."""
    if not dry_run:
        with translated(target.bucket, target.endpoint), ThreadPoolExecutor(WORKERS) as pool:
            for _ in pool.map(lambda f: _upload(target, f, advance), work.upload):
                pass
            _delete(target, work.delete)
    return Summary(
        uploaded=len(work.upload),
        unchanged=len(work.unchanged),
        deleted=len(work.delete),
        uploaded_bytes=work.upload_bytes,
        dry_run=dry_run,
    )


def _upload(target: Target, file: LocalFile, advance: Callable[[int], None] | None) -> None:
    extra = {
        "ContentType": file.content_type,
        "CacheControl": file.cache_control,
        "Metadata": {"md5": file.md5},
    }
    if file.size > PART_SIZE:
        transfer = TransferConfig(
            multipart_threshold=PART_SIZE + 1, multipart_chunksize=PART_SIZE, use_threads=False
        )
        target.client.upload_file(
            file.source,
            target.bucket,
            target.prefix + file.path,
            ExtraArgs=extra,
            Config=transfer,
            Callback=advance,
        )
        return
    with open(file.source, "rb") as source:
        body = source.read()
    target.client.put_object(
        Bucket=target.bucket,
        Key=target.prefix + file.path,
        Body=body,
        ContentMD5=base64.b64encode(bytes.fromhex(file.md5)).decode(),
        **extra,
    )
    if advance is not None:
        advance(len(body))


def _delete(target: Target, keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        answer = target.client.delete_objects(
            Bucket=target.bucket, Delete={"Objects": batch, "Quiet": True}
        )
        errors = answer.get("Errors") or []
        if errors:
            first = errors[0]
            raise PublishError(
                f"删除 {len(errors)} 个对象失败（如 {first.get('Key')}：{first.get('Code')} "
                f"{first.get('Message', '')}）"
            )


def _stored_md5(target: Target, file: LocalFile) -> str | None:
    head = target.client.head_object(Bucket=target.bucket, Key=target.prefix + file.path)
    md5: str | None = (head.get("Metadata") or {}).get("md5")
    return md5


@contextmanager
def translated(bucket: str, endpoint: str) -> Iterator[None]:
    """botocore's failures as one Chinese line (after its retries with back-off)."""
    try:
        yield
    except (boto.NoCredentialsError, boto.PartialCredentialsError):
        raise PublishError(
            "没有对象存储的访问密钥：请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY"
            "（或用 AWS_PROFILE 指定配置），不要写进仓库"
        ) from None
    except boto.ProfileNotFound as exc:
        raise PublishError(
            f"找不到访问密钥配置 {exc.kwargs.get('profile')}（AWS_PROFILE）"
        ) from None
    except (boto.EndpointConnectionError, boto.ConnectTimeoutError) as exc:
        raise PublishError(
            f"无法连接对象存储服务 {endpoint}（已重试 {ATTEMPTS} 次）：请检查 --endpoint 和网络"
            f"（{type(exc).__name__}）"
        ) from None
    except (boto.ReadTimeoutError, boto.ConnectionClosedError) as exc:
        raise PublishError(
            f"对象存储服务 {endpoint} 连接中断（已重试 {ATTEMPTS} 次）：{type(exc).__name__}，"
            "重新运行即可（只会上传未完成的文件）"
        ) from None
    except boto.ClientError as exc:
        raise PublishError(_client_error(exc, bucket, endpoint)) from None
    except S3UploadFailedError as exc:
        raise PublishError(f"上传失败：{exc}；重新运行即可（只会上传未完成的文件）") from None
    except boto.BotoCoreError as exc:
        raise PublishError(f"对象存储操作失败（{endpoint}）：{exc}") from None


def _client_error(exc: boto.ClientError, bucket: str, endpoint: str) -> str:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    if code in {"NoSuchBucket", "404"}:
        return (
            f"存储桶 “{bucket}” 不存在（{endpoint}）：请先在控制台创建，或检查 --to 和 --endpoint"
        )
    if code in {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403"}:
        return (
            f"对象存储拒绝访问存储桶 “{bucket}”（{code}）：请检查访问密钥是否正确、"
            "是否有该存储桶的读写权限"
        )
    message = error.get("Message") or ""
    return f"对象存储返回错误（{endpoint}，存储桶 “{bucket}”）：{code} {message}".strip()
