"""Bad input at the loader and the whole validation: only DataErrors, each naming its file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.errors import DataErrors
from generator.core.loader import parse, read
from generator.core.models import Campaign, Project, Union
from generator.core.validate import load_site
from tests.conftest import copy_project

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROJECT = "data/projects/jinqiu-zhuxue-2012.yml"
TARGETS = [PROJECT, "data/campaign.yml", "data/unions.yml", "data/quotas.yml"]
FIELDS = sorted({*Project.model_fields, *Campaign.model_fields, *Union.model_fields})

# Scalars YAML 1.1 would re-type, or that look like syntax when unquoted.
TRICKY = ["no", "0612", "12:30", "~", "", "2012-13-45", "-", "*x", "&a", "!!binary", "<<", "'", "?"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(TRICKY),
)
keys = st.one_of(st.sampled_from([*FIELDS, "", "<<", "id"]), st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=25,
)
YAML_CHARS = ":-[]{}&*!|>'\"#%@`,? \n\t\r\ufeff\u3000中文a1"
raw_text = st.text(alphabet=YAML_CHARS, max_size=200)


def _assert_names_files(exc: DataErrors, expected: str | None = None) -> None:
    assert exc.errors
    for error in exc.errors:
        assert error.path.startswith("data/") and error.path.endswith(".yml"), error
        assert error.message, error
        if expected is not None:
            assert error.path == expected, str(exc)


# --- the parser alone -------------------------------------------------------------------------


@FUZZ
@given(value=values)
def test_any_yaml_shape_parses_or_names_the_file(value: Any) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    try:
        parse(text, "data/x.yml")
    except DataErrors as exc:
        _assert_names_files(exc, "data/x.yml")


@FUZZ
@given(text=raw_text)
def test_any_text_parses_or_names_the_file(text: str) -> None:
    try:
        parse(text, "data/x.yml")
    except DataErrors as exc:
        _assert_names_files(exc, "data/x.yml")


@FUZZ
@given(raw=st.binary(max_size=300))
def test_any_bytes_read_or_name_the_file(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "data" / "x.yml"
        file.parent.mkdir()
        file.write_bytes(raw)
        try:
            read(file, Path(tmp))
        except DataErrors as exc:
            _assert_names_files(exc, "data/x.yml")


# --- the whole load and validation -------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the project for all examples; each example restores what it changed."""
    root = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    yield root
    shutil.rmtree(root)


def _load_with(root: Path, rel: str, text: str) -> None:
    file = root / rel
    original = file.read_bytes()
    file.write_text(text, encoding="utf-8")
    try:
        load_site(root, date(2012, 7, 3))
    except DataErrors as exc:
        _assert_names_files(exc)
    finally:
        file.write_bytes(original)


@FUZZ
@given(target=st.sampled_from(TARGETS), value=values)
def test_any_shape_in_a_data_file_gives_only_data_errors(
    fuzz_root: Path, target: str, value: Any
) -> None:
    _load_with(fuzz_root, target, yaml.safe_dump(value, allow_unicode=True))


@FUZZ
@given(field=st.sampled_from(sorted(Project.model_fields)), value=values)
def test_any_value_in_a_project_field_gives_only_data_errors(
    fuzz_root: Path, field: str, value: Any
) -> None:
    project = yaml.safe_load((fuzz_root / PROJECT).read_text(encoding="utf-8"))
    project[field] = value
    _load_with(fuzz_root, PROJECT, yaml.safe_dump(project, allow_unicode=True))


@FUZZ
@given(target=st.sampled_from(TARGETS), text=raw_text)
def test_any_text_in_a_data_file_gives_only_data_errors(
    fuzz_root: Path, target: str, text: str
) -> None:
    _load_with(fuzz_root, target, text)


# --- encodings, line ends, tabs, keys, anchors, sizes: through the whole load -------------------


def _errors(root: Path) -> list[str]:
    try:
        load_site(root, date(2012, 7, 3))
    except DataErrors as exc:
        return [str(e) for e in exc.errors]
    return []


def _project_text(root: Path) -> str:
    return (root / PROJECT).read_text(encoding="utf-8")


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_bom_and_crlf_project_loads_as_written(project: Path) -> None:
    before = {p.id: p for p in load_site(project, date(2012, 7, 3)).projects}
    text = _project_text(project)
    (project / PROJECT).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    after = {p.id: p for p in load_site(project, date(2012, 7, 3)).projects}
    assert after == before


def test_crlf_keeps_line_numbers(project: Path) -> None:
    text = _project_text(project).replace("category: student-aid", "category: 金秋")
    (project / PROJECT).write_bytes(text.replace("\n", "\r\n").encode())
    line = _line_of(text, "category:")
    [message] = _errors(project)
    assert message.startswith(f"{PROJECT}:{line} category: 未知的服务类别 “金秋”")


def test_old_mac_line_ends_keep_line_numbers(project: Path) -> None:
    text = _project_text(project).replace("status: completed", "status: done")
    (project / PROJECT).write_bytes(text.replace("\n", "\r").encode())
    line = _line_of(text, "status:")
    [message] = _errors(project)
    assert message.startswith(f"{PROJECT}:{line} status: 取值 “done” 无效")


