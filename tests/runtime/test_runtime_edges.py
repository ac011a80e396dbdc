"""The edges a caller can hit: the shortest accepted values, a body that is almost base64,
events that are not API Gateway's, and where a header is read from when both maps hold it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from runtime_support import (
    CONNECT_RESPONSE,
    LAMBDA_REQUEST_ID,
    PROBLEM_HEADERS,
    api_gateway_event,
    body_of,
    client_token,
    expected_params,
    invalid,
    problem,
)
from wire_stub import WireStubber

Invoke = Any
JSON = {"Content-Type": ["application/json"]}
INTERNAL = problem(500, "internal", "Internal error", "The broker could not complete the request.")


def test_display_name_of_one_character_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(display_name="A"))
    assert invoke(api_gateway_event({"displayName": "A"}))["statusCode"] == 201


def test_contact_id_of_one_character_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(contact_id="7"))
    event = api_gateway_event({"displayName": "Ana Silva"}, contact_id="7")
    assert invoke(event)["statusCode"] == 201


def test_idempotency_key_of_one_character_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response(
        "create_participant", CONNECT_RESPONSE, expected_params(client_token=client_token("~"))
    )
    event = api_gateway_event({"displayName": "Ana Silva"}, headers={"Idempotency-Key": "~"})
    assert invoke(event)["statusCode"] == 201


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text[:4] + "*" + text[4:],
        lambda text: text[:4] + "\n" + text[4:],
        lambda text: text + "!",
    ],
    ids=["star", "newline", "trailing-bang"],
)
def test_base64_body_with_characters_outside_the_alphabet_is_rejected(
    stub: WireStubber, invoke: Invoke, tamper: Any
) -> None:
    """A lenient decoder would drop the stray characters and read a valid request."""
    encoded = base64.b64encode(json.dumps({"displayName": "Ana Silva"}).encode()).decode()
    event = api_gateway_event({"displayName": "Ana Silva"})
    event["body"], event["isBase64Encoded"] = tamper(encoded), True
    response = invoke(event)
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == invalid(("body", "is not valid JSON"))


@pytest.mark.parametrize("body", [{"displayName": "Ana Silva"}, ["x"], 42, True])
def test_a_body_that_is_not_text_is_not_a_json_object(
    stub: WireStubber, invoke: Invoke, body: Any
) -> None:
    """API Gateway sends the body as a string; a direct invocation might not."""
    event = api_gateway_event({"displayName": "Ana Silva"})
    event["body"] = body
    assert body_of(invoke(event)) == invalid(("body", "must be a JSON object"))


def test_base64_flag_as_a_string_is_not_base64(stub: WireStubber, invoke: Invoke) -> None:
    """Only the boolean ``true`` API Gateway sends means the body is encoded."""
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    event = api_gateway_event({"displayName": "Ana Silva"})
    event["isBase64Encoded"] = "false"
    assert invoke(event)["statusCode"] == 201


@pytest.mark.parametrize("event", [None, [], ["body"], "POST", 42], ids=repr)
def test_an_event_that_is_not_an_object_is_a_500_problem(invoke: Invoke, event: Any) -> None:
    response = invoke(event)
    assert response["statusCode"] == 500
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == {**INTERNAL, "requestId": LAMBDA_REQUEST_ID}


def test_an_event_that_is_not_an_object_is_a_500_with_cors_on(
    invoke: Invoke, configure: Any
) -> None:
    configure(cors_allowed_origins=frozenset({"https://app.example.com"}))
    response = invoke(None)
    assert response["statusCode"] == 500
    assert response["headers"] == PROBLEM_HEADERS


@pytest.mark.parametrize("value", ["", 123, None])
def test_an_empty_or_odd_api_request_id_is_no_request_id(
    stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str], value: Any
) -> None:
    event = api_gateway_event("not json")
    event["requestContext"]["requestId"] = value
    assert body_of(invoke(event))["requestId"] == LAMBDA_REQUEST_ID
    line, record = map(json.loads, capsys.readouterr().out.splitlines())
    assert line["apiRequestId"] is None
    assert "apiRequestId" not in record


def test_without_any_request_id_the_body_says_unknown(stub: WireStubber) -> None:
    from runtime.broker import handler

    event = api_gateway_event("not json")
    event["requestContext"]["requestId"] = ""
    assert body_of(handler.handler(event, object()))["requestId"] == "unknown"


def test_multi_value_headers_win_over_headers(stub: WireStubber, invoke: Invoke) -> None:
    """API Gateway fills both; ``multiValueHeaders`` holds every value sent."""
    stub.add_response(
        "create_participant", CONNECT_RESPONSE, expected_params(client_token=client_token("mv"))
    )
    event = api_gateway_event(
        {"displayName": "Ana Silva"},
        headers={"Idempotency-Key": "single"},
        multi_value_headers={"Idempotency-Key": ["mv"]},
    )
    assert invoke(event)["statusCode"] == 201


def test_header_values_that_are_not_strings_are_ignored(stub: WireStubber, invoke: Invoke) -> None:
    expected = expected_params(client_token=client_token("k"))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event({"displayName": "Ana Silva"})
    event["multiValueHeaders"] = {**JSON, "Idempotency-Key": [None, 7, "k"], 3: ["x"]}
    event["headers"] = {**JSON, "Idempotency-Key": "ignored"}
    assert invoke(event)["statusCode"] == 201


def test_header_map_with_odd_entries_falls_back_to_headers(
    stub: WireStubber, invoke: Invoke
) -> None:
    expected = expected_params(client_token=client_token("h"))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event({"displayName": "Ana Silva"})
    event["multiValueHeaders"] = {"Idempotency-Key": "not-a-list", None: ["x"]}
    event["headers"] = {"Content-Type": "application/json", "Idempotency-Key": "h", 5: "x", "o": 7}
    assert invoke(event)["statusCode"] == 201


def test_idempotency_key_with_a_non_ascii_display_name(stub: WireStubber, invoke: Invoke) -> None:
    """The token's encoding escapes what is not ASCII, as the documented encoding says."""
    name = "Zoë 山田"
    token = client_token("k-1", display_name=name)
    stub.add_response(
        "create_participant",
        CONNECT_RESPONSE,
        expected_params(display_name=name, client_token=token),
    )
    event = api_gateway_event({"displayName": name}, headers={"Idempotency-Key": "k-1"})
    assert invoke(event)["statusCode"] == 201
