"""The caller identity (CONTRACT v2.1), read where API Gateway puts it for each authorization
type: with AWS_IAM, the IAM user, the role of an assumed-role session (not the session, whose
name whoever assumes the role chooses), or the Cognito identity-pool identity.

Event shapes: API Gateway developer guide, "Input format of a Lambda function for proxy
integration" (``requestContext.identity``, ``requestContext.authorizer``); what AWS puts in
``requestContext.identity``, and who chooses it: ``tests/aws_rules/iam_identity.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_rules import iam_identity
from hypothesis import given
from hypothesis import strategies as st
from runtime_support import (
    CALLER,
    CALLER_ARN,
    IDENTITY_POOL_ID,
    IDENTITY_POOL_SESSION,
    api_gateway_event,
    signed_by,
)

from runtime.broker.identity import ANONYMOUS, MissingIdentity, caller_identity, principal

POOL_USER = "eu-west-1:0a1b2c3d-0000-4000-8000-00000000a0a0"


def with_authorizer(authorizer: dict[str, Any]) -> dict[str, Any]:
    event = api_gateway_event({"displayName": "Ana"})
    event["requestContext"]["authorizer"] = authorizer
    return event


def iam(user_arn: str, pool_user: str | None = None, sessions: bool = False) -> str:
    event = signed_by(api_gateway_event({}), user_arn, cognito_identity_id=pool_user)
    return caller_identity(event, "AWS_IAM", sessions)


def test_iam_caller_of_an_assumed_role_session_is_the_role() -> None:
    assert caller_identity(api_gateway_event({}), "AWS_IAM") == CALLER
    assert f"{CALLER}/app" == CALLER_ARN


@pytest.mark.parametrize("partition", iam_identity.partitions())
def test_two_sessions_of_one_role_are_one_caller_in_every_partition(partition: str) -> None:
    role = f"arn:{partition}:sts::111122223333:assumed-role/Broker-Caller_1"
    sessions = ["ana@example.com", "botocore-session-1795657288", "i-0abc123def4567890", "a=b,c.d"]
    arns = [
        iam_identity.assumed_role_arn("Broker-Caller_1", name, partition, "111122223333")
        for name in sessions
    ]
    assert {iam(arn) for arn in arns} == {role}


ROLES = st.from_regex(iam_identity.ROLE_NAME, fullmatch=True)
SESSIONS = st.from_regex(iam_identity.SESSION_NAME, fullmatch=True)


@given(role=ROLES, other_role=ROLES, session=SESSIONS, other_session=SESSIONS)
def test_a_session_name_never_makes_another_caller(
    role: str, other_role: str, session: str, other_session: str
) -> None:
    # Whatever session names the assumers choose, the identity is the role's: two sessions of
    # one role are one caller, and sessions of two roles are never one.
    mine = iam(iam_identity.assumed_role_arn(role, session))
    assert mine == f"arn:aws:sts::123456789012:assumed-role/{role}"
    assert iam(iam_identity.assumed_role_arn(role, other_session)) == mine
    theirs = iam(iam_identity.assumed_role_arn(other_role, other_session))
    assert (theirs == mine) == (other_role == role)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::123456789012:user/ana",
        "arn:aws:iam::123456789012:user/division/team/ana",
        "arn:aws-cn:iam::123456789012:user/ana",
        "arn:aws:iam::123456789012:root",
        "arn:aws:sts::123456789012:federated-user/ana",
        # Not the documented shape of an assumed-role session: kept whole, never shortened
        # into a role's identity.
        "arn:aws:sts::123456789012:assumed-role/app",
        "arn:aws:sts::123456789012:assumed-role/app/x/y",
        "arn:aws:iam::123456789012:assumed-role/app/x",
        "arn:aws:sts::123456789012:extra:assumed-role/app/x",
        "arn:aws:sts::123456789012:federated-user/app/x",
    ],
)
def test_every_other_iam_caller_is_its_arn(arn: str) -> None:
    assert principal(arn) == arn
    assert iam(arn) == arn


def test_iam_session_identity_keeps_the_session() -> None:
    assert iam(CALLER_ARN, sessions=True) == CALLER_ARN
    assert iam("arn:aws:iam::123456789012:user/ana", sessions=True) == (
        "arn:aws:iam::123456789012:user/ana"
    )


def test_identity_pool_users_on_one_role_are_two_callers() -> None:
    other = "eu-west-1:0b0b0b0b-0000-4000-8000-0000000b0b0b"
    assert iam_identity.IDENTITY_ID.fullmatch(POOL_USER) and iam_identity.IDENTITY_ID.fullmatch(
        other
    )
    assert IDENTITY_POOL_SESSION.endswith(f"/{iam_identity.IDENTITY_POOL_SESSION_NAME}")
    assert iam(IDENTITY_POOL_SESSION, POOL_USER) == POOL_USER
    assert iam(IDENTITY_POOL_SESSION, other) == other
    # The session name is the same for every such user: it never names a caller.
    assert iam(IDENTITY_POOL_SESSION, POOL_USER, sessions=True) == POOL_USER


def test_an_empty_identity_pool_identity_is_no_identity_pool() -> None:
    event = signed_by(api_gateway_event({}), CALLER_ARN)
    event["requestContext"]["identity"]["cognitoIdentityId"] = ""
    assert caller_identity(event, "AWS_IAM") == CALLER
    del event["requestContext"]["identity"]["cognitoIdentityId"]
    assert caller_identity(event, "AWS_IAM") == CALLER


@pytest.mark.parametrize("value", [42, ["x"], {"id": POOL_USER}, True])
def test_an_unreadable_identity_pool_identity_is_missing_not_the_shared_role(
    value: object,
) -> None:
    event = signed_by(api_gateway_event({}), IDENTITY_POOL_SESSION, cognito_identity_id=POOL_USER)
    event["requestContext"]["identity"]["cognitoIdentityId"] = value
    assert event["requestContext"]["identity"]["cognitoIdentityPoolId"] == IDENTITY_POOL_ID
    with pytest.raises(MissingIdentity):
        caller_identity(event, "AWS_IAM")


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
