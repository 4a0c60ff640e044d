"""Attendance sheets (签到表, XLSX or CSV) → service activities: rows matched by header name as
intake matches a form's, each participant checked, rows grouped into activity files (pure but
for reading the file)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.core.activities import DAY_LIMIT, Activity, Person, hours_text
from generator.core.identity import find_personal_numbers
from generator.core.models import Union
from generator.core.records import Registration
from generator.core.writer import dump_yaml

from .columns import Mapping, match_header
from .errors import IntakeError
from .files import open_file, opened
from .normalize import clean, lookup_key, parse_date
from .sources import Table


@dataclass(frozen=True)
class Problem:
    """A row not taken, with its place: 工作表 “…” 第 N 行."""

    sheet: str | None
    row: int
    text: str

    def __str__(self) -> str:
        if not self.row:
            return self.text
        where = f"工作表“{self.sheet}” " if self.sheet else ""
        return f"{where}第 {self.row} 行：{self.text}"


@dataclass
class Imported:
    """What a sheet yields: new activities (file id → data), rows refused, activities skipped."""

    activities: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Activities already in data/activities/ (same title, date, place and union)."""


@dataclass
class Context:
    """What rows are checked against."""

    unions: dict[str, Union]
    projects: set[str]
    people: dict[str, Person]
    registrations: list[Registration]
    existing: list[Activity]
    today: date
    default_union: str | None = None
    default_project: str | None = None

    def union(self, text: str) -> str | None:
        key = lookup_key(text)
        for uid, u in self.unions.items():
            names = {uid, u.name, u.short_name, u.current_name, *(h.name for h in u.history)}
            if key in {lookup_key(n) for n in names}:
                return uid
        return None

    def by_name(self, name: str, union: str) -> list[str]:
        """Approved registrations of `union` with this name."""
        return [
            r.id
            for r in self.registrations
            if r.union == union and r.name == name and r.status.value == "approved"
        ]


