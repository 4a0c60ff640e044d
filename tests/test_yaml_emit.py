"""dump_yaml's direct writer (writer.emit_record) gives the very bytes PyYAML writes, with
libyaml's emitter and with its own Python one, for every shape it accepts; every other shape is
left to PyYAML, a whole document at a time."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

import pytest
import yaml

from generator.core.writer import (
    LIBYAML_DUMPER,
    PURE_DUMPER,
    dump_yaml,
    emit_record,
    record_text,
    yaml_text,
)
from tests.records_factory import registration

WRITTEN_DIRECTLY: list[dict[str, Any]] = [
    {
        "id": "20120710t153000-h1a2b3c4d",
        "status": "pending",
        "submitted": "2012-07-10T15:30:00",
        "row": 2,
        "name": "王小明",
        "id_masked": "210202********123X",
        "phone_masked": "139****5678",
        "work_start": "1998-07",
        "categories": ["social-assistance", "legal-aid"],
        "consent": True,
        "warnings": [],
        "opinions": [],
    },
    {"text": 'He said "no": yes', "path": "C:\\data\\a.yml", "colon": "12:30", "hash": "#x"},
    {"zeros": "0612", "octal": "0o17", "number": "1e3", "null_word": "null", "tilde": "~"},
    {"words": ["no", "yes", "on", "off", "true", "y", "n", "", " ", "  lead", "trail  "]},
    {"dates": ["2012-07-10", "2012/7/10", "2012年7月10日"], "stamp": "2012-07-10 15:30:00"},
    {"punct": "，；：（）！？【】《》“”‘’、。", "fullwidth": "１２３ＡＢＣ", "nbsp": "a\xa0b"},
    {"yaml_marks": "- [a, b] {c: d} &x *y !t |> ' % @ `", "dashes": "---", "dots": "..."},
    {"ints": [0, 1, -5, 10**14], "flags": [True, False], "nothing": None, "empty": ""},
    {"contact": {"office": "生活保障部", "phone": "0411-82345678"}, "after": "x"},
    {"deep": {"aa": {"bb": {"cc": ["x", {"dd": "y", "ee": []}], "ff": {}}}}},
    {
        "opinions": [
            {"level": "unit", "by": "某单位", "text": "同意", "date": "2012-07-11"},
            {"level": "city", "tags": ["a", "b"], "more": {"kk": "v"}, "none": None},
            {},
            "plain",
            7,
        ]
    },
    {"long": "长" * 30_000, "spaced": "a " * 10_000},
    {
        "private_use": "\ue000\uf8ff",
        "last_bmp": "\ufffd",
        "before_bom": "\ufefe",
        "fullwidth_start": "\uff00",
    },
]

LEFT_TO_PYYAML: list[Any] = [
    {"multi": "第一行\n第二行"},
    {"crlf": "a\r\nb"},
    {"tab": "a\tb"},
    {"control": "a\x07b", "del": "\x7f"},
    {"nel": "a\x85b"},
    {"separators": "a\u2028b\u2029c"},
    {"bom": "\ufeffa"},
    {"astral": "𠀀𡃁 name 😀"},
    {"nonchar": "\ufffe"},
    {"surrogate_free": "ok", "lone": "\ud800"},
    {"day": date(2012, 7, 10)},
    {"moment": datetime(2012, 7, 10, 15, 30)},
    {"ratio": 0.5},
    {"huge": 10**20},
    {"x": "single-letter key"},
    {"Name": "capital key"},
    {"yes": "YAML 1.1 word as key"},
    {"中文": "key"},
    {7: "number key"},
    {"nested": [["list", "in", "list"]]},
    {"too_long": "长" * 30_001},
    {"deep": {"aa": {"bb": {"cc": {"dd": {"ee": {"ff": {"gg": {"hh": {"ii": "x"}}}}}}}}}},
    {},
    ["top", "level", "list"],
    "a top-level string",
]


def _twice() -> dict[str, Any]:
    shared = ["a"]
    return {"first": shared, "second": shared}


def test_the_shapes_written_directly_are_libyamls_and_pyyamls_bytes() -> None:
    for data in WRITTEN_DIRECTLY:
        text = emit_record(data)
        assert text is not None, data
        assert text == yaml_text(data, PURE_DUMPER), data
        if LIBYAML_DUMPER is not None:
            assert text == yaml_text(data, LIBYAML_DUMPER), data
        assert dump_yaml(data) == text
        assert yaml.safe_load(text) == data


def test_every_other_shape_is_written_by_pyyaml_whole() -> None:
    for data in [*LEFT_TO_PYYAML, _twice()]:
        assert emit_record(data) is None, data
        if isinstance(data, dict) and "lone" in data and LIBYAML_DUMPER is not None:
            with pytest.raises(UnicodeEncodeError):  # as before: a lone surrogate is not UTF-8
                dump_yaml(data)
            continue
        assert dump_yaml(data) == yaml_text(data, LIBYAML_DUMPER or PURE_DUMPER)
    assert "&id001" in dump_yaml(_twice())


def test_record_files_are_written_as_pyyaml_writes_them() -> None:
    """With opinions (a list of mappings, dates as text); a multi-line answer sends its whole
    record to PyYAML."""
    plain = registration("zhongshan", 7, levels=("unit", "district"), name="李“小”红")
    plain = plain.model_copy(update={"employer": "大连: 某公司 #1", "skills": "摄影、书法"})
    multi = plain.model_copy(update={"resume": "1998 年参加工作\n2005 年调入"})
    for record, direct in ((plain, True), (multi, False)):
        header, body = record_text(record, "registrations").split("\n", 1)
        assert header.startswith("# 网上报名登记")
        data = yaml.safe_load(body)
        assert data == {**record.model_dump(mode="json", exclude_none=True)}
        assert (emit_record(data) is not None) is direct
        assert body == yaml_text(data, LIBYAML_DUMPER or PURE_DUMPER)
        if direct:
            assert body == yaml_text(data, PURE_DUMPER)
        assert list(data)[-2:] == ["warnings", "opinions"]


ALPHABET = [
    *"\x00\t\n\r\x1f \"\\:#-?&*!|>'%@`~{}[],\x7e\x7f\x80\x85\x9f\xa0",
    *"\u2027\u2028\u2029\u202a\ud7ff\ue000\ufefe\ufeff\uff00\uff0c\ufffd\ufffe\uffff",
    *"\U00010000\U00020000中文01aynNo",
]
KEYS = ["id", "name", "row", "categories", "no", "x", "a_b", "zz", "Key", "warnings", "text"]


def _text(rng: random.Random) -> str:
    safe = rng.random() < 0.6  # most strings only of characters written as they are
    pool = [c for c in ALPHABET if c.isprintable() and ord(c) < 0x10000] if safe else ALPHABET
    return "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))


def _value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.55:
        return rng.choice(
            [_text(rng), _text(rng), rng.randint(-(10**16), 10**16), True, None, 1.5, "", "07"]
        )
    if roll < 0.8:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return _mapping(rng, depth + 1)


def _mapping(rng: random.Random, depth: int) -> dict[Any, Any]:
    return {rng.choice(KEYS): _value(rng, depth) for _ in range(rng.randint(0, 5))}


def test_random_documents_come_out_as_pyyaml_writes_them() -> None:
    rng = random.Random(20121)
    direct = 0
    for _ in range(3_000):
        data = _mapping(rng, 0)
        text = emit_record(data)
        if text is not None:
            direct += 1
            assert text == yaml_text(data, PURE_DUMPER), data
        if LIBYAML_DUMPER is not None:
            try:
                expected = yaml_text(data, LIBYAML_DUMPER)
            except yaml.YAMLError:  # what libyaml cannot write fails as it did
                with pytest.raises(yaml.YAMLError):
                    dump_yaml(data)
                continue
            assert dump_yaml(data) == expected, data
    assert direct > 300  # the direct writer is really exercised
