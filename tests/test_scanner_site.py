"""Each way of writing a number that once slipped through is planted into data that reaches the
site; `volunteers check` names the data file, line and field, the real build's guard names every
output file it reached (page, search index, feed, open data, PDF, image), and `volunteers scan`
finds the same in a generated folder. Numbers are made at run time, never written here."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from generator.site.imagemeta import image_texts
from tests.conftest import copy_project, mkdocs_build
from tests.intake_support import make_id

SITE_OUTPUTS = ("index.html", "search/search_index.json", "feed.xml", "data/projects.json")


def mobile(n: int) -> str:
    return "139" + f"{n:08d}"


def masked_id(number: str) -> str:
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def masked_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def ways() -> dict[str, tuple[str, str]]:
    """name → (the number as written, its masked form); a different number for each way."""
    ids = {name: make_id("19800101", 100 + i) for i, name in enumerate("abcde")}
    a, b, c, d, e = ids.values()
    m = {n: mobile(n) for n in range(5)}
    legacy = "210202" + "650315" + "457"
    return {
        "id-spaces": (f"{a[:6]} {a[6:14]} {a[14:]}", masked_id(a)),
        "id-hyphens": (f"{b[:6]}-{b[6:14]}-{b[14:]}", masked_id(b)),
        "id-line": (f"{c[:10]}\n{c[10:]}", masked_id(c)),
        "id-zero-width": ("\u200b".join(d), masked_id(d)),
        "id-soft-hyphen": (f"{e[:6]}\u00ad{e[6:14]}\u00ad{e[14:]}", masked_id(e)),
        "mobile-dots": (f"{m[0][:3]}.{m[0][3:7]}.{m[0][7:]}", masked_mobile(m[0])),
        "mobile-slashes": (f"{m[1][:3]}/{m[1][3:7]}/{m[1][7:]}", masked_mobile(m[1])),
        "mobile-en-dashes": (f"{m[2][:3]}–{m[2][3:7]}–{m[2][7:]}", masked_mobile(m[2])),
        "mobile-brackets": (f"({m[3][:3]}){m[3][3:7]}-{m[3][7:]}", masked_mobile(m[3])),
        "mobile-4-4-3": (f"{m[4][:4]} {m[4][4:8]} {m[4][8:]}", masked_mobile(m[4])),
        "legacy-15": (legacy, masked_id(legacy)),
    }


def plant(root: Path) -> dict[str, tuple[str, str]]:
    """One project per way of writing, the number in its summary and description; one more way
    in the campaign (it reaches the PDFs); numbers in a JPEG comment and a PNG text chunk of
    images placed in content/; and a number in the comment of a recognition's photo, which the
    build must strip."""
    planted = ways()
    template = yaml.safe_load(
        (root / "data/projects/jinqiu-zhuxue-2012.yml").read_text(encoding="utf-8")
    )
    for i, (name, (written, _)) in enumerate(planted.items()):
        project = {
            **template,
            "title": f"试点项目 {i}",
            "start": "2013-01-0" + str(i % 9 + 1),
            "end": "2013-03-01",
            "summary": f"联系人：{written}",
            "description": f"请联系志愿者，号码 {written}，工作日均可。",
        }
        text = yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        (root / f"data/projects/plant-{name}.yml").write_text(text, encoding="utf-8")
    pdf_number = mobile(77)
    campaign = root / "data/campaign.yml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace(
            'issuer: "大连市总工会办公室"',
            f'issuer: "大连市总工会办公室 {pdf_number[:3]} {pdf_number[3:7]} {pdf_number[7:]}"',
        ),
        encoding="utf-8",
    )
    planted["campaign"] = (pdf_number, masked_mobile(pdf_number))
    jpeg_number, png_number = make_id("19750505", 201), mobile(88)
    image = Image.new("RGB", (64, 48), (20, 120, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", comment=f"{jpeg_number[:6]} {jpeg_number[6:14]} {jpeg_number[14:]}")
    (root / "content/assets/photo.jpg").write_bytes(out.getvalue())
    info = PngInfo()
    info.add_itxt(
        "Description", f"手机 {png_number[:3]}-{png_number[3:7]}-{png_number[7:]}", zip=True
    )
    image.save(root / "content/assets/badge.png", "PNG", pnginfo=info)
    planted["jpeg-comment"] = (jpeg_number, masked_id(jpeg_number))
    planted["png-text"] = (png_number, masked_mobile(png_number))
    photo = root / "data/recognitions/photos/example-volunteer.png"
    stripped = mobile(99)
    with Image.open(photo) as source:
        source.convert("RGB").save(photo.with_suffix(".jpg"), "JPEG", comment=stripped)
    recognition = root / "data/recognitions/youxiu-zhiyuanzhe-2012-01.yml"
    plain = mobile(55)  # a plain mobile in a recognition, which check once let through
    recognition.write_text(
        recognition.read_text(encoding="utf-8")
        .replace("example-volunteer.png", "example-volunteer.jpg")
        .replace("加入志愿者队伍。", f"加入志愿者队伍。联系手机{plain}"),
        encoding="utf-8",
    )
    planted["recognition"] = (plain, masked_mobile(plain))
    return planted


def volunteers(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from generator.cli.main import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def planted_project(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, tuple[str, str]]]:
    root = copy_project(tmp_path_factory.mktemp("planted") / "project")
    return root, plant(root)


def test_check_names_file_line_and_field_of_every_planted_number(
    planted_project: tuple[Path, dict[str, tuple[str, str]]],
) -> None:
    root, planted = planted_project
    result = volunteers("check", "--root", str(root))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    for name, (_, masked) in planted.items():
        if name in ("jpeg-comment", "png-text"):
            continue  # images are the build's to strip or refuse
        where = {
            "campaign": "data/campaign.yml:5 issuer",
            "recognition": "data/recognitions/youxiu-zhiyuanzhe-2012-01.yml:7 citation",
        }.get(name, f"data/projects/plant-{name}.yml")
        hits = [line for line in lines if line.startswith(where) and masked in line]
        assert hits, (name, result.stderr)
        if name not in ("campaign", "recognition"):
            assert {h.split(":")[1].split()[1] for h in hits} == {"summary", "description"}
    assert "82610421" not in result.stderr  # the office landlines pass
    assert_no_full_number(result.stdout + result.stderr, planted)


def assert_no_full_number(output: str, planted: dict[str, tuple[str, str]]) -> None:
    """Only masked forms in what the commands print: no planted number, however written."""
    compact = "".join(c for c in output if c.isdigit() or c in "\n*")
    for written, _ in planted.values():
        digits = "".join(c for c in written if c.isdigit())
        assert len(digits) >= 15 or len(digits) == 11
        assert digits not in compact


def test_the_build_names_every_output_the_numbers_reached(
    planted_project: tuple[Path, dict[str, tuple[str, str]]],
) -> None:
    root, planted = planted_project
    result = mkdocs_build(root, root / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "隐私检查未通过" in output
    findings = [line for line in output.splitlines() if "不得发布" in line]
    for name, (_, masked) in planted.items():
        files = {line.split(":")[0] for line in findings if masked in line}
        if name == "campaign":
            assert "site/downloads/notice.pdf" in files, files
        elif name == "recognition":
            assert {"site/recognitions/index.html", "site/search/search_index.json"} <= files
        elif name == "jpeg-comment":
            assert files == {"site/assets/photo.jpg"}
        elif name == "png-text":
            assert files == {"site/assets/badge.png"}
        else:
            expected = {f"site/projects/plant-{name}/index.html"} | {
                f"site/{path}" for path in SITE_OUTPUTS[1:]
            }
            assert expected <= files, (name, files)
            assert (root / "site/projects" / f"plant-{name}").exists()  # the folder stays …
            assert not (root / "site/projects" / f"plant-{name}/index.html").exists()  # … empty
    assert_no_full_number(output, planted)
    # The recognition's photo had a number in its JPEG comment: the build made it anew.
    photo = root / "site/recognitions/photos/youxiu-zhiyuanzhe-2012-01.jpg"
    assert photo.is_file() and not any(mobile(99) in t for t in image_texts(photo.read_bytes()))
    assert b"\xff\xfe" not in _segments(photo.read_bytes())


def _segments(raw: bytes) -> bytes:
    """The markers of a JPEG's segments before its first scan."""
    markers, i = b"", 2
    while i + 4 <= len(raw) and raw[i] == 0xFF and raw[i + 1] != 0xDA:
        markers += raw[i : i + 2]
        i += 2 + int.from_bytes(raw[i + 2 : i + 4], "big")
    return markers


