"""What publishing the built site means, without the network: each file's object key, type,
cache header and ETag, and which objects of the bucket must be uploaded, kept or deleted."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PART_SIZE = 8 * 1024 * 1024
"""Files above this are uploaded in parts of this size (boto3's default, set explicitly so that a
multipart ETag can be computed locally and compared)."""

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"
ONE_HOUR = "public, max-age=3600"

FINGERPRINT = re.compile(r"\.[0-9a-f]{8,}\.(?:min\.)?(?:js|css)$")
"""A file whose name carries a hash of its content (Material's bundle.f55a23d4.min.js,
main.484c7ddc.min.css, the search worker): it never changes under the same name."""

TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
    ".gz": "application/gzip",
}
"""Content types by suffix, fixed here rather than read from the machine's mime.types (which
differs between machines and would make the same site upload differently)."""

SPECIAL_TYPES = {"feed.xml": "application/atom+xml"}
"""Files whose type is not their suffix's, by site path."""

TEXT_TYPES = {
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/manifest+json",
    "image/svg+xml",
}


def content_type(path: str) -> str:
    """The Content-Type of a site file, `; charset=utf-8` on every text type."""
    suffix = Path(path).suffix.lower()
    kind = SPECIAL_TYPES.get(path) or TYPES.get(suffix)
    if kind is None:
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


def cache_control(path: str) -> str:
    """How long browsers and CDNs keep a file: pages, feeds, JSON and the search index are
    revalidated every time (they change with every publication); fingerprinted assets are
    kept for a year; PDFs and spreadsheets for a day; other assets (images, our own CSS) an hour."""
    suffix = Path(path).suffix.lower()
    if suffix in {".html", ".xml", ".json", ".txt"}:
        return NO_CACHE
    if FINGERPRINT.search(path):
        return IMMUTABLE
    if suffix in {".pdf", ".xlsx"}:
        return ONE_DAY
    return ONE_HOUR


@dataclass(frozen=True)
class LocalFile:
    path: str
    """The file's path under the site folder, with forward slashes."""
    source: str
    """The file on disk (a string: making 6,000 Path objects took longer than the walk)."""
    size: int
    md5: str
    """The hex MD5 of the whole file (a single-part upload's ETag)."""
    etag: str
    """The ETag the object will have once uploaded (multipart: MD5 of the parts' MD5s, -N)."""

    @property
    def content_type(self) -> str:
        return content_type(self.path)

    @property
    def cache_control(self) -> str:
        return cache_control(self.path)


def hash_file(source: Path | str) -> tuple[int, str, str]:
    """A file's size, its MD5 and the ETag of its upload, reading it once. A file of one part
    (nearly all of them) is read whole in one call and hashed once: its MD5 is its ETag."""
    with open(source, "rb") as file:
        if os.fstat(file.fileno()).st_size <= PART_SIZE:
            data = file.read()
            if len(data) <= PART_SIZE:  # not grown since: one part
                md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
                return len(data), md5, md5
            file.seek(0)
        return _hash_parts(file)


def _hash_parts(file: BinaryIO) -> tuple[int, str, str]:
    """Size, MD5 and multipart ETag of a file of several parts, a part in memory at a time."""
    whole = hashlib.md5(usedforsecurity=False)
    parts: list[bytes] = []
    size = 0
    while chunk := file.read(PART_SIZE):
        whole.update(chunk)
        parts.append(hashlib.md5(chunk, usedforsecurity=False).digest())
        size += len(chunk)
    md5 = whole.hexdigest()
    if size <= PART_SIZE:
        return size, md5, md5
    joined = hashlib.md5(b"".join(parts), usedforsecurity=False).hexdigest()
    return size, md5, f"{joined}-{len(parts)}"


def site_files(site_dir: Path) -> list[str]:
    """The path (with forward slashes, under the site folder) of every regular file of the
    built site, sorted (symlinks are not followed). One scandir a folder, no stat a file and
    plain strings rather than Path objects (a third of the time): the full-scale site has some
    6,000 files in as many folders."""
    found: list[str] = []
    folders = [""]
    root = os.fspath(site_dir)
    while folders:
        folder = folders.pop()
        with os.scandir(os.path.join(root, folder) if folder else root) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(folder + entry.name + "/")
                elif entry.is_file(follow_symlinks=False):
                    found.append(folder + entry.name)
    found.sort()
    return found


def local_file(site_dir: Path, path: str) -> LocalFile:
    """The site file at `path` (as `site_files` gives it), hashed."""
    source = os.path.join(site_dir, path)
    size, md5, etag = hash_file(source)
    return LocalFile(path, source, size, md5, etag)


def local_files(site_dir: Path, paths: list[str]) -> list[LocalFile]:
    """Several site files hashed in turn (one task of a pool: a task a file costs more in
    the pool's own bookkeeping than hashing a small page does)."""
    return [local_file(site_dir, path) for path in paths]


@dataclass(frozen=True)
class Remote:
    etag: str
    size: int


@dataclass
class Plan:
    upload: list[LocalFile]
    unchanged: list[LocalFile]
    delete: list[str]
    """Keys of objects under the prefix that the site no longer has (only with --delete)."""
    uncertain: list[LocalFile]
    """Files whose object was uploaded in parts of another size: compare by metadata."""

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.upload)


def normalise_etag(etag: str) -> str:
    return etag.strip('"').lower()


def plan(
    local: Iterable[LocalFile],
    remote: Mapping[str, Remote],
    prefix: str,
    delete: bool,
) -> Plan:
    """Which files to upload (new or changed) and which objects to delete. An object is
    unchanged when its ETag is the file's: the MD5 of a single-part upload, or the multipart
    ETag computed with our part size. A multipart ETag with another part count (another tool
    uploaded it) is left `uncertain`, for the caller to compare by the MD5 kept in metadata."""
    result = Plan([], [], [], [])
    seen: set[str] = set()
    for file in local:
        key = prefix + file.path
        seen.add(key)
        found = remote.get(key)
        if found is None or found.size != file.size:
            result.upload.append(file)
            continue
        etag = normalise_etag(found.etag)
        if etag in (file.md5, file.etag):
            result.unchanged.append(file)
        elif "-" in etag:
            result.uncertain.append(file)
        else:
            result.upload.append(file)
    if delete:
        result.delete = sorted(key for key in remote if key not in seen)
    return result


def parse_target(target: str) -> tuple[str, str]:
    """`s3://BUCKET[/PREFIX]` → (bucket, prefix ending in / or empty); ValueError if not."""
    match = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?", target)
    if not match:
        raise ValueError(target)
    prefix = (match.group(2) or "").strip("/")
    if prefix and any(part in {"", ".", ".."} for part in prefix.split("/")):
        raise ValueError(target)
    return match.group(1), f"{prefix}/" if prefix else ""
