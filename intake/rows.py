"""Rows → validated registration records or rejections with Chinese reasons (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.core.identity import (
    ADULT_AGE,
    IdNumberError,
    SavedAsNumber,
    find_personal_numbers,
    keyed_hash,
    mask_phone,
    parse_resident_id,
    redact,
)
from generator.core.messages import explain
from generator.core.phones import PhoneError, parse_phone
from generator.core.records import Registration
from generator.core.validate import SiteData

from .columns import REGISTRATION, Column
from .fields import field_errors
from .normalize import (
    affirmative,
    clean,
    formula_like,
    lookup_key,
    parse_month,
    parse_timestamp,
    split_list,
)

NUMBER_LABELS = {"id": "疑似身份证号", "mobile": "疑似个人手机号"}

ENUM_HINTS = {
    "gender": "男、女",
    "political_status": "中共党员、预备党员、共青团员、民主党派名称、无党派人士、群众",
    "education": "研究生、本科、大专、中专、高中、初中、小学、其他",
    "health": "健康、一般、有慢性病、残疾",
    "origin": "工会组织、志愿者、市总工会",
}


@dataclass(frozen=True)
class Lookups:
    """Unions and service areas by every name people write (2012 name, current name, short name, id)."""

    site: SiteData
    unions: dict[str, str]
    categories: dict[str, str]
    key: bytes

    @classmethod
    def build(cls, site: SiteData, key: bytes) -> Lookups:
        unions: dict[str, str] = {}
        for union in site.unions.values():
            names = [union.id, union.name, union.short_name, *(h.name for h in union.history)]
            # 金普新区 for 金普新区总工会, 中山区 for 中山区总工会: the name without its suffix.
            names += [n.removesuffix("总工会").removesuffix("工会") for n in names]
            for name in names:
                if name:
                    unions.setdefault(lookup_key(name), union.id)
        categories: dict[str, str] = {}
        for category in site.categories.values():
            for name in (category.id, category.name):
                categories.setdefault(lookup_key(name), category.id)
        categories.setdefault("一助一", "one-to-one")
        return cls(site, unions, categories, key)

    def union(self, text: str) -> str | None:
        return self.unions.get(lookup_key(text))

    def category(self, text: str) -> str | None:
        return self.categories.get(lookup_key(text))

    def union_hint(self) -> str:
        return "、".join(u.short_name for u in self.site.unions.values())


@dataclass
class Accepted:
    row: int
    record: Registration | Any
    dedupe: str
    """The keyed hash that identifies the same person (or the same proposal) twice."""
    name: str
    union: str | None


@dataclass
class Rejected:
    row: int
    name: str
    reasons: list[str]
    in_export: list[str] = field(default_factory=list)
    """The reasons that are the export's or the mapping's (staff fix them), not the person's."""


