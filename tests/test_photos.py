"""Recognition photos: resized at build time, metadata (EXIF, GPS) stripped, missing files named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from generator.core.errors import DataErrors
from generator.core.validate import load_site
from generator.site.photos import MAX_SIDE, resize_photo


def _jpeg_with_exif(size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 55.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_resized_and_stripped() -> None:
    raw = _jpeg_with_exif((2000, 1500))
    assert Image.open(io.BytesIO(raw)).getexif()
    small = resize_photo(raw)
    with Image.open(io.BytesIO(small)) as image:
        assert max(image.size) == MAX_SIDE and image.size == (480, 360)
        assert not image.getexif() and "exif" not in image.info
    assert resize_photo(raw) == small  # deterministic


def test_missing_photo_names_the_file(project: Path) -> None:
    path = project / "data/recognitions/youxiu-zhiyuanzhe-2012-01.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("example-volunteer.png", "nobody.jpg"), "utf-8"
    )
    with pytest.raises(DataErrors) as info:
        load_site(project)
    assert [str(e) for e in info.value.errors] == [
        "data/recognitions/youxiu-zhiyuanzhe-2012-01.yml:11 photo: 找不到照片文件 data/recognitions/photos/nobody.jpg"
    ]


def test_built_site_carries_the_resized_photo(built_site: Path) -> None:
    photo = built_site / "recognitions/photos/youxiu-zhiyuanzhe-2012-01.jpg"
    with Image.open(photo) as image:
        assert image.format == "JPEG" and max(image.size) <= MAX_SIDE


def _metadata_markers(raw: bytes) -> list[int]:
    """The JPEG segments before the first scan that can carry text: COM and APP1–APP15."""
    found, i = [], 2
    while i + 4 <= len(raw) and raw[i] == 0xFF and raw[i + 1] != 0xDA:
        if raw[i + 1] == 0xFE or 0xE1 <= raw[i + 1] <= 0xEF:
            found.append(raw[i + 1])
        i += 2 + int.from_bytes(raw[i + 2 : i + 4], "big")
    return found


def _with_metadata(kind: str) -> bytes:
    """An image whose metadata says SECRET-TEXT in every place its format has."""
    image = Image.new("RGB", (640, 480), (30, 90, 160))
    out = io.BytesIO()
    if kind == "jpeg":
        exif = Image.Exif()
        exif[0x010E] = "SECRET-TEXT"  # ImageDescription
        image.save(out, "JPEG", comment=b"SECRET-TEXT", exif=exif, icc_profile=b"SECRET-TEXT")
    elif kind == "png":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", "SECRET-TEXT")
        info.add_text("Packed", "SECRET-TEXT", zip=True)
        info.add_itxt("Description", "SECRET-TEXT", zip=True)
        image.save(out, "PNG", pnginfo=info)
    else:
        exif = Image.Exif()
        exif[0x010E] = "SECRET-TEXT"
        image.save(out, "WEBP", exif=exif, xmp=b"<x:xmpmeta>SECRET-TEXT</x:xmpmeta>")
    return out.getvalue()


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp"])
def test_every_kind_of_metadata_is_gone_from_the_resized_photo(kind: str) -> None:
    from generator.site.imagemeta import image_texts

    raw = _with_metadata(kind)
    assert any("SECRET-TEXT" in t for t in image_texts(raw))  # the scanner reads them all
    small = resize_photo(raw)
    assert b"SECRET" not in small and not any("SECRET" in t for t in image_texts(small))
    assert _metadata_markers(small) == []  # no COM, EXIF, XMP, ICC or IPTC segment at all
    with Image.open(io.BytesIO(small)) as image:
        assert image.size == (480, 360) and not image.info.get("comment")


def test_unreadable_exif_does_not_stop_the_resize() -> None:
    image = Image.new("RGB", (100, 80), (1, 2, 3))
    out = io.BytesIO()
    image.save(out, "WEBP", exif=b"Exif\x00\x00not a tiff header")
    with Image.open(io.BytesIO(resize_photo(out.getvalue()))) as small:
        assert small.size == (100, 80)
