"""Redeeming an invitation, through the handler with a stubbed DynamoDB and a stubbed Connect:
the consuming write, the participant added as the participants route adds one, and every
outcome's exact answer (one answer for every invitation that cannot be redeemed)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from invitation_support import (
    INVITATION_ID,
    NOT_VALID,
    NOW,
    REDEEM_RESOURCE,
    SECRET,
    SECRET_HASH,
    SETTINGS,
    USE_ID,
    consume_params,
    give_back_params,
    invitation_record,
    invitation_token,
    item,
    observed,
    redemption,
    route_event,
)
from runtime_support import (
    API_REQUEST_ID,
    CONNECT_RESPONSE,
    CONTACT_ID,
    EXPIRY,
    PARTICIPANT_ID,
    PROBLEM_HEADERS,
    TOKEN,
    body_of,
    expected_params,
    invalid,
    log_line,
    problem,
)
from wire_stub import WireStubber

from runtime.broker import dynamodb
from runtime.broker.aws.errors import ReadTimeoutError

Invoke = Any
KEY = "redeem-7f3a"
CREATED = {
    "participantId": PARTICIPANT_ID,
    "participantToken": TOKEN,
    "expiry": EXPIRY,
    "role": "CUSTOMER",
}
REFUSED = {**NOT_VALID, "requestId": API_REQUEST_ID}


def redeem(body: dict[str, Any] | None = None, key: str | None = None) -> dict[str, Any]:
    headers = {} if key is None else {"Idempotency-Key": key}
    sent = {"secret": SECRET} if body is None else body
    return route_event("POST", REDEEM_RESOURCE, sent, contact_id=None, headers=headers)


def consumed(**overrides: Any) -> dict[str, Any]:
    """DynamoDB's answer to the consuming UpdateItem (ALL_NEW)."""
    return {"Attributes": item(uses_left=0, **overrides)}


def refused(old: dict[str, Any] | None) -> dict[str, Any]:
    """``add_client_error`` arguments of a failed condition, with the old item if any."""
    arguments: dict[str, Any] = {
        "service_error_code": "ConditionalCheckFailedException",
        "service_message": "The conditional request failed",
        "http_status_code": 400,
    }
    if old is not None:
        arguments["modeled_fields"] = {"Item": old}
    return arguments


def connect_adds(stub: WireStubber, display_name: str) -> None:
    """Connect adds the invitee: CreateParticipant with the redemption's name and token."""
    token = invitation_token(KEY, display_name=display_name, capabilities={})
    stub.add_response(
        "create_participant",
        CONNECT_RESPONSE,
        expected_params(display_name=display_name, client_token=token),
    )


def test_redeem_consumes_a_use_and_adds_the_participant(
    table: WireStubber, stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params(key=KEY))
    connect_adds(stub, "Grandma")
    response = invoke(redeem(key=KEY))
    assert (response["statusCode"], body_of(response)) == (201, CREATED)
    output = capsys.readouterr().out
    for secret in (SECRET, SECRET_HASH, KEY, redemption(KEY, None), TOKEN):
        assert secret not in output
    lines, record, handler_record = observed(output)
    assert lines[0] == log_line(
        "INFO", "invitation redeemed", CONTACT_ID, invitationId=INVITATION_ID, replayed=False
    )
    assert record == invitation_record(InvitationsRedeemed=1)
    assert handler_record["ParticipantsCreated"] == 1


def test_the_invitee_chooses_the_name_when_the_invitation_sets_none(
    table: WireStubber, stub: WireStubber, invoke: Invoke
) -> None:
    table.add_response(
        "update_item",
        consumed(capabilities={"video": "SEND"}),
        consume_params(display_name="Bo"),
    )
    stub.add_response(
        "create_participant",
        CONNECT_RESPONSE,
        expected_params(display_name="Bo", capabilities={"Video": "SEND"}),
    )
    response = invoke(redeem({"secret": SECRET, "displayName": "Bo"}))
    assert (response["statusCode"], body_of(response)) == (201, CREATED)


