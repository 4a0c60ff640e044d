"""Recognition photos: resized at build time, metadata (EXIF, GPS) stripped, missing files named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from generator.errors import DataErrors
from generator.photos import MAX_SIDE, resize_photo
from generator.validate import load_site


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