def test_tab_indent_is_named_with_its_line(project: Path) -> None:
    text = _project_text(project).replace("  office:", "\toffice:")
    (project / PROJECT).write_text(text, encoding="utf-8")
    line = _line_of(text, "\toffice:")
    assert _errors(project) == [
        f"{PROJECT}:{line} YAML 格式错误：含有制表符（Tab），请改用空格缩进"
    ]


def test_tabs_inside_values_are_kept(project: Path) -> None:
    text = _project_text(project).replace(
        'place: "甘井子区各街道工会"', 'place: "甘井子区\\t各街道工会"'
    )
    text = text.replace("  - 服务方式", "  - 服务\t方式")
    (project / PROJECT).write_text(text, encoding="utf-8")
    [jinqiu] = [
        p for p in load_site(project, date(2012, 7, 3)).projects if p.id == "jinqiu-zhuxue-2012"
    ]
    assert jinqiu.place == "甘井子区\t各街道工会"
    assert "服务\t方式" in jinqiu.description


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16"])
def test_other_encodings_are_refused_with_a_hint(project: Path, encoding: str) -> None:
    text = _project_text(project)
    (project / PROJECT).write_bytes(text.encode(encoding))
    [message] = _errors(project)
    assert message.startswith(f"{PROJECT}:")
    assert message.endswith("文件不是 UTF-8 编码（可能是 GBK/GB18030），请另存为 UTF-8")


def test_duplicate_key_inside_a_mapping_is_named(project: Path) -> None:
    # (Example projects carry no phone since issue 14: the contact's office is repeated.)
    office = '  office: "甘井子区总工会"'
    text = _project_text(project).replace(office, f'{office}\n  office: "金州区总工会"')
    (project / PROJECT).write_text(text, encoding="utf-8")
    line = _line_of(text, '  office: "金州区总工会"')
    assert _errors(project) == [f"{PROJECT}:{line} contact.office: 字段重复出现"]


def test_anchor_and_alias_share_a_contact(project: Path) -> None:
    file = project / "data" / "unions.yml"
    # Every union has an empty contact since issue 14: those of 中山 and 西岗 are replaced.
    empty = "\n    contact: { office: , address: , phone: }"
    text = file.read_text(encoding="utf-8")
    for name in ("中山", "西岗"):
        block = f'short_name: "{name}"\n    kind: district{empty}'
        assert block in text
        text = text.replace(block, f'short_name: "{name}"\n    kind: district', 1)
    contact = '\n    contact: {office: "区总工会办公室", phone: "0411-82610421"}'
    text = text.replace(
        'short_name: "中山"',
        'short_name: "中山"\n    contact: &office' + contact[len("\n    contact:") :],
        1,
    )
    text = text.replace('short_name: "西岗"', 'short_name: "西岗"\n    contact: *office', 1)
    file.write_text(text, encoding="utf-8")
    unions = load_site(project, date(2012, 7, 3)).unions
    assert unions["zhongshan"].contact is not None
    assert unions["xigang"].contact == unions["zhongshan"].contact


def test_alias_bomb_is_refused_quickly() -> None:
    """A 300-byte file whose aliases expand to 10⁹ nodes ("billion laughs") must not hang the build."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    code = (
        "import sys\n"
        "from generator.core.errors import DataErrors\n"
        "from generator.core.loader import parse\n"
        "try:\n"
        "    parse(sys.stdin.read(), 'data/bomb.yml')\n"
        "except DataErrors as exc:\n"
        "    print(exc)\n"
        "    sys.exit(3)\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("anchors that expand exponentially are not bounded: the loader ran for 10 s")
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith("data/bomb.yml")


def test_very_long_text_is_named_with_its_limit(project: Path) -> None:
    text = _project_text(project).replace('summary: "', 'summary: "' + "很长的摘要" * 20_000, 1)
    (project / PROJECT).write_text(text, encoding="utf-8")
    line = _line_of(text, "summary:")
    assert _errors(project) == [f"{PROJECT}:{line} summary: 过长（不超过 200 个字）"]


@pytest.mark.parametrize("count", ["9" * 30, "9" * 5000, "1e400", "3.5", "0x10"])
def test_huge_or_odd_numbers_are_named(project: Path, count: str) -> None:
    file = project / "data" / "quotas.yml"
    text = file.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("count:"))
    file.write_text(text.replace(first, first.split(":")[0] + f": {count}", 1), encoding="utf-8")
    errors = _errors(project)
    assert errors and all(e.startswith("data/quotas.yml:") for e in errors), errors
    assert all(len(e) < 300 for e in errors), "a message repeats a huge value in full"


def test_very_long_key_is_named_briefly(project: Path) -> None:
    text = _project_text(project) + "k" * 1000 + ": 1\n"
    (project / PROJECT).write_text(text, encoding="utf-8")
    errors = _errors(project)
    assert len(errors) == 1 and errors[0].startswith(f"{PROJECT}:"), errors
    assert errors[0].endswith("未知字段（是否拼写有误？）")


def test_deep_nesting_is_named(project: Path) -> None:
    (project / PROJECT).write_text(
        "description: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8"
    )
    errors = _errors(project)
    assert errors and all(e.startswith(f"{PROJECT}") for e in errors), errors
