"""The bench's fixed reference workload: a yardstick timed in the same run as each budgeted
measure (`measure.against_reference`), so a budget is a ratio that a busy machine moves little.

It does what our code does, in the same proportions of kind: a new Python process imports PyYAML
and pydantic, builds a fixed, seeded set of registration-like records, writes them as YAML and
reads them back with PyYAML's pure-Python dumper and loader, validates each with a pydantic model
(field validators, a check digit, regexes), and groups and formats them (dicts, strings, JSON).
Not a tight arithmetic loop, which a shared core slows differently from code that walks memory.
Deterministic: it prints the same digest every run (checked by tests/test_bench_measure.py).

Run alone: .venv/bin/python bench/reference.py [--records N]  (prints the digest)"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from datetime import date, timedelta

import yaml
from pydantic import BaseModel, field_validator

RECORDS = 3_000
"""Records per run: about 3.6 CPU seconds on this project's 2-core machine when quiet
(`REFERENCE_QUIET_S` in bench/measure.py, with how it was calibrated); about 4.1 at load 15-19."""
SEED = 2012

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
_MONTH = re.compile(r"^(19|20)[0-9]{2}年(1[0-2]|[1-9])月$")
UNIONS = ["中山", "西岗", "沙河口", "甘井子", "金普新区", "旅顺口", "教育工会", "财贸"]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser and PyYAML's Python constructor, as generator/core/loader.py reads."""
AREAS = ["社会救助", "法律咨询", "再就业", "助老", "环保", "文化", "医疗", "交通"]


def _check(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


class Record(BaseModel):
    """A registration-like record (the reference's own model: not the project's)."""

    name: str
    union: str
    number: str
    phone: str
    joined: str
    born: date
    areas: list[str]
    resume: str
    hours: float

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        if not _NUMBER.match(value) or _check(value[:17]) != value[17]:
            raise ValueError("check digit")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not _PHONE.match(value):
            raise ValueError("phone")
        return value

    @field_validator("joined")
    @classmethod
    def _joined(cls, value: str) -> str:
        if not _MONTH.match(value):
            raise ValueError("month")
        return value


def records(count: int, seed: int = SEED) -> list[dict[str, object]]:
    """`count` seeded records as plain data (numbers computed here, never stored)."""
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for i in range(count):
        born = date(1955, 1, 1) + timedelta(days=rng.randrange(16_000))
        first17 = f"2102{rng.randrange(10, 99)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        out.append(
            {
                "name": f"志愿者{i}{rng.choice('甲乙丙丁戊己庚辛')}",
                "union": rng.choice(UNIONS),
                "number": first17 + _check(first17),
                "phone": "1" + str(rng.randrange(3, 10)) + f"{rng.randrange(10**9):09d}",
                "joined": f"{rng.randrange(1975, 2012)}年{rng.randrange(1, 13)}月",
                "born": born,
                "areas": rng.sample(AREAS, rng.randrange(1, 4)),
                "resume": "，".join(
                    f"{1990 + k}年在大连某单位工作" for k in range(rng.randrange(1, 6))
                ),
                "hours": rng.randrange(0, 400) / 2,
            }
        )
    return out


def workload(count: int = RECORDS) -> str:
    """The work, start to end: a digest of everything it produced."""
    digest = hashlib.sha256()
    texts = [yaml.dump(r, Dumper=yaml.SafeDumper, allow_unicode=True) for r in records(count)]
    by_union: dict[str, list[Record]] = {}
    for text in texts:
        data = yaml.load(text, Loader=_LOADER)
        record = Record.model_validate(data)
        by_union.setdefault(record.union, []).append(record)
    for union in sorted(by_union):
        people = sorted(by_union[union], key=lambda r: (r.born, r.name))
        summary = {
            "union": union,
            "count": len(people),
            "hours": sum(r.hours for r in people),
            "areas": sorted({a for r in people for a in r.areas}),
            "masked": [r.number[:6] + "*" * 8 + r.number[14:] for r in people],
            "words": sum(len(re.findall(r"[0-9]{4}年", r.resume)) for r in people),
        }
        digest.update(json.dumps(summary, ensure_ascii=False, default=str).encode())
        digest.update(json.dumps([r.model_dump(mode="json") for r in people]).encode())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=RECORDS)
    print(workload(parser.parse_args().records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