def test_a_name_beyond_ascii_is_recorded_with_the_documented_encoding(
    table: WireStubber, stub: WireStubber, invoke: Invoke
) -> None:
    """The redemption's hash escapes the name to ASCII (``redemption``), as a retry computes it."""
    table.add_response(
        "update_item", consumed(), consume_params(key=KEY, display_name="Zoë Ørsted")
    )
    connect_adds(stub, "Zoë Ørsted")
    response = invoke(redeem({"secret": SECRET, "displayName": "Zoë Ørsted"}, key=KEY))
    assert (response["statusCode"], body_of(response)) == (201, CREATED)


@pytest.mark.parametrize(
    ("old", "reason"),
    [
        (None, "unknown"),
        (item(secret_hash="0" * 64), "unknown"),
        (item(expires_at=NOW), "expired"),
        (item(revoked_at=NOW - 5), "revoked"),
        (item(uses_left=0), "used-up"),
        (item(uses_left=0, redemptions=[redemption("other-key", None)]), "used-up"),
        ({k: v for k, v in item().items() if k != "secretHash"}, "unknown"),
        # Every condition holds on the old item (the name is fixed, and none was given): it
        # changed between the write and its check.
        (item(display_name="Grandma"), "changed"),
        # An item edited by hand: a missing count is none left.
        ({k: v for k, v in item().items() if k != "usesLeft"}, "used-up"),
    ],
    ids=[
        "unknown",
        "wrong-secret",
        "expired",
        "revoked",
        "used-up",
        "used-up-by-another",
        "no-secret-hash",
        "changed",
        "no-uses-left",
    ],
)
def test_every_invitation_that_cannot_be_redeemed_gets_the_same_answer(
    table: WireStubber,
    invoke: Invoke,
    capsys: pytest.CaptureFixture[str],
    old: dict[str, Any] | None,
    reason: str,
) -> None:
    table.add_client_error("update_item", **refused(old), expected_params=consume_params(key=KEY))
    response = invoke(redeem(key=KEY))
    assert (response["statusCode"], response["headers"], body_of(response)) == (
        404,
        PROBLEM_HEADERS,
        REFUSED,
    )
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines == [log_line("INFO", "redemption refused", None, status=404, reason=reason)]
    assert record == invitation_record(reason, InvitationRedemptionsRefused=1)


