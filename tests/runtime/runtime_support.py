"""Helpers for the runtime tests: API Gateway events, a fake Lambda context, expected bodies."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from constructs_lib.local.events import LambdaContext, proxy_event
from runtime.broker import logs
from runtime.broker.config import Config

INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
CONTACT_ID = "c0ffee00-1234-4abc-8def-0123456789ab"
API_REQUEST_ID = "5f0a1c2e-7b3d-4e8f-9a10-b2c3d4e5f607"
LAMBDA_REQUEST_ID = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
FUNCTION_NAME = "Stack-BrokerFunction1234ABCD-AbCdEf123456"
TOKEN = "QVFJREFIaGVtdGVzdC1wYXJ0aWNpcGFudC10b2tlbi1zZWNyZXQ="
PARTICIPANT_ID = "b6b8a7e1-5c4d-4f3e-9a2b-1c0d9e8f7a6b"
EXPIRY = "2026-11-26T02:41:28.172Z"
CONNECT_RESPONSE = {
    "ParticipantId": PARTICIPANT_ID,
    "ParticipantCredentials": {"ParticipantToken": TOKEN, "Expiry": EXPIRY},
}
#: ``requestContext.identity.userArn`` of :func:`api_gateway_event`: a session of role ``app``.
CALLER_ARN = "arn:aws:sts::123456789012:assumed-role/app/app"
#: The caller identity of :func:`api_gateway_event` (CONTRACT v2.1): the role, not the session.
CALLER = "arn:aws:sts::123456789012:assumed-role/app"
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
PROBLEM_HEADERS = {"Content-Type": "application/problem+json", **COMMON_HEADERS}


def FakeLambdaContext(**overrides: Any) -> LambdaContext:
    """Lambda's context object as the handler gets it in the tests: 20 s left, fixed."""
    values: dict[str, Any] = {
        "aws_request_id": LAMBDA_REQUEST_ID,
        "function_name": FUNCTION_NAME,
        "invoked_function_arn": f"arn:aws:lambda:eu-west-1:123456789012:function:{FUNCTION_NAME}",
        "log_group_name": f"/aws/lambda/{FUNCTION_NAME}",
        "log_stream_name": "2026/11/26/[$LATEST]0123456789abcdef",
        "remaining_ms": 20_000,
    }
    return LambdaContext(**{**values, **overrides})


def api_gateway_event(
    body: dict[str, Any] | str | None = None,
    *,
    contact_id: str | None = CONTACT_ID,
    headers: dict[str, str] | None = None,
    multi_value_headers: dict[str, list[str]] | None = None,
    base64_body: bool = False,
    request_id: str = API_REQUEST_ID,
) -> dict[str, Any]:
    """An API Gateway REST API proxy event (payload 1.0) of a SigV4-signed request to the
    participants route, as API Gateway sends it.

    ``body`` is JSON-encoded when it is a dict, sent as is when it is a string.
    """
    text = json.dumps(body) if isinstance(body, dict) else body
    if base64_body and text is not None:
        text = base64.b64encode(text.encode("utf-8")).decode("ascii")
    all_headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Host": "abc123defg.execute-api.eu-west-1.amazonaws.com",
        "User-Agent": "aws-sigv4-client/1.0",
        "X-Amz-Date": "20261126T014128Z",
        "X-Amzn-Trace-Id": "Root=1-6745a6a0-0123456789abcdef01234567",
        "X-Forwarded-For": "203.0.113.10",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(headers or {}),
    }
    return proxy_event(
        "POST",
        "/contacts/{contactId}/participants",
        f"/contacts/{contact_id}/participants",
        headers=all_headers,
        multi_value_headers=multi_value_headers,
        path_parameters=None if contact_id is None else {"contactId": contact_id},
        body=text,
        base64_encoded=base64_body,
        request_id=request_id,
        stage="v1",
        identity={
            "accessKey": "ASIAEXAMPLEKEY000000",
            "accountId": "123456789012",
            "caller": "AROAEXAMPLEROLEID0000:app",
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "sourceIp": "203.0.113.10",
            "user": "AROAEXAMPLEROLEID0000:app",
            "userAgent": "aws-sigv4-client/1.0",
            "userArn": CALLER_ARN,
        },
        request_context={
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": "abc123defg.execute-api.eu-west-1.amazonaws.com",
            "extendedRequestId": "Bq3XoFxRDoEFdXw=",
            "requestTime": "26/Nov/2026:01:41:28 +0000",
            "requestTimeEpoch": 1795657288000,
            "resourceId": "a1b2c3",
        },
    )


