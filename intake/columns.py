"""The form's columns per kind of submission, and matching a header row to them by name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.core import loader, safefile
from generator.core.errors import DataErrors

from .errors import IntakeError
from .normalize import header_key


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    """The label on the printable form, which is also the default header."""
    required: bool = True
    aliases: tuple[str, ...] = ()
    free_text: bool = False
    """Shown to people as written: checked for formula-like starts and personal numbers."""


SUBMITTED = ("时间戳", "提交时间", "提交答卷时间", "结束答题时间", "填写时间", "Timestamp")
"""The submission time as each service heads it (Google, 金数据/WPS/腾讯文档, 问卷星, 腾讯问卷)."""

REGISTRATION = (
    Column("submitted", "时间戳记", aliases=SUBMITTED),
    Column("name", "姓名", aliases=("您的姓名", "真实姓名"), free_text=True),
    Column("gender", "性别"),
    Column("political_status", "政治面貌"),
    Column(
        "id_number",
        "身份证号",
        aliases=("身份证", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证件号码"),
    ),
    Column(
        "phone", "联系电话", aliases=("手机", "手机号", "手机号码", "电话", "联系方式", "联系手机")
    ),
    Column("work_start", "参加工作时间", required=False),
    Column("education", "学历", required=False, aliases=("文化程度", "最高学历")),
    Column("health", "健康状况", required=False),
    Column("employer", "工作单位", required=False, aliases=("单位", "所在单位"), free_text=True),
    Column("skills", "特长", required=False, free_text=True),
    Column("resume", "工作简历", required=False, free_text=True),
    Column("union", "所属工会", aliases=("所在工会", "工会")),
    Column(
        "categories", "服务意向", required=False, aliases=("服务领域", "服务类别", "志愿服务意向")
    ),
    Column("application", "本人申请", required=False, free_text=True),
    Column("consent", "个人信息处理同意"),
    Column("guardian_consent", "监护人同意", required=False),
)

PROPOSAL = (
    Column("submitted", "时间戳记", aliases=SUBMITTED),
    Column("title", "项目名称", free_text=True),
    Column("category", "服务类别"),
    Column("origin", "提出方", required=False),
    Column("proposer", "提出单位或个人", aliases=("提出人", "提出单位"), free_text=True),
    Column("union", "承接工会", required=False),
    Column("place", "服务地点", free_text=True),
    Column("start", "开始日期"),
    Column("end", "结束日期", required=False),
    Column("summary", "项目简介", required=False, free_text=True),
    Column("description", "项目内容", free_text=True),
    Column("contact_office", "联系部门", free_text=True),
    Column("contact_phone", "联系电话"),
)

ATTENDANCE = (
    Column("title", "服务内容", aliases=("活动名称", "活动内容", "活动", "服务活动")),
    Column("date", "日期", aliases=("活动日期", "服务日期")),
    Column("place", "地点", aliases=("服务地点", "活动地点")),
    Column("union", "组织工会", required=False, aliases=("工会", "所属工会")),
    Column("project", "服务项目", required=False, aliases=("项目", "项目标识")),
    Column("record", "登记编号", required=False, aliases=("编号", "志愿者编号")),
    Column("name", "姓名", required=False, aliases=("志愿者", "志愿者姓名")),
    Column("hours", "时长", aliases=("服务时长", "时长（小时）", "小时", "服务时长（小时）")),
)
"""An attendance sheet (签到表): one row per participant; a blank activity cell repeats the
one above (merged cells), so one sheet may hold one activity or many."""

KINDS = {"registrations": REGISTRATION, "proposals": PROPOSAL, "activities": ATTENDANCE}
STATUS_LABEL = "导入状态"
"""The column --mark-imported writes into (created after the last column when missing)."""


@dataclass(frozen=True)
class Mapping:
    """A mapping file: the sheet's own header → our label, and the status column's name."""

    rename: dict[str, str]
    status_column: str = STATUS_LABEL

    @classmethod
    def load(cls, path: Path | None) -> Mapping:
        if path is None:
            return cls({})
        try:  # read as untrusted, like a data file: regular, small, bounded nesting
            raw = safefile.read_bytes(path, safefile.MAPPING_MAX_BYTES)
            data = loader.parse(loader.decode(raw, path.name), path.name).data or {}
        except safefile.Refused as exc:
            raise IntakeError(f"无法读取列名对照文件 {path}：{exc.reason}") from None
        except DataErrors as exc:
            raise IntakeError(f"无法读取列名对照文件：{exc.errors[0]}") from None
        columns = data.get("columns", {}) if isinstance(data, dict) else None
        status = data.get("status_column", STATUS_LABEL) if isinstance(data, dict) else None
        if not isinstance(columns, dict) or not isinstance(status, str):
            raise IntakeError(
                f"列名对照文件 {path} 格式应为 columns: {{表格中的列名: 表单列名}}，"
                "可选 status_column: 列名"
            )
        return cls({header_key(str(k)): header_key(str(v)) for k, v in columns.items()}, status)


@dataclass(frozen=True)
class Layout:
    """Where each field sits in the rows (0-based), and where the status column is."""

    index: dict[str, int]
    status_index: int | None
    width: int
    ignored: tuple[str, ...]

    def value(self, row: list[str], field: str) -> str | None:
        """The raw cell of `field`, '' when the row is short, None when the column is absent."""
        i = self.index.get(field)
        if i is None:
            return None
        return row[i] if i < len(row) else ""


def match_header(header: list[str], kind: str, mapping: Mapping) -> Layout:
    """Each column found by name; a missing required column or a repeated name is fatal."""
    columns = KINDS[kind]
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in (column.label, *column.aliases):
            by_name[header_key(name)] = column
    index: dict[str, int] = {}
    status_index: int | None = None
    ignored: list[str] = []
    status_key = header_key(mapping.status_column)
    for i, cell in enumerate(header):
        key = mapping.rename.get(header_key(cell), header_key(cell))
        if not key:
            continue
        if key == status_key:
            status_index = i
            continue
        found = by_name.get(key)
        if found is None:
            ignored.append(cell.strip())
            continue
        if found.field in index:
            raise IntakeError(f"表头中“{found.label}”一列出现了两次（第 {i + 1} 列）")
        index[found.field] = i
    missing = [c.label for c in columns if c.required and c.field not in index]
    if missing:
        present = "、".join(h.strip() for h in header if h.strip()) or "（空）"
        raise IntakeError(
            f"表头缺少必填列：{'、'.join(missing)}（表头现有：{present}；可用 --mapping 指定列名对照）"
        )
    return Layout(index, status_index, len(header), tuple(ignored))
