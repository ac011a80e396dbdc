"""400 for every malformed request: exact status, headers and body; Connect is never called."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from runtime_support import (
    CONNECT_RESPONSE,
    PROBLEM_HEADERS,
    api_gateway_event,
    body_of,
    expected_params,
    invalid,
)
from wire_stub import WireStubber

Invoke = Any
ROLES = "AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT, SUPERVISOR"
NOT_ALLOWED = "contains characters that are not allowed"


def assert_invalid(response: dict[str, Any], *errors: tuple[str, str]) -> None:
    """The response is exactly the 400 problem listing ``errors``."""
    assert response["statusCode"] == 400
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == invalid(*errors)


BODY_CASES: list[tuple[str, Any, list[tuple[str, str]]]] = [
    ("not-json", "displayName=Ana", [("body", "is not valid JSON")]),
    ("truncated-json", '{"displayName": "Ana"', [("body", "is not valid JSON")]),
    ("nan", '{"displayName": "Ana", "x": NaN}', [("body", "is not valid JSON")]),
    # Past Python's integer digit limit json.loads raises a plain ValueError.
    ("huge-integer", '{"displayName": ' + "9" * 4301 + "}", [("body", "is not valid JSON")]),
    ("nested-array", "[[[1]]]", [("body", "must be an object")]),
    ("too-deep", "[" * 4096 + "]" * 4096, [("body", "is nested too deeply")]),
    ("array", '[{"displayName": "Ana"}]', [("body", "must be an object")]),
    ("string", '"Ana"', [("body", "must be an object")]),
    ("json-null", "null", [("body", "must be an object")]),
    ("number", "42", [("body", "must be an object")]),
    ("empty-string-body", "", [("body", "is required")]),
    ("missing-display-name", {}, [("displayName", "is required")]),
    ("display-name-number", {"displayName": 42}, [("displayName", "must be a string")]),
    ("display-name-bool", {"displayName": True}, [("displayName", "must be a string")]),
    ("display-name-null", {"displayName": None}, [("displayName", "must be a string")]),
    (
        "display-name-empty",
        {"displayName": ""},
        [("displayName", "must be at least 1 character long")],
    ),
    (
        "display-name-257",
        {"displayName": "a" * 257},
        [("displayName", "must be at most 256 characters long")],
    ),
    ("display-name-bell", {"displayName": "Ana\u0007"}, [("displayName", NOT_ALLOWED)]),
    ("display-name-tab", {"displayName": "Ana\tSilva"}, [("displayName", NOT_ALLOWED)]),
    ("display-name-trailing-newline", {"displayName": "Ana\n"}, [("displayName", NOT_ALLOWED)]),
    ("display-name-del", {"displayName": "Ana\u007f"}, [("displayName", NOT_ALLOWED)]),
    ("display-name-c1", {"displayName": "Ana\u0085"}, [("displayName", NOT_ALLOWED)]),
    (
        "unknown-field",
        {"displayName": "Ana", "nickname": "A"},
        [("nickname", "is not allowed")],
    ),
    (
        "instance-id-in-body",
        {"displayName": "Ana", "instanceId": "other"},
        [("instanceId", "is not allowed")],
    ),
    (
        "role-unknown",
        {"displayName": "Ana", "role": "ADMIN"},
        [("role", f"must be one of: {ROLES}")],
    ),
    (
        "role-lowercase",
        {"displayName": "Ana", "role": "customer"},
        [("role", f"must be one of: {ROLES}")],
    ),
    ("role-number", {"displayName": "Ana", "role": 1}, [("role", "must be a string")]),
    (
        "capabilities-not-object",
        {"displayName": "Ana", "capabilities": "SEND"},
        [("capabilities", "must be an object")],
    ),
    (
        "capability-unknown-key",
        {"displayName": "Ana", "capabilities": {"audio": "SEND"}},
        [("capabilities.audio", "is not allowed")],
    ),
    (
        "capability-value-not-send",
        {"displayName": "Ana", "capabilities": {"video": "RECEIVE"}},
        [("capabilities.video", "must be one of: SEND")],
    ),
    (
        "capability-value-lowercase",
        {"displayName": "Ana", "capabilities": {"screenShare": "send"}},
        [("capabilities.screenShare", "must be one of: SEND")],
    ),
    (
        "capability-value-bool",
        {"displayName": "Ana", "capabilities": {"video": True}},
        [("capabilities.video", "must be a string")],
    ),
    (
        "several-errors",
        {"role": "ADMIN", "extra": 1},
        [
            ("displayName", "is required"),
            ("role", f"must be one of: {ROLES}"),
            ("extra", "is not allowed"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("body", "errors"), [case[1:] for case in BODY_CASES], ids=[case[0] for case in BODY_CASES]
)
def test_bad_body_is_rejected(
    stub: WireStubber, invoke: Invoke, body: Any, errors: list[tuple[str, str]]
) -> None:
    assert_invalid(invoke(api_gateway_event(body)), *errors)


def test_missing_body_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    assert_invalid(invoke(api_gateway_event(None)), ("body", "is required"))


def test_absent_body_key_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event({"displayName": "Ana"})
    del event["body"]
    assert_invalid(invoke(event), ("body", "is required"))


def test_body_over_8_kib_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    text = '{"displayName": "Ana"}'
    text += " " * (8193 - len(text))
    assert_invalid(invoke(api_gateway_event(text)), ("body", "must be at most 8192 bytes"))


def test_body_limit_counts_utf8_bytes_not_characters(stub: WireStubber, invoke: Invoke) -> None:
    text = json.dumps({"displayName": "Ana", "x": "é" * 4090}, ensure_ascii=False)
    assert len(text) < 8192 < len(text.encode("utf-8"))
    assert_invalid(invoke(api_gateway_event(text)), ("body", "must be at most 8192 bytes"))


def test_base64_body_over_8_kib_after_decoding_is_rejected(
    stub: WireStubber, invoke: Invoke
) -> None:
    text = '{"displayName": "Ana"}' + " " * 8171
    event = api_gateway_event(text, base64_body=True)
    assert_invalid(invoke(event), ("body", "must be at most 8192 bytes"))


def test_base64_body_is_measured_after_decoding(stub: WireStubber, invoke: Invoke) -> None:
    text = '{"displayName": "Ana Silva"}' + " " * 7000
    event = api_gateway_event(text, base64_body=True)
    assert len(event["body"]) > 8192
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    assert invoke(event)["statusCode"] == 201


def test_invalid_base64_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event({"displayName": "Ana"})
    event["body"], event["isBase64Encoded"] = "not*base64!", True
    assert_invalid(invoke(event), ("body", "is not valid JSON"))


def test_body_not_utf8_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event({"displayName": "Ana"})
    event["body"] = base64.b64encode(b'{"displayName": "\xff\xfe"}').decode("ascii")
    event["isBase64Encoded"] = True
    assert_invalid(invoke(event), ("body", "is not valid JSON"))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"displayName": "Ana", "\\ud800": 1}', "\\ud800"),
        ('{"displayName": "Ana", "a\\udfffb": 1}', "a\\udfffb"),
        ('{"displayName": "Ana", "capabilities": {"\\udc00": "SEND"}}', "capabilities.\\udc00"),
    ],
    ids=["lone-high", "lone-low-inside", "capability"],
)
def test_unknown_member_named_by_a_lone_surrogate_is_spelled_escaped(
    stub: WireStubber, invoke: Invoke, text: str, field: str
) -> None:
    # JSON may escape a lone surrogate, which no UTF-8 text can hold: the body names the
    # member by its escape, so API Gateway (and any client) receives valid UTF-8.
    response = invoke(api_gateway_event(text))
    assert response["body"].encode("utf-8")
    assert_invalid(response, (field, "is not allowed"))


def test_duplicate_member_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event('{"displayName": "Ana", "displayName": "Bob"}')
    assert_invalid(invoke(event), ("body", 'repeats the member "displayName"'))


CONTACT_CASES = [
    ("257-characters", "a" * 257, "must be at most 256 characters long"),
    ("trailing-newline", "abc\n", NOT_ALLOWED),
    ("slash", "a/b", NOT_ALLOWED),
    ("space", "abc def", NOT_ALLOWED),
    ("underscore", "abc_def", NOT_ALLOWED),
    ("non-ascii-digit", "abc\u0663", NOT_ALLOWED),
    ("empty", "", "must be at least 1 character long"),
]


@pytest.mark.parametrize(
    ("contact_id", "message"),
    [case[1:] for case in CONTACT_CASES],
    ids=[case[0] for case in CONTACT_CASES],
)
def test_bad_contact_id_is_rejected(
    stub: WireStubber, invoke: Invoke, contact_id: str, message: str
) -> None:
    event = api_gateway_event({"displayName": "Ana"}, contact_id=contact_id)
    assert_invalid(invoke(event), ("contactId", message))


def test_missing_path_parameters_are_rejected(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event({"displayName": "Ana"}, contact_id=None)
    assert_invalid(invoke(event), ("contactId", "is required"))


KEY_CASES = [
    ("non-ascii", "clé-1", NOT_ALLOWED),
    ("501-characters", "k" * 501, "must be at most 500 characters long"),
    ("tab", "a\tb", NOT_ALLOWED),
    ("newline", "abc\n", NOT_ALLOWED),
    ("empty", "", "must be at least 1 character long"),
]


@pytest.mark.parametrize(
    ("key", "message"), [case[1:] for case in KEY_CASES], ids=[case[0] for case in KEY_CASES]
)
def test_bad_idempotency_key_is_rejected(
    stub: WireStubber, invoke: Invoke, key: str, message: str
) -> None:
    event = api_gateway_event({"displayName": "Ana"}, headers={"Idempotency-Key": key})
    assert_invalid(invoke(event), ("Idempotency-Key", message))


def test_idempotency_key_sent_twice_is_rejected(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event(
        {"displayName": "Ana"},
        headers={"Idempotency-Key": "b"},
        multi_value_headers={"Idempotency-Key": ["a", "b"]},
    )
    assert_invalid(invoke(event), ("Idempotency-Key", "must be sent at most once"))


def test_all_validation_errors_are_listed_in_order(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event("not json", contact_id="a/b", headers={"Idempotency-Key": "k" * 501})
    assert_invalid(
        invoke(event),
        ("contactId", NOT_ALLOWED),
        ("Idempotency-Key", "must be at most 500 characters long"),
        ("body", "is not valid JSON"),
    )


def test_request_id_falls_back_to_the_lambda_request_id(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event("not json")
    del event["requestContext"]
    body = body_of(invoke(event))
    assert body["requestId"] == "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
