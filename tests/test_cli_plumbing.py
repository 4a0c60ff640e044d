"""The `volunteers` command ends in error only through click (errors.Failed, errors.DataFailed,
click's own handling): no module of the command or of intake exits by hand."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

from generator.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def _exits(path: Path) -> list[int]:
    """Lines calling sys.exit or exit() directly."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == "exit") or (
                isinstance(f, ast.Name) and f.id == "exit"
            ):
                lines.append(node.lineno)
    return lines


def test_no_command_exits_by_hand() -> None:
    modules = [*(ROOT / "generator" / "cli").rglob("*.py"), *(ROOT / "intake").rglob("*.py")]
    found = {p.relative_to(ROOT).as_posix(): _exits(p) for p in modules}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_sees_an_exit(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import sys\n\ndef f():\n    sys.exit(1)\n")
    assert _exits(module) == [4]


def test_a_failure_is_one_chinese_line_and_status_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reject", "nope", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("错误：") and result.output.count("\n") == 1
