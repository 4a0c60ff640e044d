"""Pydantic's validation errors, said in Chinese with the field path named by ids."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import DataError
from .loader import Document, Loc


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        return "（映射）" if isinstance(value, dict) else "（列表）"
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def explain(err: ErrorDetails) -> str:
    """One error in Chinese: what was expected and what arrived."""
    kind, ctx, got = err["type"], err.get("ctx", {}), err.get("input")
    messages = {
        "missing": "缺少必填字段",
        "extra_forbidden": "未知字段（是否拼写有误？）",
        "int_parsing": f"应为整数，实际为 {_show(got)}",
        "int_type": f"应为整数，实际为 {_show(got)}",
        "int_from_float": f"应为整数，实际为 {_show(got)}",
        "bool_parsing": f"应为 true 或 false，实际为 {_show(got)}",
        "bool_type": f"应为 true 或 false，实际为 {_show(got)}",
        "date_parsing": f"应为日期（如 2012-07-03），实际为 {_show(got)}",
        "date_from_datetime_parsing": f"应为日期（如 2012-07-03），实际为 {_show(got)}",
        "date_from_datetime_inexact": f"应为日期，不含时间，实际为 {_show(got)}",
        "date_type": f"应为日期（如 2012-07-03），实际为 {_show(got)}",
        "string_type": f"应为文本，实际为 {_show(got)}",
        "string_too_short": "不能为空",
        "string_too_long": f"过长（不超过 {ctx.get('max_length')} 个字）",
        "string_pattern_mismatch": _pattern_message(ctx.get("pattern", ""), got),
        "decimal_parsing": f"应为数字（如 3 或 2.5），实际为 {_show(got)}",
        "decimal_type": f"应为数字（如 3 或 2.5），实际为 {_show(got)}",
        "decimal_max_places": f"至多 {ctx.get('decimal_places')} 位小数，实际为 {_show(got)}",
        "finite_number": f"应为有限的数字，实际为 {_show(got)}",
        "greater_than": f"应大于 {ctx.get('gt')}，实际为 {_show(got)}",
        "greater_than_equal": f"应不小于 {ctx.get('ge')}，实际为 {_show(got)}",
        "less_than_equal": f"应不大于 {ctx.get('le')}，实际为 {_show(got)}",
        "too_short": f"至少应有 {ctx.get('min_length')} 项",
        "too_long": f"至多 {ctx.get('max_length')} 项",
        "list_type": f"应为列表，实际为 {_show(got)}",
        "model_type": f"应为键值映射，实际为 {_show(got)}",
        "model_attributes_type": f"应为键值映射，实际为 {_show(got)}",
        "dict_type": f"应为键值映射，实际为 {_show(got)}",
        "enum": f"取值 {_show(got)} 无效（可选：{_choices(ctx.get('expected', ''))}）",
        "literal_error": f"取值 {_show(got)} 无效（可选：{_choices(ctx.get('expected', ''))}）",
        "value_error": str(ctx.get("error", "")),
        "assertion_error": str(ctx.get("error", "")),
    }
    return messages.get(kind, f"取值无效 {_show(got)}")


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as 「a、b、c」."""
    return expected.replace("'", "").replace(" or ", "、").replace(", ", "、")


def _pattern_message(pattern: str, got: Any) -> str:
    if "ICP" in pattern:
        return f"备案号应形如 辽ICP备12345678号-1，实际为 {_show(got)}"
    if "https?" in pattern:
        return f"应为网站地址（以 https:// 或 http:// 开头，不带 ? 和 #），实际为 {_show(got)}"
    if "a-z0-9" in pattern:
        return f"标识应为小写英文字母、数字和连字符（如 jinqiu-2012），实际为 {_show(got)}"
    if "https" in pattern:
        return f"应为以 https:// 开头的网址，实际为 {_show(got)}"
    return f"格式不正确：{_show(got)}"


def field_path(doc: Document, loc: Loc) -> str:
    """`quotas[zhongshan].count` rather than `quotas.3.count`: list items are named by id."""
    out = ""
    node: Any = doc.data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = _item_name(item)
            out += f"[{name if name is not None else part + 1}]"
        else:
            out += f".{part}" if out else str(part)
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (
                node[part]
                if isinstance(node, list) and isinstance(part, int) and part < len(node)
                else None
            )
        )
    return out


def _item_name(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ("id", "union"):
            if isinstance(item.get(key), str):
                return item[key]
    return None


def _in_document(data: Any, loc: Loc) -> Loc:
    """`loc` without the member tags that unions add (`str`, `date`, `function-after[…]`),
    told apart from field names by the document itself: a tag is a name that is not in the
    document where it stands, inside a scalar, or followed by more of the path. A field named
    `date` that the document holds stays."""
    out: list[str | int] = []
    node: Any = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:  # noqa: SIM114 (mypy: narrowed index)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and (not isinstance(node, dict) or i < len(loc) - 1):
            continue  # a union member's tag: not a place in the document
        else:
            node = None  # a missing field or an item past the end: named, nothing below
        out.append(part)
    return tuple(out)


def from_validation_error(doc: Document, exc: ValidationError, prefix: Loc = ()) -> list[DataError]:
    """Every error of one model validation, with file, line and field."""
    errors = []
    for err in exc.errors(include_url=False):
        loc = _in_document(
            doc.data, (*prefix, *(p for p in err["loc"] if isinstance(p, str | int)))
        )
        errors.append(DataError(doc.path, doc.line(loc), field_path(doc, loc), explain(err)))
    return errors
