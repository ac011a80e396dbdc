"""Invitations with the contact checks on (the construct's default): whoever creates an
invitation gets the participants route's checks and contact-bound rule; a redemption is checked
again, for the creator, with the wait for the agent; listing and revoking follow the
contact-bound rule."""

from __future__ import annotations

from typing import Any

import pytest
from invitation_support import (
    CONTACT_RESOURCE,
    INVITATION_ID,
    ONE_RESOURCE,
    REDEEM_RESOURCE,
    SECRET,
    SETTINGS,
    consume_params,
    give_back_params,
    item,
    observed,
    put_params,
    query_params,
    revoke_params,
    route_event,
)
from runtime_support import (
    CALLER,
    CONNECT_RESPONSE,
    CONTACT_ID,
    body_of,
    contact_description,
    describe_params,
    expected_params,
    log_line,
    problem,
    record_creations,
    signed_by,
)
from wire_stub import WireStubber

from runtime.broker import connect, contacts, handler

Invoke = Any
CAPTURE = pytest.CaptureFixture[str]
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


def described(stub: WireStubber, **contact: Any) -> None:
    stub.add_response("describe_contact", contact_description(**contact), describe_params())


def create() -> dict[str, Any]:
    return route_event("POST", CONTACT_RESOURCE, {})


def redeem() -> dict[str, Any]:
    return route_event(
        "POST", REDEEM_RESOURCE, {"secret": SECRET, "displayName": "Bo"}, contact_id=None
    )


# -- create ---------------------------------------------------------------------------------


def test_an_invitation_to_a_call_whose_agent_has_not_connected_is_created(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(agent_wait_seconds=3.0)
    described(stub, agent_connected=False)
    table.add_response("put_item", {}, put_params())
    assert invoke(create())["statusCode"] == 201


def test_an_invitation_to_a_call_whose_agent_has_not_connected_keeps_the_channels_role(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(
        agent_wait_seconds=3.0,
        allowed_roles=frozenset({"CUSTOMER", "CUSTOM_BOT"}),
        channel_roles={"CHAT": ("CUSTOM_BOT",), "VOICE": ("CUSTOM_BOT",)},
    )
    described(stub, agent_connected=False)
    table.add_response("put_item", {}, put_params(role={"S": "CUSTOM_BOT"}))
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
    table: WireStubber,
    stub: WireStubber,
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
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: "arn:aws:sts::123456789012:assumed-role/other/x"})
    assert body_of(invoke(create())) == CONTACT_NOT_FOUND


def test_the_callers_own_contact_takes_an_invitation(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: CALLER})
    table.add_response("put_item", {}, put_params())
    assert invoke(create())["statusCode"] == 201


#: Another session of runtime_support's role ``app`` (a name its assumer chose).
OTHER_SESSION = "arn:aws:sts::123456789012:assumed-role/app/ana@example.com"


@pytest.mark.parametrize(
    ("sessions", "created_by"), [(False, CALLER), (True, OTHER_SESSION)], ids=["role", "session"]
)
def test_an_invitation_is_the_roles_whichever_session_creates_it(
    table: WireStubber,
    stub: WireStubber,
    invoke: Invoke,
    checks: Any,
    sessions: bool,
    created_by: str,
) -> None:
    checks(caller_attribute=ATTRIBUTE, iam_sessions=sessions)
    described(stub, attributes={ATTRIBUTE: created_by})
    table.add_response("put_item", {}, put_params(createdBy={"S": created_by}))
    assert invoke(signed_by(create(), OTHER_SESSION))["statusCode"] == 201


# -- redeem ---------------------------------------------------------------------------------


def test_a_redemption_is_checked_again_for_the_creator(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, attributes={ATTRIBUTE: CALLER})
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(display_name="Bo"))
    assert invoke(redeem())["statusCode"] == 201


def test_a_contact_the_creator_no_longer_owns_refuses_and_gives_the_use_back(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, attributes={ATTRIBUTE: "someone else"})
    table.add_response("update_item", {}, give_back_params())
    assert body_of(invoke(redeem())) == CONTACT_NOT_FOUND


def test_an_ended_call_refuses_a_redemption_and_gives_the_use_back(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks()
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, ended=True)
    table.add_response("update_item", {}, give_back_params())
    assert invoke(redeem())["statusCode"] == 409


def test_a_redemption_waits_for_the_agent_within_the_time_left_after_a_give_back(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any, context: Any
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


def test_a_redemption_outside_lambda_waits_for_the_agent_without_a_time_limit(
    table: WireStubber, stub: WireStubber, checks: Any
) -> None:
    """No Lambda context (no time left to read): the whole wait, as the participants route."""
    checks(agent_wait_seconds=3.0)
    table.add_response(
        "update_item", {"Attributes": item(uses_left=0)}, consume_params(display_name="Bo")
    )
    described(stub, agent_connected=False)
    described(stub, agent_connected=True)
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(display_name="Bo"))
    assert handler.handler(redeem(), None)["statusCode"] == 201


# -- list and revoke ------------------------------------------------------------------------


def test_another_callers_contact_lists_nothing_it_answers_404(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: "someone else"})
    assert body_of(invoke(route_event("GET", CONTACT_RESOURCE))) == CONTACT_NOT_FOUND


