"""The YAML loader: text stays text, lines are right, bad files say what and where."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.core.errors import DataErrors
from generator.core.loader import parse, read


@pytest.mark.parametrize(
    "written",
    [
        "no",
        "yes",
        "off",
        "0612",
        "0612345670",
        "12:30",
        "2024-01-01",
        "1e3",
        "0x1F",
        "~x",
        "null!",
        "123X",
    ],
)
def test_plain_scalars_stay_text(written: str) -> None:
    assert parse(f"name: {written}\n", "t.yml").data == {"name": written}


@pytest.mark.parametrize(
    "text", ["no", "0612", "210202", "12:30", "true", "2012-07-03", "a: b", "#x", "", " x "]
)
def test_dumped_strings_round_trip(text: str) -> None:
    dumped = yaml.safe_dump({"v": text}, allow_unicode=True, default_style='"')
    assert parse(dumped, "t.yml").data == {"v": text}


def test_nulls_and_nesting_with_lines() -> None:
    doc = parse("a:\n  b: ~\n  c:\n    - x\n    - y: 1\n", "t.yml")
    assert doc.data == {"a": {"b": None, "c": ["x", {"y": "1"}]}}
    assert doc.line(("a", "c", 1, "y")) == 5
    assert doc.line(("a", "missing")) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: b: c\n",
            "t.yml:1 YAML 格式错误：此处不能出现 “字段: 值”（多半是缩进有误，或文本中的冒号需要加引号）",
        ),
        ("a:\n\t- x\n", "t.yml:2 YAML 格式错误：含有制表符（Tab），请改用空格缩进"),
        ('a: "x\n', "t.yml:2 YAML 格式错误：引号或括号没有闭合"),
        ("a: 1\nb\n", "t.yml:3 YAML 格式错误：缺少冒号 “:”"),
        ("a: 1\na: 2\n", "t.yml:2 a: 字段重复出现"),
        ("k: &a x\nj: &a y\n", "t.yml:2 YAML 格式错误：锚点（&名称）重复定义"),
        ("a: &x {b: *x}\n", "t.yml:1 嵌套过深或引用自身（锚点循环）"),
        ("<<: {a: 1}\n", "t.yml:1 不支持合并键 “<<”，请直接写出各字段"),
        (
            "a: 1\n---\nb: 2\n",
            "t.yml:3 一个文件只能有一个 YAML 文档（发现了 “---” 分隔的多个文档）",
        ),
    ],
)
def test_malformed_yaml_names_the_line(text: str, message: str) -> None:
    with pytest.raises(DataErrors) as info:
        parse(text, "t.yml")
    assert str(info.value) == message


def test_anchors_and_aliases_load(tmp_path: Path) -> None:
    assert parse("a: &c {x: 1}\nb: *c\n", "t.yml").data == {"a": {"x": "1"}, "b": {"x": "1"}}


def test_bom_crlf_load(tmp_path: Path) -> None:
    file = tmp_path / "data" / "x.yml"
    file.parent.mkdir()
    file.write_bytes("\ufeffname: 中山区\r\ncount: 300\r\n".encode())
    doc = read(file, tmp_path)
    assert (doc.path, doc.data, doc.line(("count",))) == (
        "data/x.yml",
        {"name": "中山区", "count": "300"},
        2,
    )


def test_gb18030_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    file = tmp_path / "x.yml"
    file.write_bytes("a: 1\nname: 中山区总工会\n".encode("gb18030"))
    with pytest.raises(DataErrors) as info:
        read(file, tmp_path)
    assert str(info.value) == "x.yml:2 文件不是 UTF-8 编码（可能是 GBK/GB18030），请另存为 UTF-8"


def test_very_large_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "big.yml"
    file.write_bytes(b"a: " + b"x" * (6 * 1024 * 1024))
    with pytest.raises(DataErrors, match="文件过大"):
        read(file, tmp_path)


def test_a_file_libyaml_reads_but_the_line_finder_refuses_still_gets_its_messages() -> None:
    """A trailing tab: libyaml reads the file, PyYAML's reader (which places errors) refuses it.
    A validation error in such a file is reported without a line, never as a traceback."""
    from pydantic import ValidationError

    from generator.core.activities import Activity
    from generator.core.messages import from_validation_error

    text = "title: 中\t\nunion: zhongshan\ndate: 2014-01-01\nplace: 社区\nhours: 30\n"
    doc = parse(text + "participants:\n  - a1\n", "data/activities/x.yml")
    assert doc.data["title"] == "中"
    with pytest.raises(ValidationError) as caught:
        Activity.model_validate({**doc.data, "id": "x"})
    errors = from_validation_error(doc, caught.value)
    assert [(e.path, e.line, e.field) for e in errors] == [("data/activities/x.yml", None, "hours")]
