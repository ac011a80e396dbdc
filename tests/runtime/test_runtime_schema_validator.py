"""The tiny draft-4 interpreter, on schemas other than the contract's."""

from __future__ import annotations

import math

import pytest

from runtime.broker.contract import FieldError, definition, validate

#: Draft 4's types, each with the decoded JSON values it admits, over one value of each kind.
VALUES = {"s": "x", "o": {}, "a": [], "b": True, "n": None, "i": 3, "f": 2.5}
TYPES = [
    ("string", ("s",), "a string"),
    ("object", ("o",), "an object"),
    ("array", ("a",), "an array"),
    ("boolean", ("b",), "a boolean"),
    ("null", ("n",), "null"),
    ("integer", ("i",), "an integer"),
    ("number", ("i", "f"), "a number"),
]


@pytest.mark.parametrize(("type_name", "admitted", "named"), TYPES)
def test_each_type_admits_exactly_its_values(
    type_name: str, admitted: tuple[str, ...], named: str
) -> None:
    for kind, value in VALUES.items():
        errors = validate(value, {"type": type_name}, "v")
        assert errors == ([] if kind in admitted else [FieldError("v", f"must be {named}")])


def test_an_unknown_type_admits_nothing_and_is_named_as_written() -> None:
    assert validate("x", {"type": "date"}, "d") == [FieldError("d", "must be date")]


def test_type_list_accepts_any_listed_type() -> None:
    assert validate(None, {"type": ["string", "null"]}, "x") == []


def test_type_list_names_every_type() -> None:
    assert validate(1, {"type": ["string", "null"]}, "x") == [
        FieldError("x", "must be a string or null")
    ]


def test_boolean_is_not_an_integer() -> None:
    assert validate(True, {"type": "integer"}, "n") == [FieldError("n", "must be an integer")]


@pytest.mark.parametrize("value", [2.0, -0.0, 1e300, -7.0])
def test_a_number_with_a_zero_fractional_part_is_an_integer(value: float) -> None:
    # JSON Schema 2020-12, "Validation", 6.1.1: "integer" matches any number with a zero
    # fractional part.
    assert validate(value, {"type": "integer"}, "n") == []


@pytest.mark.parametrize("value", [2.5, 1e-300, math.inf, -math.inf, math.nan])
def test_a_fraction_or_a_number_that_is_none_is_not_an_integer(value: float) -> None:
    assert validate(value, {"type": "integer"}, "n") == [FieldError("n", "must be an integer")]


def test_pattern_must_match_the_whole_string() -> None:
    assert validate("ab", {"type": "string", "pattern": "a"}, "s") == [
        FieldError("s", "contains characters that are not allowed")
    ]


def test_additional_properties_allowed_by_default() -> None:
    assert validate({"extra": 1}, {"type": "object"}, "") == []


def test_nested_fields_are_dotted() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "required": ["b"]}}}
    assert validate({"a": {}}, schema, "") == [FieldError("a.b", "is required")]


def test_enum_applies_to_values_that_are_not_strings() -> None:
    assert validate(3, {"enum": [1, 2]}, "n") == [FieldError("n", "must be one of: 1, 2")]
    assert validate(2, {"enum": [1, 2]}, "n") == []


def test_contact_id_definition_is_read_from_the_schema_file() -> None:
    assert definition("ContactId")["maxLength"] == 256
