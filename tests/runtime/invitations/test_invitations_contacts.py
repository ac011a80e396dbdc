"""Invitations with the contact checks on (the construct's default): whoever creates an
invitation gets the participants route's checks and contact-bound rule; a redemption is checked
again, for the creator, with the wait for the agent; listing and revoking follow the
contact-bound rule."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber
from invitation_support import (
    CONTACT_RESOURCE,
    INVITATION_ID,
    NOW,
    ONE_RESOURCE,
    REDEEM_RESOURCE,
    SECRET,
    SETTINGS,
    TABLE,
    consume_params,
    give_back_params,
    item,
    route_event,
)
from runtime_support import (
    CALLER_ARN,
    CONNECT_RESPONSE,
    CONTACT_ID,
    body_of,
    contact_description,
    describe_params,
    expected_params,
    problem,
)

from runtime.broker import contacts

Invoke = Any
ATTRIBUTE = "owner"
CONTACT_NOT_FOUND = problem(
    404,
    "contact-not-found",
    "Contact not found",
    "Amazon Connect has no such contact in this broker's instance.",
)


@pytest.fixture
def checks(configure: Any) -> Any:
    """The contact checks on (no real waiting: a clock that moves only when the broker sleeps)."""
    moments = [0.0]
    contacts.set_clock(lambda: moments[0], lambda seconds: moments.append(moments.pop() + seconds))

    def apply(**overrides: Any) -> Any:
        overrides.setdefault("agent_wait_seconds", 0.0)
        return configure(contact_checks=True, invitations=SETTINGS, **overrides)

    yield apply
    contacts.set_clock()


def described(stub: Stubber, **contact: Any) -> None:
    stub.add_response("describe_contact", contact_description(**contact), describe_params())


def put_item(table: Stubber) -> None:
    stored = item(created_by=CALLER_ARN)
    stored["createdAt"] = {"N": str(NOW)}
    table.add_response(
        "put_item",
        {},
        {
            "TableName": TABLE,
            "Item": stored,
            "ConditionExpression": "attribute_not_exists(#invitationId)",
            "ExpressionAttributeNames": {"#invitationId": "invitationId"},
        },
    )


def create() -> dict[str, Any]:
    return route_event("POST", CONTACT_RESOURCE, {})


def redeem() -> dict[str, Any]:
    return route_event(
        "POST", REDEEM_RESOURCE, {"secret": SECRET, "displayName": "Bo"}, contact_id=None
    )


# -- create ---------------------------------------------------------------------------------


def test_an_invitation_to_a_call_whose_agent_has_not_connected_is_created(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(agent_wait_seconds=3.0)
    described(stub, agent_connected=False)
    put_item(table)
    assert invoke(create())["statusCode"] == 201


@pytest.mark.parametrize(
    ("contact", "status", "type_code"),
    [
        ({"ended": True}, 409, "contact-ended"),
        ({"channel": "TASK", "subtype": None, "initiation": None}, 409, "channel-not-supported"),
        (
            {"channel": "CHAT", "subtype": None, "initiation": None},
            409,
            "role-not-valid-for-channel",
        ),
    ],
)
def test_an_invitation_gets_the_participants_routes_contact_checks(
    table: Stubber,
    stub: Stubber,
    invoke: Invoke,
    checks: Any,
    contact: dict[str, Any],
    status: int,
    type_code: str,
) -> None:
    checks()
    described(stub, **contact)
    response = invoke(route_event("POST", CONTACT_RESOURCE, {"role": "CUSTOMER"}))
    assert (response["statusCode"], body_of(response)["type"]) == (
        status,
        f"urn:connect-participant-broker:problem:{type_code}",
    )


def test_another_callers_contact_is_404_for_the_creator_too(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: "arn:aws:sts::123456789012:assumed-role/other/x"})
    assert body_of(invoke(create())) == CONTACT_NOT_FOUND


def test_the_callers_own_contact_takes_an_invitation(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: CALLER_ARN})
    put_item(table)
    assert invoke(create())["statusCode"] == 201


# -- redeem ---------------------------------------------------------------------------------


def test_a_redemption_is_checked_again_for_the_creator(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, attributes={ATTRIBUTE: CALLER_ARN})
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(display_name="Bo"))
    assert invoke(redeem())["statusCode"] == 201


def test_a_contact_the_creator_no_longer_owns_refuses_and_gives_the_use_back(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, attributes={ATTRIBUTE: "someone else"})
    table.add_response("update_item", {}, give_back_params())
    assert body_of(invoke(redeem())) == CONTACT_NOT_FOUND


def test_an_ended_call_refuses_a_redemption_and_gives_the_use_back(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks()
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, ended=True)
    table.add_response("update_item", {}, give_back_params())
    assert invoke(redeem())["statusCode"] == 409


def test_a_redemption_waits_for_the_agent_within_the_time_left_after_a_give_back(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any, context: Any
) -> None:
    # 20 s left: a give-back (4 s), a last DescribeContact and CreateParticipant (7 s each)
    # and the margin (1 s) leave 1 s of the 3 s wait: one more DescribeContact a second later,
    # then agent-not-connected (without the give-back's share, a third one would follow).
    checks(agent_wait_seconds=3.0)
    context.remaining_ms = 20_000
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, agent_connected=False)
    described(stub, agent_connected=False)
    table.add_response("update_item", {}, give_back_params())
    response = invoke(redeem())
    assert (response["statusCode"], body_of(response)["type"]) == (
        409,
        "urn:connect-participant-broker:problem:agent-not-connected",
    )


# -- list and revoke ------------------------------------------------------------------------


def test_another_callers_contact_lists_nothing_it_answers_404(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: "someone else"})
    assert body_of(invoke(route_event("GET", CONTACT_RESOURCE))) == CONTACT_NOT_FOUND


def test_a_contact_connect_does_not_know_is_nobodys(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    stub.add_client_error("describe_contact", "ResourceNotFoundException", "gone", 404)
    assert body_of(invoke(route_event("GET", CONTACT_RESOURCE))) == CONTACT_NOT_FOUND


def revoke_params(creator: str | None) -> dict[str, Any]:
    names = {"#contactId": "contactId", "#revokedAt": "revokedAt"}
    values: dict[str, Any] = {":contactId": {"S": CONTACT_ID}, ":now": {"N": str(NOW)}}
    condition = "#contactId = :contactId"
    if creator is not None:
        names["#createdBy"] = "createdBy"
        values[":creator"] = {"S": creator}
        condition += " AND #createdBy = :creator"
    return {
        "TableName": TABLE,
        "Key": {"invitationId": {"S": INVITATION_ID}},
        "UpdateExpression": "SET #revokedAt = if_not_exists(#revokedAt, :now)",
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


@pytest.mark.parametrize(
    ("owner", "creator"),
    [(CALLER_ARN, None), ("someone else", CALLER_ARN)],
    ids=["owner", "creator"],
)
def test_the_owner_revokes_any_invitation_of_the_contact_another_caller_only_its_own(
    table: Stubber, stub: Stubber, invoke: Invoke, checks: Any, owner: str, creator: str | None
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: owner})
    table.add_response("update_item", {}, revoke_params(creator))
    response = invoke(route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID))
    assert response["statusCode"] == 204