def sheets(path: Path) -> list[str | None]:
    """Every worksheet of a workbook (one activity per sheet is common); None for a CSV."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return [None]
    from openpyxl import load_workbook

    try:
        with opened(path) as handle:
            book = load_workbook(handle, read_only=True)
            names = list(book.sheetnames)
            book.close()
    except IntakeError:
        raise
    except Exception:  # a damaged workbook: open_file says why, in its words
        return [None]
    return names or [None]


def read(path: Path, ctx: Context, mapping: Mapping) -> Imported:
    """Every sheet of the file, checked and grouped."""
    out = Imported()
    names = sheets(path)
    for name in names:
        table = open_file(path, name)
        _read_table(table, name if len(names) > 1 else None, ctx, mapping, out)
    _day_limits(out, ctx)
    return out


def _read_table(
    table: Table, sheet: str | None, ctx: Context, mapping: Mapping, out: Imported
) -> None:
    layout = match_header(table.header, "activities", mapping)
    above: dict[str, str] = {}
    groups: dict[tuple[str, date, str, str, str | None], dict[str, Decimal]] = {}
    for number, cells in table.rows:
        values = {f: clean(layout.value(cells, f) or "") for f in layout.index}
        if not any(values.values()):
            continue
        for name in ("title", "date", "place", "union", "project"):
            if values.get(name):
                above[name] = values[name]
            elif above.get(name):
                values[name] = above[name]

        def refuse(text: str, row: int = number) -> None:
            out.problems.append(Problem(sheet, row, text))

        title, place = values.get("title", ""), values.get("place", "")
        if not title or not place:
            refuse("缺少服务内容或地点")
            continue
        if find_personal_numbers(f"{title}\n{place}"):
            refuse("服务内容或地点含有完整的身份证号或手机号，不能记录")
            continue
        day = parse_date(values.get("date", ""))
        if day is None:
            refuse(f"日期无法识别：“{values.get('date', '')}”")
            continue
        union = ctx.union(values["union"]) if values.get("union") else ctx.default_union
        if union is None:
            refuse(f"未知的工会：“{values.get('union', '')}”（可用 --union 指定）")
            continue
        project = values.get("project") or ctx.default_project
        if project is not None and project not in ctx.projects:
            refuse(f"未知的服务项目：“{project}”")
            continue
        try:
            hours = Decimal(values.get("hours", "").removesuffix("小时"))
        except InvalidOperation:
            refuse(f"时长应为数字（小时），实际为 “{values.get('hours', '')}”")
            continue
        if not 0 < hours <= DAY_LIMIT or hours != hours.quantize(Decimal("0.1")):
            refuse(f"时长应大于 0、不超过 24 小时、至多一位小数，实际为 {values.get('hours')}")
            continue
        record = _participant(values, union, ctx, refuse)
        if record is None:
            continue
        person = ctx.people[record]
        if day > ctx.today:
            refuse(f"日期 {day} 晚于今天")
            continue
        if person.approved_on is None or day < person.approved_on:
            refuse(f"日期 {day} 早于登记 {record} 经市总工会同意的日期 {person.approved_on}")
            continue
        people = groups.setdefault((title, day, place, union, project), {})
        if record in people:
            refuse(f"登记 {record} 在同一活动中重复出现")
            continue
        people[record] = hours
    for (title, day, place, union, project), people in groups.items():
        _add(out, ctx, title, day, place, union, project, people)


def _participant(values: dict[str, str], union: str, ctx: Context, refuse) -> str | None:  # type: ignore[no-untyped-def]
    record, name = values.get("record", ""), values.get("name", "")
    if not record:
        if not name:
            refuse("缺少登记编号（或姓名）")
            return None
        found = ctx.by_name(name, union)
        if len(found) != 1:
            refuse(
                f"按姓名在{ctx.unions[union].name}的已批准登记中找到 {len(found)} 条，请填写登记编号"
            )
            return None
        record = found[0]
    person = ctx.people.get(record)
    if person is None:
        refuse(f"未知的登记编号 “{record}”")
        return None
    if person.status != "approved":
        refuse(f"登记 {record} 尚未经市总工会同意")
        return None
    return record


def _add(
    out: Imported,
    ctx: Context,
    title: str,
    day: date,
    place: str,
    union: str,
    project: str | None,
    people: dict[str, Decimal],
) -> None:
    same = (title, day, place, union)
    if any((a.title, a.date, a.place, a.union) == same for a in ctx.existing):
        out.skipped.append(f"{day} {title}（{place}）")
        return
    common = Counter(people.values()).most_common(1)[0][0]  # a tie: the first row's hours
    data: dict[str, object] = {"title": title}
    if project:
        data["project"] = project
    data.update(union=union, date=day.isoformat(), place=place, hours=hours_text(common))
    data["participants"] = [
        pid if h == common else {"id": pid, "hours": hours_text(h)} for pid, h in people.items()
    ]
    taken = {a.id for a in ctx.existing} | set(out.activities)
    n = 1
    while f"{union}-{day:%Y%m%d}-{n}" in taken:
        n += 1
    out.activities[f"{union}-{day:%Y%m%d}-{n}"] = data


def _day_limits(out: Imported, ctx: Context) -> None:
    """No one over 24 hours on one day, counting the activities already recorded: the
    activities that would push someone over are not written."""
    totals: dict[tuple[str, date], Decimal] = {}
    for activity in ctx.existing:
        for pid, h in activity.served():
            totals[(pid, activity.date)] = totals.get((pid, activity.date), Decimal(0)) + h
    for aid, data in list(out.activities.items()):
        day = date.fromisoformat(str(data["date"]))
        served = _served(data)
        over = [pid for pid, h in served if totals.get((pid, day), Decimal(0)) + h > DAY_LIMIT]
        if over:
            del out.activities[aid]
            out.problems.append(
                Problem(
                    None,
                    0,
                    f"{day} {data['title']}：{'、'.join(over)} 当日服务时长合计超过 24 小时，该活动未导入",
                )
            )
            continue
        for pid, h in served:
            totals[(pid, day)] = totals.get((pid, day), Decimal(0)) + h


def _served(data: dict[str, object]) -> list[tuple[str, Decimal]]:
    default = Decimal(str(data["hours"]))
    items: Iterable[object] = data["participants"]  # type: ignore[assignment]
    return [
        (p, default) if isinstance(p, str) else (str(p["id"]), Decimal(str(p["hours"])))  # type: ignore[index]
        for p in items
    ]


HEADER = "# 由 volunteers activity import 从签到表导入（{source}）；请核对后提交。\n"


def activity_text(data: dict[str, object], source: str) -> str:
    return HEADER.format(source=source) + dump_yaml(data)
