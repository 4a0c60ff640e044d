"""`volunteers publish` against a real S3-compatible server on 127.0.0.1 (moto's server mode):
the real command in a subprocess, the real built site, the bucket read back with boto3."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from generator.staff.siteplan import PART_SIZE, hash_file, parse_target
from tests.s3_server import CREDENTIALS, client, free_port, s3_server

VOLUNTEERS = Path(sys.executable).parent / "volunteers"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with s3_server() as url:
        yield url


@pytest.fixture
def bucket(endpoint: str, request: pytest.FixtureRequest) -> str:
    name = "site-" + hashlib.md5(request.node.name.encode()).hexdigest()[:12]
    client(endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def site(built_site: Path, tmp_path: Path) -> Path:
    """A copy of the real built site, free to change."""
    return Path(shutil.copytree(built_site, tmp_path / "site"))


def publish(
    *args: str, env: dict[str, str] | None = None, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    if home is not None:  # no ~/.aws of the machine's user
        base["HOME"] = str(home)
    return subprocess.run(
        [str(VOLUNTEERS), "publish", *args],
        capture_output=True,
        text=True,
        env={**base, **CREDENTIALS, **(env or {})},
        timeout=120,
        check=False,
    )


def objects(endpoint: str, bucket: str, prefix: str = "") -> dict[str, dict[str, Any]]:
    s3 = client(endpoint)
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = item
    return found


def files_of(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


EXPECTED = {
    "index.html": ("text/html; charset=utf-8", "no-cache"),
    "unions/zhongshan/index.html": ("text/html; charset=utf-8", "no-cache"),
    "feed.xml": ("application/atom+xml; charset=utf-8", "no-cache"),
    "sitemap.xml": ("application/xml; charset=utf-8", "no-cache"),
    "search/search_index.json": ("application/json; charset=utf-8", "no-cache"),
    "data/quotas.json": ("application/json; charset=utf-8", "no-cache"),
    "downloads/notice.pdf": ("application/pdf", "public, max-age=86400"),
    "downloads/roster-template.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "public, max-age=86400",
    ),
    "assets/site.css": ("text/css; charset=utf-8", "public, max-age=3600"),
}


def test_every_file_is_published_with_its_type_and_cache_header(
    site: Path, endpoint: str, bucket: str
) -> None:
    result = publish("--site", str(site), "--to", f"s3://{bucket}/www", "--endpoint", endpoint)
    assert result.returncode == 0, result.stderr
    local = files_of(site)
    total = sum(p.stat().st_size for p in local.values())
    assert f"上传 {len(local)} 个文件" in result.stdout
    assert "0 个未变，删除 0 个" in result.stdout
    assert "Traceback" not in result.stderr

    stored = objects(endpoint, bucket)
    assert set(stored) == {f"www/{path}" for path in local}
    assert sum(o["Size"] for o in stored.values()) == total
    s3 = client(endpoint)
    fingerprinted = 0
    for path, source in local.items():
        got = s3.get_object(Bucket=bucket, Key=f"www/{path}")
        assert got["Body"].read() == source.read_bytes(), path
        kind, cache = got["ContentType"], got["CacheControl"]
        if path in EXPECTED:
            assert (kind, cache) == EXPECTED[path], path
        if path.endswith((".html", ".css", ".js", ".json", ".xml")):
            assert kind.endswith("; charset=utf-8"), path
        if re.search(r"\.[0-9a-f]{8}\.min\.(js|css)$", path):
            # Material's bundles carry a hash in their name: cached for good.
            assert cache == "public, max-age=31536000, immutable", path
            fingerprinted += 1
        elif path.endswith((".js", ".css")):  # lunr.zh.min.js, our site.css: no hash
            assert cache == "public, max-age=3600", path
        if path.endswith(".html"):
            assert cache == "no-cache", path
    assert fingerprinted >= 3  # bundle.*.min.js, main.*.min.css, the search worker
    assert set(EXPECTED) <= set(local)


def test_a_second_run_uploads_nothing_and_a_change_uploads_one_file(
    site: Path, endpoint: str, bucket: str
) -> None:
    args = ("--site", str(site), "--to", f"s3://{bucket}", "--endpoint", endpoint)
    assert publish(*args).returncode == 0
    before = objects(endpoint, bucket)
    time.sleep(1.1)  # LastModified has whole seconds

    again = publish(*args)
    assert again.returncode == 0, again.stderr
    assert f"上传 0 个文件（0 B），{len(before)} 个未变" in again.stdout
    after = objects(endpoint, bucket)
    assert {k: o["LastModified"] for k, o in after.items()} == {
        k: o["LastModified"] for k, o in before.items()
    }

    page = site / "contact" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")
    changed = publish(*args)
    assert changed.returncode == 0, changed.stderr
    assert f"上传 1 个文件（{size(page)}），{len(before) - 1} 个未变" in changed.stdout
    got = client(endpoint).get_object(Bucket=bucket, Key="contact/index.html")
    assert got["Body"].read().endswith(b"<!-- changed -->")


def size(path: Path) -> str:
    from generator.cli.publish import size_text

    return size_text(path.stat().st_size)


def test_delete_removes_what_the_site_no_longer_has_and_dry_run_changes_nothing(
    site: Path, endpoint: str, bucket: str
) -> None:
    args = ("--site", str(site), "--to", f"s3://{bucket}/pre", "--endpoint", endpoint)
    assert publish(*args).returncode == 0
    s3 = client(endpoint)
    s3.put_object(Bucket=bucket, Key="outside/keep.txt", Body=b"not ours")  # outside the prefix
    (site / "downloads" / "roster-zhongshan.pdf").unlink()
    shutil.rmtree(site / "unions" / "xigang")
    before = objects(endpoint, bucket)

    without = publish(*args)  # without --delete, nothing is removed
    assert without.returncode == 0 and "删除 0 个" in without.stdout
    dry = publish(*args, "--delete", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "演练" in dry.stdout and "将删除 2 个" in dry.stdout
    assert "删除 pre/unions/xigang/index.html" in dry.stdout
    assert objects(endpoint, bucket).keys() == before.keys()

    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- new -->", encoding="utf-8")
    dry = publish(*args, "--dry-run")
    assert "将上传 1 个文件" in dry.stdout and "上传 index.html" in dry.stdout
    assert b"<!-- new -->" not in s3.get_object(Bucket=bucket, Key="pre/index.html")["Body"].read()

    done = publish(*args, "--delete")
    assert done.returncode == 0, done.stderr
    assert "上传 1 个文件" in done.stdout and "删除 2 个" in done.stdout
    after = objects(endpoint, bucket)
    assert "pre/downloads/roster-zhongshan.pdf" not in after
    assert "pre/unions/xigang/index.html" not in after
    assert "outside/keep.txt" in after
    assert set(after) == {f"pre/{p}" for p in files_of(site)} | {"outside/keep.txt"}


def test_large_files_go_in_parts_and_their_etags_are_understood(
    site: Path, endpoint: str, bucket: str
) -> None:
    """A file over 8 MB is uploaded in parts; its multipart ETag is computed locally, so a
    second run uploads nothing. One uploaded by another tool with other parts is compared by
    the MD5 the upload kept in its metadata."""
    big = site / "downloads" / "archive.pdf"
    big.write_bytes(os.urandom(PART_SIZE + 1024 * 1024))
    other = site / "downloads" / "other.pdf"
    other.write_bytes(os.urandom(PART_SIZE + 2 * 1024 * 1024))
    s3 = client(endpoint)
    _, md5, _ = hash_file(other)
    s3.upload_file(  # 5 MB parts: an ETag ending in -2 that is not ours
        str(other),
        bucket,
        "downloads/other.pdf",
        ExtraArgs={"Metadata": {"md5": md5}},
        Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 << 20),
    )
    args = ("--site", str(site), "--to", f"s3://{bucket}", "--endpoint", endpoint)
    first = publish(*args)
    assert first.returncode == 0, first.stderr
    local = files_of(site)
    assert f"上传 {len(local) - 1} 个文件" in first.stdout  # other.pdf had the same MD5
    etag = s3.head_object(Bucket=bucket, Key="downloads/archive.pdf")["ETag"].strip('"')
    assert etag.endswith("-2") and etag == hash_file(big)[2]
    second = publish(*args)
    assert f"上传 0 个文件（0 B），{len(local)} 个未变" in second.stdout


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no-credentials", "没有对象存储的访问密钥"),
        ("no-bucket", "存储桶 “no-such-bucket” 不存在"),
        ("bad-endpoint", "无法连接对象存储服务 http://127.0.0.1:"),
        ("not-a-url", "--endpoint 应为网址"),
        ("bad-target", "--to 应为 s3://存储桶名[/前缀]"),
        ("no-site", "网站目录"),
    ],
)
def test_failures_end_in_one_chinese_line(
    case: str, expected: str, site: Path, endpoint: str, tmp_path: Path
) -> None:
    to, where, env, folder = "s3://no-such-bucket", endpoint, {}, str(site)
    if case == "no-credentials":
        env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
        to = "s3://anything"
    elif case == "bad-endpoint":
        where = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    elif case == "not-a-url":
        where = "oss-cn-hangzhou.aliyuncs.com"
    elif case == "bad-target":
        to = "oss://Bucket_Name"
    elif case == "no-site":
        folder = str(tmp_path / "missing")
    started = time.monotonic()
    result = publish("--site", folder, "--to", to, "--endpoint", where, env=env, home=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误：") and expected in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60


def test_targets_are_parsed_strictly() -> None:
    assert parse_target("s3://bucket") == ("bucket", "")
    assert parse_target("s3://my.bucket-1/site/") == ("my.bucket-1", "site/")
    assert parse_target("s3://b1b/a/b") == ("b1b", "a/b/")
    for bad in ("bucket", "s3://", "s3://UPPER", "s3://b/../x", "s3://b//x", "http://b/x"):
        with pytest.raises(ValueError):
            parse_target(bad)
