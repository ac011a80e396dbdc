"""The local development broker over real HTTP: the real runtime behind, the fake Connect below."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from local_http import JSON, Answer, send

from constructs_lib.local import DEFAULT_INSTANCE_ID, LocalBroker, LocalBrokerConfig, build_event
from constructs_lib.local.fake_connect import FakeConnect
from runtime.broker import idempotency

URN = "urn:connect-participant-broker:problem:"
CONTRACT_HEADERS = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


@pytest.fixture(scope="module")
def broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    config = LocalBrokerConfig(
        allowed_roles=("CUSTOMER", "CUSTOM_BOT"),
        allow_screen_share=False,
        connect_read_timeout=1.0,  # below the slow contacts' 2 s; room for a loaded machine
        connect_max_attempts=1,
        log_level="ERROR",
        agent_wait=0.0,
    )
    with LocalBroker(config=config, connect=fake_connect) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(fake: FakeConnect) -> None:
    """Every test starts from an empty fake Connect."""


def post(broker: LocalBroker, contact_id: str, body: Any, headers: Any = None) -> Answer:
    return send(f"{broker.url}/contacts/{contact_id}/participants", body, headers)


def without_request_id(answer: Answer) -> dict[str, Any]:
    """The problem body minus requestId, after checking it equals the response's request ID."""
    body = dict(answer.json())
    assert body.pop("requestId") == answer.header("x-amzn-requestid")
    return body


def test_created_answers_201_with_participant(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", {"displayName": "Ana"})
    body = answer.json()
    assert answer.status == 201
    assert sorted(body) == ["expiry", "participantId", "participantToken", "role"]
    assert body["role"] == "CUSTOMER"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["expiry"])


