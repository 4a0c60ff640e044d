"""Recognition photos: resized and stripped of metadata (EXIF may hold GPS) at build time."""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image, ImageOps

from generator.core import urls
from generator.core.photocheck import MAX_SIDE
from generator.core.validate import SiteData

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


def build_photos(site: SiteData) -> dict[str, bytes]:
    """Paths under the site root → resized photos of the recognitions that have one."""
    root: Path = site.root
    return {
        urls.recognition_photo(r.id): resize_photo((root / PHOTO_DIR / r.photo).read_bytes())
        for r in site.recognitions
        if r.photo
    }
