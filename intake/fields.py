"""The parts of a form row checked one field at a time against the record's own schema."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """The field's type with every rule on it (constraints, aliases, checks): a model keeps its
    one-field rules in the field's type, so that a field can be checked without the others.
    A rule written as a field validator would be skipped here, so there must be none."""
    assert not model.__pydantic_decorators__.field_validators, f"{model.__name__}: field rules"
    info = model.model_fields[name]
    if not info.metadata:
        return TypeAdapter(info.annotation)
    return TypeAdapter(Annotated[(info.annotation, *info.metadata)])  # type: ignore[valid-type]


def field_errors(model: type[BaseModel], name: str, value: Any) -> list[ErrorDetails]:
    """What the model says of `value` as its field `name`, alone; [] when it is valid."""
    try:
        _adapter(model, name).validate_python(value)
    except ValidationError as exc:
        return exc.errors(include_url=False)
    return []


def required(model: type[BaseModel]) -> list[str]:
    """The fields a record of `model` cannot be without."""
    return [name for name, info in model.model_fields.items() if info.is_required()]