def test_another_callers_contact_is_logged_and_counted_as_a_contact_refusal(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: "someone else"})
    invoke(route_event("GET", CONTACT_RESOURCE))
    lines, _, handler_record = observed(capsys.readouterr().out)
    assert lines == [
        log_line(
            "INFO",
            "contact refused",
            CONTACT_ID,
            contactCheck="not-callers-contact",
            status=404,
            errorFields=[],
        )
    ]
    assert (handler_record["ContactRejections"], handler_record["ContactCheck"]) == (
        1,
        "not-callers-contact",
    )


LIST_AND_REVOKE = {
    "list": ("GET", CONTACT_RESOURCE, None),
    "revoke": ("DELETE", ONE_RESOURCE, INVITATION_ID),
}


@pytest.mark.parametrize("name", LIST_AND_REVOKE)
def test_a_failed_describe_while_listing_or_revoking_answers_as_connects_failure(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE, name: str
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    stub.add_client_error("describe_contact", "ThrottlingException", "slow down", 429)
    method, resource, invitation_id = LIST_AND_REVOKE[name]
    response = invoke(route_event(method, resource, invitation_id=invitation_id))
    assert body_of(response) == problem(
        429,
        "throttled",
        "Too many requests",
        "Amazon Connect is throttling requests; retry after the delay in Retry-After.",
    )
    _, _, handler_record = observed(capsys.readouterr().out)
    assert (
        handler_record["Operation"],
        handler_record["ErrorCode"],
        handler_record["ConnectThrottles"],
    ) == ("DescribeContact", "ThrottlingException", 1)


@pytest.mark.parametrize("name", LIST_AND_REVOKE)
def test_listing_or_revoking_without_the_callers_identity_is_a_500(
    table: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE, name: str
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    method, resource, invitation_id = LIST_AND_REVOKE[name]
    event = route_event(method, resource, invitation_id=invitation_id)
    del event["requestContext"]["identity"]["userArn"]
    response = invoke(event)
    assert body_of(response) == problem(
        500, "internal", "Internal error", "The broker could not complete the request."
    )
    lines, _, _ = observed(capsys.readouterr().out)
    assert lines == [
        log_line("ERROR", "caller identity missing", CONTACT_ID, status=500, authType="AWS_IAM")
    ]


# DescribeContact's answers for a contact of no one: an ID it cannot find, or calls invalid.
@pytest.mark.parametrize(
    "code", ["ResourceNotFoundException", "InvalidParameterException", "InvalidRequestException"]
)
def test_a_contact_connect_does_not_know_is_nobodys(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE, code: str
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    stub.add_client_error("describe_contact", code, "gone", 400)
    assert body_of(invoke(route_event("GET", CONTACT_RESOURCE))) == CONTACT_NOT_FOUND
    # A refusal of the contact, not a failed Connect call.
    (line,), _, handler_record = observed(capsys.readouterr().out)
    assert (line["message"], line["contactCheck"]) == ("contact refused", "not-callers-contact")
    assert handler_record["ContactCheck"] == "not-callers-contact"
    assert "ErrorCode" not in handler_record


def test_a_listing_creates_the_connect_client_in_the_functions_region(
    table: WireStubber,
    stub: WireStubber,
    shared_client: Any,
    invoke: Invoke,
    checks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the client could not be created at init, the first call creates it."""
    checks(caller_attribute=ATTRIBUTE)
    regions = record_creations(monkeypatch, connect, shared_client)
    connect.set_client(None)
    described(stub, attributes={ATTRIBUTE: CALLER})
    table.add_response("query", {"Items": []}, query_params())
    assert invoke(route_event("GET", CONTACT_RESOURCE))["statusCode"] == 200
    assert regions == ["eu-west-1"]


@pytest.mark.parametrize(
    ("owner", "creator"),
    [(CALLER, None), ("someone else", CALLER)],
    ids=["owner", "creator"],
)
def test_the_owner_revokes_any_invitation_of_the_contact_another_caller_only_its_own(
    table: WireStubber,
    stub: WireStubber,
    invoke: Invoke,
    checks: Any,
    owner: str,
    creator: str | None,
) -> None:
    checks(caller_attribute=ATTRIBUTE)
    described(stub, attributes={ATTRIBUTE: owner})
    table.add_response("update_item", {}, revoke_params(creator))
    response = invoke(route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID))
    assert response["statusCode"] == 204


@pytest.mark.parametrize(
    ("sessions", "creator"), [(False, CALLER), (True, OTHER_SESSION)], ids=["role", "session"]
)
def test_a_caller_revokes_what_its_role_created_from_any_session(
    table: WireStubber, stub: WireStubber, invoke: Invoke, checks: Any, sessions: bool, creator: str
) -> None:
    # Not the contact's owner: only invitations whose createdBy is this caller are revoked
    # (DynamoDB's condition). By default that is the role, so an invitation made in one session
    # is revoked from another; with iam_session_identity, only by the session that made it.
    checks(caller_attribute=ATTRIBUTE, iam_sessions=sessions)
    described(stub, attributes={ATTRIBUTE: "someone else"})
    table.add_response("update_item", {}, revoke_params(creator))
    event = route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID)
    assert invoke(signed_by(event, OTHER_SESSION))["statusCode"] == 204