@pytest.mark.parametrize(
    "secret",
    ["no-dot-at-all", f"{INVITATION_ID}.short", f"{INVITATION_ID[:-1]}!.{'a' * 43}", "é" * 60],
)
def test_a_malformed_secret_is_unknown_without_a_lookup(
    table: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    response = invoke(redeem({"secret": secret}))
    assert (response["statusCode"], body_of(response)) == (404, REFUSED)
    _, record, _ = observed(capsys.readouterr().out)
    assert record == invitation_record("unknown", InvitationRedemptionsRefused=1)


def test_a_retried_redemption_replays_without_consuming_again(
    table: WireStubber, stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    old = item(uses_left=0, display_name="Grandma", redemptions=[redemption(KEY, None)])
    table.add_client_error("update_item", **refused(old), expected_params=consume_params(key=KEY))
    connect_adds(stub, "Grandma")
    response = invoke(redeem(key=KEY))
    assert (response["statusCode"], body_of(response)) == (201, CREATED)
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines[0] == log_line(
        "INFO", "invitation redeemed", CONTACT_ID, invitationId=INVITATION_ID, replayed=True
    )
    assert record == invitation_record(InvitationsRedeemed=1)


def test_a_consuming_write_resent_by_the_sdk_finds_its_own_use_id(
    table: WireStubber, stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first attempt was applied and its answer lost: the resent write's condition fails on
    the use ID it added. Consumed once, not a replay: a refusal gives the use back."""
    old = item(
        uses=2,
        uses_left=0,
        display_name="Grandma",
        revoked_at=NOW - 1,
        use_ids=["another-use-id00", USE_ID],
        redemptions=[redemption(KEY, None)],
    )
    table.add_client_error("update_item", **refused(old), expected_params=consume_params(key=KEY))
    stub.add_client_error("create_participant", "ConflictException", "full", 409)
    table.add_response("update_item", {}, give_back_params(key=KEY))
    assert invoke(redeem(key=KEY))["statusCode"] == 409
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines[0] == log_line(
        "INFO", "invitation redeemed", CONTACT_ID, invitationId=INVITATION_ID, replayed=False
    )
    assert record == invitation_record(InvitationUsesGivenBack=1)


def test_a_replay_that_connect_refuses_gives_nothing_back(
    table: WireStubber, stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    old = item(uses_left=0, display_name="Grandma", redemptions=[redemption(KEY, None)])
    table.add_client_error("update_item", **refused(old), expected_params=consume_params(key=KEY))
    stub.add_client_error("create_participant", "ConflictException", "full", 409)
    assert invoke(redeem(key=KEY))["statusCode"] == 409
    _, record, _ = observed(capsys.readouterr().out)
    assert record == invitation_record()


@pytest.mark.parametrize(
    ("sent", "old", "message"),
    [
        (
            {"secret": SECRET, "displayName": "Mallory"},
            item(display_name="Grandma"),
            "is set by the invitation: leave it out",
        ),
        (
            {"secret": SECRET},
            item(),
            "is required: this invitation lets the invitee choose a name",
        ),
    ],
    ids=["name-fixed", "name-required"],
)
def test_a_display_name_that_does_not_fit_consumes_nothing(
    table: WireStubber, invoke: Invoke, sent: dict[str, Any], old: dict[str, Any], message: str
) -> None:
    params = consume_params(display_name=sent.get("displayName"))
    table.add_client_error("update_item", **refused(old), expected_params=params)
    response = invoke(redeem(sent))
    assert body_of(response) == invalid(("displayName", message))


CONNECT_REFUSALS = [
    ("ConflictException", 409, 409),
    ("ServiceQuotaExceededException", 402, 409),
    ("ResourceNotFoundException", 404, 404),
    ("InvalidRequestException", 400, 400),
    ("ThrottlingException", 429, 429),
]


@pytest.mark.parametrize(("code", "http", "status"), CONNECT_REFUSALS)
def test_a_4xx_after_consuming_gives_the_use_back(
    table: WireStubber,
    stub: WireStubber,
    invoke: Invoke,
    capsys: pytest.CaptureFixture[str],
    code: str,
    http: int,
    status: int,
) -> None:
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params(key=KEY))
    stub.add_client_error("create_participant", code, "no", http)
    table.add_response("update_item", {}, give_back_params(key=KEY))
    response = invoke(redeem(key=KEY))
    assert response["statusCode"] == status
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines[-1] == log_line("INFO", "use given back", CONTACT_ID, invitationId=INVITATION_ID)
    assert record == invitation_record(InvitationUsesGivenBack=1)


@pytest.mark.parametrize("code", ["InternalServiceException", "SomethingNew"])
def test_a_5xx_after_consuming_keeps_the_use_consumed(
    table: WireStubber,
    stub: WireStubber,
    invoke: Invoke,
    capsys: pytest.CaptureFixture[str],
    code: str,
) -> None:
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params(key=KEY))
    stub.add_client_error("create_participant", code, "no", 500)
    response = invoke(redeem(key=KEY))
    assert response["statusCode"] == (503 if code == "InternalServiceException" else 500)
    # No give-back queued: one sent would reach the WireStubber, fail and count as a store error.
    _, record, _ = observed(capsys.readouterr().out)
    assert record == invitation_record()


def test_a_role_the_broker_no_longer_allows_is_refused_and_given_back(
    table: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(
        invitations=SETTINGS, allowed_roles=frozenset({"CUSTOM_BOT"}), default_role="CUSTOM_BOT"
    )
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params())
    table.add_response("update_item", {}, give_back_params())
    response = invoke(redeem())
    assert body_of(response) == problem(
        403,
        "not-allowed",
        "Not allowed by this broker",
        "The request asks for something this broker does not allow; see errors.",
        [{"field": "role", "message": "must be one of the roles this broker allows: CUSTOM_BOT"}],
    )


class GiveBackTimesOut:
    """The stubbed table client, but the second UpdateItem (the give-back) times out."""

    def __init__(self, client: Any) -> None:
        self.client, self.calls = client, 0

    def update_item(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        if self.calls == 2:
            raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com/")
        return dict(self.client.update_item(**params))


# AccessDeniedException is not in the model: botocore raises a plain ClientError for it.
@pytest.mark.parametrize(
    "code", ["InternalServerError", "AccessDeniedException", "ReadTimeoutError"]
)
def test_a_failed_give_back_keeps_the_answer(
    table: WireStubber,
    stub: WireStubber,
    invoke: Invoke,
    shared_table_client: Any,
    capsys: pytest.CaptureFixture[str],
    code: str,
) -> None:
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params())
    stub.add_client_error("create_participant", "ConflictException", "full", 409)
    if code == "ReadTimeoutError":
        dynamodb.set_client(cast(dynamodb.DynamoDBClient, GiveBackTimesOut(shared_table_client)))
    else:
        table.add_client_error("update_item", code, "down", 500)
    response = invoke(redeem())
    assert response["statusCode"] == 409
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines[-1] == log_line(
        "WARNING", "use not given back", CONTACT_ID, operation="UpdateItem", errorCode=code
    )
    assert record == invitation_record(InvitationStoreErrors=1)


def test_a_give_back_on_an_invitation_that_is_gone_changes_nothing(
    table: WireStubber, stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params())
    stub.add_client_error("create_participant", "ConflictException", "full", 409)
    table.add_client_error("update_item", **refused(None), expected_params=give_back_params())
    assert invoke(redeem())["statusCode"] == 409
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines[-1] == log_line(
        "INFO", "use not given back", CONTACT_ID, invitationId=INVITATION_ID
    )
    assert record == invitation_record()


def test_a_give_back_resent_by_the_sdk_finds_its_use_id_gone_and_counts_once(
    table: WireStubber, stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first attempt gave the use back (its answer lost): the item is there without the use
    ID, which only this redemption removes. Nothing more is given back."""
    table.add_response("update_item", consumed(display_name="Grandma"), consume_params())
    stub.add_client_error("create_participant", "ConflictException", "full", 409)
    now = item(uses=2, uses_left=1, display_name="Grandma", use_ids=["another-use-id00"])
    table.add_client_error("update_item", **refused(now), expected_params=give_back_params())
    assert invoke(redeem())["statusCode"] == 409
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines[-1] == log_line("INFO", "use given back", CONTACT_ID, invitationId=INVITATION_ID)
    assert record == invitation_record(InvitationUsesGivenBack=1)


def test_a_store_failure_while_consuming(table: WireStubber, invoke: Invoke) -> None:
    table.add_client_error("update_item", "InternalServerError", "down", 500)
    response = invoke(redeem())
    assert body_of(response) == problem(
        503,
        "invitations-unavailable",
        "The invitation store is unavailable",
        "The invitation store could not complete the request; retry after Retry-After.",
    )


@pytest.mark.parametrize(
    ("body", "headers", "errors"),
    [
        ({}, {}, [("secret", "is required")]),
        ({"secret": 7}, {}, [("secret", "must be a string")]),
        ({"secret": ""}, {}, [("secret", "must be at least 1 character long")]),
        ({"secret": "s" * 257}, {}, [("secret", "must be at most 256 characters long")]),
        ({"secret": SECRET, "role": "AGENT"}, {}, [("role", "is not allowed")]),
        (
            {"secret": SECRET, "displayName": "a\nb"},
            {"Idempotency-Key": ""},
            [
                ("Idempotency-Key", "must be at least 1 character long"),
                ("displayName", "contains characters that are not allowed"),
            ],
        ),
    ],
)
def test_redeem_validates_before_any_lookup(
    table: WireStubber,
    invoke: Invoke,
    body: dict[str, Any],
    headers: dict[str, str],
    errors: list[tuple[str, str]],
) -> None:
    event = route_event("POST", REDEEM_RESOURCE, body, contact_id=None, headers=headers)
    assert body_of(invoke(event)) == invalid(*errors)


def test_redeem_needs_json(table: WireStubber, invoke: Invoke) -> None:
    event = route_event(
        "POST", REDEEM_RESOURCE, {"secret": SECRET}, contact_id=None, headers={"Content-Type": ""}
    )
    response = invoke(event)
    assert body_of(response) == problem(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        "The request body must be sent as application/json; see errors.",
        [{"field": "Content-Type", "message": "must be application/json"}],
    )
