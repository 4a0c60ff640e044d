"""Seeded, deterministic synthetic data at scale, written into a temporary copy of the project."""

from __future__ import annotations

import hashlib
import json
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import copy_project  # noqa: E402  (the same copy the tests build from)


@dataclass(frozen=True)
class Scale:
    unions: int = 20
    projects: int = 5_000
    recognitions: int = 1_000
    registrations: int = 50_000

    def fraction(self, factor: float) -> Scale:
        """The same data set, smaller (the union count stays: it is not what grows)."""
        return Scale(
            self.unions,
            max(1, int(self.projects * factor)),
            max(1, int(self.recognitions * factor)),
            max(1, int(self.registrations * factor)),
        )


FULL = Scale()

# Word pools for titles and text: Chinese as staff write it, so jieba and search do real work.
PLACES = ["社区", "街道", "企业", "学校", "医院", "工地", "港口", "车间", "商场", "养老院"]
ACTIONS = ["金秋助学", "义诊", "法律咨询", "技能培训", "困难帮扶", "心理疏导", "送温暖", "就业指导"]
PEOPLE = ["困难职工", "农民工", "退休职工", "职工子女", "孤寡老人", "残疾职工", "一线职工"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
SENTENCES = [
    "志愿者利用业余时间上门走访，了解{who}的实际困难，建立帮扶台账。",
    "项目由{union}承接，在{place}设立服务点，每周固定时间提供{what}服务。",
    "服务对象为{who}，服务方式包括集中活动、上门服务和结对帮扶。",
    "项目结束后由工会组织回访，总结经验，形成长效机制。",
]


def _yaml_value(value: Any) -> str:
    """A scalar as YAML: text double-quoted (JSON's quoting is valid YAML), the rest plain."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _write_yaml(file: Path, data: dict[str, Any]) -> None:
    """Flat YAML by hand: safe_dump is too slow for 50,000 files and this is all the shape needed."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {_yaml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    lines.append(f"  {'- ' if first else '  '}{k}: {_yaml_value(v)}")
                    first = False
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_yaml_value(v) for v in value)}]")
        else:
            lines.append(f"{key}: {_yaml_value(value)}")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))


def _day(rng: random.Random, start: date, days: int) -> date:
    return start + timedelta(days=rng.randrange(days))


