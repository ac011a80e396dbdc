"""The caller identity (CONTRACT v2), read where API Gateway puts it for each authorization type.

Event shapes: API Gateway developer guide, "Input format of a Lambda function for proxy
integration" (``requestContext.identity``, ``requestContext.authorizer``).
"""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import api_gateway_event

from runtime.broker.identity import ANONYMOUS, MissingIdentity, caller_identity

ROLE_SESSION = "arn:aws:sts::123456789012:assumed-role/app/app"


def with_authorizer(authorizer: dict[str, Any]) -> dict[str, Any]:
    event = api_gateway_event({"displayName": "Ana"})
    event["requestContext"]["authorizer"] = authorizer
    return event


def test_iam_caller_is_the_principal_arn() -> None:
    assert caller_identity(api_gateway_event({}), "AWS_IAM") == ROLE_SESSION


def test_cognito_caller_is_the_sub_claim_not_the_username() -> None:
    event = with_authorizer({"claims": {"sub": "sub-1", "cognito:username": "ana"}})
    assert caller_identity(event, "COGNITO_USER_POOLS") == "sub-1"


def test_custom_authorizer_caller_is_the_principal_id() -> None:
    event = with_authorizer({"principalId": "user|42", "integrationLatency": 3})
    assert caller_identity(event, "CUSTOM") == "user|42"


def test_unauthenticated_callers_share_one_identity() -> None:
    assert caller_identity(api_gateway_event({}), "NONE") == ANONYMOUS == ""


def test_identity_is_never_taken_from_another_authorization_types_place() -> None:
    # An IAM event carries a userArn but no authorizer: a Cognito broker must not accept it.
    with pytest.raises(MissingIdentity):
        caller_identity(api_gateway_event({}), "COGNITO_USER_POOLS")
    event = with_authorizer({"claims": {"sub": "sub-1"}})
    event["requestContext"]["identity"]["userArn"] = None
    with pytest.raises(MissingIdentity):
        caller_identity(event, "AWS_IAM")
    with pytest.raises(MissingIdentity):
        caller_identity(event, "CUSTOM")


@pytest.mark.parametrize("context", [None, "x", {"identity": None}, {"authorizer": []}])
def test_malformed_request_context_is_a_missing_identity(context: object) -> None:
    event = api_gateway_event({})
    event["requestContext"] = context
    for auth_type in ("AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"):
        with pytest.raises(MissingIdentity):
            caller_identity(event, auth_type)


@pytest.mark.parametrize("value", ["", 42, ["arn"], {"sub": "x"}])
def test_empty_or_non_string_identity_is_missing(value: object) -> None:
    iam = api_gateway_event({})
    iam["requestContext"]["identity"]["userArn"] = value
    with pytest.raises(MissingIdentity):
        caller_identity(iam, "AWS_IAM")
    with pytest.raises(MissingIdentity):
        caller_identity(with_authorizer({"claims": {"sub": value}}), "COGNITO_USER_POOLS")
    with pytest.raises(MissingIdentity):
        caller_identity(with_authorizer({"principalId": value}), "CUSTOM")