def test_created_carries_contract_headers(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", {"displayName": "Ana"})
    assert answer.header("content-type") == "application/json"
    assert {k: answer.header(k) for k in CONTRACT_HEADERS} == CONTRACT_HEADERS


def test_connect_receives_broker_instance_and_default_role(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    post(broker, "contact-1", {"displayName": "Ana", "capabilities": {"video": "SEND"}})
    described, request = fake.requests
    assert (described.operation, request.operation) == ("DescribeContact", "CreateParticipant")
    body = request.json()
    body.pop("ClientToken")  # botocore fills one in when the caller sends no Idempotency-Key
    assert body == {
        "InstanceId": DEFAULT_INSTANCE_ID,
        "ContactId": "contact-1",
        "ParticipantDetails": {
            "ParticipantRole": "CUSTOMER",
            "DisplayName": "Ana",
            "ParticipantCapabilities": {"Video": "SEND"},
        },
    }


def test_idempotency_key_gives_the_derived_client_token(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    post(broker, "contact-1", {"displayName": "Ana"}, [*JSON, ("Idempotency-Key", "key-1")])
    # The local broker authenticates no one: every caller has the empty identity.
    assert fake.requests_for("CreateParticipant")[0].json()[
        "ClientToken"
    ] == idempotency.client_token(
        caller="",
        contact_id="contact-1",
        key="key-1",
        role="CUSTOMER",
        display_name="Ana",
        capabilities={},
    )


def test_same_idempotency_key_returns_same_participant(broker: LocalBroker) -> None:
    headers = [*JSON, ("idempotency-key", "key-2")]
    first = post(broker, "contact-1", {"displayName": "Ana"}, headers).json()
    second = post(broker, "contact-1", {"displayName": "Ana"}, headers).json()
    assert first == second


def test_same_idempotency_key_with_another_body_is_another_participant(
    broker: LocalBroker,
) -> None:
    headers = [*JSON, ("Idempotency-Key", "key-3")]
    first = post(broker, "contact-1", {"displayName": "Ana"}, headers).json()
    second = post(broker, "contact-1", {"displayName": "Bob"}, headers).json()
    assert first["participantId"] != second["participantId"]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([], "is required: send application/json"),
        (
            [("Content-Type", "application/x-www-form-urlencoded")],
            "must be application/json, not application/x-www-form-urlencoded",
        ),
        (
            [("Content-Type", "text/plain;charset=UTF-8")],
            "must be application/json, not text/plain",
        ),
        (
            [("Content-Type", "application/json; charset=latin-1")],
            "must have charset=utf-8 or no charset: the broker reads UTF-8 only",
        ),
        ([*JSON, *JSON], "must be sent once"),
    ],
    ids=["missing", "form", "text-plain", "latin-1", "twice"],
)
def test_content_type_other_than_json_is_415(
    broker: LocalBroker, fake: FakeConnect, headers: list[tuple[str, str]], message: str
) -> None:
    answer = post(broker, "contact-1", {"displayName": "Ana"}, headers)
    assert (answer.status, answer.header("content-type")) == (415, "application/problem+json")
    assert {k: answer.header(k) for k in CONTRACT_HEADERS} == CONTRACT_HEADERS
    assert without_request_id(answer) == {
        "type": URN + "unsupported-media-type",
        "title": "Unsupported media type",
        "status": 415,
        "detail": "The request body must be sent as application/json; see errors.",
        "errors": [{"field": "Content-Type", "message": message}],
    }
    assert fake.requests == []


def test_json_with_charset_is_accepted(broker: LocalBroker) -> None:
    headers = [("Content-Type", 'Application/JSON; charset="UTF-8"')]
    assert post(broker, "contact-1", {"displayName": "Ana"}, headers).status == 201


@pytest.mark.parametrize(
    ("contact_id", "status", "problem"),
    [
        ("invalid-1", 400, "invalid-request"),
        ("notfound-1", 404, "contact-not-found"),
        ("conflict-1", 409, "conflict"),
        ("quota-1", 409, "conflict"),
        ("throttle-1", 429, "throttled"),
        ("error-1", 503, "unavailable"),
        ("slow-1", 504, "timeout"),
    ],
)
def test_connect_failure_maps_to_contract_status(
    broker: LocalBroker, contact_id: str, status: int, problem: str
) -> None:
    answer = post(broker, contact_id, {"displayName": "Ana"})
    assert (answer.status, answer.header("content-type"), answer.json()["type"]) == (
        status,
        "application/problem+json",
        URN + problem,
    )


@pytest.mark.parametrize(("contact_id", "seconds"), [("throttle-2", "2"), ("error-2", "5")])
def test_retryable_failure_carries_retry_after(
    broker: LocalBroker, contact_id: str, seconds: str
) -> None:
    assert post(broker, contact_id, {"displayName": "Ana"}).header("retry-after") == seconds


def test_fail_next_reaches_the_caller(broker: LocalBroker, fake: FakeConnect) -> None:
    fake.fail_next("ConflictException")
    assert post(broker, "contact-1", {"displayName": "Ana"}).status == 409


def test_body_not_json_is_400(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", b"{not json")
    assert answer.status == 400
    assert without_request_id(answer) == {
        "type": URN + "invalid-request",
        "title": "The request is not valid",
        "status": 400,
        "detail": "The request is not valid; see errors for what to fix.",
        "errors": [{"field": "body", "message": "is not valid JSON"}],
    }


def test_unknown_field_is_400(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", {"displayName": "Ana", "instanceId": "other"})
    assert (answer.status, answer.json()["errors"]) == (
        400,
        [{"field": "instanceId", "message": "is not allowed"}],
    )


def test_member_named_by_a_lone_surrogate_is_400(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", b'{"displayName": "Ana", "\\ud800": 1}')
    assert (answer.status, answer.json()["errors"]) == (
        400,
        [{"field": "\\ud800", "message": "is not allowed"}],
    )


def test_binary_body_is_400(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", b"\xff\xfe\x00")
    assert (answer.status, answer.json()["type"]) == (400, URN + "invalid-request")


def test_bad_contact_id_is_400(broker: LocalBroker) -> None:
    answer = post(broker, "bad_contact", {"displayName": "Ana"})
    assert (answer.status, [e["field"] for e in answer.json()["errors"]]) == (400, ["contactId"])


def test_repeated_idempotency_key_header_is_400(broker: LocalBroker) -> None:
    headers = [*JSON, ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    answer = post(broker, "contact-1", {"displayName": "Ana"}, headers)
    assert (answer.status, answer.json()["errors"]) == (
        400,
        [{"field": "Idempotency-Key", "message": "must be sent at most once"}],
    )


def test_role_not_allowed_is_403(broker: LocalBroker) -> None:
    answer = post(broker, "contact-1", {"displayName": "Ana", "role": "AGENT"})
    assert (answer.status, answer.json()["type"]) == (403, URN + "not-allowed")


def test_allowed_non_default_role_reaches_connect(broker: LocalBroker, fake: FakeConnect) -> None:
    post(broker, "chat-1", {"displayName": "Bot", "role": "CUSTOM_BOT"})
    (request,) = fake.requests_for("CreateParticipant")
    assert request.json()["ParticipantDetails"]["ParticipantRole"] == "CUSTOM_BOT"


def test_capability_not_allowed_is_403(broker: LocalBroker) -> None:
    answer = post(
        broker, "contact-1", {"displayName": "Ana", "capabilities": {"screenShare": "SEND"}}
    )
    assert (answer.status, answer.json()["errors"]) == (
        403,
        [{"field": "capabilities.screenShare", "message": "is not allowed by this broker"}],
    )


def test_event_has_multi_value_headers() -> None:
    event = build_event("POST", "/contacts/c-1/participants", [("X-A", "1"), ("X-A", "2")], b"{}")
    assert (event["headers"], event["multiValueHeaders"]) == ({"X-A": "2"}, {"X-A": ["1", "2"]})


def test_event_carries_path_parameter_and_text_body() -> None:
    event = build_event("POST", "/contacts/c-1/participants?x=1", [], b'{"a": 1}')
    assert (event["pathParameters"], event["body"], event["isBase64Encoded"]) == (
        {"contactId": "c-1"},
        '{"a": 1}',
        False,
    )


def test_event_base64_encodes_binary_body() -> None:
    event = build_event("POST", "/contacts/c-1/participants", [], b"\xff")
    assert (event["body"], event["isBase64Encoded"]) == ("/w==", True)


def test_event_without_body_has_null_body() -> None:
    assert build_event("POST", "/contacts/c-1/participants", [], b"")["body"] is None


def test_stop_restores_environment(
    fake_connect: FakeConnect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTANCE_ID", "before")
    monkeypatch.delenv("AWS_ENDPOINT_URL_CONNECT", raising=False)
    with LocalBroker(connect=fake_connect):
        assert os.environ["AWS_ENDPOINT_URL_CONNECT"] == fake_connect.url
    assert (os.environ["INSTANCE_ID"], "AWS_ENDPOINT_URL_CONNECT" in os.environ) == (
        "before",
        False,
    )
