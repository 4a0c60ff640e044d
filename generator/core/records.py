"""The schema of intake records: a volunteer's registration and a project proposal, as stored."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from .identity import SHORTEST_NUMBER, find_personal_numbers, may_hold_personal_number
from .models import Contact, LongText, Model, ProjectOrigin, Slug, Text

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
MidText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
FormText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
MaskedId = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}\*{8}[0-9]{3}[0-9X]$")]
MaskedPhone = Annotated[
    str, StringConstraints(pattern=r"^(?:1[3-9][0-9]\*{4}[0-9]{4}|0[0-9]{2,3}-\*{4}[0-9]{4})$")
]
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(?:-[0-9]{2})?$")]


def _canonical(value: Any, aliases: dict[str, str]) -> Any:
    """A short form or a code (党员, 本科, 01) as the standard's full label; others unchanged."""
    if isinstance(value, str):
        key = value.strip().replace(" ", "")
        return aliases.get(key, key)
    return value


class Gender(StrEnum):
    """GB/T 2261.1-2003 (codes 1 and 2)."""

    male = "男"
    female = "女"

    @property
    def code(self) -> str:
        return "1" if self is Gender.male else "2"


GENDER_ALIASES = {"男性": "男", "女性": "女", "1": "男", "2": "女"}


class PoliticalStatus(StrEnum):
    """GB/T 4762-1984 政治面貌."""

    cpc = "中国共产党党员"
    cpc_probationary = "中国共产党预备党员"
    cyl = "中国共产主义青年团团员"
    rcckmt = "中国国民党革命委员会会员"
    cdl = "中国民主同盟盟员"
    cndca = "中国民主建国会会员"
    capd = "中国民主促进会会员"
    cpwdp = "中国农工民主党党员"
    zgd = "中国致公党党员"
    jiusan = "九三学社社员"
    tdsgl = "台湾民主自治同盟盟员"
    non_party = "无党派民主人士"
    masses = "群众"

    @property
    def code(self) -> str:
        return f"{list(PoliticalStatus).index(self) + 1:02d}"


POLITICAL_ALIASES = {
    **{f"{i + 1:02d}": s.value for i, s in enumerate(PoliticalStatus)},
    **{str(i + 1): s.value for i, s in enumerate(PoliticalStatus)},
    "中共党员": "中国共产党党员",
    "党员": "中国共产党党员",
    "共产党员": "中国共产党党员",
    "中共预备党员": "中国共产党预备党员",
    "预备党员": "中国共产党预备党员",
    "共青团员": "中国共产主义青年团团员",
    "团员": "中国共产主义青年团团员",
    "民革": "中国国民党革命委员会会员",
    "民盟": "中国民主同盟盟员",
    "民建": "中国民主建国会会员",
    "民进": "中国民主促进会会员",
    "农工党": "中国农工民主党党员",
    "致公党": "中国致公党党员",
    "九三学社": "九三学社社员",
    "台盟": "台湾民主自治同盟盟员",
    "无党派": "无党派民主人士",
    "无党派人士": "无党派民主人士",
}


class Education(StrEnum):
    """GB/T 4658-2006 学历 (levels)."""

    postgraduate = "研究生"
    bachelor = "大学本科"
    college = "大学专科"
    vocational = "中等职业教育"
    high_school = "普通高级中学"
    junior = "初级中学"
    primary = "小学"
    other = "其他"

    @property
    def code(self) -> str:
        return EDUCATION_CODES[self.value]


EDUCATION_CODES = {
    "研究生": "10",
    "大学本科": "20",
    "大学专科": "30",
    "中等职业教育": "40",
    "普通高级中学": "60",
    "初级中学": "70",
    "小学": "80",
    "其他": "90",
}


EDUCATION_ALIASES = {
    "博士": "研究生",
    "硕士": "研究生",
    "博士研究生": "研究生",
    "硕士研究生": "研究生",
    "本科": "大学本科",
    "大学": "大学本科",
    "大专": "大学专科",
    "专科": "大学专科",
    "中专": "中等职业教育",
    "职高": "中等职业教育",
    "技校": "中等职业教育",
    "中职": "中等职业教育",
    "高中": "普通高级中学",
    "初中": "初级中学",
    **{code: label for label, code in EDUCATION_CODES.items()},
}


