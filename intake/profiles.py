"""Source profiles: which service exported a file (问卷星, 腾讯问卷, 金数据, WPS, 腾讯文档, Google),
told from its header row, and the header and cells rewritten into the form's own shape (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from .normalize import header_key
from .sources import Row, Table


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    markers: tuple[str, ...]
    """Header cells that tell this service's export apart (all of `needs`, any other one)."""
    needs: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    """The service's own columns, not questions: ignored (the submission time is read by alias)."""
    option_columns: bool = False
    """Multi-choice answers as one column per option (`N.题目:选项`)."""


PROFILES = {
    p.name: p
    for p in (
        Profile("google", "Google 表单", ("时间戳记", "Timestamp"), metadata=("时间戳记",)),
        Profile(
            "wjx",
            "问卷星",
            ("所用时间", "来源", "来源详情", "来自IP"),
            needs=("提交答卷时间",),
            metadata=("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"),
        ),
        Profile(
            "tencent",
            "腾讯问卷",
            ("答题时长", "编号", "地理位置省"),
            needs=("开始答题时间", "结束答题时间"),
            metadata=(
                "编号",
                "开始答题时间",
                "结束答题时间",
                "答题时长",
                "地理位置国家和地区",
                "地理位置省",
                "地理位置市",
                "自定义字段",
            ),
            option_columns=True,
        ),
        Profile(
            "jinshuju",
            "金数据",
            ("更新时间", "填写设备", "IP", "填写地区"),
            needs=("提交人", "提交时间"),
            metadata=(
                "序号",
                "提交人",
                "提交时间",
                "更新时间",
                "填写设备",
                "操作系统",
                "浏览器",
                "填写地区",
                "IP",
            ),
        ),
        Profile(
            "wps", "WPS 表单", ("提交时间",), needs=("提交者",), metadata=("提交者", "提交时间")
        ),
        Profile(
            "txdoc",
            "腾讯文档收集表",
            ("提交时间",),
            needs=("提交者",),
            metadata=("提交者", "提交时间"),
        ),
        Profile("plain", "普通表格", ()),
    )
}
SOURCES = ("auto", *PROFILES)
DETECT_ORDER = ("wjx", "tencent", "jinshuju", "wps", "google")

_PREFIX = re.compile(r"^(?:[QqＱ]\s*\d+\s*[.、．:：)）]?|\d+\s*[、.．)）]|[（(]\d+[)）])\s*")
_SUFFIX = re.compile(r"(?:[:：*＊]|[（(](?:必填|必答|可多选|多选|单选|选填)[)）])+$")
_OPTION = re.compile(r"^(\d+)\s*[.、．]\s*([^:：]+)[:：](.+)$")
_FILL_IN = re.compile(r"_填空\d*$")
_MARKS = frozenset({"1", "√", "✓", "✔", "☑", "是", "yes", "y", "true"})


@dataclass(frozen=True)
class Detection:
    profile: Profile
    reason: str


def question(cell: str) -> str:
    """`1、姓名：`, `Q2. 性别（必填）`, `（3）服务意向（可多选）` → the question's own words."""
    text = header_key(cell)
    text = _PREFIX.sub("", text, count=1)
    previous = None
    while previous != text:
        previous, text = text, _SUFFIX.sub("", text)
    return text or header_key(cell)


def _names(header: list[str]) -> set[str]:
    return {header_key(cell) for cell in header}


def detect(header: list[str], source: str = "auto") -> Detection:
    """The profile `source` names, or the first one whose marker columns the header has."""
    if source != "auto":
        profile = PROFILES[source]
        return Detection(profile, f"按 --source {source} 读作 {profile.label} 导出格式")
    names = _names(header)
    for name in DETECT_ORDER:
        profile = PROFILES[name]
        found = [m for m in profile.markers if header_key(m) in names]
        if all(header_key(n) in names for n in profile.needs) and found:
            shown = "".join(f"“{c}”" for c in (*profile.needs, *found[:2]))
            label = "WPS 表单或腾讯文档收集表" if name == "wps" else profile.label
            return Detection(profile, f"匹配 {label} 导出格式：有{shown}列")
    if any(_OPTION.match(header_key(c)) for c in header):
        profile = PROFILES["tencent"]
        return Detection(profile, "匹配 腾讯问卷 导出格式：有“N.题目:选项”形式的逐选项列")
    return Detection(PROFILES["plain"], "未匹配任何问卷服务的导出格式，按列名读取")


def _groups(header: list[str]) -> dict[int, list[tuple[int, str]]]:
    """Per-option columns: the first column of each question → [(column, option text)]."""
    by_question: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for i, cell in enumerate(header):
        match = _OPTION.match(header_key(cell))
        if match and not _FILL_IN.search(match.group(3)):  # `其他_填空1`: the text, not a choice
            number, title, option = match.groups()
            by_question.setdefault((number, title), []).append((i, option))
    return {columns[0][0]: columns for columns in by_question.values()}


def questions_only(ignored: tuple[str, ...], detection: Detection) -> tuple[str, ...]:
    """The unused columns without the service's own metadata (序号, 来自IP…): only questions the
    form does not know are worth a reviewer's look."""
    metadata = {header_key(m) for m in detection.profile.metadata}
    return tuple(c for c in ignored if header_key(c) not in metadata)


def chosen(cell: str, option: str) -> bool:
    """A per-option cell that says the option was chosen: its text, 1, √ or 是. `option` is
    already a header_key; the cell is cleaned only when the plain comparison fails (speed)."""
    text = cell.strip()
    if not text:
        return False
    if text == option or text.lower() in _MARKS:
        return True
    text = _cell_key(text)
    return text == option or text in _MARKS


@lru_cache(maxsize=4096)
def _cell_key(text: str) -> str:
    """header_key, lower-cased, of a per-option cell: the same few answers repeat on every row."""
    return header_key(text).lower()


def apply(table: Table, detection: Detection) -> Table:
    """The table with question headers and per-option columns merged into one column of the chosen
    options joined with 、 (other joiners, ┋ or |, are read by normalize.split_list). A Google
    Sheet's columns are never merged: its status column must stay where it is."""
    profile = detection.profile
    groups = _groups(table.header) if profile.option_columns and table.sheet is None else {}
    if not groups:
        return replace(table, header=[question(c) for c in table.header])
    merged = {i for columns in groups.values() for i, _ in columns[1:]}
    keep = [i for i in range(len(table.header)) if i not in merged]
    header = []
    for i in keep:
        if i in groups:
            header.append(question(_OPTION.match(header_key(table.header[i])).group(2)))  # type: ignore[union-attr]
        else:
            header.append(question(table.header[i]))

    def cell(cells: list[str], i: int) -> str:
        if i in groups:
            picked = [
                option for at, option in groups[i] if at < len(cells) and chosen(cells[at], option)
            ]
            return "、".join(picked)
        return cells[i] if i < len(cells) else ""

    def rows() -> Iterator[Row]:
        for number, cells in table.rows:
            yield number, [cell(cells, i) for i in keep]

    return replace(table, header=header, rows=rows())
