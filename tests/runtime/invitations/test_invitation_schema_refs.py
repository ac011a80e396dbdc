"""The invitation schema's ``$ref``s, resolved when the definitions are read: each member that
refers to the contract schema gets exactly that member's rules (computed afresh here: the
runtime reads them once and keeps them)."""

from __future__ import annotations

import json

from runtime.broker import contract, invitation_schema
from runtime.broker.contract import FieldError

REQUEST = "#/definitions/CreateParticipantRequest/properties/"
CREATE = "CreateInvitationRequest"


def test_every_reference_is_replaced_by_what_it_points_to() -> None:
    raw = json.loads(invitation_schema.SCHEMA_PATH.read_text(encoding="utf-8"))["definitions"]
    resolved = invitation_schema.definitions.__wrapped__()
    request = contract.definitions()["CreateParticipantRequest"]["properties"]
    assert "$ref" not in json.dumps(resolved)
    checked = 0
    for name, schema in raw.items():
        for member, declared in schema.get("properties", {}).items():
            if declared.get("$ref", "").startswith(REQUEST):
                target = request[declared["$ref"].removeprefix(REQUEST)]
                assert resolved[name]["properties"][member] == target
                checked += 1
    assert checked >= 4  # displayName, role, capabilities when creating; displayName redeeming


def test_a_reference_inside_a_reference_is_resolved_too() -> None:
    known = {
        "A": {"$ref": "#/definitions/B"},
        "B": {"type": "string", "items": {"$ref": "#/definitions/C"}},
        "C": {"minLength": 1},
    }
    assert invitation_schema._resolved({"x": {"$ref": "#/definitions/A"}}, known) == {
        "x": {"type": "string", "items": {"minLength": 1}}
    }


def test_integer_members_are_checked_at_both_edges_of_their_range() -> None:
    at_edges = [{"uses": 1, "lifetimeSeconds": 60}, {"uses": 100, "lifetimeSeconds": 86400}]
    assert [invitation_schema.validate(body, CREATE) for body in at_edges] == [[], []]
    beyond = invitation_schema.validate({"uses": 101, "lifetimeSeconds": 86401}, CREATE)
    assert beyond == [
        FieldError("uses", "must be at most 100"),
        FieldError("lifetimeSeconds", "must be at most 86400"),
    ]


def test_errors_come_in_the_members_order_a_missing_member_first() -> None:
    body = {"uses": 0, "capabilities": {"video": "BAD"}, "lifetimeSeconds": 59}
    assert invitation_schema.validate(body, CREATE) == [
        FieldError("uses", "must be at least 1"),
        FieldError("capabilities.video", "must be one of: SEND"),
        FieldError("lifetimeSeconds", "must be at least 60"),
    ]
    assert invitation_schema.validate({"displayName": 5}, "RedeemInvitationRequest") == [
        FieldError("secret", "is required"),
        FieldError("displayName", "must be a string"),
    ]


def test_an_unknown_integer_member_is_refused_like_any_unknown_member() -> None:
    assert invitation_schema.validate({"uses": 2, "extra": 5}, CREATE) == [
        FieldError("extra", "is not allowed")
    ]


def test_an_integer_written_as_a_float_is_checked_against_the_range_too() -> None:
    # The handler reads 2.0 as 2 already (apigw); the validator on its own agrees with
    # JSON Schema 2020-12 too, where 101.0 is an integer, so out of range.
    body = {"uses": 101.0, "lifetimeSeconds": 59.0}
    assert invitation_schema.validate(body, CREATE) == [
        FieldError("uses", "must be at most 100"),
        FieldError("lifetimeSeconds", "must be at least 60"),
    ]
    assert invitation_schema.validate({"uses": 2.0, "lifetimeSeconds": 6e2}, CREATE) == []
