"""The one-pass reading of registration files (generator/core/fastrecord.py) makes exactly the
record the usual way makes (loader, then the pydantic model), or leaves the file to it: on the
writer's output for records of every shape, on the bench's hand-style files, and on thousands of
randomly damaged files; and loading a folder gives the same counts, records and messages with
it as without it."""

from __future__ import annotations

import random
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator.core import fastrecord, loader, registrations
from generator.core.errors import DataErrors, Report
from generator.core.fastrecord import read_registration
from generator.core.identity import find_personal_numbers, keyed_hash, mask_id, mask_phone
from generator.core.records import Opinion, OpinionLevel, Registration
from generator.core.review import derive_status
from generator.core.writer import HEADERS, dump_yaml
from intake.store import record_text
from tests.records_factory import KEY, make_id, make_mobile

PIECES = ["张", "三", "a", "1", " ", "\u3000", '"', "\\", "#", ": ", "-", "中文", "x" * 40,
          "\u2028", "\t", "'", "[", "]", "{", "}", "null", "同意", "\u00a0"]  # fmt: skip
TEXTS = ["张三", "欧阳娜娜", "某医院", "电脑维修、心理咨询", " 前后空格 ", "含“引号”", "a: b",
         "#号", "x" * 30, "x" * 31, "有\\反斜杠", "有\"引号", "全角　空格", "null", "yes",
         "y" * 100, "y" * 101, "z" * 200, "z" * 201, "w" * 500, "w" * 501, "同意", "不同意"]  # fmt: skip
SWAPS = [("true", "false"), ('"unit"', '"city"'), ('"同意"', '"不同意"'), ("2013-01", "2012-12"),
         ("-h", "-H"), ('"pending"', '"approved"'), ('"群众"', '"群 众"'), ("T08", " 08"),
         ("2012-07-04", "2012-02-30"), ('"大学本科"', '"本科 "'), ("row: ", "row: 0")]  # fmt: skip


def usual(text: str) -> Registration | None:
    """What the loader and the model make of `text` (None where either refuses it)."""
    try:
        doc = loader.parse(text, "r.yml")
    except DataErrors:
        return None
    if not isinstance(doc.data, dict):
        return None
    try:
        return Registration.model_validate(doc.data)
    except ValidationError:
        return None