#: A Cognito identity pool's ID (``requestContext.identity.cognitoIdentityPoolId``).
IDENTITY_POOL_ID = "eu-west-1:4f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8"
#: The role every user of :data:`IDENTITY_POOL_ID` signs in with, and its only session name.
IDENTITY_POOL_SESSION = (
    "arn:aws:sts::123456789012:assumed-role/Cognito_AppAuth_Role/CognitoIdentityCredentials"
)


def signed_by(
    event: dict[str, Any], user_arn: str, *, cognito_identity_id: str | None = None
) -> dict[str, Any]:
    """``event`` as API Gateway passes an AWS_IAM request signed by ``user_arn``'s credentials,
    or, with ``cognito_identity_id``, by that identity's credentials from a Cognito identity pool
    (API Gateway developer guide, "$context variables for data models, authorizers, mapping
    templates, and access logging": ``$context.identity.*``; the ``cognito*`` fields are
    "available only if the request was signed with Amazon Cognito credentials")."""
    identity = event["requestContext"]["identity"]
    name = user_arn.rpartition("/")[2]
    unique_id = (  # role ID and session name, or an IAM user's ID
        f"AROAEXAMPLEROLEID0000:{name}" if ":assumed-role/" in user_arn else "AIDAEXAMPLEUSERID000"
    )
    identity.update(userArn=user_arn, caller=unique_id, user=unique_id)
    if cognito_identity_id is not None:
        identity.update(
            cognitoIdentityId=cognito_identity_id,
            cognitoIdentityPoolId=IDENTITY_POOL_ID,
            cognitoAuthenticationType="authenticated",
            cognitoAuthenticationProvider=(
                "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf012,"
                "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf012:CognitoSignIn:sub-1"
            ),
        )
    return event


def expected_params(
    *,
    role: str = "CUSTOMER",
    display_name: str = "Ana Silva",
    capabilities: dict[str, str] | None = None,
    client_token: str | None = None,
    contact_id: str = CONTACT_ID,
) -> dict[str, Any]:
    """The CreateParticipant parameters the handler must send."""
    details: dict[str, Any] = {"ParticipantRole": role, "DisplayName": display_name}
    if capabilities:
        details["ParticipantCapabilities"] = capabilities
    params = {"InstanceId": INSTANCE_ID, "ContactId": contact_id, "ParticipantDetails": details}
    if client_token is not None:
        # Without an Idempotency-Key the broker sends no ClientToken; botocore then adds one
        # (after the Stubber has compared the parameters).
        params["ClientToken"] = client_token
    return params


