"""Synthetic registration and proposal records for tests: IDs and phones made at run time with
the check-digit algorithm, never written as literals."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from generator.core.identity import check_char, keyed_hash, mask_id, mask_phone
from generator.core.models import Contact, ProjectOrigin
from generator.core.records import Opinion, OpinionLevel, Proposal, RecordStatus, Registration
from generator.core.review import derive_status
from intake.store import record_text

KEY = b"test-key-0123456789abcdef"
"""Long enough for INTAKE_HMAC_KEY (intake and `volunteers roster` refuse a shorter key)."""


def make_id(n: int, born: str = "19800101", area: str = "210202") -> str:
    first17 = f"{area}{born}{n % 1000:03d}"
    return first17 + check_char(first17)


def make_mobile(n: int) -> str:
    return "139" + f"{n:08d}"


def registration(
    union: str,
    n: int,
    levels: tuple[str, ...] = (),
    disagree_at: str | None = None,
    name: str | None = None,
) -> Registration:
    number = make_id(n)
    opinions = [
        Opinion(
            level=OpinionLevel(level),
            opinion="不同意" if level == disagree_at else "同意",
            office="测试工会",
            date=date(2012, 7, 5 + i),
        )
        for i, level in enumerate(levels)
    ]
    return Registration(
        id=f"20120704-1200{n % 100:02d}-{n:08x}",
        status=derive_status(opinions),
        submitted=datetime(2012, 7, 4, 12, 0, n % 60),
        row=n + 2,
        union=union,
        name=name or f"测试{n}号",
        gender="男" if int(number[16]) % 2 else "女",
        political_status="群众",
        id_masked=mask_id(number),
        id_hash=keyed_hash(KEY, "id", number),
        phone_masked=mask_phone("+86" + make_mobile(n)),
        phone_hash=keyed_hash(KEY, "phone", "+86" + make_mobile(n)),  # E.164, as intake hashes it
        consent=True,
        opinions=opinions,
    )


def write_registration(root: Path, record: Registration) -> Path:
    path = root / "data" / "registrations" / record.union / f"{record.id}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record_text(record, "registrations"), encoding="utf-8")
    return path


def write_proposal(root: Path, n: int = 1, title: str = "社区职工法律咨询进楼院") -> Proposal:
    proposal = Proposal(
        id=f"20120801-090000-{n:08x}",
        status=RecordStatus.pending,
        submitted=datetime(2012, 8, 1, 9, 0, 0),
        row=n + 2,
        hash=keyed_hash(KEY, "proposal", f"{title}|{n}"),
        title=title,
        category="legal-aid",
        origin=ProjectOrigin.volunteer,
        proposer="西岗区志愿律师",
        union="xigang",
        place="西岗区各社区",
        start=date(2012, 9, 1),
        description="志愿律师每周进社区，为职工解答劳动合同、工资和社会保险方面的问题。欢迎职工前来咨询。",
        contact=Contact(office="西岗区总工会", phone="82610421"),
    )
    path = root / "data" / "proposals" / f"{proposal.id}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record_text(proposal, "proposals"), encoding="utf-8")
    return proposal
