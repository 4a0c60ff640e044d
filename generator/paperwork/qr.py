"""The printed forms' way back to the web: the address printed on them and its QR code (segno)."""

from __future__ import annotations

from dataclasses import dataclass

import segno

from generator.core.models import Campaign


@dataclass(frozen=True)
class Qr:
    url: str
    """What the code encodes: the online sign-up when there is one, else the site."""
    data_uri: str
    """PNG, one pixel per module, no quiet zone (the page's white margin is the quiet zone)."""
    caption: str
    address: str
    """The address printed as text beside the code: the site's, else the sign-up URL."""


def form_qr(campaign: Campaign) -> Qr | None:
    """The code and address of the printed forms; None when neither address is set (a code
    pointing nowhere is left out)."""
    url = campaign.signup_url or campaign.site_url
    if not url:
        return None
    code = segno.make(url, error="m", micro=False)
    caption = "扫码网上报名" if campaign.signup_url else "扫码访问本站"
    address = campaign.site_url or url
    return Qr(url, code.png_data_uri(scale=1, border=0), caption, address)
