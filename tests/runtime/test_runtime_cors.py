"""CORS on the broker's own responses: only for origins the construct listed, never ``*``."""

from __future__ import annotations

from typing import Any

from aws_rules.cors import readable
from runtime_support import CONNECT_RESPONSE, api_gateway_event, expected_params
from wire_stub import WireStubber

from runtime.broker.config import load

Invoke = Any
ORIGIN = "https://app.example.com"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": ORIGIN,
    "Access-Control-Expose-Headers": "Retry-After",
    "Vary": "Origin",
}


def test_allowed_origin_is_echoed_on_success(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(cors_allowed_origins=frozenset({ORIGIN, "https://other.example.com"}))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}, headers={"Origin": ORIGIN}))
    assert response["statusCode"] == 201
    assert {k: response["headers"].get(k) for k in CORS_HEADERS} == CORS_HEADERS


def test_allowed_origin_is_echoed_on_a_problem(invoke: Invoke, configure: Any) -> None:
    configure(cors_allowed_origins=frozenset({ORIGIN}))
    response = invoke(api_gateway_event({"displayName": ""}, headers={"origin": ORIGIN}))
    assert response["statusCode"] == 400
    assert {k: response["headers"].get(k) for k in CORS_HEADERS} == CORS_HEADERS


def test_unlisted_origin_gets_no_cors_headers(invoke: Invoke, configure: Any) -> None:
    configure(cors_allowed_origins=frozenset({ORIGIN}))
    response = invoke(
        api_gateway_event({"displayName": ""}, headers={"Origin": "https://evil.example"})
    )
    assert not any(name.startswith("Access-Control-") for name in response["headers"])


def test_no_cors_headers_when_cors_is_off(invoke: Invoke) -> None:
    response = invoke(api_gateway_event({"displayName": ""}, headers={"Origin": ORIGIN}))
    assert not any(name.startswith("Access-Control-") for name in response["headers"])


def test_cors_origins_are_read_from_the_environment() -> None:
    config = load({"INSTANCE_ID": "i", "CORS_ALLOWED_ORIGINS": f"{ORIGIN}, https://b.example"})
    assert config.cors_allowed_origins == frozenset({ORIGIN, "https://b.example"})


def test_cors_is_off_without_the_variable() -> None:
    assert load({"INSTANCE_ID": "i"}).cors_allowed_origins == frozenset()


def test_a_page_on_an_allowed_origin_can_read_the_answer_and_retry_after(
    invoke: Invoke, configure: Any
) -> None:
    # The actual response, as the browser checks it (aws_rules.cors).
    configure(cors_allowed_origins=frozenset({ORIGIN}))
    response = invoke(api_gateway_event({"displayName": ""}, headers={"Origin": ORIGIN}))
    assert response["statusCode"] == 400
    assert readable(ORIGIN, response["headers"], read=("Retry-After", "Content-Type")) == []
