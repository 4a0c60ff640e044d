"""The campaign's share image (assets/share.png, 1200×630, the size link previews expect): drawn
with Pillow from the campaign's data and the installed CJK fonts; no request to any host."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from generator.core.validate import SiteData
from generator.paperwork.fonts import find_font

WIDTH, HEIGHT = 1200, 630
RED = (163, 21, 21)
"""The site's primary colour (content/assets/site.css)."""
WHITE = (255, 255, 255)
PALE = (255, 228, 228)
MARGIN = 80


def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = find_font(f"Noto Sans CJK SC:style={style}")
    return ImageFont.truetype(str(path), size, index=index)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont) -> list[str]:
    """Lines of `text` that fit the width, cut between characters (Chinese has no spaces)."""
    lines, line = [], ""
    for char in text:
        if line and draw.textlength(line + char, font=font) > WIDTH - 2 * MARGIN:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def share_image(site: SiteData) -> bytes:
    """PNG bytes: the corps' name, the notice's number and title, its size and the address."""
    campaign = site.campaign
    image = Image.new("RGB", (WIDTH, HEIGHT), RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=(127, 0, 0))
    y = MARGIN
    heading = _font("Bold", 84)
    draw.text((MARGIN, y), "工会服务帮扶志愿者", font=heading, fill=WHITE)
    y += 84 + 48
    body = _font("Regular", 40)
    for line in [campaign.doc_number, *_wrap(draw, campaign.title, body)[:2]]:
        draw.text((MARGIN, y), line, font=body, fill=PALE)
        y += 58
    figures = f"{campaign.target:,} 名志愿者 · {len(site.unions)} 个工会 · {campaign.issuer}"
    small = _font("Regular", 32)
    bottom = HEIGHT - MARGIN - 32
    if campaign.site_url:
        draw.text((MARGIN, bottom), campaign.site_url.rstrip("/"), font=small, fill=PALE)
        bottom -= 56
    draw.text((MARGIN, bottom), figures, font=small, fill=WHITE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
