"""Staff operations on the YAML records: review a registration, approve a proposal, start a new
project or recognition. Each reads one file, changes it through the models, and writes it back
atomically; `volunteers check` rules still apply to the result."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.core import loader
from generator.core.errors import DataErrors
from generator.core.identity import redact
from generator.core.messages import explain, from_validation_error
from generator.core.models import SLUG_MAX, Project, ProjectStatus, is_slug, shown
from generator.core.records import OpinionLevel, Proposal, RecordStatus, Registration
from generator.core.review import add_opinion
from generator.core.writer import dump_yaml, record_text, write_atomic

M = TypeVar("M", bound=BaseModel)


class StaffError(Exception):
    """A staff command that cannot be done; the message is Chinese and names what to fix."""


def _load(
    path: Path, root: Path, cls: type[Registration] | type[Proposal]
) -> Registration | Proposal:
    try:
        doc = loader.read(path, root)
    except DataErrors as exc:
        raise StaffError(str(exc)) from None
    try:
        return cls.model_validate(doc.data)
    except Exception as exc:  # a ValidationError: `volunteers check` shows it with lines
        raise StaffError(
            f"{doc.path} 未通过校验，请先运行 volunteers check 修正：{exc.__class__.__name__}"
        ) from None


def check_id(record_id: str, what: str = "标识") -> str:
    """Refuse an id that cannot be a file name here (the same rule as the models' Slug)."""
    if not is_slug(record_id):
        raise StaffError(
            f"{what} {shown(record_id)} 应为小写英文字母、数字和连字符（如 jinqiu-2013），"
            f"至多 {SLUG_MAX} 个字符，不含空格和换行；本次未写入任何文件"
        )
    return record_id


def checked(cls: type[M], text: str, path: Path, root: Path) -> M:
    """What a staff command is about to write, read back as `volunteers check` reads that file:
    parsed from the very text, the id taken from the file name, validated by the same model."""
    rel = path.relative_to(root).as_posix()
    try:
        doc = loader.parse(text, rel)
    except DataErrors as exc:
        raise StaffError(f"{exc}；本次未写入任何文件") from None
    data: Any = doc.data
    if isinstance(data, dict):
        data.setdefault("id", path.stem)
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(str(e) for e in from_validation_error(doc, exc))
        raise StaffError(redact(f"{problems}；本次未写入任何文件")) from None


def _write(cls: type[M], path: Path, text: str, root: Path) -> M:
    record = checked(cls, text, path, root)
    write_atomic(path, text)
    return record


def find_registration(root: Path, record_id: str) -> Path:
    check_id(record_id, "登记编号")
    hits = sorted((root / "data" / "registrations").glob(f"*/{record_id}.yml"))
    if not hits:
        raise StaffError(f"找不到登记 {record_id}（data/registrations/*/{record_id}.yml）")
    return hits[0]


def review(
    root: Path, record_id: str, level: str, opinion: str, office: str, on: date, note: str | None
) -> Registration:
    """Write one level's opinion on a registration; the order of the form is enforced."""
    path = find_registration(root, record_id)
    record = _load(path, root, Registration)
    assert isinstance(record, Registration)
    updated = add_opinion(record, OpinionLevel(level), opinion, office, on, note)
    return _write(Registration, path, record_text(updated, "registrations"), root)


def approve(
    root: Path, proposal_id: str, project_id: str | None, by: str, on: date
) -> tuple[Project, Path]:
    """Publish a proposal as a project; the proposal stays, marked approved, as its history."""
    path, proposal = _pending_proposal(root, proposal_id, "批准")
    project_id = check_id(project_id or f"p{proposal_id}", "项目标识")
    target = root / "data" / "projects" / f"{project_id}.yml"
    if target.exists():
        raise StaffError(f"项目 {project_id} 已存在（{target.relative_to(root)}）")
    draft = dict(
        id=project_id,
        title=proposal.title,
        category=proposal.category,
        union=proposal.union,
        origin=proposal.origin,
        proposer=proposal.proposer,
        status=ProjectStatus.approved,
        start=proposal.start,
        end=proposal.end,
        place=proposal.place,
        summary=proposal.summary or _first_sentence(proposal.description),
        description=proposal.description,
        contact=proposal.contact,
        approved_by=by,
        approved_on=on,
        proposal=proposal_id,
    )
    try:
        project = Project.model_validate(draft)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}: {explain(e)}" for e in exc.errors())
        raise StaffError(
            redact(f"申报不能直接发布为项目（{problems}）；本次未写入任何文件")
        ) from None
    data = project.model_dump(mode="json", exclude_none=True, exclude={"id", "example"})
    # A comment is one line: a line break in --by would start YAML of its own.
    header = f"# 由项目申报 {proposal_id} 经{' '.join(by.split())}于 {on} 审核同意后发布。\n"
    project_text = header + dump_yaml(data)
    marked = _marked(proposal, RecordStatus.approved)
    proposal_text = record_text(marked, "proposals")
    # Both files are checked before either is written: a refusal leaves everything as it was.
    project = checked(Project, project_text, target, root)
    checked(Proposal, proposal_text, path, root)
    write_atomic(target, project_text)
    write_atomic(path, proposal_text)
    return project, target


