"""Record ids cannot be read as personal numbers (a property over random submission times, and
100,000 random valid registrations through the scanner), XLSX dates are no longer refused, and
records written with ids of the former shape keep working."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from generator.cli.main import main
from generator.core.digitgroups import digit_runs
from generator.core.identity import check_char, find_personal_numbers, may_hold_personal_number
from generator.core.models import SLUG_PATTERN
from generator.core.records import (
    FORMER_RECORD_ID,
    RECORD_ID,
    current_record_id,
    former_record_id,
    same_submission,
)
from intake.rows import record_id
from intake.store import dump_yaml
from tests.intake_support import KEY, grid, project, row, write_csv
from tests.records_factory import registration

STAMPS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59))


def former_id(stamp: datetime, key: bytes, subject: str) -> str:
    """The shape intake gave ids before: 20120710-153000-1a2b3c4d."""
    return former_record_id(record_id(stamp, key, subject)) or ""


def contexts(rid: str, stamp: datetime) -> list[str]:
    """Where the project writes a record id: the record, its file, a project approved from a
    proposal, an archive form, a report line, next to the submission time."""
    return [
        rid,
        dump_yaml({"id": rid, "submitted": stamp.isoformat(), "row": 12}),
        f"data/registrations/zhongshan/{rid}.yml",
        f"projects/p{rid}/index.html",
        f"registration-{rid}.pdf",
        f"- 第 139 行 {rid}\n{rid} 1391",
        f"{rid} {stamp:%Y-%m-%d %H:%M:%S}",
    ]


@settings(max_examples=500, deadline=None)
@given(stamp=STAMPS, subject=st.text(max_size=40), key=st.binary(min_size=16, max_size=32))
def test_no_reading_of_a_record_id_joins_eleven_digits(
    stamp: datetime, subject: str, key: bytes
) -> None:
    rid = record_id(stamp, key, subject)
    assert RECORD_ID.match(rid) and re.match(SLUG_PATTERN, rid) and len(rid) == 25
    # The strongest form: the normaliser finds no run of eleven digits at all in the id.
    assert list(digit_runs(rid)) == [] and not may_hold_personal_number(rid)
    for text in contexts(rid, stamp):
        assert find_personal_numbers(text) == [], text
    assert same_submission(rid, former_id(stamp, key, subject))


@settings(max_examples=300, deadline=None)
@given(stamp=STAMPS, subject=st.text(max_size=40), key=st.binary(min_size=16, max_size=32))
def test_ids_of_the_former_shape_are_still_read_as_ids(
    stamp: datetime, subject: str, key: bytes
) -> None:
    old = former_id(stamp, key, subject)
    assert FORMER_RECORD_ID.match(old)
    assert current_record_id(old) == record_id(stamp, key, subject)
    for text in contexts(old, stamp):
        assert find_personal_numbers(text) == [], text


AREAS = "210202 210203 210204 210211 210212 210213 210214 210224 210281 210283".split()
BORN = datetime(1950, 1, 1).toordinal()


def random_id_number(rng: random.Random) -> str:
    """A valid ID number: a Dalian area, born 1950–1994, any sequence (one draw, for speed)."""
    n = rng.getrandbits(40)
    born = datetime.fromordinal(BORN + n % 16425)
    first17 = f"{AREAS[(n >> 14) % 10]}{born:%Y%m%d}{(n >> 20) % 1000:03d}"
    return first17 + check_char(first17)


def test_100000_random_valid_registrations_flag_none_of_their_ids_or_timestamps() -> None:
    rng = random.Random(2012)
    key = KEY.encode()
    start = datetime(2012, 7, 3)
    paragraphs, former_reading = [], 0
    for _ in range(100_000):
        stamp = start + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        rid = record_id(stamp, key, random_id_number(rng))
        # The id where the project writes it, the time as the record and the forms write it;
        # a blank line between registrations (each is its own file, row or paragraph).
        paragraphs.append(
            f'id: "{rid}"\nsubmitted: "{stamp.isoformat()}"\n'
            f"data/registrations/zhongshan/{rid}.yml p{rid} registration-{rid}.pdf\n"
            f"{stamp:%Y/%m/%d %H:%M:%S} | {stamp:%Y-%m-%d %H:%M:%S} | "
            f"{stamp.year}年{stamp.month}月{stamp.day}日 {stamp:%H:%M:%S}"
        )
        # Control: the former shape's time and hash, had its hash begun with five digits and
        # nothing but a hyphen parted them, is what made about 2 % of registrations refused.
        digits = re.match(r"[0-9]{5}", rid[17:])
        if digits and find_personal_numbers(f"{stamp:%H%M%S}-{digits.group()}"):
            former_reading += 1
    flagged = [
        str(found)
        for at in range(0, len(paragraphs), 1000)
        for found in find_personal_numbers("\n\n".join(paragraphs[at : at + 1000]))
    ]
    assert flagged == []
    assert former_reading > 500  # the scanner does see a time joined to digits


def test_a_record_of_the_former_shape_validates(tmp_path: Path) -> None:
    record = registration("zhongshan", 7)
    assert FORMER_RECORD_ID.match(record.id)
    data = record.model_dump()
    for rid in ("20120709-153314-98447d71", "20120709-173314-98447071", record.id):
        assert type(record).model_validate({**data, "id": rid}).id == rid


@pytest.fixture
def hmac_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HMAC_KEY", KEY)


def random_rows(n: int, seed: int) -> tuple[list[dict[str, str]], list[datetime]]:
    """Good rows submitted in the afternoon, when the time (13:00–19:59) starts like a mobile."""
    rng = random.Random(seed)
    stamps = [
        datetime(2012, 7, 3, 13) + timedelta(days=rng.randrange(60), seconds=rng.randrange(25200))
        for _ in range(n)
    ]
    rows = [row(i + 1, stamp=f"{s:%Y/%m/%d %H:%M:%S}") for i, s in enumerate(stamps)]
    return rows, stamps


def intake(data: Path, source: Path) -> str:
    result = CliRunner().invoke(
        main, ["intake", "registrations", "--file", str(source), "--data-dir", str(data)]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("hmac_key")
def test_no_valid_row_is_refused_from_an_xlsx_with_real_dates_or_a_csv(tmp_path: Path) -> None:
    rows, stamps = random_rows(300, seed=18)
    cells = grid(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for i, line in enumerate(cells):
        sheet.append([stamps[i - 1], *line[1:]] if i else line)  # real date cells
    book.save(tmp_path / "in.xlsx")
    xlsx_data = project(tmp_path / "x")
    assert intake(xlsx_data, tmp_path / "in.xlsx").startswith(
        "网上报名导入：新增 300 条报名记录：已导入过 0，重复 0，有误 0"
    )
    csv_data = project(tmp_path / "c")
    write_csv(tmp_path / "in.csv", cells)
    intake(csv_data, tmp_path / "in.csv")
    files = {p.name for p in (xlsx_data / "registrations").rglob("*.yml")}
    assert files == {p.name for p in (csv_data / "registrations").rglob("*.yml")}
    assert all(RECORD_ID.match(name.removesuffix(".yml")) for name in files)


@pytest.mark.usefixtures("hmac_key")
def test_a_record_filed_under_its_former_id_is_not_imported_again(tmp_path: Path) -> None:
    data = project(tmp_path)
    source = write_csv(tmp_path / "in.csv", grid([row(1), row(2)]))
    intake(data, source)
    (path, *_) = sorted((data / "registrations").rglob("*.yml"))
    old = former_record_id(path.stem)
    assert old is not None
    text = path.read_text(encoding="utf-8").replace(path.stem, old)
    path.unlink()
    (path.parent / f"{old}.yml").write_text(text, encoding="utf-8")
    check = CliRunner().invoke(main, ["check", "--root", str(data.parent)])
    assert check.exit_code == 0, check.output
    assert intake(data, source).startswith("网上报名导入：新增 0 条报名记录：已导入过 2，重复 0")
    assert not path.exists()
