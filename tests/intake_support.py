"""Test helpers for intake: ID numbers and mobiles made at run time, projects, form rows.

No full ID or mobile number is written in any file of the repository: they are computed here."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from generator.core.identity import check_char

REPO = Path(__file__).resolve().parent.parent
KEY = "test-key-" + "0123456789abcdef"
HEADER = (
    "时间戳记 | 姓名 | 性别 | 政治面貌 | 身份证号 | 联系电话 | 参加工作时间 | 学历 | 健康状况 | "
    "工作单位 | 特长 | 工作简历 | 所属工会 | 服务意向 | 本人申请 | 个人信息处理同意"
).split(" | ")
PROPOSAL_HEADER = (
    "时间戳记 | 项目名称 | 服务类别 | 提出方 | 提出单位或个人 | 承接工会 | 服务地点 | 开始日期 | "
    "结束日期 | 项目简介 | 项目内容 | 联系部门 | 联系电话"
).split(" | ")


def make_id(birth: str = "19800101", seq: int = 123, area: str = "210202") -> str:
    """A syntactically valid ID number: odd `seq` = male, even = female."""
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + check_char(first17)


def bad_check(number: str) -> str:
    """The same number with a wrong check character."""
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def make_mobile(n: int) -> str:
    """An 11-digit mobile number in the 139 range, distinct for each n."""
    return "1" + "39" + f"{n:08d}"


def office_phone() -> str:
    return "0411-" + "8261" + "0421"


def project(tmp_path: Path) -> Path:
    """A copy of the repository's data/ (without intake records); returns its data dir."""
    data = tmp_path / "data"
    shutil.copytree(
        REPO / "data", data, ignore=shutil.ignore_patterns("registrations", "proposals", ".intake*")
    )
    return data


def row(
    n: int,
    *,
    name: str = "",
    gender: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    union: str = "中山区总工会",
    categories: str = "社会救助、法律咨询",
    consent: str = "同意",
    stamp: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """A good registration for person n (born 1980, male when n is odd); override any field."""
    seq = 100 + n
    values = {
        "时间戳记": stamp or f"2012/7/10 15:{n // 60:02d}:{n % 60:02d}",
        "姓名": name or f"志愿者{n}",
        "性别": gender or ("男" if seq % 2 else "女"),
        "政治面貌": "群众",
        "身份证号": id_number if id_number is not None else make_id(seq=seq),
        "联系电话": phone if phone is not None else make_mobile(n),
        "参加工作时间": "2001年7月",
        "学历": "本科",
        "健康状况": "健康",
        "工作单位": "大连某公司",
        "特长": "摄影",
        "工作简历": "2001 年参加工作",
        "所属工会": union,
        "服务意向": categories,
        "本人申请": "自愿参加工会服务帮扶志愿者队伍",
        "个人信息处理同意": consent,
    }
    values.update(extra)
    return values


def grid(rows: list[dict[str, str] | None], header: list[str] = HEADER) -> list[list[str]]:
    """Header + rows as a sheet's values; None makes a blank row."""
    out = [list(header)]
    for values in rows:
        out.append([] if values is None else [values.get(h, "") for h in header])
    return out


def write_csv(path: Path, cells: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(cells)
    return path


def all_text_under(*roots: Path) -> str:
    """Every file's text under the roots, for the personal-number scan."""
    parts = []
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        parts += [f.read_bytes().decode("utf-8", errors="replace") for f in files]
    return "\n".join(parts)
