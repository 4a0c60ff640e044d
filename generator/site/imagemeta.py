"""Text hidden in image files: JPEG comment and APPn segments (EXIF, XMP, IPTC), PNG text
chunks (tEXt, zTXt, iTXt, eXIf), WebP metadata chunks, and bytes after the image (pure).

The privacy guard reads these as it reads a page: a number typed into a photo's comment or
EXIF description is published with the photo. Pixel data is never read as text."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".ico", ".tif", ".tiff", ".avif"}
)
MAX_INFLATED = 1 << 20
"""A compressed PNG text chunk is read up to this size (a chunk can inflate a thousandfold)."""
_PNG = b"\x89PNG\r\n\x1a\n"
_PNG_PIXELS = frozenset({b"IDAT", b"fdAT", b"IHDR", b"PLTE", b"IEND", b"acTL", b"fcTL"})
_WEBP_PIXELS = frozenset({b"VP8 ", b"VP8L", b"ALPH", b"ANMF", b"VP8X", b"ANIM"})


def image_texts(raw: bytes) -> Iterator[str]:
    """The text a reader could get out of an image file's metadata, each part read as UTF-8
    and, when it holds NUL bytes, as UTF-16 too (EXIF's XPComment and UserComment)."""
    if raw.startswith(b"\xff\xd8"):
        parts = _jpeg(raw)
    elif raw.startswith(_PNG):
        parts = _png(raw)
    elif raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        parts = _webp(raw)
    else:  # GIF comments, TIFF tags, anything else: the whole file, as bytes
        parts = iter([raw])
    for part in parts:
        if part:
            yield from _decoded(part)


def _decoded(part: bytes) -> Iterator[str]:
    yield part.decode("utf-8", errors="replace")
    if b"\x00" in part:
        for encoding in ("utf-16-le", "utf-16-be"):
            for start in (0, 1):
                yield part[start:].decode(encoding, errors="replace")


def _jpeg(raw: bytes) -> Iterator[bytes]:
    """COM and APP0–APP15 segments, between every scan too (progressive files have several),
    and whatever follows the end-of-image marker."""
    i, size = 2, len(raw)
    while i + 1 < size:
        if raw[i] != 0xFF:  # bytes no decoder reads: read them here
            following = _next_marker(raw, i)
            yield raw[i:following]
            i = following
            continue
        marker = raw[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # end of image
            yield raw[i + 2 :]
            return
        if marker in (0x01, 0x00) or 0xD0 <= marker <= 0xD8:
            i += 2
            continue
        length = int.from_bytes(raw[i + 2 : i + 4], "big")
        if length < 2:
            yield raw[i:]
            return
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            yield raw[i + 4 : i + 2 + length]
        i += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            i = _next_marker(raw, i)


def _next_marker(raw: bytes, i: int) -> int:
    """The next 0xFF that starts a marker (not a stuffed 0xFF00 or a restart marker)."""
    while True:
        i = raw.find(b"\xff", i)
        if i < 0 or i + 1 >= len(raw):
            return len(raw)
        following = raw[i + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return i
        i += 2


def _png(raw: bytes) -> Iterator[bytes]:
    i, size = len(_PNG), len(raw)
    while i + 8 <= size:
        length = int.from_bytes(raw[i : i + 4], "big")
        kind = raw[i + 4 : i + 8]
        data = raw[i + 8 : i + 8 + length]
        i += 12 + length
        if kind == b"zTXt":
            keyword, _, rest = data.partition(b"\x00")
            yield keyword
            yield _inflate(rest[1:])
        elif kind == b"iTXt":
            keyword, _, rest = data.partition(b"\x00")
            compressed, text = rest[:1] == b"\x01", rest[2:]
            language, _, text = text.partition(b"\x00")
            translated, _, text = text.partition(b"\x00")
            yield keyword + b" " + language + b" " + translated
            yield _inflate(text) if compressed else text
        elif kind == b"IEND":
            yield raw[i:]
            return
        elif kind not in _PNG_PIXELS:
            yield data  # tEXt, eXIf, and any chunk a writer may invent
    yield raw[i:]


def _webp(raw: bytes) -> Iterator[bytes]:
    end = min(len(raw), 8 + int.from_bytes(raw[4:8], "little"))
    i = 12
    while i + 8 <= end:
        kind = raw[i : i + 4]
        length = int.from_bytes(raw[i + 4 : i + 8], "little")
        if kind not in _WEBP_PIXELS:
            yield raw[i + 8 : i + 8 + length]  # EXIF, XMP, ICCP, unknown chunks
        i += 8 + length + (length & 1)
    yield raw[end:]


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(data, MAX_INFLATED)
    except zlib.error:
        return data