@dataclass
class RowCheck:
    """Problems and warnings of one row, each prefixed with its column's label."""

    row: int
    columns: dict[str, Column]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    in_export: list[str] = field(default_factory=list)

    def problem(self, field_name: str, message: str, in_export: bool = False) -> None:
        """A problem of the row; `in_export` when the form or the mapping causes it (an option
        text we do not know, a number column saved as a number), not the person's answer."""
        self.failed.add(field_name)
        label = self.label(field_name)
        self.problems.append(f"{label}：{message.removeprefix(label)}")
        if in_export:
            self.in_export.append(self.problems[-1])

    def warn(self, field_name: str, message: str) -> None:
        self.warnings.append(f"{self.label(field_name)}：{message}")

    def label(self, field_name: str) -> str:
        column = self.columns.get(field_name)
        return column.label if column else field_name

    def free_text(self, values: dict[str, str], published: bool = False) -> None:
        """Formula-like values are flagged; personal numbers in free text are masked, or, in
        text meant to be published (a proposal), refused: the proposer must take them out."""
        for name, value in values.items():
            column = self.columns.get(name)
            if column is None or not column.free_text or not value:
                continue
            if formula_like(value):
                self.warn(
                    name, f"以“{value[0]}”开头，已按文本保存（疑似公式，请勿在表格软件中直接执行）"
                )
            found = find_personal_numbers(value)
            if found:
                values[name] = redact(value)  # reported once, here, in the column's words
            if found and published:
                what = "、".join(f"{NUMBER_LABELS[f.kind]} {f.masked}" for f in found[:3])
                self.problem(
                    name, f"含有{what}：项目申报会公开发布，不能含个人号码，请删去后重新提交"
                )
            elif found:
                self.warn(name, "含有完整的身份证号或手机号，已替换为脱敏形式")

    def timestamp(self, values: dict[str, str]) -> datetime | None:
        text = values.get("submitted", "")
        if not text:
            self.problem("submitted", "不能为空")
            return None
        stamp = parse_timestamp(text)
        if stamp is None:
            self.problem("submitted", f"无法识别的时间“{text[:30]}”（如 2012/7/10 15:30:00）")
        return stamp

    def validate(self, model: type[BaseModel], data: dict[str, Any]) -> BaseModel | None:
        """The parts of the row that exist, each checked alone against the record's schema, and
        every column the record requires reported when empty; the whole record, with the rules
        that join its fields, only once every part exists. A column already reported is not
        reported twice. Nothing stands in for a missing part.

        A row with no problem yet is first tried whole: every rule on one field lives in that
        field's type (intake/fields.py), so a record the model accepts has no part that would be
        refused alone, and the parts are checked one by one only when it is refused."""
        if not self.problems:
            try:
                return model.model_validate(data)
            except ValidationError:
                pass
        for name, info in model.model_fields.items():
            if name in data:
                for err in field_errors(model, name, data[name]):
                    self._model_error(name, err)
            elif info.is_required() and name in self.columns and name not in self.failed:
                self.problem(name, "不能为空")
        if self.problems:
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                self._model_error("", err)
            return None

    def _model_error(self, name: str, err: ErrorDetails) -> None:
        """One error of the schema, under its column: `name`, or for a part made of columns
        (a proposal's contact: contact_office, contact_phone) the column of the part's field."""
        inner = next((p for p in err["loc"] if isinstance(p, str)), None)
        if inner is not None and f"{name}_{inner}" in self.columns:
            name = f"{name}_{inner}"
        elif not name and inner is not None:
            name = inner
        if name in self.failed:
            return
        if err["type"] == "missing" or err["type"] == "string_too_short":
            message = "不能为空"
        elif err["type"] == "enum" and name in ENUM_HINTS:
            message = f"无法识别“{str(err.get('input'))[:20]}”（可填：{ENUM_HINTS[name]}）"
        else:
            message = explain(err)
        if name:
            self.problem(name, message, in_export=err["type"] == "enum")
        else:
            self.problems.append(message)


def record_id(stamp: datetime, key: bytes, subject: str) -> str:
    """20120710t153000-h1a2b3c4d: the submission time and a keyed hash of who submitted it, in
    the shape generator.core.records.RECORD_ID (letters between the digit groups: never read as a
    phone number). Records written before keep their ids (20120710-153000-1a2b3c4d)."""
    digest = keyed_hash(key, "record", f"{stamp.isoformat()}|{subject}")
    return f"{stamp:%Y%m%d}t{stamp:%H%M%S}-h{digest[:8]}"


def cleaned(raw: dict[str, str | None]) -> dict[str, str]:
    return {name: clean(value) for name, value in raw.items() if value is not None}


REG_COLUMNS = {c.field: c for c in REGISTRATION}


def begin(
    row: int, raw: dict[str, str | None], columns: dict[str, Column], published: bool = False
) -> tuple[dict[str, str], RowCheck, datetime | None] | None:
    """The first steps of every row: clean values, check free text (refusing personal numbers in
    text to be `published`), read the timestamp; None for a blank row."""
    values = cleaned(raw)
    if not any(values.values()):
        return None
    check = RowCheck(row, columns)
    check.free_text(values, published)
    return values, check, check.timestamp(values)


