"""The schema of the published data: campaign, unions, quotas, categories, projects, recognitions,
pairing. One declaration serves the build, `volunteers check` and intake."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from .phones import PhoneError, parse_phone

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 64
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


def is_slug(text: str) -> bool:
    """An id that may be a file name: ASCII, whole-string match (no trailing line break), short."""
    return len(text) <= SLUG_MAX and _SLUG.fullmatch(text) is not None


def shown(text: str) -> str:
    """An id as a message may quote it: control characters escaped, long ones cut."""
    out = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text[:40])
    return f"“{out}…”" if len(text) > 40 else f"“{out}”"


def _slug(value: str) -> str:
    if not is_slug(value):  # never reached after the pattern, whatever regex engine runs it
        raise ValueError(f"标识应为小写英文字母、数字和连字符，实际为 {shown(value)}")
    return value


Slug = Annotated[
    str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX), AfterValidator(_slug)
]
"""An ASCII id: lower-case letters, digits and single hyphens, at most 64 characters, no control
characters (it becomes a file name); never derived from a Chinese title."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
"""A reference to another record's id; checked against the data set, not by pattern, so that
a wrong value is reported as unknown with the choices listed."""


class Model(BaseModel):
    """Strict about unknown fields (a typo must not vanish silently), immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _office_phone(value: str) -> str:
    try:
        phone = parse_phone(value)
    except PhoneError as exc:
        raise ValueError(str(exc)) from None
    if phone.mobile:
        raise ValueError("公开页面只能登载办公电话，不能登载个人手机号")
    return phone.display


OfficePhone = Annotated[Text, AfterValidator(_office_phone)]
"""A public phone number: a landline, shown as printed; a personal mobile is refused."""


def _dalian_phone(value: str) -> str:
    if not value.startswith("0411-"):
        raise ValueError("各工会的电话应为大连的办公固定电话（区号 0411，如 0411-82610421）")
    return value


DalianPhone = Annotated[OfficePhone, AfterValidator(_dalian_phone)]
"""A union office's landline in Dalian: 8 digits, or with the area code 0411."""


class Contact(Model):
    """A public contact: an office and its landline. Personal mobiles are refused here."""

    name: Text | None = None
    """A person named publicly as contact (the notice names 梁玉叶)."""
    office: Text | None = None
    """The office, e.g. 市总工会生活保障部."""
    phone: OfficePhone | None = None
    """An office landline, written as on paper (82610421 or 0411-82610421)."""
    address: Text | None = None
    email: Text | None = None


class UnionContact(Contact):
    """Where a citizen reaches a union; a field stays empty while unknown (the union page then
    gives the city office's number, so that it always ends with a number to call)."""

    phone: DalianPhone | None = None
    """The office's landline in Dalian (82610421 or 0411-82610421); never a personal mobile."""


class CertificateIssuer(Model):
    """Who issues 志愿服务记录证明 (民政部《志愿服务记录与证明出具办法（试行）》): staff fill
    these in; an empty person is left as a blank line on the certificate, to sign by hand."""

    issuer: Text
    """The issuing organisation, as on its seal (大连市总工会)."""
    prefix: Annotated[str, StringConstraints(pattern=r"^[\u4e00-\u9fff]{1,8}$")]
    """The number's prefix: 大工志证 gives 大工志证〔2026〕第0001号."""
    person_in_charge: Text | None = None
    """负责人."""
    phone: OfficePhone
    """联系电话: an office landline."""
    address: Text | None = None


def _site_address(value: str) -> str:
    """An address ends in "/", so that paths are appended to it as they are."""
    return value if value.endswith("/") else value + "/"


SiteAddress = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%/-]*)?$"),
    AfterValidator(_site_address),
]
"""The site's address: http(s), a host, an optional port and path; no query or fragment."""


class Campaign(Model):
    """The notice that starts a recruitment campaign (大工办发[2012]18号)."""

    id: Slug
    doc_number: Text
    """Document number as printed, e.g. 大工办发[2012]18号."""
    title: Text
    issuer: Text
    addressees: Text
    """主送: the unions the notice is addressed to."""
    issued: date
    printed: date
    deadline: date
    """Registration forms and rosters are due at the city union by this date."""
    submit_to: Text
    contact: Contact
    target: Count
    """The corps' size the notice sets (5,800); the quota table must add up to it."""
    signup_url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    """Online sign-up; empty means the site offers only the printable route."""
    site_url: SiteAddress | None = None
    """The public site's address (https://…/), set here once: the sitemap, the feed, the share
    tags, robots.txt and the printed forms' address and QR code all use it. Empty: none of them
    carries an address, and the build says so."""
    beian: (
        Annotated[str, StringConstraints(pattern=r"^\S{1,4}ICP备\d{6,12}号(-\d{1,3})?$")] | None
    ) = None
    """The ICP 备案号 (e.g. 辽ICP备12345678号-1), shown in the footer linked to the MIIT registry
    when set; a mainland host needs it. Never invented: empty shows nothing."""
    attachments: list[Text] = Field(min_length=1)
    certificates: CertificateIssuer | None = None
    """The issuer block of service-record certificates (`volunteers certificate`)."""

    @field_validator("contact")
    @classmethod
    def _has_phone(cls, value: Contact) -> Contact:
        if not value.phone:
            raise ValueError("须填写联系电话（phone）：各工会页面在本工会电话未知时给出这个号码")
        return value

    @field_validator("printed", "deadline")
    @classmethod
    def _after_issue(cls, value: date, info: ValidationInfo) -> date:
        issued = info.data.get("issued")
        if issued is not None and value < issued:
            what = "印发日期" if info.field_name == "printed" else "报送截止日期"
            raise ValueError(f"{what} {value} 不能早于发文日期 {issued}")
        return value