def _hex(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def _unions(root: Path, scale: Scale) -> tuple[list[str], dict[str, str]]:
    """The notice's unions, plus made-up ones up to `scale.unions`; quotas still add up."""
    unions_file, quotas_file = root / "data" / "unions.yml", root / "data" / "quotas.yml"
    unions = yaml.safe_load(unions_file.read_text(encoding="utf-8"))
    quotas = yaml.safe_load(quotas_file.read_text(encoding="utf-8"))
    extra = scale.unions - len(unions["unions"])
    lines = unions_file.read_text(encoding="utf-8").rstrip("\n").split("\n")
    quota_text = quotas_file.read_text(encoding="utf-8").rstrip("\n")
    biggest = max(quotas["quotas"], key=lambda q: q["count"])
    for i in range(1, extra + 1):
        uid = f"shiyan-{i:02d}"
        lines += [
            f"  - id: {uid}",
            f'    name: "试验{i}区总工会"',
            f'    short_name: "试验{i}"',
            "    kind: zone",
        ]
        # Move 10 places from the biggest quota, so the total stays what the notice says.
        quota_text += f"\n  - union: {uid}\n    count: 10"
    if extra > 0:
        old = f"union: {biggest['union']}\n    count: {biggest['count']}"
        assert old in quota_text, "quotas.yml layout changed: update bench/synthetic.py"
        quota_text = quota_text.replace(
            old, f"union: {biggest['union']}\n    count: {biggest['count'] - 10 * extra}"
        )
    unions_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quotas_file.write_text(quota_text + "\n", encoding="utf-8")
    all_unions = yaml.safe_load(unions_file.read_text(encoding="utf-8"))["unions"]
    return [u["id"] for u in all_unions], {u["id"]: u["name"] for u in all_unions}


def _categories(root: Path) -> list[str]:
    data = yaml.safe_load((root / "data" / "categories.yml").read_text(encoding="utf-8"))
    return [c["id"] for c in data["categories"]]


def _projects(
    root: Path, rng: random.Random, count: int, unions: list[str], names: dict[str, str]
) -> None:
    folder = root / "data" / "projects"
    existing = len(list(folder.glob("*.yml")))
    categories = _categories(root)
    for n in range(max(0, count - existing)):
        union = rng.choice([*unions, None])
        what, who, place = rng.choice(ACTIONS), rng.choice(PEOPLE), rng.choice(PLACES)
        start = _day(rng, date(2012, 8, 1), 365 * 14)
        status = rng.choice(["approved", "ongoing", "completed"])
        text = {
            "union": names.get(union or "", "市总工会"),
            "what": what,
            "who": who,
            "place": place,
        }
        description = "\n\n".join(s.format(**text) for s in rng.sample(SENTENCES, 3))
        data: dict[str, Any] = {
            "title": f"{names.get(union or '', '大连市')[:6]}{place}{what}志愿服务（{n + 1}）",
            "category": rng.choice(categories),
            **({"union": union} if union else {}),
            "origin": rng.choice(["city", "union", "volunteer"]),
            "proposer": names.get(union or "", "大连市总工会"),
            "status": status,
            "start": start,
            **(
                {"end": start + timedelta(days=rng.randint(1, 365))}
                if status == "completed"
                else {}
            ),
            "place": f"{place}服务点",
            "summary": f"为{who}提供{what}服务。",
            "description": description,
            "contact": {
                "office": names.get(union or "", "市总工会生活保障部"),
                "phone": "82610421",
            },
            "approved_by": "大连市总工会生活保障部",
            "approved_on": start - timedelta(days=rng.randint(1, 30)),
        }
        _write_yaml(folder / f"bench-{n + 1:05d}.yml", data)


def _recognitions(root: Path, rng: random.Random, count: int, unions: list[str]) -> None:
    folder = root / "data" / "recognitions"
    existing = len(list(folder.glob("*.yml")))
    for n in range(max(0, count - existing)):
        year = rng.randint(2012, 2026)
        team = rng.random() < 0.2
        data = {
            "year": year,
            "title": "优秀工会服务帮扶志愿者" + ("集体" if team else ""),
            "kind": "team" if team else "individual",
            "name": f"{rng.choice(PLACES)}志愿服务队" if team else _name(rng),
            "union": rng.choice(unions),
            "citation": f"长期开展{rng.choice(ACTIONS)}志愿服务，帮扶{rng.choice(PEOPLE)}{rng.randint(2, 60)}户。",
            "awarded_by": "大连市总工会",
            "awarded_on": _day(rng, date(year, 1, 1), 365),
        }
        _write_yaml(folder / f"bench-{n + 1:05d}.yml", data)


def _registrations(
    root: Path, rng: random.Random, count: int, unions: list[str], names: dict[str, str]
) -> None:
    categories = _categories(root)
    base = datetime(2012, 7, 4, 8, 0)
    for n in range(count):
        union = unions[n % len(unions)]
        submitted = base + timedelta(minutes=n * 7 + rng.randrange(7))
        area = rng.choice(["210202", "210203", "210204", "210211", "210212", "210213"])
        male = rng.random() < 0.5
        record_id = f"{submitted:%Y%m%dt%H%M%S}-h{_hex(rng)[:8]}"  # intake's shape (RECORD_ID)
        fate = rng.random()
        day = submitted.date()
        opinions = []
        if fate < 0.7:
            levels = ["unit", "district", "city"][: rng.randint(1, 3) if fate < 0.4 else 3]
            offices = ["单位工会", names[union], "大连市总工会"]
            for i, level in enumerate(levels):
                day += timedelta(days=rng.randint(0, 10))
                opinions.append(
                    {"level": level, "opinion": "同意", "office": offices[i], "date": day}
                )
        elif fate < 0.8:
            opinions.append(
                {"level": "unit", "opinion": "不同意", "office": "单位工会", "date": day}
            )
        status = (
            "rejected"
            if any(o["opinion"] != "同意" for o in opinions)
            else "approved"
            if opinions and opinions[-1]["level"] == "city"
            else "pending"
        )
        data: dict[str, Any] = {
            "id": record_id,
            "status": status,
            "submitted": submitted,
            "row": n + 2,
            "union": union,
            "name": _name(rng),
            "gender": "男" if male else "女",
            "political_status": rng.choice(["群众", "中国共产党党员", "中国共产主义青年团团员"]),
            # The third kept digit is the sequence's last: odd for men (GB 11643).
            "id_masked": f"{area}********{rng.randrange(male, 1000, 2):03d}{rng.choice('0123456789X')}",
            "id_hash": _hex(rng),
            "phone_masked": f"1{rng.randint(3, 9)}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}",
            "phone_hash": _hex(rng),
            "education": rng.choice(["大学本科", "大学专科", "普通高级中学"]),
            "employer": f"{rng.choice(PLACES)}{rng.randint(1, 99)}号单位",
            "skills": rng.choice(["驾驶", "法律", "医疗护理", "电脑维修", "心理咨询", "教学"]),
            "categories": rng.sample(categories, rng.randint(1, 2)),
            "consent": True,
            "opinions": opinions,
        }
        folder = root / "data" / "registrations" / union
        folder.mkdir(parents=True, exist_ok=True)
        _write_yaml(folder / f"{record_id}.yml", data)


def generate(dest: Path, scale: Scale = FULL, seed: int = 2012) -> Path:
    """A copy of the project under `dest` with `scale`'s amount of data; the same seed, the same
    files, byte for byte."""
    root = copy_project(dest)
    rng = random.Random(seed)
    unions, names = _unions(root, scale)
    _projects(root, rng, scale.projects, unions, names)
    _recognitions(root, rng, scale.recognitions, unions)
    _registrations(root, rng, scale.registrations, unions, names)
    return root


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench-project")
    print(generate(target))