class Health(StrEnum):
    """GB/T 2261.3-2003 健康状况, coarse on purpose (sensitive data, optional)."""

    good = "健康或良好"
    fair = "一般或较弱"
    chronic = "有慢性病"
    disabled = "残疾"


HEALTH_ALIASES = {
    "健康": "健康或良好",
    "良好": "健康或良好",
    "好": "健康或良好",
    "一般": "一般或较弱",
    "较弱": "一般或较弱",
    "慢性病": "有慢性病",
    "1": "健康或良好",
    "2": "一般或较弱",
    "3": "有慢性病",
    "6": "残疾",
}


class RecordStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    """The volunteer withdrew; set by staff, whatever the opinions say."""

    @property
    def label(self) -> str:
        return {
            "pending": "待审核",
            "approved": "已批准",
            "rejected": "未通过",
            "withdrawn": "已撤回",
        }[self.value]


class OpinionLevel(StrEnum):
    """The three signatures of attachment 2 (登记表)."""

    unit = "unit"
    district = "district"
    city = "city"

    @property
    def label(self) -> str:
        return {
            "unit": "单位工会意见",
            "district": "区市县总工会、产业工会意见",
            "city": "市总工会意见",
        }[self.value]


class Opinion(Model):
    """One union's opinion on a registration, as signed on the paper form."""

    level: OpinionLevel
    opinion: Text
    """What was written, e.g. 同意."""
    office: Text
    """The union or office that signed."""
    date: date
    note: Text | None = None


RECORD_ID = re.compile(r"^[0-9]{8}t[0-9]{6}-h[0-9a-f]{8}$")
"""The id intake gives a record: submission date, `t`, time, `-h`, 8 hex digits of a keyed hash
(20120710t153000-h1a2b3c4d). Letters part the digit groups, so no reading of it, however its
separators are taken, joins eleven digits into something that looks like a mobile number."""
FORMER_RECORD_ID = re.compile(r"^([0-9]{8})-([0-9]{6})-([0-9a-f]{8})$")
"""The id of records written before (20120710-153000-1a2b3c4d): still accepted, never made."""


def current_record_id(record_id: str) -> str:
    """The id intake gives today to the submission an id of either shape names."""
    former = FORMER_RECORD_ID.match(record_id)
    return f"{former[1]}t{former[2]}-h{former[3]}" if former else record_id


def same_submission(a: str, b: str) -> bool:
    """Whether two record ids name the same submission, whichever shape each has."""
    return current_record_id(a) == current_record_id(b)


def former_record_id(record_id: str) -> str | None:
    """The id the same submission had before the current shape, None for any other id."""
    current = RECORD_ID.match(record_id)
    return f"{record_id[:8]}-{record_id[9:15]}-{record_id[17:]}" if current else None


class _Record(Model):
    """Fields every intake record has; free text must not carry a personal number."""

    id: Slug
    """Derived from the submission: timestamp + keyed hash (the same whatever the source), in
    the shape RECORD_ID (or FORMER_RECORD_ID, for records written before)."""
    status: RecordStatus = RecordStatus.pending
    submitted: datetime
    """The form's 时间戳记 (local time, as the sheet shows it)."""
    row: Annotated[int, Field(ge=2)]
    """The sheet row (第 N 行) it was read from, for the reviewer."""
    warnings: list[Text] = []
    """What intake flagged for the reviewer (formula-like values, a legacy 15-digit ID …)."""

    @model_validator(mode="before")
    @classmethod
    def _no_personal_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # One quick look first: almost no record has eleven digits in a row anywhere. An id
            # of intake's own shape holds none (tests/test_record_ids.py proves it). Only texts
            # long enough to hold a number are looked at ("|" joins none into one).
            if not may_hold_personal_number("|".join(_long_texts(data))):
                return data
            for key, value in data.items():
                if not _exempt(key, value) and any(find_personal_numbers(t) for t in _texts(value)):
                    raise ValueError(f"字段 {key} 含有完整的身份证号或手机号，只能保存脱敏形式")
        return data


_HASHED = {"id_hash", "phone_hash", "hash"}