def client_token(
    key: str,
    *,
    caller: str = CALLER,
    contact_id: str = CONTACT_ID,
    role: str = "CUSTOMER",
    display_name: str = "Ana Silva",
    capabilities: dict[str, str] | None = None,
) -> str:
    """The ``ClientToken`` the broker must send for this key (CONTRACT v2), computed here from
    the documented encoding: SHA-256 hex of a sorted-keys JSON array with ASCII escapes."""
    request = {"capabilities": capabilities or {}, "displayName": display_name, "role": role}
    document = ["connect-participant-broker/client-token/1", caller, contact_id, key, request]
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def problem(
    status: int, type_code: str, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """An expected problem body, written out in the test (not read from problems.json)."""
    body: dict[str, Any] = {
        "type": f"urn:connect-participant-broker:problem:{type_code}",
        "title": title,
        "status": status,
        "detail": detail,
        "requestId": API_REQUEST_ID,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def invalid(*errors: tuple[str, str]) -> dict[str, Any]:
    """The expected 400 body for these (field, message) pairs."""
    return problem(
        400,
        "invalid-request",
        "The request is not valid",
        "The request is not valid; see errors for what to fix.",
        [{"field": name, "message": message} for name, message in errors],
    )


def default_config(**overrides: Any) -> Config:
    """A configuration as the construct sets it by default, with overrides; but without the
    contact checks, so a test of CreateParticipant stubs that call alone
    (``test_runtime_contacts.py`` tests the checks, with ``contact_checks=True``)."""
    values: dict[str, Any] = {
        "instance_id": INSTANCE_ID,
        "allowed_roles": frozenset({"CUSTOMER"}),
        "default_role": "CUSTOMER",
        "allow_video": True,
        "allow_screen_share": True,
        "log_level": "INFO",
        "metrics_namespace": "ConnectParticipantBroker",
        "function_name": FUNCTION_NAME,
        "region": "eu-west-1",
        "contact_checks": False,
    }
    values.update(overrides)
    return Config(**values)


def body_of(response: dict[str, Any]) -> Any:
    """Decode a proxy response's JSON body."""
    assert response["isBase64Encoded"] is False
    return json.loads(response["body"])


CONNECTED_AT = datetime(2026, 11, 26, 1, 41, 30, tzinfo=UTC)


def contact_description(
    *,
    channel: str = "VOICE",
    subtype: str | None = "connect:WebRTC",
    initiation: str | None = "WEBRTC_API",
    ended: bool = False,
    agent_connected: bool = True,
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """DescribeContact's answer (as the client parses it), by default an ongoing WebRTC call
    whose agent has connected."""
    contact: dict[str, Any] = {"Channel": channel}
    if initiation is not None:
        contact["InitiationMethod"] = initiation
    if subtype is not None:
        contact["SegmentAttributes"] = {"connect:Subtype": {"ValueString": subtype}}
    if agent_connected:
        contact["AgentInfo"] = {"ConnectedToAgentTimestamp": CONNECTED_AT}
    if ended:
        contact["DisconnectTimestamp"] = CONNECTED_AT
    if attributes is not None:
        contact["Attributes"] = attributes
    return {"Contact": contact}


def describe_params(contact_id: str = CONTACT_ID) -> dict[str, str]:
    """The DescribeContact parameters the handler must send."""
    return {"InstanceId": INSTANCE_ID, "ContactId": contact_id}


#: A log line's ``timestamp``: UTC, to the millisecond.
LOG_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
#: The request IDs every log line of :func:`api_gateway_event` with the fake context carries.
LOG_IDS = {"apiRequestId": API_REQUEST_ID, "lambdaRequestId": LAMBDA_REQUEST_ID}


def printed(output: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the function printed: its log lines (each timestamp checked, then dropped) and its
    EMF records."""
    records = [json.loads(line) for line in output.splitlines()]
    log_lines = [record for record in records if "_aws" not in record]
    for line in log_lines:
        assert LOG_TIMESTAMP.fullmatch(line.pop("timestamp")), line
    return log_lines, [record for record in records if "_aws" in record]


def log_line(level: str, message: str, contact_id: str | None, **fields: Any) -> dict[str, Any]:
    """An expected log line (without its timestamp), as docs/operating.md describes it."""
    return {
        "level": level,
        "logger": logs.LOGGER_NAME,
        "message": message,
        **LOG_IDS,
        "contactId": contact_id,
        **fields,
    }


def record_creations(monkeypatch: pytest.MonkeyPatch, module: Any, client: Any) -> list[str | None]:
    """Make ``module.create_client`` answer ``client`` and record the Region of each call."""
    regions: list[str | None] = []

    def create(region: str | None) -> Any:
        regions.append(region)
        return client

    monkeypatch.setattr(module, "create_client", create)
    return regions
