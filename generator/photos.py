"""Recognition photos: resized and stripped of metadata (EXIF may hold GPS) at build time."""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

from PIL import Image, ImageOps

from . import safefile
from .validate import SiteData

MAX_SIDE = 480
PHOTO_DIR = "data/recognitions/photos"


def resize_photo(raw: bytes) -> bytes:
    """Any Pillow-readable image → a JPEG of at most MAX_SIDE pixels, deterministic, holding
    pixels only: it is made anew from them, so nothing of the original's metadata (EXIF and its
    GPS, XMP, IPTC, ICC profile, JPEG comments, PNG text chunks, WebP EXIF/XMP) reaches the site.
    (Pillow would otherwise copy a JPEG comment into the new file.)"""
    with Image.open(io.BytesIO(raw)) as source:
        try:
            image = ImageOps.exif_transpose(source)
        except (SyntaxError, ValueError, TypeError, KeyError, OSError, struct.error):
            image = source.copy()  # EXIF that cannot be read: the photo stays as stored
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    pixels = Image.frombytes("RGB", image.size, image.tobytes())  # a new image: no info at all
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


MAX_PIXELS = 30_000_000
"""Width × height a photo may have (a 30-megapixel camera); decoding one takes about 100 MB."""
PHOTO_FORMATS = {"JPEG": "JPG", "PNG": "PNG", "WEBP": "WebP"}


def photo_problem(file: Path) -> str | None:
    """Why `file` cannot serve as a recognition photo (in Chinese), or None if it can: a regular
    file within the size cap, a JPEG, PNG or WebP image within MAX_PIXELS that decodes whole.
    `volunteers check` and the build both ask, so a bad photo is a data error, never a traceback."""
    try:
        raw = safefile.read_bytes(file, safefile.PHOTO_MAX_BYTES)
    except safefile.Refused as exc:
        return exc.reason
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=list(PHOTO_FORMATS)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return f"照片像素过多（{width}×{height}，上限 {MAX_PIXELS // 10_000} 万像素）"
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at the size used
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"照片像素过多（上限 {MAX_PIXELS // 10_000} 万像素）"
    except Image.UnidentifiedImageError:
        return "不是可识别的图片（照片应为 JPG、PNG 或 WebP 格式）"
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        return f"图片已损坏，无法读取（{type(exc).__name__}）"
    return None


def build_photos(site: SiteData) -> dict[str, bytes]:
    """Paths under the site root → resized photos of the recognitions that have one."""
    root: Path = site.root
    return {
        f"recognitions/photos/{r.id}.jpg": resize_photo((root / PHOTO_DIR / r.photo).read_bytes())
        for r in site.recognitions
        if r.photo
    }
