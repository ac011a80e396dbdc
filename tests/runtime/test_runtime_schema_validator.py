"""The tiny draft-4 interpreter, on schemas other than the contract's."""

from __future__ import annotations

from runtime.broker.contract import FieldError, definition, validate


def test_type_list_accepts_any_listed_type() -> None:
    assert validate(None, {"type": ["string", "null"]}, "x") == []


def test_type_list_names_every_type() -> None:
    assert validate(1, {"type": ["string", "null"]}, "x") == [
        FieldError("x", "must be a string or null")
    ]


def test_boolean_is_not_an_integer() -> None:
    assert validate(True, {"type": "integer"}, "n") == [FieldError("n", "must be an integer")]


def test_pattern_must_match_the_whole_string() -> None:
    assert validate("ab", {"type": "string", "pattern": "a"}, "s") == [
        FieldError("s", "contains characters that are not allowed")
    ]


def test_additional_properties_allowed_by_default() -> None:
    assert validate({"extra": 1}, {"type": "object"}, "") == []


def test_nested_fields_are_dotted() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "required": ["b"]}}}
    assert validate({"a": {}}, schema, "") == [FieldError("a.b", "is required")]


def test_contact_id_definition_is_read_from_the_schema_file() -> None:
    assert definition("ContactId")["maxLength"] == 256
