"""Text hidden in image files is read for the privacy guard: JPEG comments between progressive
scans, after the end of the image, UTF-16 EXIF text, compressed PNG chunks, WebP chunks."""

from __future__ import annotations

import io
import zlib

from PIL import Image

from generator.site.imagemeta import MAX_INFLATED, image_texts


def texts(raw: bytes) -> str:
    return "\n\n".join(image_texts(raw))


def jpeg(**options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (9, 99, 199)).save(out, "JPEG", **options)
    return out.getvalue()


def test_a_comment_between_progressive_scans_and_data_after_the_image() -> None:
    raw = jpeg(progressive=True)
    second_scan = raw.index(b"\xff\xda", raw.index(b"\xff\xda") + 2)
    comment = b"\xff\xfe" + (len(b"IN-BETWEEN") + 2).to_bytes(2, "big") + b"IN-BETWEEN"
    raw = raw[:second_scan] + comment + raw[second_scan:] + b"TRAILING-TEXT"
    found = texts(raw)
    assert "IN-BETWEEN" in found and "TRAILING-TEXT" in found


def test_utf16_exif_text_is_read() -> None:
    exif = Image.Exif()
    exif[0x9C9C] = "WIDE-COMMENT".encode("utf-16-le")  # XPComment
    assert "WIDE-COMMENT" in texts(jpeg(exif=exif))


def test_pixels_are_not_read_and_a_compressed_chunk_is_read_only_so_far() -> None:
    assert texts(jpeg()).count("\ufffd") < 50  # a few header bytes, no scan data
    bomb = zlib.compress(b"0" * (MAX_INFLATED * 8))
    chunk = b"zTXt" + b"k\x00\x00" + bomb
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    raw = png.getvalue()
    at = raw.index(b"IDAT") - 4
    raw = raw[:at] + len(chunk[4:]).to_bytes(4, "big") + chunk + b"\x00" * 4 + raw[at:]
    assert max(len(t) for t in image_texts(raw)) <= MAX_INFLATED


def test_webp_metadata_and_other_files() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "WEBP", xmp=b"<x>WEBP-XMP</x>")
    assert "WEBP-XMP" in texts(out.getvalue())
    assert "GIF-COMMENT" in texts(b"GIF89a" + b"\x21\xfe\x0bGIF-COMMENT\x00;")
