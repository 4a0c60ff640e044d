"""Bad data files as test cases: tests/cases/invalid/<name>.yml + <name>.expected.txt.

The first line of a case names the file it replaces (`# target: data/quotas.yml`); the rest is
that file's text. The expected file holds every error line `volunteers check` must print.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.errors import DataErrors
from generator.core.validate import load_site

CASES = Path(__file__).parent / "cases" / "invalid"


def _cases() -> list[Path]:
    return sorted(CASES.glob("*.yml"))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_invalid_case(case: Path, project: Path) -> None:
    text = case.read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    assert first.startswith("# target: "), f"{case.name}: first line must name the target file"
    target = project / first.removeprefix("# target: ").strip()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_site(project)
    expected = case.with_suffix(".expected.txt").read_text(encoding="utf-8").strip().splitlines()
    assert [str(e) for e in info.value.errors] == expected


def test_every_case_has_an_expectation() -> None:
    assert len(_cases()) >= 10
    for case in _cases():
        assert case.with_suffix(".expected.txt").is_file(), case.name
