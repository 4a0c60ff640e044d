"""The site's address, set once in data/campaign.yml (site_url): the real MkDocs build gives an
absolute sitemap with lastmod, absolute feed links, share tags on every page, robots.txt, a
share image, the ICP footer; the printed forms carry the address and a QR code that a real
reader (zxing-cpp, over the page rendered by poppler's pdftoppm) decodes to it."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from generator.core.models import Campaign
from generator.paperwork.qr import form_qr
from tests.conftest import copy_project, mkdocs_build

ADDRESS = "https://zyz.example.cn/"
BEIAN = "辽ICP备12345678号-1"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def set_campaign(root: Path, **values: str) -> None:
    path = root / "data" / "campaign.yml"
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key}:.*$", f'{key}: "{value}"', text, flags=re.M)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def addressed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The real data with the address (without its final slash) and a 备案号, built."""
    root = copy_project(tmp_path_factory.mktemp("addressed") / "project")
    set_campaign(root, site_url=ADDRESS.rstrip("/"), beian=BEIAN)
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site", result.stderr


@pytest.fixture(scope="module")
def unaddressed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = copy_project(tmp_path_factory.mktemp("unaddressed") / "project")
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site", result.stderr


def pages(site: Path) -> dict[str, Path]:
    """Every page by its address (directory URLs), the 404 page aside."""
    found = {}
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel != "404.html":
            found[ADDRESS + rel.removesuffix("index.html")] = path
    return found


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("property") or found.get("name")
        if tag == "meta" and name:
            self.tags.setdefault(name, []).append(found.get("content") or "")


def meta(path: Path) -> dict[str, list[str]]:
    parser = Meta()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def test_the_sitemap_lists_every_page_absolutely(addressed: tuple[Path, str]) -> None:
    site, _ = addressed
    urls = ET.parse(site / "sitemap.xml").getroot().findall(f"{SITEMAP}url")
    listed = [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert sorted(listed) == sorted(pages(site))
    assert len(listed) > 40
    for url in urls:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", url.findtext(f"{SITEMAP}lastmod") or "")


def test_every_page_has_share_tags(addressed: tuple[Path, str]) -> None:
    site, _ = addressed
    for url, path in pages(site).items():
        tags = meta(path)
        for name in ("og:title", "og:description", "og:url", "og:image"):
            assert len(tags.get(name, [])) == 1 and tags[name][0].strip(), (url, name)
        assert tags["og:url"] == [url]
        assert tags["og:image"] == [ADDRESS + "assets/share.png"]
    zhongshan = meta(site / "unions" / "zhongshan" / "index.html")
    assert zhongshan["og:title"] == ["中山区总工会"]
    assert meta(site / "index.html")["og:title"] == ["大连市工会服务帮扶志愿者"]
    with Image.open(site / "assets" / "share.png") as image:
        assert image.format == "PNG" and image.size == (1200, 630)


def test_feed_robots_and_footer(addressed: tuple[Path, str]) -> None:
    site, output = addressed
    feed = ET.parse(site / "feed.xml").getroot()
    links = [el.get("href") or "" for el in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert links and all(link.startswith(ADDRESS) for link in links)
    assert (site / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nAllow: /\nSitemap: {ADDRESS}sitemap.xml\n"
    )
    for path in pages(site).values():
        html = path.read_text(encoding="utf-8")
        assert (
            f'<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">{BEIAN}</a>'
            in html
        )
    assert "未设置网站地址" not in output


def decode_qr(pdf: Path, tmp_path: Path) -> list[str]:
    """The QR codes on the PDF's first page, rendered by pdftoppm and read by zxing-cpp."""
    prefix = tmp_path / pdf.stem
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), prefix],
        check=True,
    )
    with Image.open(f"{prefix}.png") as image:
        return [code.text for code in zxingcpp.read_barcodes(image)]


def text(pdf: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)


def test_the_printed_forms_carry_the_address_and_its_qr_code(
    addressed: tuple[Path, str], tmp_path: Path
) -> None:
    downloads = addressed[0] / "downloads"
    for name in ("registration-form", "roster-zhongshan", "roster-blank", "notice"):
        pdf = downloads / f"{name}.pdf"
        assert ADDRESS in text(pdf), name
        if name != "notice":  # the notice's code is on its last page
            assert decode_qr(pdf, tmp_path) == [ADDRESS], name
    assert "网址：" + ADDRESS in text(downloads / "registration-form.pdf")
    assert len(PdfReader(downloads / "registration-form.pdf").pages) == 1


def test_without_an_address_the_build_says_so_once_and_prints_no_code(
    unaddressed: tuple[Path, str], tmp_path: Path
) -> None:
    site, output = unaddressed
    assert output.count("未设置网站地址") == 1
    assert "data/campaign.yml 的 site_url" in output
    home = meta(site / "index.html")
    assert "og:title" in home and "og:url" not in home and "og:image" not in home
    assert "beian.miit.gov.cn" not in (site / "index.html").read_text(encoding="utf-8")
    assert "Sitemap" not in (site / "robots.txt").read_text(encoding="utf-8")
    form = site / "downloads" / "registration-form.pdf"
    assert not PdfReader(form).pages[0].images
    assert decode_qr(form, tmp_path) == []
    assert "网址" not in text(form)


def campaign(**values: str) -> Campaign:
    base = {
        "id": "2012",
        "doc_number": "大工办发[2012]18号",
        "title": "通知",
        "issuer": "大连市总工会办公室",
        "addressees": "各工会",
        "issued": "2012-07-03",
        "printed": "2012-07-03",
        "deadline": "2012-07-15",
        "submit_to": "生活保障部",
        "contact": {"office": "生活保障部", "phone": "82610421"},
        "target": 5800,
        "attachments": ["登记表"],
    }
    return Campaign.model_validate({**base, **values})


def decode_data_uri(data_uri: str) -> list[str]:
    import base64

    with Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))) as png:
        image = png.convert("L")
    framed = Image.new("L", (image.width + 8, image.height + 8), 255)
    framed.paste(image, (4, 4))
    big = framed.resize((framed.width * 8, framed.height * 8), Image.Resampling.NEAREST)
    return [code.text for code in zxingcpp.read_barcodes(big)]


def test_the_code_leads_to_the_signup_when_there_is_one() -> None:
    signup = "https://example.org/signup"
    both = form_qr(campaign(site_url="https://zyz.example.cn", signup_url=signup))
    assert both is not None
    assert (both.url, both.address, both.caption) == (signup, ADDRESS, "扫码网上报名")
    assert decode_data_uri(both.data_uri) == [signup]
    site_only = form_qr(campaign(site_url=ADDRESS))
    assert site_only is not None and site_only.caption == "扫码访问本站"
    assert decode_data_uri(site_only.data_uri) == [ADDRESS]
    assert form_qr(campaign()) is None


def test_mkdocs_yml_may_not_name_another_address(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "site_name:", "site_url: https://other.example.cn/\nsite_name:", 1
        ),
        encoding="utf-8",
    )
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 1
    assert "网站地址只在 data/campaign.yml 的 site_url 中填写一次" in result.stderr
