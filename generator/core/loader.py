"""Reads data/*.yml into plain documents with a map from field path to line (the only input I/O).

Every plain scalar is kept as the text that was written (YAML 1.1 would turn `no` into False
and `0612` into an octal number); only empty values and `null`/`~` become None. The schema in
`models.py` decides each field's type, so a value is never silently re-typed where text is meant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import safefile
from .errors import DataError, DataErrors
from .flatyaml import parse_flat

Loc = tuple[str | int, ...]


class _TextResolver(yaml.resolver.BaseResolver):
    """No implicit types: every untagged scalar is text (the schema types it). Also skips the
    resolver's per-node bookkeeping, the largest cost of composing many small files."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind]


_DEFAULT_TAGS = {
    ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
    SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
}

_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
"""libyaml's parser, ten times faster than the pure-Python one, for the quick way."""
_NULLS = {"", "~", "null", "Null", "NULL"}
MAX_DEPTH = 50
MAX_NODES = 200_000
"""Aliases can expand a few hundred bytes into 10⁹ values ("billion laughs"): stop well before."""
MAX_FILE_BYTES = safefile.YAML_MAX_BYTES
FLAT_MAX_CHARS = 16_384
"""Records longer than this (far fewer values than MAX_NODES) go the usual way."""
SAFE_NESTING = 1_000
"""libyaml's composer recurses in C once per nesting level and overflows the C stack (SIGSEGV,
before Python sees anything) somewhere past 20,000 levels: text that might nest deeper than this
is measured, without recursion, before libyaml composes it."""


