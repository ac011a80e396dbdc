"""What an operator reads of the invitation routes: each line docs/operating.md ("Invitations")
names, with its fields, and the invitation EMF record, whose counters and dimensions the alarm
and the dashboard read."""

from __future__ import annotations

from typing import Any

import pytest
from invitation_support import (
    CONTACT_RESOURCE,
    INVITATION_ID,
    NOW,
    ONE_RESOURCE,
    REDEEM_RESOURCE,
    SECRET,
    invitation_record,
    listed,
    observed,
    put_params,
    query_params,
    revoke_params,
    route_event,
)
from runtime_support import CONTACT_ID, body_of, log_line, printed, problem
from wire_stub import WireStubber

from runtime.broker import dynamodb
from runtime.broker.aws.errors import ReadTimeoutError

Invoke = Any
CAPTURE = pytest.CaptureFixture[str]
#: The handler's counters (docs/operating.md, "Metrics").
HANDLER_COUNTERS = (
    "ParticipantsCreated",
    "ValidationRejections",
    "PolicyRejections",
    "ContactRejections",
    "ConnectThrottles",
)
STORE_DETAIL = "The invitation store could not complete the request; retry after Retry-After."


def revoke() -> dict[str, Any]:
    return route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID)


def test_a_created_invitation_is_logged_and_counted(
    table: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    table.add_response("put_item", {}, put_params())
    assert invoke(route_event("POST", CONTACT_RESOURCE, {}))["statusCode"] == 201
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines == [
        log_line(
            "INFO",
            "invitation created",
            CONTACT_ID,
            status=201,
            invitationId=INVITATION_ID,
            role="CUSTOMER",
            uses=1,
            expiresAt=NOW + 900,
        )
    ]
    assert record == invitation_record(InvitationsCreated=1)


def test_a_listing_is_logged_with_its_count_and_counts_nothing(
    table: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    table.add_response("query", {"Items": [listed(), listed()]}, query_params())
    assert invoke(route_event("GET", CONTACT_RESOURCE))["statusCode"] == 200
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines == [log_line("INFO", "invitations listed", CONTACT_ID, status=200, count=2)]
    assert record == invitation_record()


def test_a_revoked_invitation_is_logged_and_counted(
    table: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    table.add_response("update_item", {}, revoke_params())
    assert invoke(revoke())["statusCode"] == 204
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines == [
        log_line("INFO", "invitation revoked", CONTACT_ID, status=204, invitationId=INVITATION_ID)
    ]
    assert record == invitation_record(InvitationsRevoked=1)


def test_revoking_no_such_invitation_is_logged_and_counts_nothing(
    table: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    table.add_client_error("update_item", "ConditionalCheckFailedException", "failed", 400)
    assert invoke(revoke())["statusCode"] == 404
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines == [
        log_line("INFO", "invitation not found", CONTACT_ID, status=404, invitationId=INVITATION_ID)
    ]
    assert record == invitation_record()


ROUTES = [
    ("create", "put_item", "PutItem"),
    ("list", "query", "Query"),
    ("revoke", "update_item", "UpdateItem"),
    ("redeem", "update_item", "UpdateItem"),
]


def route(name: str) -> dict[str, Any]:
    """A valid request of the named route."""
    if name == "create":
        return route_event("POST", CONTACT_RESOURCE, {})
    if name == "list":
        return route_event("GET", CONTACT_RESOURCE)
    if name == "revoke":
        return revoke()
    return route_event("POST", REDEEM_RESOURCE, {"secret": SECRET}, contact_id=None)


@pytest.mark.parametrize(("name", "method", "operation"), ROUTES)
def test_a_throttled_store_call_names_its_operation_and_is_counted(
    table: WireStubber, invoke: Invoke, capsys: CAPTURE, name: str, method: str, operation: str
) -> None:
    table.add_client_error(method, "ThrottlingException", "slow down", 400)
    response = invoke(route(name))
    assert body_of(response) == problem(429, "throttled", "Too many requests", STORE_DETAIL)
    lines, record, _ = observed(capsys.readouterr().out)
    contact_id = None if name == "redeem" else CONTACT_ID
    assert lines == [
        log_line(
            "WARNING",
            "invitation store call failed",
            contact_id,
            status=429,
            operation=operation,
            errorCode="ThrottlingException",
        )
    ]
    assert record == invitation_record(InvitationStoreErrors=1)


class TimingOut:
    """A DynamoDB client whose every call times out, as botocore reports it."""

    def _time_out(self, **_: Any) -> dict[str, Any]:
        raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com/")

    put_item = update_item = query = _time_out


def test_a_store_timeout_is_a_503_logged_with_the_errors_type(
    invoke: Invoke, capsys: CAPTURE
) -> None:
    dynamodb.set_client(TimingOut())
    response = invoke(route("create"))
    assert body_of(response) == problem(
        503, "invitations-unavailable", "The invitation store is unavailable", STORE_DETAIL
    )
    assert response["headers"]["Retry-After"] == "5"
    lines, record, _ = observed(capsys.readouterr().out)
    assert lines == [
        log_line(
            "WARNING",
            "invitation store call failed",
            CONTACT_ID,
            status=503,
            operation="PutItem",
            errorCode="ReadTimeoutError",
        )
    ]
    assert record == invitation_record(InvitationStoreErrors=1)


def test_an_unexpected_store_error_is_logged_with_its_type_and_traceback(
    table: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    table.add_client_error("query", "AccessDeniedException", "User arn:aws:iam::1:role/x", 400)
    assert invoke(route("list"))["statusCode"] == 500
    (line,), record, _ = observed(capsys.readouterr().out)
    traceback = line.pop("traceback")
    assert line == log_line(
        "WARNING",
        "invitation store call failed",
        CONTACT_ID,
        status=500,
        operation="Query",
        errorCode="AccessDeniedException",
        errorType="ClientError",
    )
    assert traceback.startswith('  File "') and "arn:aws:iam" not in traceback
    assert record == invitation_record(InvitationStoreErrors=1)


TEXT = {"Content-Type": "text/plain"}
REFUSED_REQUESTS = {
    "create-invalid": (route_event("POST", CONTACT_RESOURCE, {"uses": 0}), "ValidationRejections"),
    "create-not-json": (
        route_event("POST", CONTACT_RESOURCE, {}, headers=TEXT),
        "ValidationRejections",
    ),
    "create-not-allowed": (route_event("POST", CONTACT_RESOURCE, {"uses": 6}), "PolicyRejections"),
    "list-invalid": (
        route_event("GET", CONTACT_RESOURCE, contact_id="a/b"),
        "ValidationRejections",
    ),
    "redeem-not-json": (
        route_event("POST", REDEEM_RESOURCE, {"secret": SECRET}, contact_id=None, headers=TEXT),
        "ValidationRejections",
    ),
}


@pytest.mark.parametrize("name", REFUSED_REQUESTS)
def test_a_refused_request_counts_once_on_the_handlers_record(
    invoke: Invoke, capsys: CAPTURE, name: str
) -> None:
    event, counter = REFUSED_REQUESTS[name]
    assert invoke(event)["statusCode"] in (400, 403, 415)
    _, record, handler_record = observed(capsys.readouterr().out)
    assert {name: handler_record[name] for name in HANDLER_COUNTERS} == {
        **dict.fromkeys(HANDLER_COUNTERS, 0),
        counter: 1,
    }
    assert record == invitation_record()


def test_a_resource_no_route_serves_is_a_500_logged_as_such(
    invoke: Invoke, capsys: CAPTURE
) -> None:
    response = invoke(route_event("PATCH", CONTACT_RESOURCE, {}))
    assert body_of(response) == problem(
        500, "internal", "Internal error", "The broker could not complete the request."
    )
    lines, records = printed(capsys.readouterr().out)
    assert lines == [log_line("ERROR", "no such route", None, status=500)]
    assert ["InvitationsCreated" in record for record in records] == [False]
