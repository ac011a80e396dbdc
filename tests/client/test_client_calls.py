"""BrokerClient requests, results, SigV4 signing and typed errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from client_support import PARTICIPANT, ScriptedServer, Seen, Step, created, problem

from constructs_lib.client import (
    AccessDenied,
    BrokerClient,
    BrokerError,
    Participant,
    region_from_url,
)
from constructs_lib.client import errors as client_errors

ROOT = Path(__file__).resolve().parents[2]
AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\d{8})/eu-west-2/execute-api/aws4_request, "
    r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})"
)


def broker(server: ScriptedServer, session: botocore.session.Session) -> BrokerClient:
    return BrokerClient(server.url, session, region="eu-west-2", timeout=1.0, max_attempts=1)


def call(server: ScriptedServer, session: botocore.session.Session, *steps: Step) -> Seen:
    server.script(*steps)
    broker(server, session).create_participant("c-1", "Ana")
    return server.seen[0]


def test_result_is_a_typed_participant(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(created())
    assert broker(server, session).create_participant("c-1", "Ana") == Participant(
        participant_id=PARTICIPANT["participantId"],
        participant_token="secret-token-value",
        expiry=datetime(2026, 11, 26, 2, 41, 28, 172000, tzinfo=UTC),
    )


def test_participant_repr_hides_the_token() -> None:
    participant = Participant("p-1", "secret-token-value", datetime.now(UTC))
    assert "secret-token-value" not in repr(participant)


def test_request_goes_to_the_contract_path(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    seen = call(server, session, created())
    assert (seen.method, seen.path) == ("POST", "/prod/contacts/c-1/participants")


def test_minimal_body_has_display_name_only(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    assert json.loads(call(server, session, created()).body) == {"displayName": "Ana"}


def test_request_declares_its_json_body(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    # CONTRACT v2: the broker answers 415 to anything but application/json.
    assert call(server, session, created()).headers["content-type"] == "application/json"


def test_role_and_capabilities_reach_the_body(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(created())
    broker(server, session).create_participant(
        "c-1", "Bot", role="CUSTOM_BOT", video=True, screen_share=True
    )
    assert json.loads(server.seen[0].body) == {
        "displayName": "Bot",
        "role": "CUSTOM_BOT",
        "capabilities": {"video": "SEND", "screenShare": "SEND"},
    }


def test_request_is_sigv4_signed_for_execute_api(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    seen = call(server, session, created())
    match = AUTH.fullmatch(seen.headers["authorization"])
    assert match is not None
    assert match.group(1) == seen.headers["x-amz-date"][:8]
    assert {"host", "idempotency-key", "x-amz-date"} <= set(match.group(2).split(";"))


def test_session_token_is_sent(server: ScriptedServer, session: botocore.session.Session) -> None:
    assert call(server, session, created()).headers["x-amz-security-token"] == "session-tok"


def test_signature_covers_what_was_sent(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    seen = call(server, session, created())
    match = AUTH.fullmatch(seen.headers["authorization"])
    assert match is not None
    signed = match.group(2).split(";")
    request = AWSRequest(
        method=seen.method,
        url=f"http://{seen.headers['host']}{seen.path}",
        data=seen.body,
        headers={name: seen.headers[name] for name in signed},
    )
    request.context["timestamp"] = seen.headers["x-amz-date"]
    credentials = session.get_credentials()
    assert credentials is not None
    signer = SigV4Auth(credentials.get_frozen_credentials(), "execute-api", "eu-west-2")
    expected = signer.signature(
        signer.string_to_sign(request, signer.canonical_request(request)), request
    )
    assert match.group(3) == expected


def test_authorization_value_replaces_sigv4(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(created())
    BrokerClient(server.url, authorization="Bearer abc", max_attempts=1).create_participant(
        "c-1", "Ana"
    )
    headers = server.seen[0].headers
    assert (headers["authorization"], "x-amz-date" in headers) == ("Bearer abc", False)


def test_unsigned_client_sends_no_authorization(server: ScriptedServer) -> None:
    server.script(created())
    BrokerClient(server.url, sign=False, max_attempts=1).create_participant("c-1", "Ana")
    assert "authorization" not in server.seen[0].headers


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://a1b2c3.execute-api.eu-west-2.amazonaws.com/prod/", "eu-west-2"),
        ("https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn/prod", "cn-north-1"),
        (
            "https://a1b2c3-vpce-0123.execute-api.us-gov-west-1.vpce.amazonaws.com/p",
            "us-gov-west-1",
        ),
        ("https://broker.example.com/", None),
    ],
)
def test_region_from_url(url: str, region: str | None) -> None:
    assert region_from_url(url) == region


def test_url_must_be_http() -> None:
    with pytest.raises(ValueError, match=r"url must start with https:// \(got 'ftp://x'\)"):
        BrokerClient("ftp://x")


@pytest.mark.parametrize(
    ("status", "code", "name"),
    [
        (400, "invalid-request", "InvalidRequest"),
        (401, "unauthorized", "Unauthorized"),
        (403, "access-denied", "AccessDenied"),
        (403, "not-allowed", "NotAllowed"),
        (404, "contact-not-found", "ContactNotFound"),
        (404, "not-found", "NotFound"),
        (409, "conflict", "Conflict"),
        (413, "too-large", "PayloadTooLarge"),
        (415, "unsupported-media-type", "UnsupportedMediaType"),
        (500, "internal", "InternalError"),
        (504, "timeout", "GatewayTimeout"),
    ],
)
def test_problem_raises_its_typed_error(
    server: ScriptedServer, session: botocore.session.Session, status: int, code: str, name: str
) -> None:
    with pytest.raises(BrokerError) as caught:
        call(server, session, problem(status, code))
    error = caught.value
    assert (type(error).__name__, error.status, error.type, error.title, error.detail) == (
        name,
        status,
        f"urn:connect-participant-broker:problem:{code}",
        f"title {code}",
        f"detail {code}",
    )


def test_validation_errors_are_kept(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    step = problem(400, "invalid-request")
    step.body["errors"] = [{"field": "displayName", "message": "is required"}]
    with pytest.raises(BrokerError) as caught:
        call(server, session, step)
    assert caught.value.errors == ({"field": "displayName", "message": "is required"},)


def test_gateway_message_body_maps_by_status(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    step = Step(403, {"message": "Forbidden"}, content_type="application/json")
    with pytest.raises(AccessDenied) as caught:
        call(server, session, step)
    assert (caught.value.title, caught.value.type, caught.value.request_id) == (
        "Forbidden",
        "about:blank",
        "hdr-403",
    )


def test_unknown_status_raises_base_error(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    with pytest.raises(BrokerError) as caught:
        call(server, session, Step(418, b"teapot", content_type="text/plain"))
    assert (type(caught.value), str(caught.value)) == (
        BrokerError,
        "418 HTTP 418 (request hdr-418)",
    )


def test_malformed_created_body_raises(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    with pytest.raises(BrokerError, match="201 Unexpected response"):
        call(server, session, Step(201, {"participantId": "p"}, content_type="application/json"))


def test_problem_types_match_the_catalogue() -> None:
    catalogue = json.loads((ROOT / "runtime" / "broker" / "problems.json").read_text())
    expected = {
        entry["type"]: entry["status"] for code, entry in catalogue.items() if code != "$comment"
    }
    assert {kind: cls.status_code for kind, cls in client_errors.BY_TYPE.items()} == expected


def test_import_needs_no_cdk_and_no_botocore() -> None:
    code = (
        "import sys, constructs_lib.client; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'aws_cdk', 'jsii', 'constructs', 'botocore', 'boto3'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "[]"
