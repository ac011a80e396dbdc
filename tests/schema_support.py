"""A real JSON Schema 2020-12 validator (``jsonschema``) over the OpenAPI document, the reference
the runtime's own validation and the document's examples are held to.

OpenAPI 3.1 declares its schemas JSON Schema 2020-12 (``jsonSchemaDialect``, the OAS base
dialect, whose meta-schema is 2020-12's), and 2020-12 writes ``pattern`` in the ECMA-262
dialect, where ``$`` (no ``m`` flag) matches only at the end of the input. ``jsonschema``
applies patterns with Python's ``re.search``, whose ``$`` also matches before a final newline
(``"abc\\n"`` would match ``^[a-z]+$``), so the reference here replaces ``pattern`` with an
ECMA-262 reading of the contract's patterns: anchored with ``^`` and a final ``$`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from constructs_lib.openapi import build_openapi

#: Where the document is registered: a ``$ref`` of the document resolves against it.
DOCUMENT_URI = "urn:connect-participant-broker:openapi"
#: The OpenAPI 3.1 base dialect (OpenAPI 3.1.0, "Schema Object": JSON Schema 2020-12 plus the
#: OAS vocabulary of annotations: discriminator, xml, externalDocs, example).
OAS_BASE_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


def _ecma_pattern(
    validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """``pattern`` with ECMA-262's ``$``: the end of the input, never before a final newline."""
    assert pattern.startswith("^") and pattern.endswith("$") and pattern.count("$") == 1, pattern
    if validator.is_type(instance, "string") and not re.search(pattern[:-1] + r"\Z", instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


ReferenceValidator = extend(Draft202012Validator, {"pattern": _ecma_pattern})


@cache
def document() -> dict[str, Any]:
    return build_openapi()


@cache
def _registry() -> Registry[Any]:
    return Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document()))


def validator(pointer: str) -> Validator:
    """The 2020-12 validator of the schema at JSON pointer ``pointer`` of the document (for
    example ``/components/schemas/ContactId``); its ``$ref``s resolve in the document."""
    return ReferenceValidator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=_registry())


def component(name: str) -> Validator:
    """The validator of ``#/components/schemas/<name>``."""
    return validator(f"/components/schemas/{name}")
