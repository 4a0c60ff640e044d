"""What `volunteers publish` compares, on a small folder and the loopback S3 server: the local
walk and hashes (read once, hashed once) agree with a plain reading, and a change that keeps a
file's size and modification time is still uploaded (nothing is trusted but the content)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.staff.siteplan import PART_SIZE, hash_file, local_files, site_files
from tests.s3_server import CREDENTIALS, client, s3_server

VOLUNTEERS = Path(sys.executable).parent / "volunteers"


def plain_hashes(data: bytes) -> tuple[int, str, str]:
    """Size, MD5 and the ETag of an upload in PART_SIZE parts, the obvious way."""
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if len(data) <= PART_SIZE:
        return len(data), md5, md5
    parts = [data[i : i + PART_SIZE] for i in range(0, len(data), PART_SIZE)]
    digests = b"".join(hashlib.md5(p, usedforsecurity=False).digest() for p in parts)
    return len(data), md5, f"{hashlib.md5(digests, usedforsecurity=False).hexdigest()}-{len(parts)}"


@pytest.mark.parametrize("size", [0, 1, 4096, PART_SIZE - 1, PART_SIZE, PART_SIZE + 1])
def test_hashes_agree_with_a_plain_reading(size: int, tmp_path: Path) -> None:
    data = os.urandom(size)
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    assert hash_file(path) == plain_hashes(data)
    assert hash_file(str(path)) == plain_hashes(data)
    if size > PART_SIZE:
        assert hash_file(path)[2].endswith("-2")


def test_the_walk_finds_every_file_sorted_and_follows_no_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("index.html", "a/index.html", "a/b/c.pdf", "a-b/x.css", "z.txt"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the site's", encoding="utf-8")
    (site / "linked").symlink_to(outside, target_is_directory=True)
    (site / "link.txt").symlink_to(outside / "secret.txt")

    paths = site_files(site)
    assert paths == ["a-b/x.css", "a/b/c.pdf", "a/index.html", "index.html", "z.txt"]
    files = local_files(site, paths)
    assert [f.path for f in files] == paths
    for file in files:
        assert Path(file.source) == site / file.path
        assert (file.size, file.md5, file.etag) == plain_hashes(file.path.encode())


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with s3_server() as url:
        yield url


def publish(site: Path, endpoint: str, bucket: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    to = ("--to", f"s3://{bucket}", "--endpoint", endpoint)
    return subprocess.run(
        [str(VOLUNTEERS), "publish", "--site", str(site), *to, "--delete"],
        capture_output=True,
        text=True,
        env={**env, **CREDENTIALS},
        timeout=120,
        check=False,
    )


def test_a_change_that_keeps_size_and_time_is_uploaded(endpoint: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "notes").mkdir(parents=True)
    page = site / "notes" / "index.html"
    page.write_text("<p>第一版</p>", encoding="utf-8")
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    client(endpoint).create_bucket(Bucket="same-size")

    first = publish(site, endpoint, "same-size")
    assert first.returncode == 0, first.stderr
    assert "上传 2 个文件" in first.stdout
    again = publish(site, endpoint, "same-size")
    assert "上传 0 个文件（0 B），2 个未变" in again.stdout, again.stdout

    before = page.stat()
    page.write_text("<p>第二版</p>", encoding="utf-8")  # the same number of bytes
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = page.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    changed = publish(site, endpoint, "same-size")
    assert changed.returncode == 0, changed.stderr
    assert "上传 1 个文件" in changed.stdout and "1 个未变" in changed.stdout, changed.stdout
    got = client(endpoint).get_object(Bucket="same-size", Key="notes/index.html")
    assert got["Body"].read().decode("utf-8") == "<p>第二版</p>"

    # A copy of the folder elsewhere (new inodes, new times) is the same site: nothing to send.
    moved = Path(shutil.copytree(site, tmp_path / "moved"))
    assert "上传 0 个文件（0 B），2 个未变" in publish(moved, endpoint, "same-size").stdout