class UnionKind(StrEnum):
    district = "district"
    city = "city"
    county = "county"
    zone = "zone"
    industry = "industry"

    @property
    def label(self) -> str:
        return UNION_KIND_LABELS[self]


UNION_KIND_LABELS = {
    UnionKind.district: "区总工会",
    UnionKind.city: "县级市总工会",
    UnionKind.county: "县总工会",
    UnionKind.zone: "开放先导区总工会",
    UnionKind.industry: "产业工会",
}


class NameChange(Model):
    """A later rename or merger; the 2012 name stays the union's name in 2012's documents."""

    year: Annotated[int, Field(ge=1949, le=2100)]
    name: Text
    note: Text | None = None


class Union(Model):
    """A district/county/zone federation or an industry union named in attachment 1."""

    id: Slug
    name: Text
    """The name as printed in the notice (2012)."""
    short_name: Text
    """What people search for: 甘井子, 海员."""
    kind: UnionKind
    contact: UnionContact = UnionContact()
    history: list[NameChange] = []

    @property
    def current_name(self) -> str:
        return self.history[-1].name if self.history else self.name


class QuotaLine(Model):
    union: Ref
    count: Count
    note: Text | None = None


class QuotaTable(Model):
    """Attachment 1: quota per union. `total` is declared and checked, not trusted."""

    campaign: Ref
    total: Count
    quotas: list[QuotaLine] = Field(min_length=1)


class CategoryKind(StrEnum):
    pairing = "pairing"
    area = "area"


class Category(Model):
    """A service area of section 四 (一助一长期结对, 社会救助 … 再就业)."""

    id: Slug
    name: Text
    kind: CategoryKind
    summary: LongText


class ProjectStatus(StrEnum):
    approved = "approved"
    ongoing = "ongoing"
    completed = "completed"

    @property
    def label(self) -> str:
        return {"approved": "已批准", "ongoing": "进行中", "completed": "已完成"}[self.value]


class ProjectOrigin(StrEnum):
    """Section 四.3: proposed by the city union, or reported by a union or a volunteer."""

    city = "city"
    union = "union"
    volunteer = "volunteer"

    @property
    def label(self) -> str:
        return {"city": "市总工会提出", "union": "工会组织上报", "volunteer": "志愿者上报"}[
            self.value
        ]


class Project(Model):
    """An approved service project (项目化管理)."""

    id: Slug
    title: Text
    category: Ref
    union: Ref | None = None
    """The undertaking union; empty means the city union runs it."""
    origin: ProjectOrigin
    proposer: Text
    status: ProjectStatus
    start: date
    end: date | None = None
    place: Text
    summary: Text
    description: LongText
    contact: Contact
    approved_by: Text
    approved_on: date
    proposal: Ref | None = None
    """The proposal (data/proposals/<id>.yml) it was approved from, kept as its history."""
    example: bool = False
    """Sample content, shown with a visible 示例 badge."""

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise ValueError(f"结束日期 {value} 不能早于开始日期 {start}")
        return value


class RecognitionKind(StrEnum):
    individual = "individual"
    team = "team"

    @property
    def label(self) -> str:
        return {"individual": "个人", "team": "集体"}[self.value]


class Recognition(Model):
    """A 表彰 of section 五.4: a person or a team named publicly, with a citation."""

    id: Slug
    year: Annotated[int, Field(ge=2012, le=2100)]
    title: Text
    """The honour, e.g. 优秀工会服务帮扶志愿者."""
    kind: RecognitionKind
    name: Text
    union: Ref
    citation: LongText
    awarded_by: Text
    awarded_on: date
    photo: Text | None = None
    """A file under data/recognitions/photos/, resized at build time."""
    registration: Ref | None = None
    """The registration record id of the person honoured (an individual, approved): the page
    then shows that person's service hours up to the award, from data/activities/."""
    example: bool = False

    @field_validator("awarded_on")
    @classmethod
    def _in_year(cls, value: date, info: ValidationInfo) -> date:
        year = info.data.get("year")
        if year is not None and value.year != year:
            raise ValueError(f"表彰日期 {value} 不在年度 {year} 内")
        return value


class PairingLine(Model):
    """一助一结对 per union: aggregates only, never a beneficiary."""

    union: Ref
    needy: Count
    """Needy worker households on the union's books."""
    paired: Count
    """Households assigned to a volunteer."""

    @field_validator("paired")
    @classmethod
    def _paired_le_needy(cls, value: int, info: ValidationInfo) -> int:
        needy = info.data.get("needy")
        if needy is not None and value > needy:
            raise ValueError(f"已结对户数 {value} 超过困难职工户数 {needy}")
        return value


class Pairing(Model):
    as_of: date
    unions: list[PairingLine] = []
    example: bool = False
