"""Creating, listing and revoking invitations, through the handler with a stubbed DynamoDB:
the exact DynamoDB request and the exact answer for every outcome."""

from __future__ import annotations

from typing import Any

import pytest
from invitation_support import (
    CONTACT_RESOURCE,
    INVITATION_ID,
    NOT_VALID,
    NOW,
    ONE_RESOURCE,
    SECRET,
    SECRET_HASH,
    SETTINGS,
    TABLE,
    listed,
    put_params,
    query_params,
    revoke_params,
    route_event,
)
from runtime_support import (
    API_REQUEST_ID,
    CONTACT_ID,
    PROBLEM_HEADERS,
    body_of,
    invalid,
    log_line,
    printed,
    problem,
    record_creations,
)
from wire_stub import WireStubber

from runtime.broker import dynamodb
from runtime.broker import invitation_store as store
from runtime.broker.invitation_settings import InvitationSettings

Invoke = Any
SUCCESS_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
POLICY = (403, "not-allowed", "Not allowed by this broker")
POLICY_DETAIL = "The request asks for something this broker does not allow; see errors."
STORE_DETAIL = "The invitation store could not complete the request; retry after Retry-After."


def create(body: dict[str, Any] | str | None = None, **kwargs: Any) -> dict[str, Any]:
    return route_event("POST", CONTACT_RESOURCE, {} if body is None else body, **kwargs)


# -- create ---------------------------------------------------------------------------------


def test_create_stores_only_the_hash_and_answers_the_secret(
    table: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    table.add_response("put_item", {}, put_params())
    response = invoke(create())
    assert (response["statusCode"], response["headers"]) == (201, SUCCESS_HEADERS)
    assert body_of(response) == {
        "invitationId": INVITATION_ID,
        "secret": SECRET,
        "expiry": "2026-11-26T01:56:28Z",
        "uses": 1,
        "role": "CUSTOMER",
    }
    logged = capsys.readouterr().out
    assert SECRET not in logged and SECRET_HASH not in logged
    assert '"message":"invitation created"' in logged and '"InvitationsCreated":1' in logged


def test_create_with_every_option(table: WireStubber, invoke: Invoke, configure: Any) -> None:
    configure(allowed_roles=frozenset({"CUSTOMER", "CUSTOM_BOT"}), invitations=SETTINGS)
    expected = put_params(
        role={"S": "CUSTOM_BOT"},
        displayName={"S": "Grandma"},
        capabilities={"M": {"video": {"S": "SEND"}}},
        uses={"N": "3"},
        usesLeft={"N": "3"},
        expiresAt={"N": str(NOW + 1800)},
    )
    table.add_response("put_item", {}, expected)
    body = {
        "role": "CUSTOM_BOT",
        "displayName": "Grandma",
        "capabilities": {"video": "SEND"},
        "lifetimeSeconds": 1800,
        "uses": 3,
    }
    response = invoke(create(body))
    assert response["statusCode"] == 201
    assert body_of(response)["uses"] == 3 and body_of(response)["role"] == "CUSTOM_BOT"


def test_create_needs_json(table: WireStubber, invoke: Invoke) -> None:
    response = invoke(create(headers={"Content-Type": "text/plain"}))
    assert (response["statusCode"], response["headers"]) == (415, PROBLEM_HEADERS)
    assert body_of(response) == problem(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        "The request body must be sent as application/json; see errors.",
        [{"field": "Content-Type", "message": "must be application/json, not text/plain"}],
    )


@pytest.mark.parametrize(
    ("settings", "body"),
    [
        (SETTINGS, {"lifetimeSeconds": 3600, "uses": 5}),
        (InvitationSettings(TABLE, 900, 3600, 1), {}),
    ],
    ids=["at-the-bounds", "one-use-broker-by-default"],
)
def test_create_takes_what_the_broker_allows_up_to_its_bounds(
    table: WireStubber,
    invoke: Invoke,
    configure: Any,
    settings: InvitationSettings,
    body: dict[str, Any],
) -> None:
    configure(invitations=settings)
    uses = {"N": str(body.get("uses", 1))}
    expires_at = {"N": str(NOW + body.get("lifetimeSeconds", 900))}
    table.add_response("put_item", {}, put_params(uses=uses, usesLeft=uses, expiresAt=expires_at))
    assert invoke(create(body))["statusCode"] == 201


def test_create_lists_every_validation_failure(table: WireStubber, invoke: Invoke) -> None:
    body = {"lifetimeSeconds": 30, "uses": 0, "displayName": "", "colour": "red"}
    response = invoke(create(body, contact_id="bad/id"))
    assert (response["statusCode"], response["headers"]) == (400, PROBLEM_HEADERS)
    assert body_of(response) == invalid(
        ("contactId", "contains characters that are not allowed"),
        ("lifetimeSeconds", "must be at least 60"),
        ("uses", "must be at least 1"),
        ("displayName", "must be at least 1 character long"),
        ("colour", "is not allowed"),
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"lifetimeSeconds": "600"}, [("lifetimeSeconds", "must be an integer")]),
        ({"lifetimeSeconds": 86401}, [("lifetimeSeconds", "must be at most 86400")]),
        ({"uses": 1.5}, [("uses", "must be an integer")]),
        ({"uses": True}, [("uses", "must be an integer")]),
        ({"uses": 101}, [("uses", "must be at most 100")]),
        (
            {"role": "OWNER"},
            [("role", "must be one of: AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT, SUPERVISOR")],
        ),
        ({"capabilities": {"video": "RECEIVE"}}, [("capabilities.video", "must be one of: SEND")]),
        ("[]", [("body", "must be an object")]),
        ("not json", [("body", "is not valid JSON")]),
    ],
)
def test_create_rejects_each_bad_member(
    table: WireStubber, invoke: Invoke, body: dict[str, Any] | str, errors: list[tuple[str, str]]
) -> None:
    response = invoke(create(body))
    assert body_of(response) == invalid(*errors)


