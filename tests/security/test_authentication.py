"""No API method is unauthenticated unless the broker takes
``BrokerAuthorization.allow_unauthenticated_access()``, which warns at synth."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import cx_api
from security_stacks import (
    EXAMPLE,
    UNAUTHENTICATED,
    UNAUTHENTICATED_ACKNOWLEDGED,
    VARIANTS,
    WITH_CORS,
    WITH_INVITATIONS,
    SecurityStacks,
)

UNAUTHENTICATED_WARNING_ID = "connect-participant-broker:unauthenticated"
#: The stacks whose broker takes ``BrokerAuthorization.allow_unauthenticated_access()``.
OPEN = frozenset({UNAUTHENTICATED, UNAUTHENTICATED_ACKNOWLEDGED})
EXPECTED_POST_AUTHORIZATION = {
    EXAMPLE: "AWS_IAM",
    "IamDefault": "AWS_IAM",
    "CognitoUserPool": "COGNITO_USER_POOLS",
    "CustomAuthorizer": "CUSTOM",
    UNAUTHENTICATED: "NONE",
    UNAUTHENTICATED_ACKNOWLEDGED: "NONE",
    "PrivateEndpoint": "AWS_IAM",
    "NetworkOptions": "AWS_IAM",
    "Invitations": "AWS_IAM",
    "InvitationsCognito": "COGNITO_USER_POOLS",
}
#: The methods of a broker with invitations, besides the participants route's POST.
INVITATION_METHODS = ["DELETE", "GET", "POST", "POST"]


def is_redeem(template: dict[str, Any], method: dict[str, Any]) -> bool:
    """Whether ``method`` is ``POST /invitations/redeem`` (its resource's path part)."""
    resource = template["Resources"].get(method["ResourceId"].get("Ref", ""), {})
    return (
        method["HttpMethod"] == "POST"
        and resource.get("Properties", {}).get("PathPart") == "redeem"
    )


def methods(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the properties of every ``AWS::ApiGateway::Method`` in ``template``."""
    return [
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::ApiGateway::Method"
    ]


def unauthenticated_warnings(stacks: SecurityStacks, name: str) -> list[cx_api.SynthesisMessage]:
    """Return the synth warnings about unauthenticated access in stack ``name``."""
    artifact = stacks.assembly.get_stack_by_name(name)
    return [
        message
        for message in artifact.messages
        if message.level == cx_api.SynthesisMessageLevel.WARNING
        and UNAUTHENTICATED_WARNING_ID in str(message.entry.data)
    ]


@pytest.mark.parametrize("name", [name for name in EXPECTED_POST_AUTHORIZATION if name not in OPEN])
def test_no_method_is_unauthenticated_without_the_explicit_prop(
    security_stacks: SecurityStacks, name: str
) -> None:
    found = methods(security_stacks.template(name))
    assert found
    template = security_stacks.template(name)
    open_methods = [
        method["HttpMethod"]
        for method in found
        if method.get("AuthorizationType", "NONE") == "NONE"
        and not (method["HttpMethod"] == "OPTIONS" and name in WITH_CORS)
        and not (name in WITH_INVITATIONS and is_redeem(template, method))
    ]
    assert open_methods == []


@pytest.mark.parametrize("name", sorted(WITH_INVITATIONS))
def test_the_redeem_method_is_the_one_unauthenticated_route(
    security_stacks: SecurityStacks, name: str
) -> None:
    template = security_stacks.template(name)
    found = methods(template)
    [redeem] = [method for method in found if is_redeem(template, method)]
    assert redeem["AuthorizationType"] == "NONE"
    others = [m for m in found if m is not redeem and m["HttpMethod"] != "OPTIONS"]
    expected = EXPECTED_POST_AUTHORIZATION[name]
    assert {m.get("AuthorizationType") for m in others} == {expected}


@pytest.mark.parametrize("name", sorted(set(EXPECTED_POST_AUTHORIZATION) - WITH_CORS))
def test_no_options_method_without_cors(security_stacks: SecurityStacks, name: str) -> None:
    http_methods = sorted(m["HttpMethod"] for m in methods(security_stacks.template(name)))
    assert http_methods == (
        sorted(["POST", *INVITATION_METHODS]) if name in WITH_INVITATIONS else ["POST"]
    )


@pytest.mark.parametrize("name", sorted(WITH_CORS))
def test_cors_adds_only_an_options_preflight(security_stacks: SecurityStacks, name: str) -> None:
    http_methods = sorted(m["HttpMethod"] for m in methods(security_stacks.template(name)))
    if name in WITH_INVITATIONS:
        assert http_methods == sorted(["OPTIONS"] * 4 + ["POST", *INVITATION_METHODS])
    else:
        assert http_methods == ["OPTIONS", "POST"]


@pytest.mark.parametrize("name", list(EXPECTED_POST_AUTHORIZATION))
def test_post_method_uses_the_chosen_authorization(
    security_stacks: SecurityStacks, name: str
) -> None:
    template = security_stacks.template(name)
    posts = [
        m for m in methods(template) if m["HttpMethod"] == "POST" and not is_redeem(template, m)
    ]
    assert posts
    for post in posts:
        assert post.get("AuthorizationType", "NONE") == EXPECTED_POST_AUTHORIZATION[name]


def test_explicit_prop_adds_the_warning_annotation(security_stacks: SecurityStacks) -> None:
    [warning] = unauthenticated_warnings(security_stacks, UNAUTHENTICATED)
    assert warning.id == f"/{UNAUTHENTICATED}/Broker"
    assert str(warning.entry.data).startswith(
        "BrokerAuthorization.allow_unauthenticated_access(): anyone"
    )


@pytest.mark.parametrize("name", [EXAMPLE, *(n for n in VARIANTS if n not in OPEN)])
def test_no_warning_without_the_explicit_prop(security_stacks: SecurityStacks, name: str) -> None:
    assert unauthenticated_warnings(security_stacks, name) == []