def test_volunteers_scan_finds_them_in_a_generated_folder(
    planted_project: tuple[Path, dict[str, tuple[str, str]]], tmp_path: Path
) -> None:
    root, planted = planted_project
    out = tmp_path / "docs"
    generated = volunteers("generate", "--out", str(out), "--root", str(root))
    assert generated.returncode == 0, generated.stderr
    result = volunteers("scan", str(out))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("错误：隐私检查未通过")
    for name, (_, masked) in planted.items():
        files = {line.split(":")[0] for line in lines if masked in line}
        if name == "campaign":
            assert "docs/downloads/notice.pdf" in files, files
        elif name == "recognition":
            assert "docs/recognitions/index.md" in files, files
        elif name == "jpeg-comment":
            assert files == {"docs/assets/photo.jpg"}
        elif name == "png-text":
            assert files == {"docs/assets/badge.png"}
        else:
            assert {
                f"docs/projects/plant-{name}.md",
                "docs/feed.xml",
                "docs/data/projects.json",
            } <= files
    assert_no_full_number(result.stdout + result.stderr, planted)
    clean = volunteers("scan", str(root / "site_templates"))
    assert clean.returncode == 0 and clean.stdout.startswith("隐私检查通过")
    # The data folder itself can be scanned: the photo's comment is there.
    in_data = volunteers("scan", str(root / "data"))
    assert in_data.returncode == 1 and masked_mobile(mobile(99)) in in_data.stderr