def registration(row: int, raw: dict[str, str | None], ctx: Lookups) -> Accepted | Rejected | None:
    """One form row → a pending Registration, a rejection, or None for a blank row."""
    started = begin(row, raw, REG_COLUMNS)
    if started is None:
        return None
    values, check, stamp = started
    data: dict[str, Any] = {"row": row}
    if stamp is not None:
        data["submitted"] = stamp
    for name in ("name", "gender", "political_status", "education", "health", "employer"):
        if values.get(name):
            data[name] = values[name]
    for name in ("skills", "resume", "application"):
        if values.get(name):
            data[name] = values[name]

    person = _id_number(check, values, stamp)
    if person is not None:
        data["id_masked"] = person.masked
        data["id_hash"] = keyed_hash(ctx.key, "id", person.number)
        if stamp is not None:
            data["id"] = record_id(stamp, ctx.key, person.number)
        if affirmative(values.get("guardian_consent", "")):
            data["guardian_consent"] = True
    _phone(check, values, data, ctx.key)
    _union_and_categories(check, values, data, ctx)
    if affirmative(values.get("consent", "")):
        data["consent"] = True
    else:
        check.problem("consent", "未同意个人信息处理（应填写“同意”或“是”），不能登记")
    if values.get("work_start"):
        month = parse_month(values["work_start"])
        if month is None:
            check.problem(
                "work_start", f"无法识别“{values['work_start'][:20]}”（如 1998-07 或 1998年7月）"
            )
        else:
            data["work_start"] = month
    data["warnings"] = check.warnings
    record = check.validate(Registration, data)
    name = values.get("name", "")[:30]
    if record is None:
        return Rejected(row, name, check.problems, check.in_export)
    assert isinstance(record, Registration)
    return Accepted(row, record, record.id_hash, name, record.union)


def _id_number(check: RowCheck, values: dict[str, str], stamp: datetime | None) -> Any:
    text = values.get("id_number", "")
    if not text:
        check.problem("id_number", "不能为空")
        return None
    try:
        person = parse_resident_id(text)
    except IdNumberError as exc:
        check.problem("id_number", str(exc), in_export=isinstance(exc, SavedAsNumber))
        return None
    if person.legacy:
        check.warn("id_number", "15 位旧身份证号，已按规则转换为 18 位，请核对")
    if not person.known_province:
        check.warn("id_number", f"地区码 {person.area} 不在省级行政区划代码表中，请核对")
    gender = values.get("gender", "")
    if gender in {"男", "男性", "女", "女性"} and (gender.startswith("男") != person.male):
        check.problem("gender", f"“{gender}”与身份证号不符")
    if stamp is not None:
        age = person.age_on(stamp.date())
        if age < 0:
            check.problem("id_number", "身份证号中的出生日期晚于提交时间")
        elif age < ADULT_AGE:
            # The notice sets no age limit; an applicant under 18 is flagged for the reviewing
            # union, not refused (see content/join.md: the site states no rule it does not have).
            consent = (
                "，已注明监护人同意" if affirmative(values.get("guardian_consent", "")) else ""
            )
            check.warn(
                "id_number", f"报名时未满 {ADULT_AGE} 周岁（{age} 岁）{consent}，请审核时留意"
            )
    return person


def _phone(check: RowCheck, values: dict[str, str], data: dict[str, Any], key: bytes) -> None:
    text = values.get("phone", "")
    if not text:
        check.problem("phone", "不能为空")
        return
    try:
        phone = parse_phone(text)
    except PhoneError as exc:
        check.problem("phone", str(exc))
        return
    data["phone_masked"] = mask_phone(phone.e164)
    data["phone_hash"] = keyed_hash(key, "phone", phone.e164)


def _union_and_categories(
    check: RowCheck, values: dict[str, str], data: dict[str, Any], ctx: Lookups
) -> None:
    text = values.get("union", "")
    union = ctx.union(text) if text else None
    if not text:
        check.problem("union", "不能为空")
    elif union is None:
        hint = ctx.union_hint()
        check.problem("union", f"未知的工会“{text[:30]}”（可填工会名称或简称：{hint}）", True)
    else:
        data["union"] = union
    chosen: list[str] = []
    for item in split_list(values.get("categories", "")):
        category = ctx.category(item)
        if category is None:
            names = "、".join(c.name for c in ctx.site.categories.values())
            check.problem("categories", f"未知的服务领域“{item[:20]}”（可选：{names}）", True)
        elif category not in chosen:
            chosen.append(category)
    data["categories"] = chosen
