"""Glyph-by-glyph comparison of a viewer's rendering with a reference drawn by FreeType (Pillow)
from the same font file at the same places: a missing glyph, a .notdef box or a look-alike from
another font changes a cell's ink and fails."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from generator.paperwork.fonts import find_font
from generator.paperwork.formfill import ASCENT, FILL_FONT, Glyphs, Layout

GRID = 12
"""Each glyph's cell is compared as GRID x GRID averages (forgives anti-aliasing, not shapes)."""
MAX_DISTANCE = 0.3
"""The largest difference of a cell from the reference: the sum of the absolute differences of
its GRID x GRID ink, the viewer's scaled to the reference's total, over that total. Measured at
200 dpi: the same glyph 0.17 (poppler) to 0.26 (PDFium) at worst; a missing glyph 1; another
character mostly 0.3 and more (a near twin such as 喻 for 瑜 about 0.3)."""
INK_RATIO = (0.6, 1.6)
SLACK = 3
"""Pixels a viewer may place the whole text off FreeType's places."""
SOFTEN = ImageFilter.GaussianBlur(1)


@dataclass(frozen=True)
class Cell:
    char: str
    box: tuple[int, int, int, int]
    """Pixels: left, top, right, bottom."""
    origin: tuple[float, float]
    """Pixels: the left edge and the baseline."""


def cells(
    place: Layout, glyphs: Glyphs, origin: tuple[float, float], page_height: float, dpi: float
) -> list[Cell]:
    """Every glyph's box in the page image, from the field's lower-left `origin` in points."""
    scale = dpi / 72
    out = []
    for text, x, y in place.lines:
        left = origin[0] + x
        baseline = page_height - (origin[1] + y)
        for char in text:
            width = glyphs.advances[char] * place.size
            top = baseline - ASCENT * place.size
            box = (left, top, left + width, baseline + (1 - ASCENT) * place.size)
            out.append(
                Cell(
                    char,
                    (
                        math.floor(box[0] * scale),
                        math.floor(box[1] * scale),
                        math.ceil(box[2] * scale),
                        math.ceil(box[3] * scale),
                    ),
                    (left * scale, baseline * scale),
                )
            )
            left += width
    return out


def reference(
    size: tuple[int, int], place: Layout, cells_: list[Cell], dpi: float, font_name: str = FILL_FONT
) -> Image.Image:
    """The same characters at the same places, drawn by FreeType from the fill font's file."""
    path, index = find_font(font_name)
    scale = dpi / 72
    font = ImageFont.truetype(str(path), place.size * scale, index=index)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for cell in cells_:
        draw.text(cell.origin, cell.char, font=font, fill=0, anchor="ls")
    return image


def _ink(
    image: Image.Image, box: tuple[int, int, int, int], shift: tuple[int, int] = (0, 0)
) -> list[float]:
    dx, dy = shift
    box = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
    small = image.crop(box).resize((GRID, GRID), Image.Resampling.BOX)
    return [255.0 - v for v in small.get_flattened_data()]


def _distance(got: list[float], want: list[float]) -> float:
    total = max(sum(want), 1.0)
    k = total / max(sum(got), 1.0)
    return sum(abs(x * k - y) for x, y in zip(got, want, strict=True)) / total


def _score(
    rendered: Image.Image, expected: Image.Image, cell: Cell, shift: tuple[int, int]
) -> tuple[float, float]:
    """Distance and ink ratio of the viewer's cell (moved by `shift`) from the reference's."""
    got, want = _ink(rendered, cell.box, shift), _ink(expected, cell.box)
    return _distance(got, want), sum(got) / max(sum(want), 1.0)


def _offset(rendered: Image.Image, expected: Image.Image, cells_: list[Cell]) -> tuple[int, int]:
    """The page-wide shift (whole pixels) between a viewer's rounding and FreeType's."""
    sample = cells_[:: max(1, len(cells_) // 40)]
    shifts = [(dx, dy) for dx in range(-SLACK, SLACK + 1) for dy in range(-SLACK, SLACK + 1)]
    return min(shifts, key=lambda s: sum(_score(rendered, expected, c, s)[0] for c in sample))


def _ok(score: tuple[float, float]) -> bool:
    return score[0] <= MAX_DISTANCE and INK_RATIO[0] <= score[1] <= INK_RATIO[1]


def mismatches(rendered: Image.Image, expected: Image.Image, cells_: list[Cell]) -> list[str]:
    """The characters whose cell differs from the reference, each with why. The reference may
    sit a pixel or two off the viewer's page-wide, and each glyph a pixel off that."""
    rendered, expected = rendered.filter(SOFTEN), expected.filter(SOFTEN)
    dx, dy = _offset(rendered, expected, cells_)
    bad = []
    for cell in cells_:
        score = _score(rendered, expected, cell, (dx, dy))
        if not _ok(score):
            near = [(dx + x, dy + y) for x in (-1, 0, 1) for y in (-1, 0, 1) if x or y]
            score = min((_score(rendered, expected, cell, s) for s in near), key=lambda v: v[0])
        if not _ok(score):
            bad.append(f"{cell.char} U+{ord(cell.char):04X} (d={score[0]:.2f}, ink={score[1]:.2f})")
    return bad
