"""Validation messages: the path and line of a field, with unions' member tags left out."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from generator.core.loader import parse
from generator.core.messages import from_validation_error
from generator.core.records import Opinion


class _Signed(BaseModel):
    opinions: list[Opinion]
    note: str | int | None = None


def _errors(text: str) -> list[tuple[int | None, str]]:
    doc = parse(text, "data/registrations/x.yml")
    try:
        _Signed.model_validate(doc.data)
    except ValidationError as exc:
        return [(e.line, e.field) for e in from_validation_error(doc, exc)]
    raise AssertionError("the document should not validate")


def test_a_field_named_date_is_reported_at_its_own_line() -> None:
    text = (
        "opinions:\n"
        "  - level: unit\n"
        "    opinion: 同意\n"
        "    office: 中山区总工会\n"
        "    date: 2012-13-45\n"
    )
    assert _errors(text) == [(5, "opinions[1].date")]


def test_union_member_tags_are_left_out() -> None:
    text = "opinions: []\nnote: [1]\n"
    assert {field for _, field in _errors(text)} == {"note"}
    assert {line for line, _ in _errors(text)} == {2}


def test_a_missing_field_is_named() -> None:
    text = "opinions:\n  - level: unit\n    opinion: 同意\n    office: 中山区总工会\n"
    assert _errors(text) == [(2, "opinions[1].date")]
