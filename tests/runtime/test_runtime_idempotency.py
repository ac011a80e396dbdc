"""The ``ClientToken`` Connect receives: scoped to the caller, the contact, the key and the
request (CONTRACT v2 ``Idempotency-Key`` row), never logged.

Why the scope matters: the Amazon Builders' Library, "Making retries safe with idempotent
APIs" (a token identifies one caller's one request), and the IETF HTTPAPI draft "The
Idempotency-Key HTTP Header Field" (a key reused with a different request is an error, never
the first request's answer).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import botocore
import pytest
from runtime_support import (
    CALLER,
    CALLER_ARN,
    CONNECT_RESPONSE,
    IDENTITY_POOL_SESSION,
    PROBLEM_HEADERS,
    TOKEN,
    api_gateway_event,
    body_of,
    client_token,
    expected_params,
    problem,
    signed_by,
)
from wire_stub import WireStubber

from runtime.broker import idempotency

Invoke = Any
CAPTURE = pytest.CaptureFixture[str]
KEY = "order-42"
BODY = {"displayName": "Ana Silva"}
OTHER_CALLER = "arn:aws:sts::123456789012:assumed-role/other-app/session"
#: The same role as :data:`runtime_support.CALLER_ARN`, after the SDK refreshed its credentials.
REFRESHED = "arn:aws:sts::123456789012:assumed-role/app/botocore-session-1795657300"
INTERNAL = problem(500, "internal", "Internal error", "The broker could not complete the request.")


class Sent(Sequence[str | None]):
    """The ``ClientToken`` of every CreateParticipant sent, read at the wire; ``None`` for one
    the client generated (the broker gave none)."""

    def __init__(self, stub: WireStubber) -> None:
        self.stub = stub

    def _tokens(self) -> list[str | None]:
        made = self.stub.client.new_id.made
        bodies = [body for _, url, _, body in self.stub.sent if url.endswith("create-participant")]
        tokens = [json.loads(body or b"{}").get("ClientToken") for body in bodies]
        return [None if token in made else token for token in tokens]

    def __getitem__(self, index: Any) -> Any:
        return self._tokens()[index]

    def __len__(self) -> int:
        return len(self._tokens())

    def __eq__(self, other: object) -> bool:
        return self._tokens() == other

    __hash__ = None  # type: ignore[assignment]


@pytest.fixture
def sent(stub: WireStubber) -> Sent:
    return Sent(stub)


def keyed(
    body: Any = BODY, key: str = KEY, caller: str | None = None, pool_user: str | None = None
) -> dict[str, Any]:
    """An event carrying ``key``, signed by ``caller`` (an IAM ``userArn``) when given, as
    ``pool_user`` of a Cognito identity pool when given."""
    event = api_gateway_event(body, headers={"Idempotency-Key": key})
    if caller is not None:
        signed_by(event, caller, cognito_identity_id=pool_user)
    return event


def expect(stub: WireStubber, token: str, **params: Any) -> None:
    stub.add_response(
        "create_participant", CONNECT_RESPONSE, expected_params(client_token=token, **params)
    )


def test_token_encoding_is_stable() -> None:
    # Changing the encoding changes every token: a client retrying across a deployment would
    # then add a second participant. Bump VERSION instead of editing this value.
    token = idempotency.client_token(
        caller=OTHER_CALLER,
        contact_id="c-1",
        key=KEY,
        role="CUSTOMER",
        display_name="Zoë",
        capabilities={"video": "SEND"},
    )
    text = (
        '["connect-participant-broker/client-token/1",'
        '"arn:aws:sts::123456789012:assumed-role/other-app/session","c-1","order-42",'
        '{"capabilities":{"video":"SEND"},"displayName":"Zo\\u00eb","role":"CUSTOMER"}]'
    )
    assert token == hashlib.sha256(text.encode("ascii")).hexdigest()
    assert token == "eddad00992bd914ffbc1851422d12e334f4b3e8e8e4c4ab02f8542d5837f9e55"


def test_token_fits_connects_client_token_limit() -> None:
    # botocore's full Connect model: CreateParticipantRequest.ClientToken -> shape ClientToken.
    path = Path(botocore.__file__).parent / "data/connect/2017-08-08/service-2.json.gz"
    shapes = json.loads(gzip.decompress(path.read_bytes()))["shapes"]
    member = shapes["CreateParticipantRequest"]["members"]["ClientToken"]
    limit = shapes[member["shape"]]["max"]
    assert limit == 500
    token = client_token("k" * 500, display_name="é" * 256, caller="x" * 2048)
    assert len(token) == 64 <= limit
    assert set(token) <= set("0123456789abcdef")


def test_same_caller_key_and_request_get_the_same_token(
    stub: WireStubber, invoke: Invoke, sent: Sent
) -> None:
    expect(stub, client_token(KEY))
    expect(stub, client_token(KEY))
    assert invoke(keyed())["statusCode"] == 201
    assert invoke(keyed())["statusCode"] == 201
    assert sent[0] == sent[1] != KEY


def test_another_caller_with_the_same_key_gets_another_token(
    stub: WireStubber, invoke: Invoke, sent: Sent
) -> None:
    expect(stub, client_token(KEY))
    expect(stub, client_token(KEY, caller="arn:aws:sts::123456789012:assumed-role/other-app"))
    assert invoke(keyed())["statusCode"] == 201
    assert invoke(keyed(caller=OTHER_CALLER))["statusCode"] == 201
    assert sent[0] != sent[1]


def test_a_retry_after_a_credential_refresh_gets_the_same_token(
    stub: WireStubber, invoke: Invoke, sent: Sent
) -> None:
    # Refreshed credentials of an assumed role come with a new session name: the caller is
    # still the role (CONTRACT v2.1), so the retry is the same request and Connect returns the
    # participant it already added instead of adding a second one.
    expect(stub, client_token(KEY, caller=CALLER))
    expect(stub, client_token(KEY, caller=CALLER))
    assert invoke(keyed(caller=CALLER_ARN))["statusCode"] == 201
    assert invoke(keyed(caller=REFRESHED))["statusCode"] == 201
    assert sent[0] == sent[1]


def test_two_identity_pool_users_on_one_role_get_two_tokens(
    stub: WireStubber, invoke: Invoke, sent: Sent
) -> None:
    # Every user of a Cognito identity pool signs with a session of the pool's role named
    # CognitoIdentityCredentials: the caller is the identity, or they would share tokens.
    ana, bob = (
        "eu-west-1:0a1b2c3d-0000-4000-8000-00000000a0a0",
        "eu-west-1:0b0b0b0b-0000-4000-8000-0000000b0b0b",
    )
    expect(stub, client_token(KEY, caller=ana))
    expect(stub, client_token(KEY, caller=bob))
    assert invoke(keyed(caller=IDENTITY_POOL_SESSION, pool_user=ana))["statusCode"] == 201
    assert invoke(keyed(caller=IDENTITY_POOL_SESSION, pool_user=bob))["statusCode"] == 201
    assert sent[0] != sent[1]


def test_iam_session_identity_gives_each_session_its_own_token(
    stub: WireStubber, invoke: Invoke, configure: Any, sent: Sent
) -> None:
    configure(iam_sessions=True)
    expect(stub, client_token(KEY, caller=CALLER_ARN))
    expect(stub, client_token(KEY, caller=REFRESHED))
    assert invoke(keyed(caller=CALLER_ARN))["statusCode"] == 201
    assert invoke(keyed(caller=REFRESHED))["statusCode"] == 201
    assert sent[0] != sent[1]


@pytest.mark.parametrize(
    ("body", "params"),
    [
        ({"displayName": "Bob"}, {"display_name": "Bob"}),
        (
            {"displayName": "Ana Silva", "capabilities": {"video": "SEND"}},
            {"capabilities": {"video": "SEND"}},
        ),
        ({"displayName": "Ana Silva", "role": "CUSTOM_BOT"}, {"role": "CUSTOM_BOT"}),
    ],
    ids=["display-name", "capabilities", "role"],
)
def test_same_key_with_another_request_gets_another_token(
    stub: WireStubber,
    invoke: Invoke,
    configure: Any,
    sent: Sent,
    body: dict[str, Any],
    params: dict[str, Any],
) -> None:
    configure(allowed_roles=frozenset({"CUSTOMER", "CUSTOM_BOT"}))
    expect(stub, client_token(KEY))
    connect_params = {
        "display_name": params.get("display_name", "Ana Silva"),
        "role": params.get("role", "CUSTOMER"),
    }
    if "capabilities" in params:
        connect_params["capabilities"] = {"Video": "SEND"}
    expect(stub, client_token(KEY, **params), **connect_params)
    assert invoke(keyed())["statusCode"] == 201
    assert invoke(keyed(body))["statusCode"] == 201
    assert sent[0] != sent[1]


def test_same_key_for_another_contact_gets_another_token(
    stub: WireStubber, invoke: Invoke, sent: Sent
) -> None:
    expect(stub, client_token(KEY))
    expect(stub, client_token(KEY, contact_id="other-contact"), contact_id="other-contact")
    assert invoke(keyed())["statusCode"] == 201
    event = api_gateway_event(BODY, contact_id="other-contact", headers={"Idempotency-Key": KEY})
    assert invoke(event)["statusCode"] == 201
    assert sent[0] != sent[1]


def test_the_effective_request_is_what_counts(
    stub: WireStubber, invoke: Invoke, sent: Sent
) -> None:
    # No role means the default role and no capabilities means none: Connect receives the
    # same request, so the token is the same.
    expect(stub, client_token(KEY))
    expect(stub, client_token(KEY))
    assert invoke(keyed())["statusCode"] == 201
    explicit = {"displayName": "Ana Silva", "role": "CUSTOMER", "capabilities": {}}
    assert invoke(keyed(explicit))["statusCode"] == 201
    assert sent[0] == sent[1]


@pytest.mark.parametrize(
    ("auth_type", "authorizer", "caller"),
    [
        ("COGNITO_USER_POOLS", {"claims": {"sub": "sub-1", "cognito:username": "ana"}}, "sub-1"),
        ("CUSTOM", {"principalId": "user|42"}, "user|42"),
        ("NONE", None, ""),
    ],
)
def test_caller_comes_from_the_api_authorization(
    stub: WireStubber,
    invoke: Invoke,
    configure: Any,
    auth_type: str,
    authorizer: dict[str, Any] | None,
    caller: str,
) -> None:
    configure(auth_type=auth_type)
    event = keyed()
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    expect(stub, client_token(KEY, caller=caller))
    assert invoke(event)["statusCode"] == 201


def test_no_key_sends_no_client_token(stub: WireStubber, invoke: Invoke, sent: Sent) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    assert invoke(api_gateway_event(BODY))["statusCode"] == 201
    assert sent == [None]


@pytest.mark.parametrize(
    ("auth_type", "remove"),
    [
        ("AWS_IAM", lambda event: event["requestContext"]["identity"].pop("userArn")),
        ("COGNITO_USER_POOLS", lambda event: None),
        ("CUSTOM", lambda event: event["requestContext"].update(authorizer={"principalId": ""})),
    ],
    ids=["iam", "cognito", "custom"],
)
def test_missing_identity_is_an_internal_error_naming_the_auth_type(
    stub: WireStubber, invoke: Invoke, configure: Any, capsys: CAPTURE, auth_type: str, remove: Any
) -> None:
    configure(auth_type=auth_type)
    event = keyed()
    remove(event)
    response = invoke(event)
    assert response["statusCode"] == 500
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == INTERNAL
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (line,) = [line for line in lines if "_aws" not in line]
    assert (line["level"], line["message"], line["status"], line["authType"]) == (
        "ERROR",
        "caller identity missing",
        500,
        auth_type,
    )
    assert KEY not in json.dumps(lines)


def test_missing_identity_does_not_matter_without_a_key(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event(BODY)
    del event["requestContext"]["identity"]["userArn"]
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    assert invoke(event)["statusCode"] == 201


def test_neither_key_nor_token_is_ever_logged(
    stub: WireStubber, invoke: Invoke, configure: Any, capsys: CAPTURE
) -> None:
    configure(log_level="DEBUG")
    expect(stub, client_token(KEY))
    stub.add_client_error(
        "create_participant",
        service_error_code="InternalServiceException",
        http_status_code=500,
        expected_params=expected_params(client_token=client_token(KEY)),
    )
    invoke(keyed())
    invoke(keyed())
    invoke(keyed({"displayName": "Ana", "extra": 1}))
    text = capsys.readouterr().out
    assert "participant created" in text and "connect call failed" in text
    assert "request rejected" in text
    for secret in (KEY, client_token(KEY), TOKEN):
        assert secret not in text
