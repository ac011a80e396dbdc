"""The function's validation agrees with a real JSON Schema 2020-12 validator (``jsonschema``) on
the OpenAPI document's schemas, for every request definition, on generated inputs: what one
accepts the other accepts, so the function, the local broker (which runs the same runtime) and
the document cannot drift apart.

Inputs are generated near each schema (its enums, lengths, patterns and ranges, edges and one
past them, integers written as floats, infinities and NaN, a final newline) and anywhere at all
(any JSON value). The request bodies' numbers are also held as JSON text, through the function's
own decoding, which reads numbers as IEEE 754 doubles (RFC 8259, section 6), as ``json.loads``
does for the reference.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from schema_support import OAS_BASE_DIALECT, component, document

from constructs_lib import _contract
from runtime.broker import apigw, contract, invitation_schema
from runtime.broker.contract import FieldError

Validate = Callable[[object], list[FieldError]]
#: Each request definition and the function's validation of it.
RUNTIME: dict[str, Validate] = {
    "CreateParticipantRequest": lambda x: contract.validate_named(
        x, "CreateParticipantRequest", ""
    ),
    "ContactId": lambda x: contract.validate_named(x, "ContactId", "contactId"),
    "IdempotencyKey": lambda x: contract.validate_named(x, "IdempotencyKey", "Idempotency-Key"),
    "CreateInvitationRequest": lambda x: invitation_schema.validate(x, "CreateInvitationRequest"),
    "RedeemInvitationRequest": lambda x: invitation_schema.validate(x, "RedeemInvitationRequest"),
    "InvitationId": lambda x: invitation_schema.validate(x, "InvitationId", "invitationId"),
}
NAMES = sorted(RUNTIME)
EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def resolved(name: str) -> Mapping[str, Any]:
    """A request definition with its references resolved (as the function reads it)."""
    if name in contract.definitions():
        return contract.definition(name)
    return invitation_schema.definitions()[name]


def near(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values near ``schema``'s edges, or any JSON value."""
    kind = schema.get("type")
    close: st.SearchStrategy[Any]
    if "enum" in schema:
        values = list(schema["enum"])
        close = st.sampled_from(values + [str(v).lower() for v in values] + [f"{values[0]} "])
    elif kind == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength", 16)
        close = st.text(max_size=min(high + 1, 24)) | st.text(
            min_size=max(high - 1, 0), max_size=high + 1
        )
        if "pattern" in schema:
            close |= st.from_regex(schema["pattern"], fullmatch=True)
        close |= st.text(max_size=max(low, 1)) | close.map(lambda text: text + "\n")
    elif kind == "integer":
        low, high = schema["minimum"], schema["maximum"]
        whole = st.integers(low - 2, high + 2) | st.sampled_from([0, -1, 10**20])
        close = (
            whole
            | whole.map(float)
            | st.floats(low - 2, high + 2)
            | st.sampled_from([math.inf, -math.inf, math.nan, True, False, -0.0, 1e300])
        )
    elif kind == "object":
        properties = schema.get("properties", {})
        required = {name: near(properties[name]) for name in schema.get("required", [])}
        optional = {name: near(sub) for name, sub in properties.items() if name not in required}
        members = st.fixed_dictionaries(required, optional=optional) | st.fixed_dictionaries(
            {}, optional={**required, **optional}
        )
        extra = st.dictionaries(st.sampled_from(["extra", "Role", ""]), ANY_JSON, max_size=1)
        close = members | st.builds(lambda known, more: {**known, **more}, members, extra)
    else:
        close = ANY_JSON
    return st.one_of(close, close, close, ANY_JSON)


def test_the_contract_and_the_document_are_json_schema_2020_12() -> None:
    # The files say which dialect they are written in, and the document says the same.
    schema = _contract.contract_schema()
    assert validator_for(schema) is Draft202012Validator
    assert document()["jsonSchemaDialect"] == OAS_BASE_DIALECT


@pytest.mark.parametrize("name", NAMES)
def test_the_function_and_json_schema_agree(name: str) -> None:
    reference, function = component(name), RUNTIME[name]

    @EXAMPLES
    @given(instance=near(resolved(name)))
    def agree(instance: Any) -> None:
        assert (function(instance) == []) == reference.is_valid(instance), function(instance)

    agree()


@EXAMPLES
@given(
    member=st.sampled_from(["uses", "lifetimeSeconds"]),
    number=st.from_regex(
        r"-?(0|[1-9][0-9]{0,5})(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?", fullmatch=True
    ),
)
@example(member="uses", number="1e400")
@example(member="uses", number="2.0")
@example(member="uses", number="1.0000000000000001")
def test_numbers_as_sent_are_read_as_json_schema_reads_them(member: str, number: str) -> None:
    text = f'{{"{member}": {number}}}'
    decoded = apigw.json_body({"body": text})
    accepted = invitation_schema.validate(decoded, "CreateInvitationRequest") == []
    assert accepted == component("CreateInvitationRequest").is_valid(json.loads(text))
    if accepted:
        assert isinstance(decoded, dict) and type(decoded[member]) is int