def same(a: Any, b: Any) -> None:
    """Equal values of the very same types, models with the same fields set."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, BaseModel):
        assert a == b
        assert a.model_fields_set == b.model_fields_set
        assert list(a.__dict__) == list(b.__dict__)
        for key in a.__dict__:
            same(a.__dict__[key], b.__dict__[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same(x, y)
    else:
        assert a == b


def agrees_with_usual(text: str) -> bool:
    """Checks the fast reading against the usual one; True when the fast one took the file."""
    fast = read_registration(text)
    if fast is None:
        return False
    slow = usual(text)
    assert slow is not None, text
    same(fast, slow)
    return True


def random_record(rng: random.Random, n: int) -> Registration:
    number = make_id(n)
    mobile = "+86" + make_mobile(n)
    levels = ["unit", "district", "city"][: rng.randint(0, 3)]
    opinions = [
        Opinion(
            level=OpinionLevel(level),
            opinion=rng.choice(["同意", "同意。", "不同意" if i == len(levels) - 1 else "同意"]),
            office=rng.choice(["单位工会", "中山区总工会", "大连市总工会"]),
            date=date(2013, 1 + i, rng.randint(1, 28)),
            **({"note": rng.choice(["备注", "请补材料"])} if rng.random() < 0.2 else {}),
        )
        for i, level in enumerate(levels)
    ]
    optional: dict[str, Any] = {}
    for field, choices in {
        "work_start": ["2001", "2001-09"],
        "education": ["大学本科", "本科", "20", "研究生"],
        "health": ["健康或良好", "良好", "1"],
        "employer": ["某医院", "大连某公司", "x" * 100],
        "skills": ["驾驶", "电脑维修、心理咨询"],
        "resume": ["2001年参加工作。"],
        "application": ["自愿参加。"],
        "guardian_consent": [True, False],
        "warnings": [["身份证号为15位旧号码"], []],
        "categories": [["health-care"], ["environment", "charity"], []],
    }.items():
        if rng.random() < 0.5:
            optional[field] = rng.choice(choices)
    return Registration(
        id=rng.choice([f"20120704t0853{n % 60:02d}-h{n:08x}", f"20120704-085300-{n:08x}"]),
        status=rng.choice([derive_status(opinions), derive_status(opinions, withdrawn=True)]),
        submitted=datetime(2012, 7, 4, 8, rng.randint(0, 59), rng.randint(0, 59)),
        row=rng.randint(2, 60000),
        union=rng.choice(["zhongshan", "xigang", "lvshunkou"]),
        name=rng.choice(["张三", "欧阳娜娜", "x" * 30]),
        gender=rng.choice(["男", "女", "1", "男性"]),
        political_status=rng.choice(["群众", "党员", "01", "中国共产党党员"]),
        id_masked=mask_id(number),
        id_hash=keyed_hash(KEY, "id", number),
        phone_masked=mask_phone(mobile),
        phone_hash=keyed_hash(KEY, "phone", mobile),
        consent=True,
        opinions=opinions,
        **optional,
    )


def test_every_shape_the_writer_makes_is_read_in_one_pass() -> None:
    rng = random.Random(2026)
    texts = [record_text(random_record(rng, n), "registrations") for n in range(600)]
    assert all(agrees_with_usual(text) for text in texts)


def test_the_bench_files_hand_style_are_read_in_one_pass() -> None:
    """Flow lists, dates unquoted, lists indented: as bench/synthetic.py writes them."""
    rng = random.Random(7)
    for n in range(200):
        record = random_record(rng, n)
        lines = []
        for key, value in record.model_dump(mode="json", exclude_unset=True).items():
            if key == "opinions" and value:
                lines.append("opinions:")
                for o in value:
                    lines += [f'  - level: "{o["level"]}"', f'    opinion: "{o["opinion"]}"',
                              f'    office: "{o["office"]}"', f"    date: {o['date']}"]  # fmt: skip
                    lines += [f'    note: "{o["note"]}"'] if "note" in o else []
            elif isinstance(value, list):
                items = ", ".join(f'"{v}"' for v in value)
                lines.append(f"{key}: [{items}]")
            elif isinstance(value, bool):
                lines.append(f"{key}: {'true' if value else 'false'}")
            elif key in ("submitted", "row"):
                lines.append(f"{key}: {str(value).replace('T', ' ')}")
            else:
                lines.append(f'{key}: "{value}"')
        text = "\n".join(lines) + "\n"
        if "warnings" in text.split("union:")[0]:
            continue  # the bench writes no warnings; a flow list there is fine either way
        assert agrees_with_usual(text), text


def _damaged(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.choice([1, 1, 2, 3])):
        i = rng.randrange(len(lines))
        kind = rng.random()
        if kind < 0.25:
            old, new = rng.choice(SWAPS)
            lines = "\n".join(lines).replace(old, new, 1).split("\n")
        elif kind < 0.4:
            at = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:at] + rng.choice(PIECES) + lines[i][at:]
        elif kind < 0.55:
            del lines[i]
        elif kind < 0.7:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif kind < 0.85 and ": " in lines[i]:
            key = lines[i].split(": ")[0]
            lines[i] = f'{key}: "{rng.choice(TEXTS)}"'
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def test_damaged_files_are_read_as_the_usual_way_reads_them_or_left_to_it() -> None:
    rng = random.Random(18)
    taken = left = 0
    for n in range(3000):
        text = _damaged(rng, record_text(random_record(rng, n), "registrations"))
        if agrees_with_usual(text):
            taken += 1
        else:
            left += 1
    assert taken > 200 and left > 1000  # both ways were exercised


@pytest.mark.parametrize(
    "field", ["name", "employer", "skills", "resume", "application", "warnings", "office"]
)
def test_a_personal_number_anywhere_leaves_the_file_to_the_model_which_refuses_it(
    field: str,
) -> None:
    rng = random.Random(3)
    record = random_record(rng, 5)
    number = make_id(77) if field != "skills" else make_mobile(77)
    data = record.model_dump(mode="json", exclude_unset=True)
    if field == "warnings":
        data["warnings"] = [f"号码 {number}"]
    elif field == "office":
        data["opinions"] = [{"level": "unit", "opinion": "同意", "office": f"工会{number}",
                             "date": "2013-01-02"}]  # fmt: skip
        data["status"] = "pending"
    else:
        data[field] = f"电话{number}"[:30]
    text = HEADERS["registrations"] + dump_yaml(data)
    assert number in text
    assert read_registration(text) is None
    assert usual(text) is None


def test_the_fields_the_check_skips_can_hold_no_personal_number() -> None:
    """_NUMBERLESS: every text of those shapes, random digits in every place the expression
    allows digits (dates that are no dates included), holds nothing find_personal_numbers finds."""
    rng = random.Random(11)

    def digits(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    for _ in range(3000):
        for text in (
            f"{digits(4)}-{digits(2)}-{digits(2)}{rng.choice(' T')}{digits(2)}:{digits(2)}:{digits(2)}",
            f"{digits(6)}********{digits(3)}{rng.choice('0123456789X')}",
            f"1{rng.choice('3456789')}{digits(1)}****{digits(4)}",
            f"0{digits(rng.randint(2, 3))}-****{digits(4)}",
            f"{rng.choice('123456789')}{digits(8)}",
            f"{digits(4)}-{digits(2)}",
        ):
            assert find_personal_numbers(text) == [], text
    assert set(fastrecord._NUMBERLESS) <= set(Registration.model_fields) | {"level", "date"}


def _folder(root: Path, rng: random.Random) -> None:
    for n in range(160):
        record = random_record(rng, n)
        text = record_text(record, "registrations")
        if n % 4 == 0:
            text = _damaged(rng, text)
        name = record.id if n % 11 else f"other-{n}"  # some files named unlike their id
        folder = root / "data" / "registrations" / (record.union if n % 13 else "xigang")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_a_folder_loads_the_same_with_and_without_the_one_pass_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(tmp_path, random.Random(99))
    unions, categories = {"zhongshan", "xigang"}, {"health-care", "environment"}

    def load() -> tuple[Any, ...]:
        report = Report()
        got = registrations.load_records(tmp_path, unions, categories, report, keep=True)
        records = sorted(got.registrations, key=lambda r: r.id)
        return (got.counts(), got.waiting_counts(), got.clean, got.people, records,
                [(e.path, e.line, e.field, e.message) for e in report.errors])  # fmt: skip

    fast = load()
    taken: list[str] = []
    monkeypatch.setattr(fastrecord, "read_registration", lambda text: taken.append(text) or None)
    slow = load()
    assert taken  # the fast reading was really switched off
    assert fast[:4] == slow[:4]
    assert fast[5] == slow[5] and fast[5]  # the same messages, and some
    for a, b in zip(fast[4], slow[4], strict=True):
        same(a, b)


def test_the_text_class_holds_exactly_what_flatyaml_lets_through_less_quote_and_backslash() -> None:
    """_CHAR is written negated (it compiles ten times faster); it must hold the characters of
    the ranges it replaced, every code point read."""
    ranges = (
        r"\x20\x21\x23-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
        r"\U00010000-\U0010ffff"
    )
    every = "".join(map(chr, range(0x110000)))
    assert re.findall(fastrecord._CHAR, every) == re.findall(f"[{ranges}]", every)
    comment = re.compile(rf"#[^{fastrecord._NOT_TEXT}\\]*\n")
    assert all(comment.fullmatch(f"#{c}\n") for c in ('"', "字", " ", "\U0001f600"))
    assert not any(comment.fullmatch(f"#{c}\n") for c in ("\\", "\x85", "\ufeff", "\u2028"))
