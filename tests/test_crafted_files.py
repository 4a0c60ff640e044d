"""Crafted data files, photos and intake records against the real `volunteers check`,
`mkdocs build` and `volunteers intake`: exit 1 with a Chinese line naming the file, within 10 s
and 500 MB, never a signal or a traceback (see tests/crafted_support.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import copy_project
from tests.crafted_support import (
    DATA_CASES,
    PHOTO,
    assert_refused,
    build,
    check,
    fifo,
    intake,
    zero_device,
)
from tests.intake_support import grid, row, write_csv
from tests.intake_support import project as intake_project


@pytest.mark.parametrize("case", DATA_CASES)
def test_check_refuses_a_crafted_project_file(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    DATA_CASES[case](root / "data/projects/crafted.yml")
    assert_refused(check(root), "data/projects/crafted.yml")


@pytest.mark.parametrize("case", ["deep-brackets", "symlink-to-dev-zero", "fifo", "folder"])
def test_check_refuses_a_crafted_required_file(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    DATA_CASES[case](root / "data/campaign.yml")
    assert_refused(check(root), "data/campaign.yml")


@pytest.mark.parametrize("case", ["deep-brackets", "symlink-to-dev-zero", "fifo", "billion-laughs"])
def test_build_refuses_a_crafted_data_file(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    DATA_CASES[case](root / "data/projects/crafted.yml")
    assert_refused(build(root), "data/projects/crafted.yml")


# --- photos --------------------------------------------------------------------------------------


def not_an_image(file: Path) -> None:
    file.write_bytes(b"<html>this is not a picture</html>\n")


def decompression_bomb(file: Path) -> None:
    """A 1-bit PNG of 20,000 × 20,000 pixels: about 50 KB on disk, 1.2 GB once decoded as RGB."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    file.write_bytes(out.getvalue())


def truncated(file: Path) -> None:
    file.write_bytes(file.read_bytes()[:200])


def gif_named_png(file: Path) -> None:
    Image.new("RGB", (20, 20)).save(file, "GIF")


PHOTO_CASES: dict[str, Callable[[Path], None]] = {
    "not-an-image": not_an_image,
    "decompression-bomb": decompression_bomb,
    "truncated": truncated,
    "gif-named-png": gif_named_png,
    "symlink-to-dev-zero": zero_device,
    "fifo": fifo,
}


@pytest.mark.parametrize("case", PHOTO_CASES)
def test_check_refuses_a_crafted_photo(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    PHOTO_CASES[case](root / PHOTO)
    outcome = check(root)
    assert_refused(outcome, PHOTO)
    assert "photo:" in outcome.err  # the field that names the photo


@pytest.mark.parametrize("case", ["not-an-image", "decompression-bomb"])
def test_build_refuses_a_crafted_photo(tmp_path: Path, case: str) -> None:
    root = copy_project(tmp_path / "p")
    PHOTO_CASES[case](root / PHOTO)
    assert_refused(build(root), PHOTO)


# --- intake: existing records, then the export files ---------------------------------------------


@pytest.mark.parametrize("case", ["deep-brackets", "symlink-to-dev-zero", "fifo", "billion-laughs"])
@pytest.mark.parametrize("folder_name", ["registrations/zhongshan", "proposals"])
def test_intake_refuses_a_crafted_existing_record(
    tmp_path: Path, case: str, folder_name: str
) -> None:
    data = intake_project(tmp_path)
    record = data / folder_name / "20120710-153000-1a2b3c4d.yml"
    record.parent.mkdir(parents=True)
    DATA_CASES[case](record)
    source = write_csv(tmp_path / "in.csv", grid([row(1)]))
    outcome = intake(data, source)
    assert_refused(outcome, f"data/{folder_name}/20120710-153000-1a2b3c4d.yml")
    written = [p for p in data.rglob("*.yml") if "registrations" in p.parts and p != record]
    assert written == []  # nothing imported while the data is broken


@pytest.mark.parametrize("case", ["symlink-to-dev-zero", "fifo"])
def test_intake_refuses_a_crafted_file_deeper_in_the_records(tmp_path: Path, case: str) -> None:
    """The build reads registrations/<union>/*.yml; intake's duplicate scan reads deeper too."""
    data = intake_project(tmp_path)
    record = data / "registrations/zhongshan/old/20120710-153000-1a2b3c4d.yml"
    record.parent.mkdir(parents=True)
    DATA_CASES[case](record)
    outcome = intake(data, write_csv(tmp_path / "in.csv", grid([row(1)])))
    assert_refused(outcome, "data/registrations/zhongshan/old/20120710-153000-1a2b3c4d.yml")