@dataclass
class Document:
    """One YAML file: its data and, worked out only when an error needs one, the line where each
    field starts (parsing 50,000 registrations without line maps is what makes them fast)."""

    path: str
    data: Any
    text: str = ""
    _lines: dict[Loc, int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> dict[Loc, int]:
        if self._lines is None:
            try:
                self._lines = _line_map(self.text, self.path)
            except DataErrors:  # libyaml read it, PyYAML refuses it (a trailing tab): no lines
                self._lines = {}
        return self._lines

    def line(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest ancestor that has one."""
        lines = self.lines
        if not lines:
            return None
        loc = tuple(loc)
        while loc:
            if loc in lines:
                return lines[loc]
            loc = loc[:-1]
        return lines.get((), 1)


def _error(path: str, line: int | None, message: str) -> DataErrors:
    return DataErrors([DataError(path, line, "", message)])


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现 “字段: 值”（多半是缩进有误，或文本中的冒号需要加引号）",
    "could not find expected ':'": "缺少冒号 “:”",
    "did not find expected key": "缩进不一致或缺少字段名",
    "did not find expected '-' indicator": "列表缩进不一致",
    "found character '\\t' that cannot start any token": "含有制表符（Tab），请改用空格缩进",
    "found unexpected end of stream": "引号或括号没有闭合",
    "found undefined alias": "引用了未定义的锚点（*名称）",
    "found duplicate anchor": "锚点（&名称）重复定义",
    "expected <document start>, but found '<block mapping start>'": "缩进不一致",
}


def _problem(exc: yaml.YAMLError) -> str:
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    for known, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(known) or context.startswith(known):
            return chinese
    if problem.startswith("expected") or problem.startswith("while parsing"):
        return f"缩进或结构有误（{problem}）"
    return problem


def _mark_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


class _TooLarge(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Loc, int] = {}
        self.errors: list[DataError] = []
        self.nodes = 0

    def build(
        self, node: Node, loc: Loc, depth: int = 0, seen: frozenset[int] = frozenset()
    ) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(node.start_mark.line + 1)
        if depth > MAX_DEPTH or id(node) in seen:
            self.errors.append(
                DataError(self.path, node.start_mark.line + 1, "", "嵌套过深或引用自身（锚点循环）")
            )
            return None
        seen = seen | {id(node)}
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, (*loc, i), depth + 1, seen) for i, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            return self.mapping(node, loc, depth, seen)
        raise AssertionError(f"unknown YAML node {node!r}")

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:null" or (not node.style and node.value in _NULLS):
            return None
        return node.value

    def mapping(
        self, node: MappingNode, loc: Loc, depth: int, seen: frozenset[int]
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                key_node.value == "<<" and not key_node.style
            ):
                self.errors.append(
                    DataError(self.path, line, "", "不支持合并键 “<<”，请直接写出各字段")
                )
                continue
            if not isinstance(key_node, ScalarNode) or key_node.value in _NULLS:
                self.errors.append(DataError(self.path, line, "", "字段名应为非空文本"))
                continue
            key = key_node.value
            if key in result:
                where = _dotted((*loc, key))
                self.errors.append(DataError(self.path, line, where, "字段重复出现"))
                continue
            self.lines[(*loc, key)] = line
            result[key] = self.build(value_node, (*loc, key), depth + 1, seen)
        return result


def _compose(text: str) -> list[Node]:
    """The detailed way (errors, line maps) uses the pure-Python parser: its messages are clearer."""
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


class _NeedsDetail(Exception):
    """The quick load met something to report (or an alias to expand and count): load again
    with the detailed builder, which tracks lines to say where."""


class _TextConstructor(yaml.constructor.BaseConstructor):
    """Plain data, every scalar text; aliases, odd keys and duplicates go the detailed way."""

    def __init__(self) -> None:
        super().__init__()
        self.budget = MAX_NODES

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        self.budget -= 1
        if node in self.constructed_objects or self.budget < 0:
            raise _NeedsDetail
        return super().construct_object(node, deep)

    def construct_scalar(self, node: Any) -> Any:
        if node.tag == "tag:yaml.org,2002:null" or (not node.style and node.value in _NULLS):
            return None
        return node.value

    def construct_sequence(self, node: Any, deep: bool = False) -> list[Any]:
        return [self.construct_object(child, deep=True) for child in node.value]

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, ScalarNode)
                or key_node.value in _NULLS
                or key_node.value in result
                or (key_node.value == "<<" and not key_node.style)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                raise _NeedsDetail
            result[key_node.value] = self.construct_object(value_node, deep=True)
        return result


if _CParser is not None:

    class _FastLoader(_CParser, _TextConstructor, _TextResolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _TextConstructor.__init__(self)
            _TextResolver.__init__(self)

    def _quick(text: str) -> Any:
        loader = _FastLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()

else:  # pragma: no cover - PyYAML without libyaml

    def _quick(text: str) -> Any:
        raise _NeedsDetail


def _root(text: str, path: str) -> Node | None:
    try:
        nodes = _compose(text)
    except yaml.YAMLError as exc:
        raise _error(path, _mark_line(exc), f"YAML 格式错误：{_problem(exc)}") from None
    except RecursionError:
        raise _error(path, None, f"嵌套层级过深（超过 {MAX_DEPTH} 层），拒绝解析") from None
    except ValueError as exc:
        raise _error(path, None, f"YAML 无法解析：{type(exc).__name__}") from None
    if len(nodes) > 1:
        raise _error(
            path,
            nodes[1].start_mark.line + 1,
            "一个文件只能有一个 YAML 文档（发现了 “---” 分隔的多个文档）",
        )
    return nodes[0] if nodes else None


def _detailed(root: Node, path: str) -> tuple[Any, dict[Loc, int]]:
    builder = _Builder(path)
    try:
        data = builder.build(root, ())
    except RecursionError:
        raise _error(path, None, f"嵌套层级过深（超过 {MAX_DEPTH} 层），拒绝解析") from None
    except _TooLarge as exc:
        raise _error(
            path, exc.line, f"内容过多（超过 {MAX_NODES} 项，可能是锚点和别名层层展开）"
        ) from None
    if builder.errors:
        raise DataErrors(builder.errors)
    return data, builder.lines


def _line_map(text: str, path: str) -> dict[Loc, int]:
    root = _root(text, path)
    return {(): 1} if root is None else _detailed(root, path)[1]


def nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth, at the cost of five C-speed scans.

    Every nested collection needs its own `[`, `{` (flow), `-` (block sequence entry), `?` or `:`
    (mapping entry, block or flow) before it starts, so the depth cannot exceed their number."""
    return sum(text.count(c) for c in "[{-?:") + 1


def _event_parser(text: str) -> Any:
    return _CParser(text) if _CParser is not None else yaml.SafeLoader(text)


def check_nesting(text: str, path: str, unless_below: int = SAFE_NESTING) -> None:
    """Refuse text that nests deeper than MAX_DEPTH collections, naming the line (measured only
    when the text might nest deeper than `unless_below`). Parsing events does not recurse (in
    libyaml or in PyYAML), so any depth is safe to measure; a syntax error met first is left to
    the parse that follows, which stops at the same place."""
    if nesting_bound(text) <= unless_below:
        return
    parser = _event_parser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line = mark.line + 1 if mark is not None else None
                    raise _error(path, line, f"嵌套层级过深（超过 {MAX_DEPTH} 层），拒绝解析")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return
    except yaml.YAMLError:
        return
    finally:
        parser.dispose()


def parse(text: str, path: str) -> Document:
    """Parse YAML text into a Document; raise DataErrors (with the line) if it is malformed.

    The quick way (libyaml, no line map) serves every well-formed file; anything it cannot vouch
    for is parsed again the detailed way, which finds and places every problem. Text that could
    nest deep enough to crash libyaml is measured first (`check_nesting`). Before all that, a
    small flat record (what intake writes) is read by a cheaper first pass (flatyaml.py)."""
    if len(text) <= FLAT_MAX_CHARS and (flat := parse_flat(text)) is not None:
        return Document(path, flat, text)
    check_nesting(text, path)
    try:
        return Document(path, _quick(text), text)
    except RecursionError:  # deeper than Python's own limit lets the constructor go
        check_nesting(text, path, unless_below=MAX_DEPTH)
    except (_NeedsDetail, yaml.YAMLError, ValueError):
        pass
    root = _root(text, path)
    if root is None:
        return Document(path, None, text, {(): 1})
    data, lines = _detailed(root, path)
    return Document(path, data, text, lines)


def decode(raw: bytes, path: str) -> str:
    """UTF-8 (a byte-order mark is dropped); anything else is refused with a hint."""
    if len(raw) > MAX_FILE_BYTES:
        raise _error(
            path, None, f"文件过大（{len(raw) // 1024} KB，上限 {MAX_FILE_BYTES // 1024} KB）"
        )
    try:
        skip = 3 if raw[:3] == b"\xef\xbb\xbf" else 0
        text = raw[skip:].decode()  # as "utf-8-sig" does, quicker
    except UnicodeDecodeError as exc:
        line = raw[: skip + exc.start].count(b"\n") + 1
        raise _error(
            path, line, "文件不是 UTF-8 编码（可能是 GBK/GB18030），请另存为 UTF-8"
        ) from None
    if "\x00" in text:
        raise _error(path, None, "文件含有空字符（NUL），不是文本文件")
    return text


def read(file: Path, root: Path) -> Document:
    """Read and parse one YAML file; its path in messages is relative to `root`. Only a regular
    file within MAX_FILE_BYTES is read (a device, FIFO or folder is refused before reading)."""
    rel, text, _ = read_text(file, root)
    return parse(text, rel)


def read_text(file: Path, root: Path) -> tuple[str, str, bytes]:
    """The path of `file` in messages (relative to `root`), its text as `read` reads it, its bytes."""
    name, base = str(file), str(root).rstrip("/") + "/"
    rel = name[len(base) :] if name.startswith(base) else file.as_posix()
    try:
        raw = safefile.read_bytes(name, MAX_FILE_BYTES)
    except safefile.Refused as exc:
        raise _error(rel, None, exc.reason) from None
    return rel, decode(raw, rel), raw


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
