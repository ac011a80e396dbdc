"""Validation by ``contract.schema.json``: a JSON Schema 2020-12 interpreter of the keywords
it uses (docs/contract.md). An integer is any number with a zero fractional part; patterns use
``re.fullmatch``; lengths count code points; a string reports its first failure; a member is
named as sent, a lone surrogate as its escape."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "contract.schema.json")

_TYPE_NAMES = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


class FieldError(NamedTuple):
    """One validation failure: where (``field``) and what is wrong (``message``)."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """Return the ``errors`` entry of a problem body."""
        return {"field": self.field, "message": self.message}


@functools.cache
def definitions() -> Mapping[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    result: Mapping[str, Any] = schema["definitions"]
    return result


def definition(name: str) -> Mapping[str, Any]:
    result: Mapping[str, Any] = definitions()[name]
    return result


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_SIMPLE_TYPES: dict[str, type] = {"string": str, "object": dict, "array": list, "boolean": bool}


def _is_type(instance: object, type_name: str) -> bool:
    simple = _SIMPLE_TYPES.get(type_name)
    if simple is not None:
        return isinstance(instance, simple)
    if type_name == "null":
        return instance is None
    if isinstance(instance, bool):
        return False
    if type_name == "integer":
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    return type_name == "number" and isinstance(instance, int | float)


def _type_error(instance: object, schema: Mapping[str, Any]) -> str | None:
    expected = schema.get("type")
    if expected is None:
        return None
    names = [expected] if isinstance(expected, str) else expected
    for name in names:
        if _is_type(instance, name):
            return None
    return "must be " + " or ".join(_TYPE_NAMES.get(name, name) for name in names)


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def _string_error(value: str, schema: Mapping[str, Any]) -> str | None:
    if "enum" in schema and value not in schema["enum"]:
        return "must be one of: " + ", ".join(str(item) for item in schema["enum"])
    if "minLength" in schema and len(value) < schema["minLength"]:
        return f"must be at least {_characters(schema['minLength'])} long"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return f"must be at most {_characters(schema['maxLength'])} long"
    if "pattern" in schema and _compiled(schema["pattern"]).fullmatch(value) is None:
        return "contains characters that are not allowed"
    return None


def member_name(name: str) -> str:
    """Return a member name fit for UTF-8 output: lone surrogates spelled ``\\udXXX``."""
    # Codec names ignore case:
    return name.encode("utf-8", "backslashreplace").decode("utf-8")  # pragma: no mutate


def _child(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _object_errors(
    instance: Mapping[str, Any], schema: Mapping[str, Any], field: str
) -> list[FieldError]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    errors = [
        FieldError(_child(field, name), "is required")
        for name in schema.get("required", [])
        if name not in instance
    ]
    for name, value in instance.items():
        if name in properties:
            errors.extend(validate(value, properties[name], _child(field, name)))
        elif schema.get("additionalProperties", True) is False:
            errors.append(FieldError(_child(field, member_name(name)), "is not allowed"))
    return errors


def validate(instance: object, schema: Mapping[str, Any], field: str) -> list[FieldError]:
    """Validate decoded JSON ``instance`` against ``schema``; ``field`` names its location."""
    type_message = _type_error(instance, schema)
    if type_message is not None:
        return [FieldError(field, type_message)]
    if isinstance(instance, str):
        message = _string_error(instance, schema)
        return [] if message is None else [FieldError(field, message)]
    if isinstance(instance, dict):
        return _object_errors(instance, schema, field)
    if "enum" in schema and instance not in schema["enum"]:
        return [FieldError(field, "must be one of: " + ", ".join(map(str, schema["enum"])))]
    return []


def validate_named(instance: object, name: str, field: str) -> list[FieldError]:
    """Validate ``instance`` against the schema definition ``name``."""
    return validate(instance, definition(name), field)