def _exempt(key: str, value: Any) -> bool:
    """Hashes, and an id of intake's shapes, are not text a person wrote."""
    if key == "id" and isinstance(value, str):
        return bool(RECORD_ID.match(value) or FORMER_RECORD_ID.match(value))
    return key in _HASHED


def _long_texts(data: dict[Any, Any]) -> list[str]:
    """The texts of `data` that the check reads and that could hold a personal number: most
    fields (a name, a date, an enum, a short opinion) are too short to, and are skipped."""
    out: list[str] = []
    for key, value in data.items():
        if isinstance(value, str):
            if len(value) >= SHORTEST_NUMBER and not _exempt(key, value):
                out.append(value)
        elif isinstance(value, dict | list) and not _exempt(key, value):
            _gather(value, out)
    return out


def _gather(value: Any, out: list[str]) -> None:
    """`_texts(value)` of SHORTEST_NUMBER characters or more, into `out`."""
    if isinstance(value, str):
        if len(value) >= SHORTEST_NUMBER:
            out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "phone":
                _gather(v, out)
    elif isinstance(value, list):
        for v in value:
            _gather(v, out)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):  # a contact's phone is checked by Contact itself, in its words
        return [t for k, v in value.items() if k != "phone" for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def _aliased(aliases: dict[str, str]) -> BeforeValidator:
    return BeforeValidator(lambda v: _canonical(v, aliases))


# Every rule on one field lives in its type, so that intake can check a field on its own
# (intake/fields.py); the rules that join fields are the models' own validators.
GenderField = Annotated[Gender, _aliased(GENDER_ALIASES)]
PoliticalStatusField = Annotated[PoliticalStatus, _aliased(POLITICAL_ALIASES)]
EducationField = Annotated[Education, _aliased(EDUCATION_ALIASES)]
HealthField = Annotated[Health, _aliased(HEALTH_ALIASES)]


class Registration(_Record):
    """A volunteer's registration (attachment 2), stored as data/registrations/<union>/<id>.yml."""

    union: Slug
    """The union the volunteer joins through (所属工会); the file lives in its folder."""
    name: Name
    gender: GenderField
    political_status: PoliticalStatusField
    id_masked: MaskedId
    """210202********123X — the full number is never stored."""
    id_hash: Hash
    """HMAC-SHA256 of the full number with INTAKE_HMAC_KEY: finds the same person twice."""
    phone_masked: MaskedPhone
    phone_hash: Hash
    work_start: Month | None = None
    """参加工作时间, YYYY-MM or YYYY."""
    education: EducationField | None = None
    health: HealthField | None = None
    """Optional and coarse (sensitive personal information)."""
    employer: ShortText | None = None
    skills: MidText | None = None
    resume: FormText | None = None
    application: FormText | None = None
    """本人申请: the applicant's own statement."""
    categories: list[Slug] = []
    """服务意向: service-area ids from data/categories.yml."""
    consent: bool
    """个人信息处理同意 (PIPL separate consent); a record without it is invalid."""
    guardian_consent: bool | None = None
    """True when the form's optional 监护人同意 column says so (the notice sets no age rule)."""
    opinions: list[Opinion] = []
    """Review opinions, added by staff after intake (unit → district/industry → city)."""

    @model_validator(mode="after")
    def _consistent(self) -> Registration:
        if not self.consent:
            raise ValueError("未同意个人信息处理，不能登记")
        levels = [o.level for o in self.opinions]
        if len(set(levels)) != len(levels):
            raise ValueError("同一级工会意见只能有一条")
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("服务意向有重复")
        return self


class Proposal(_Record):
    """A proposed service project (section 四.3), data/proposals/<id>.yml; never published as such."""

    hash: Hash
    """Keyed hash of title + proposer: the same proposal sent twice is a duplicate."""
    title: Text
    category: Slug
    origin: ProjectOrigin
    proposer: Text
    union: Slug | None = None
    """The undertaking union; empty means the city union."""
    place: Text
    start: date
    end: date | None = None
    summary: Text | None = None
    description: LongText
    contact: Contact
    """The public contact: an office and its landline (a mobile is refused)."""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Proposal:
        if self.end is not None and self.end < self.start:
            raise ValueError("结束日期不能早于开始日期")
        return self