def _marked(proposal: Proposal, status: RecordStatus) -> Proposal:
    """The proposal with a new status, through the model's validators (never a bare copy)."""
    return Proposal.model_validate({**proposal.model_dump(), "status": status})


def reject(root: Path, proposal_id: str) -> Proposal:
    """Turn a proposal down: it stays in data/proposals/, marked rejected, and never publishes."""
    path, proposal = _pending_proposal(root, proposal_id, "驳回")
    marked = _marked(proposal, RecordStatus.rejected)
    return _write(Proposal, path, record_text(marked, "proposals"), root)


def _pending_proposal(root: Path, proposal_id: str, action: str) -> tuple[Path, Proposal]:
    check_id(proposal_id, "申报编号")
    path = root / "data" / "proposals" / f"{proposal_id}.yml"
    if not path.is_file():
        raise StaffError(f"找不到项目申报 {proposal_id}（data/proposals/{proposal_id}.yml）")
    proposal = _load(path, root, Proposal)
    assert isinstance(proposal, Proposal)
    if proposal.status != RecordStatus.pending:
        raise StaffError(f"项目申报 {proposal_id} 的状态为{proposal.status.label}，不能再{action}")
    return path, proposal


def _first_sentence(text: str) -> str:
    first = re.split(r"(?<=[。！？])", text.strip(), maxsplit=1)[0].replace("\n", "")
    return first[:120]


SKELETONS = {
    "project": """# 新服务项目：填好每一项后运行 volunteers check。标识即文件名：{id}
title: ""            # 项目名称
category: ""         # 服务类别标识，见 data/categories.yml（如 student-aid 金秋助学）
union: ""            # 承接工会标识，见 data/unions.yml；市总工会直接组织的留空（删除此行）
origin: city         # 项目来源：city 市总工会提出 / union 工会组织上报 / volunteer 志愿者上报
proposer: ""         # 提出或上报单位
status: approved     # approved 已批准 / ongoing 进行中 / completed 已完成
start: {today}       # 开始日期
# end: {today}       # 结束日期（长期项目不填）
place: ""            # 服务地点
summary: ""          # 一句话简介（列表中显示）
description: |
  项目介绍（可用 Markdown）。
contact:
  office: ""         # 公开的联系办公室
  phone: ""          # 办公电话（不能填个人手机号）
approved_by: "大连市总工会生活保障部"
approved_on: {today}
""",
    "recognition": """# 新表彰：填好每一项后运行 volunteers check。标识即文件名：{id}
year: {year}
title: ""            # 称号，如 优秀工会服务帮扶志愿者
kind: individual     # individual 个人 / team 集体
name: ""             # 受表彰的个人或集体名称（公开）
union: ""            # 所属工会标识，见 data/unions.yml
citation: ""         # 事迹简介
awarded_by: "大连市总工会"
awarded_on: {today}
# photo: ""          # 照片文件名，放在 data/recognitions/photos/ 下（须本人同意公开）
""",
    "activity": """# 新服务活动：填好每一项后运行 volunteers check。标识即文件名：{id}
title: ""            # 服务内容，如 金秋助学入户走访（出现在志愿服务记录证明上）
# project: ""        # 所属服务项目标识，见 data/projects/（不属于任何项目的删除此行）
union: ""            # 组织活动的工会标识，见 data/unions.yml（服务时长计入该工会）
date: {today}        # 活动日期（不能晚于今天，不能早于参加者经市总工会同意的日期）
place: ""            # 服务地点
hours: 2             # 每人服务时长（小时，可有一位小数）；个别人不同的在下面单独写
participants:        # 参加者的登记编号（已经市总工会同意的登记），不写姓名和证件号
  - ""
  # - {{id: "", hours: 1.5}}   # 时长与上面不同的参加者
# note: ""           # 备注（不公开）
""",
}

FOLDERS = {"project": "projects", "recognition": "recognitions", "activity": "activities"}


def new_record(root: Path, kind: str, record_id: str | None, today: date) -> Path:
    """A commented skeleton with a fresh id under data/projects/, recognitions/ or activities/."""
    folder = root / "data" / FOLDERS[kind]
    if record_id is None:
        prefix = f"{kind}-{today:%Y%m%d}"
        n = 1
        while (folder / f"{prefix}-{n}.yml").exists():
            n += 1
        record_id = f"{prefix}-{n}"
    check_id(record_id)
    path = folder / f"{record_id}.yml"
    if path.exists():
        raise StaffError(f"{path.relative_to(root)} 已存在")
    write_atomic(
        path, SKELETONS[kind].format(id=record_id, today=today.isoformat(), year=today.year)
    )
    return path