def test_create_refuses_what_the_broker_does_not_allow(
    table: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(allow_video=False, invitations=SETTINGS)
    body = {"role": "AGENT", "capabilities": {"video": "SEND"}, "lifetimeSeconds": 7200, "uses": 6}
    response = invoke(create(body))
    assert body_of(response) == problem(
        *POLICY,
        POLICY_DETAIL,
        [
            {"field": "role", "message": "must be one of the roles this broker allows: CUSTOMER"},
            {"field": "capabilities.video", "message": "is not allowed by this broker"},
            {"field": "lifetimeSeconds", "message": "must be at most 3600 on this broker"},
            {"field": "uses", "message": "must be at most 5 on this broker"},
        ],
    )


def test_create_without_the_caller_identity_is_a_500(
    table: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    event = create()
    del event["requestContext"]["identity"]["userArn"]
    response = invoke(event)
    assert body_of(response) == problem(
        500, "internal", "Internal error", "The broker could not complete the request."
    )
    lines, _ = printed(capsys.readouterr().out)
    assert lines == [
        log_line("ERROR", "caller identity missing", CONTACT_ID, status=500, authType="AWS_IAM")
    ]


STORE_FAILURES = [
    ("ProvisionedThroughputExceededException", 400, 429, "throttled", "Too many requests", "2"),
    ("ThrottlingException", 400, 429, "throttled", "Too many requests", "2"),
    (
        "InternalServerError",
        500,
        503,
        "invitations-unavailable",
        "The invitation store is unavailable",
        "5",
    ),
]


@pytest.mark.parametrize(("code", "http", "status", "type_code", "title", "retry"), STORE_FAILURES)
def test_create_store_failures(
    table: WireStubber,
    invoke: Invoke,
    code: str,
    http: int,
    status: int,
    type_code: str,
    title: str,
    retry: str,
) -> None:
    table.add_client_error("put_item", code, "leaky message arn:aws:dynamodb:x", http)
    response = invoke(create())
    assert body_of(response) == problem(status, type_code, title, STORE_DETAIL)
    assert response["headers"]["Retry-After"] == retry


def test_create_unexpected_store_error_is_a_500_without_details(
    table: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    table.add_client_error("put_item", "AccessDeniedException", "User arn:aws:iam::1:role/x", 400)
    response = invoke(create())
    assert body_of(response) == problem(
        500, "internal", "Internal error", "The broker could not complete the request."
    )
    logged = capsys.readouterr().out
    assert '"errorCode":"AccessDeniedException"' in logged and "arn:aws:iam" not in logged


# -- list -----------------------------------------------------------------------------------


def test_list_answers_the_open_invitations_page_by_page(table: WireStubber, invoke: Invoke) -> None:
    last = {"invitationId": {"S": INVITATION_ID}}
    table.add_response(
        "query", {"Items": [listed(uses=2, uses_left=1)], "LastEvaluatedKey": last}, query_params()
    )
    second = listed(display_name="Grandma", capabilities={"video": "SEND"}, expires_at=NOW + 60)
    table.add_response("query", {"Items": [second]}, query_params(last))
    response = invoke(route_event("GET", CONTACT_RESOURCE))
    assert (response["statusCode"], response["headers"]) == (200, SUCCESS_HEADERS)
    assert body_of(response) == {
        "invitations": [
            {
                "invitationId": INVITATION_ID,
                "expiry": "2026-11-26T01:56:28Z",
                "uses": 2,
                "usesLeft": 1,
                "role": "CUSTOMER",
            },
            {
                "invitationId": INVITATION_ID,
                "expiry": "2026-11-26T01:42:28Z",
                "uses": 1,
                "usesLeft": 1,
                "role": "CUSTOMER",
                "displayName": "Grandma",
                "capabilities": {"video": "SEND"},
            },
        ]
    }


def test_list_of_a_contact_without_invitations_is_empty(table: WireStubber, invoke: Invoke) -> None:
    table.add_response("query", {"Items": []}, query_params())
    assert body_of(invoke(route_event("GET", CONTACT_RESOURCE))) == {"invitations": []}


def test_the_first_invitation_request_creates_the_table_client_in_the_functions_region(
    table: WireStubber,
    shared_table_client: Any,
    invoke: Invoke,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    regions = record_creations(monkeypatch, dynamodb, shared_table_client)
    dynamodb.set_client(None)
    table.add_response("query", {"Items": []}, query_params())
    table.add_response("query", {"Items": []}, query_params())
    for _ in range(2):
        assert invoke(route_event("GET", CONTACT_RESOURCE))["statusCode"] == 200
    assert regions == ["eu-west-1"]


def test_list_checks_the_contact_id(table: WireStubber, invoke: Invoke) -> None:
    response = invoke(route_event("GET", CONTACT_RESOURCE, contact_id="x" * 257))
    assert body_of(response) == invalid(("contactId", "must be at most 256 characters long"))


def test_list_store_failure(table: WireStubber, invoke: Invoke) -> None:
    table.add_client_error("query", "InternalServerError", "boom", 500)
    response = invoke(route_event("GET", CONTACT_RESOURCE))
    assert body_of(response) == problem(
        503, "invitations-unavailable", "The invitation store is unavailable", STORE_DETAIL
    )


# -- revoke ---------------------------------------------------------------------------------


def revoke() -> dict[str, Any]:
    return route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID)


def test_revoke_answers_204_without_a_body(table: WireStubber, invoke: Invoke) -> None:
    table.add_response("update_item", {}, revoke_params())
    assert invoke(revoke()) == {
        "statusCode": 204,
        "headers": {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        "body": "",
        "isBase64Encoded": False,
    }


def test_revoking_another_contacts_or_no_invitation_is_a_404(
    table: WireStubber, invoke: Invoke
) -> None:
    table.add_client_error(
        "update_item", "ConditionalCheckFailedException", "The conditional request failed", 400
    )
    response = invoke(revoke())
    assert (response["statusCode"], body_of(response)) == (
        404,
        {**NOT_VALID, "requestId": API_REQUEST_ID},
    )


@pytest.mark.parametrize(
    ("invitation_id", "message"),
    [
        ("short", "must be at least 16 characters long"),
        ("Vh2kQ9xW1mZr8Tf.", "contains characters that are not allowed"),
    ],
)
def test_revoke_checks_the_invitation_id(
    table: WireStubber, invoke: Invoke, invitation_id: str, message: str
) -> None:
    response = invoke(route_event("DELETE", ONE_RESOURCE, invitation_id=invitation_id))
    assert body_of(response) == invalid(("invitationId", message))


def test_revoke_needs_the_invitation_id(table: WireStubber, invoke: Invoke) -> None:
    event = revoke()
    del event["pathParameters"]["invitationId"]
    response = invoke(event)
    assert (response["statusCode"], body_of(response)) == (
        400,
        invalid(("invitationId", "is required")),
    )


def test_revoke_store_failure(table: WireStubber, invoke: Invoke) -> None:
    table.add_client_error("update_item", "ThrottlingException", "slow down", 400)
    response = invoke(revoke())
    assert body_of(response) == problem(429, "throttled", "Too many requests", STORE_DETAIL)


def test_list_stops_at_its_limit_without_reading_another_page(
    table: WireStubber, invoke: Invoke
) -> None:
    last = {"invitationId": {"S": INVITATION_ID}}
    full_page = [listed() for _ in range(store.LIST_LIMIT)]
    table.add_response("query", {"Items": full_page, "LastEvaluatedKey": last}, query_params())
    response = invoke(route_event("GET", CONTACT_RESOURCE))
    assert response["statusCode"] == 200
    assert len(body_of(response)["invitations"]) == store.LIST_LIMIT


def test_list_reads_on_past_a_page_without_items(table: WireStubber, invoke: Invoke) -> None:
    last = {"invitationId": {"S": INVITATION_ID}}
    table.add_response("query", {"LastEvaluatedKey": last, "Count": 0}, query_params())
    table.add_response("query", {"Items": [listed()]}, query_params(last))
    response = invoke(route_event("GET", CONTACT_RESOURCE))
    assert [found["invitationId"] for found in body_of(response)["invitations"]] == [INVITATION_ID]
