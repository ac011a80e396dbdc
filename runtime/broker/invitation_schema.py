"""The invitation routes' request schemas (``invitations.schema.json``, shipped only with
invitations) and the two keywords only they use, which :mod:`.contract`'s interpreter leaves
to this module: ``$ref`` (to a definition of either schema file, resolved once at load) and
``minimum``/``maximum`` on integer members."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import contract
from .contract import FieldError

SCHEMA_PATH = Path(__file__).resolve().parent / "invitations.schema.json"


def _resolved(node: Any, known: Mapping[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/definitions/..."}`` replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = {"definitions": known}
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolved(target, known)
        return {key: _resolved(value, known) for key, value in node.items()}
    return node


@functools.cache
def definitions() -> Mapping[str, Any]:
    """The invitation definitions, references resolved (read once)."""
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        own: dict[str, Any] = json.load(handle)["definitions"]
    known = {**contract.definitions(), **own}
    return {name: _resolved(schema, known) for name, schema in own.items()}


def _range_error(value: object, schema: Mapping[str, Any]) -> str | None:
    """The message for an integer out of ``minimum``/``maximum``, or None."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if "minimum" in schema and value < schema["minimum"]:
        return f"must be at least {schema['minimum']}"
    if "maximum" in schema and value > schema["maximum"]:
        return f"must be at most {schema['maximum']}"
    return None


def validate(instance: object, name: str, field: str = "") -> list[FieldError]:
    """Validate ``instance`` against definition ``name``: every failure, in member order."""
    schema = definitions()[name]
    errors = contract.validate(instance, schema, field)
    if not isinstance(instance, dict):
        return errors
    properties: Mapping[str, Any] = schema.get("properties", {})
    failed = {error.field for error in errors}
    for member, value in instance.items():
        message = _range_error(value, properties.get(member, {}))
        if message is not None and member not in failed:
            errors.append(FieldError(member, message))
    order = {member: index for index, member in enumerate(instance)}
    return sorted(errors, key=lambda error: order.get(error.field.split(".")[0], -1))
