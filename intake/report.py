"""The Markdown summary of a run, used as the review pull request's body (names only, no numbers)."""

from __future__ import annotations

import re

from generator.core.identity import redact

from .pipeline import DUPLICATE, EXISTING, OUTCOME_LABELS, WRITTEN, Note, RunResult

KIND_LABELS = {"registrations": "报名记录", "proposals": "服务项目申报"}
EXPORT_ADVICE = (
    "由工作人员处理，不必联系报名人：表单的选项文字与本系统不一致（修改表单选项，或用 --mapping "
    "列名对照），或某列被表格软件存成了数字（把该列设为“文本”格式后重新导出），然后重新导入。"
)
ANSWERS_ADVICE = "报名人本人填写有误（如身份证号校验位不符）：请联系本人更正后重新提交。"
_MARKDOWN = re.compile(r"([\\`*_\[\]|~#@])")


def md(text: str) -> str:
    """Plain text for Markdown: no markup, no HTML, no personal number."""
    text = redact(text).replace("&", "&amp;").replace("<", "&lt;").replace("\n", " ")
    return _MARKDOWN.sub(r"\\\1", text)


def title(result: RunResult) -> str:
    return f"网上报名导入：新增 {result.total(WRITTEN)} 条{KIND_LABELS[result.kind]}"


def commit_message(result: RunResult) -> str:
    lines = [title(result), ""]
    for union, count in _per_union(result, WRITTEN):
        lines.append(f"- {union}：{count} 条")
    return "\n".join(lines).strip() + "\n"


def _per_union(result: RunResult, outcome: str) -> list[tuple[str, int]]:
    counts = [(u, n) for (u, o), n in result.counts.items() if o == outcome and n]
    return [
        (result.union_names.get(u, u or "（未指定）"), n)
        for u, n in sorted(counts, key=_order(result))
    ]


def _order(result: RunResult):  # type: ignore[no-untyped-def]
    """Unions in the notice's order (attachment 1), as staff read the quota table."""
    position = {u: i for i, u in enumerate(result.union_names)}
    return lambda item: (position.get(item[0] if isinstance(item, tuple) else item, 999), item)


def _notes(heading: str, notes: list[Note], advice: str = "") -> list[str]:
    if not notes:
        return []
    lines = [f"### {heading}（{len(notes)}）", ""] + ([advice, ""] if advice else [])
    for note in notes:  # every one: this file is where staff find them all
        who = f"（{md(note.name)}）" if note.name else ""
        lines.append(f"- 第 {note.row} 行{who}：{md(note.text)}")
    return [*lines, ""]


def render(result: RunResult) -> str:
    """The whole report; every cell and line goes through md()."""
    unions = sorted({u for u, _ in result.counts} - {""}, key=_order(result))
    lines = [
        f"## {title(result)}",
        "",
        f"来源：{md(result.source)}；读取 {result.rows} 行（空行不计）。{result.summary()}。",
        "",
    ]
    if result.profile:
        lines += [f"导出格式：{md(result.profile)}", ""]
    if unions:
        columns = (WRITTEN, EXISTING, DUPLICATE)
        head = " | ".join(OUTCOME_LABELS[o] for o in columns)
        lines += [f"| 工会 | {head} |", "|---|---:|---:|---:|"]
        for union in unions:
            name = md(result.union_names.get(union, union))
            row = [result.counts[union, o] for o in columns]
            lines.append(f"| {name} | {' | '.join(map(str, row))} |")
        totals = [result.total(o) for o in columns]
        lines += [f"| 合计 | {' | '.join(map(str, totals))} |", ""]
    if result.ignored_columns:
        lines += [f"未使用的列：{md('、'.join(result.ignored_columns))}", ""]
    lines += [
        "新记录的状态均为 pending（待审核）。身份证号和电话只以脱敏形式和密钥散列保存；"
        "有误的行改正后重新导入即可（已导入的行不会重复导入）。",
        "",
    ]
    # The row lists last and complete: a pull-request body cut at GitHub's 65,536 characters
    # loses only the tail of a list, never the summary; this file keeps every row.
    lines += _notes("导出文件或列名对照的问题", result.in_export, EXPORT_ADVICE)
    lines += _notes("有误的行", result.in_answers, ANSWERS_ADVICE)
    lines += _notes("重复", result.duplicates)
    lines += _notes("请审核时留意", result.warnings)
    return "\n".join(lines)
