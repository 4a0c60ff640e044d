"""Is a recognition photo a real image the build can use? (Asked by `volunteers check`.)"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image

from . import safefile

MAX_SIDE = 480
"""The longest side of a published photo, in pixels (the build resizes to it)."""
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
