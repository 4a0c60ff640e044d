"""Recognition photos: resized and stripped of metadata (EXIF may hold GPS) at build time."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from .validate import SiteData

MAX_SIDE = 480
PHOTO_DIR = "data/recognitions/photos"


def resize_photo(raw: bytes) -> bytes:
    """Any Pillow-readable image → a JPEG of at most MAX_SIDE pixels, no metadata, deterministic."""
    with Image.open(io.BytesIO(raw)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def build_photos(site: SiteData) -> dict[str, bytes]:
    """Paths under the site root → resized photos of the recognitions that have one."""
    root: Path = site.root
    return {
        f"recognitions/photos/{r.id}.jpg": resize_photo((root / PHOTO_DIR / r.photo).read_bytes())
        for r in site.recognitions
        if r.photo
    }
