"""Each Connect failure answered as the contract's table says, with nothing internal leaked."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from runtime_support import (
    PROBLEM_HEADERS,
    TOKEN,
    api_gateway_event,
    body_of,
    expected_params,
    problem,
)
from wire_stub import WireStubber

from runtime.broker import connect
from runtime.broker.aws.errors import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from runtime.broker.aws.transport import Response

Invoke = Any
ARN = "arn:aws:connect:eu-west-1:123456789012:instance/11111111-2222-3333-4444-555555555555"
LEAKY_MESSAGE = f"User: {ARN} is not authorized; token {TOKEN}"
EVENT_BODY = {"displayName": "Ana Silva"}

CLIENT_ERRORS = [
    (
        "InvalidRequestException",
        400,
        problem(
            400,
            "invalid-request",
            "The request is not valid",
            "Amazon Connect rejected the request, for example because the agent has not "
            "joined the call yet.",
        ),
        None,
    ),
    (
        "ResourceNotFoundException",
        404,
        problem(
            404,
            "contact-not-found",
            "Contact not found",
            "Amazon Connect has no such contact in this broker's instance.",
        ),
        None,
    ),
    (
        "ConflictException",
        409,
        problem(
            409,
            "conflict",
            "The contact cannot take this participant now",
            "The contact cannot take this participant now.",
        ),
        None,
    ),
    (
        "ServiceQuotaExceededException",
        402,
        problem(
            409,
            "conflict",
            "The contact cannot take this participant now",
            "The contact cannot take this participant now, for example because the call is full.",
        ),
        None,
    ),
    (
        "ThrottlingException",
        429,
        problem(
            429,
            "throttled",
            "Too many requests",
            "Amazon Connect is throttling requests; retry after the delay in Retry-After.",
        ),
        "2",
    ),
    (
        "InternalServiceException",
        500,
        problem(
            503,
            "unavailable",
            "Amazon Connect is unavailable",
            "Amazon Connect could not process the request; retry after the delay in Retry-After.",
        ),
        "5",
    ),
]
INTERNAL = problem(500, "internal", "Internal error", "The broker could not complete the request.")
TIMEOUT = problem(
    504,
    "timeout",
    "Amazon Connect did not answer in time",
    "Amazon Connect did not answer within the broker's time budget.",
)


def expected_headers(retry_after: str | None) -> dict[str, str]:
    if retry_after is None:
        return PROBLEM_HEADERS
    return {**PROBLEM_HEADERS, "Retry-After": retry_after}


@pytest.mark.parametrize(
    ("code", "connect_status", "expected", "retry_after"),
    CLIENT_ERRORS,
    ids=[case[0] for case in CLIENT_ERRORS],
)
def test_connect_error_is_mapped(
    stub: WireStubber,
    invoke: Invoke,
    code: str,
    connect_status: int,
    expected: dict[str, Any],
    retry_after: str | None,
) -> None:
    stub.add_client_error(
        "create_participant",
        service_error_code=code,
        service_message=LEAKY_MESSAGE,
        http_status_code=connect_status,
        expected_params=expected_params(),
    )
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == expected["status"]
    assert response["headers"] == expected_headers(retry_after)
    assert body_of(response) == expected


@pytest.mark.parametrize("code", [case[0] for case in CLIENT_ERRORS] + ["AccessDeniedException"])
def test_connect_error_body_leaks_nothing(stub: WireStubber, invoke: Invoke, code: str) -> None:
    stub.add_client_error(
        "create_participant",
        service_error_code=code,
        service_message=LEAKY_MESSAGE,
        http_status_code=400,
    )
    body = invoke(api_gateway_event(EVENT_BODY))["body"]
    for secret in ("arn:", "123456789012", TOKEN, code, "Exception", "Traceback"):
        assert secret not in body


def test_unmodelled_connect_error_is_internal(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_client_error(
        "create_participant",
        service_error_code="AccessDeniedException",
        service_message=LEAKY_MESSAGE,
        http_status_code=403,
    )
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == 500
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == INTERNAL


def test_incomplete_connect_response_is_internal(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response("create_participant", {"ParticipantId": "p-1"}, expected_params())
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == 500
    assert body_of(response) == INTERNAL


class Exploding:
    """A client whose call fails with an exception the broker knows nothing about."""

    def create_participant(self, **_: Any) -> dict[str, Any]:
        raise ValueError(f"{ARN} {TOKEN} internal detail")


def test_unexpected_exception_is_internal_and_says_nothing_more(invoke: Invoke) -> None:
    connect.set_client(Exploding())
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response == {
        "statusCode": 500,
        "headers": PROBLEM_HEADERS,
        "body": json.dumps(INTERNAL, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def test_configuration_error_is_internal(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from runtime.broker import handler

    monkeypatch.delenv("INSTANCE_ID", raising=False)
    handler.set_config(None)
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == 500
    assert body_of(response) == INTERNAL


class Answering:
    """A transport whose answer is ``answer()`` (which may raise); counts sends."""

    def __init__(self, answer: Callable[[str], Response]) -> None:
        self.answer, self.attempts = answer, 0

    def send(self, *, url: str, **_: Any) -> Response:
        self.attempts += 1
        return self.answer(url)


def client_answering(answer: Callable[[str], Response]) -> tuple[Any, Answering]:
    """A fresh runtime client (no sleeping between attempts) sending through ``answer``."""
    transport = Answering(answer)
    client = connect.create_client("eu-west-1", transport=transport, sleep=lambda _: None)
    connect.set_client(client)
    return client, transport


TIMEOUT_ERRORS = [
    ReadTimeoutError,
    ConnectTimeoutError,
    EndpointConnectionError,
]


@pytest.mark.parametrize("error", TIMEOUT_ERRORS, ids=lambda error: error.__name__)
def test_timeout_after_bounded_retries_is_504(invoke: Invoke, error: type[Exception]) -> None:
    def fail(url: str) -> Response:
        raise error(url)

    _, transport = client_answering(fail)
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == 504
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == TIMEOUT
    assert transport.attempts == connect.MAX_ATTEMPTS == 2


def test_internal_service_exception_over_http_is_retried_then_503(invoke: Invoke) -> None:
    def unavailable(url: str) -> Response:
        body = json.dumps({"message": "Internal"}).encode()
        headers = {
            "x-amzn-errortype": "InternalServiceException:",
            "content-type": "application/json",
        }
        return Response(500, headers, body)

    _, transport = client_answering(unavailable)
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "5"
    assert transport.attempts == 2


def test_success_over_http_parses_connect_wire_response(invoke: Invoke) -> None:
    def created(url: str) -> Response:
        body = json.dumps(
            {
                "ParticipantId": "p-1",
                "ParticipantCredentials": {
                    "ParticipantToken": TOKEN,
                    "Expiry": "2026-11-26T02:41:28.172Z",
                },
            }
        ).encode()
        return Response(200, {"content-type": "application/json"}, body)

    _, transport = client_answering(created)
    response = invoke(api_gateway_event(EVENT_BODY))
    assert response["statusCode"] == 201
    assert body_of(response) == {
        "participantId": "p-1",
        "participantToken": TOKEN,
        "expiry": "2026-11-26T02:41:28.172Z",
        "role": "CUSTOMER",
    }
    assert transport.attempts == 1
