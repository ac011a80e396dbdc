"""201 Created: the request Connect receives and the response the caller gets."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import (
    CONNECT_RESPONSE,
    EXPIRY,
    PARTICIPANT_ID,
    TOKEN,
    api_gateway_event,
    body_of,
    client_token,
    expected_params,
)
from wire_stub import WireStubber

Invoke = Any

SUCCESS_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def test_created_response_is_exact(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}))
    assert response == {
        "statusCode": 201,
        "headers": SUCCESS_HEADERS,
        "body": response["body"],
        "isBase64Encoded": False,
    }
    assert body_of(response) == {
        "participantId": PARTICIPANT_ID,
        "participantToken": TOKEN,
        "expiry": EXPIRY,
        "role": "CUSTOMER",
    }


def test_role_defaults_to_the_default_role(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(allowed_roles=frozenset({"CUSTOMER", "CUSTOM_BOT"}), default_role="CUSTOM_BOT")
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(role="CUSTOM_BOT"))
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}))["statusCode"] == 201


def test_allowed_role_is_sent(stub: WireStubber, invoke: Invoke, configure: Any) -> None:
    configure(allowed_roles=frozenset({"CUSTOMER", "CUSTOM_BOT"}))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(role="CUSTOM_BOT"))
    event = api_gateway_event({"displayName": "Ana Silva", "role": "CUSTOM_BOT"})
    assert invoke(event)["statusCode"] == 201


def test_both_capabilities_are_sent_as_participant_capabilities(
    stub: WireStubber, invoke: Invoke
) -> None:
    stub.add_response(
        "create_participant",
        CONNECT_RESPONSE,
        expected_params(capabilities={"Video": "SEND", "ScreenShare": "SEND"}),
    )
    event = api_gateway_event(
        {"displayName": "Ana Silva", "capabilities": {"video": "SEND", "screenShare": "SEND"}}
    )
    assert invoke(event)["statusCode"] == 201


def test_one_capability_is_sent_alone(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response(
        "create_participant", CONNECT_RESPONSE, expected_params(capabilities={"Video": "SEND"})
    )
    event = api_gateway_event({"displayName": "Ana Silva", "capabilities": {"video": "SEND"}})
    assert invoke(event)["statusCode"] == 201


def test_empty_capabilities_send_none(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    event = api_gateway_event({"displayName": "Ana Silva", "capabilities": {}})
    assert invoke(event)["statusCode"] == 201


def test_idempotency_key_gives_the_derived_client_token(stub: WireStubber, invoke: Invoke) -> None:
    key = "order-42/attempt:1 ~!"
    expected = expected_params(client_token=client_token(key))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event({"displayName": "Ana Silva"}, headers={"Idempotency-Key": key})
    assert invoke(event)["statusCode"] == 201


@pytest.mark.parametrize("name", ["idempotency-key", "IDEMPOTENCY-KEY", "IdEmPoTeNcY-kEy"])
def test_header_names_match_in_any_case(stub: WireStubber, invoke: Invoke, name: str) -> None:
    expected = expected_params(client_token=client_token("k-1"))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event({"displayName": "Ana Silva"}, headers={name: "k-1"})
    assert invoke(event)["statusCode"] == 201


def test_header_read_from_headers_when_multi_value_headers_is_null(
    stub: WireStubber, invoke: Invoke
) -> None:
    expected = expected_params(client_token=client_token("k-2"))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event({"displayName": "Ana Silva"}, headers={"Idempotency-Key": "k-2"})
    event["multiValueHeaders"] = None
    assert invoke(event)["statusCode"] == 201


def test_header_read_from_multi_value_headers_when_headers_is_null(
    stub: WireStubber, invoke: Invoke
) -> None:
    expected = expected_params(client_token=client_token("k-3"))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event(
        {"displayName": "Ana Silva"},
        multi_value_headers={"idempotency-key": ["k-3"], "content-type": ["application/json"]},
    )
    event["headers"] = None
    assert invoke(event)["statusCode"] == 201


def test_base64_encoded_body_is_decoded(stub: WireStubber, invoke: Invoke) -> None:
    stub.add_response(
        "create_participant", CONNECT_RESPONSE, expected_params(display_name="Zoë Ødegård 山田")
    )
    event = api_gateway_event({"displayName": "Zoë Ødegård 山田"}, base64_body=True)
    assert invoke(event)["statusCode"] == 201


def test_display_name_of_256_characters_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    name = "é" * 256
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(display_name=name))
    assert invoke(api_gateway_event({"displayName": name}))["statusCode"] == 201


def test_contact_id_of_256_characters_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    contact = "a-1" * 85 + "z"
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(contact_id=contact))
    event = api_gateway_event({"displayName": "Ana Silva"}, contact_id=contact)
    assert invoke(event)["statusCode"] == 201


def test_body_of_exactly_8_kib_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    text = '{"displayName": "Ana Silva"}'
    text += " " * (8192 - len(text))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    assert invoke(api_gateway_event(text))["statusCode"] == 201


def test_idempotency_key_of_500_characters_is_accepted(stub: WireStubber, invoke: Invoke) -> None:
    key = "k" * 500
    expected = expected_params(client_token=client_token(key))
    stub.add_response("create_participant", CONNECT_RESPONSE, expected)
    event = api_gateway_event({"displayName": "Ana Silva"}, headers={"Idempotency-Key": key})
    assert invoke(event)["statusCode"] == 201
