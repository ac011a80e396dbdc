"""The security table (docs/security.md) matches what a default broker synthesizes, row by
row: each row's default is checked against the template; a new row needs a check here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from constructs_lib import ConnectInstance, ParticipantBroker

SECURITY = Path(__file__).resolve().parents[1] / "docs" / "security.md"


def security_rows() -> list[str]:
    """The first cell of each row of the table under ``## Security``."""
    section = SECURITY.read_text(encoding="utf-8").split("\n## ", 1)[0]
    table = section.split("\n\n| default |", 1)[1].split("\n\n", 1)[0]
    return [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()[2:]]


def resources(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r.get("Properties", {}) for r in template["Resources"].values() if r["Type"] == kind]


def methods(t: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["HttpMethod"]: m for m in resources(t, "AWS::ApiGateway::Method")}


def stage_settings(t: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = resources(t, "AWS::ApiGateway::Stage")[0]["MethodSettings"][0]
    return settings


def participants_rate(t: dict[str, Any]) -> float:
    (setting,) = [
        s
        for s in resources(t, "AWS::ApiGateway::Stage")[0]["MethodSettings"]
        if s["ResourcePath"] == "/~1contacts~1{contactId}~1participants"
    ]
    return float(setting["ThrottlingRateLimit"])


def function_env(t: dict[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = resources(t, "AWS::Lambda::Function")[0]["Environment"]["Variables"]
    return env


def policy_actions(t: dict[str, Any]) -> list[str]:
    return [
        action
        for role in resources(t, "AWS::IAM::Role")
        for policy in role.get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    ]


#: The start of a row's default cell -> what it claims, checked on the default template.
CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "**AWS_IAM authorization**": lambda t: methods(t)["POST"]["AuthorizationType"] == "AWS_IAM",
    "**No resource policy**": lambda t: "Policy" not in resources(t, "AWS::ApiGateway::RestApi")[0],
    "**Regional endpoint**": lambda t: (
        resources(t, "AWS::ApiGateway::RestApi")[0]["EndpointConfiguration"]
        == {"Types": ["REGIONAL"]}
    ),
    "**No WAF**": lambda t: not resources(t, "AWS::WAFv2::WebACLAssociation"),
    "**No CORS**": lambda t: set(methods(t)) == {"POST"},
    "**Validation in the function**": lambda t: (
        not resources(t, "AWS::ApiGateway::RequestValidator")
        and "RequestValidatorId" not in methods(t)["POST"]
    ),
    "**Minimum TLS 1.2**": lambda t: (
        resources(t, "AWS::ApiGateway::RestApi")[0]["SecurityPolicy"] == "TLS_1_2"
    ),
    "**Throttling** within Connect's quotas": lambda t: (
        (
            stage_settings(t)["ThrottlingRateLimit"],
            stage_settings(t)["ThrottlingBurstLimit"],
        )
        == (5, 10)
        # the participants route: 1 CreateParticipant and up to 4 DescribeContact calls
        and participants_rate(t) <= 5
        and 4 * participants_rate(t) <= 10
    ),
    "**Least privilege**": lambda t: all(
        "ManagedPolicyArns" not in role for role in resources(t, "AWS::IAM::Role")
    ),
    "**Instance fixed at deploy time**": lambda t: (
        "INSTANCE_ID" in resources(t, "AWS::Lambda::Function")[0]["Environment"]["Variables"]
    ),
    "**Idempotency keys scoped to the caller and the request**": lambda t: (
        resources(t, "AWS::Lambda::Function")[0]["Environment"]["Variables"]["AUTH_TYPE"]
        == "AWS_IAM"
    ),
    "**Logging without secrets**": lambda t: (
        (
            stage_settings(t)["DataTraceEnabled"],
            stage_settings(t)["LoggingLevel"],
        )
        == (False, "ERROR")
    ),
    "**Errors from API Gateway itself**": lambda t: all(
        "StatusCode" not in r for r in resources(t, "AWS::ApiGateway::GatewayResponse")
    ),
    "**No account-wide setting is changed**": lambda t: (
        not resources(t, "AWS::ApiGateway::Account")
    ),
    "**Contact checks**": lambda t: (
        function_env(t)["CONTACT_CHECKS"] == "true"
        and "connect:DescribeContact" in policy_actions(t)
    ),
    "**Any authenticated caller may add participants to any contact": lambda t: (
        "CALLER_ATTRIBUTE" not in function_env(t)
    ),
    "**No invitations**": lambda t: (
        not resources(t, "AWS::DynamoDB::Table")
        and "INVITATIONS_TABLE" not in function_env(t)
        and not [a for a in policy_actions(t) if a.startswith("dynamodb:")]
    ),
}


@pytest.fixture(scope="module")
def template(app_factory: Callable[..., cdk.App]) -> dict[str, Any]:
    stack = cdk.Stack(app_factory(), "Stack")
    ParticipantBroker(stack, "Broker", instance=ConnectInstance.from_id("i-1"))
    result: dict[str, Any] = Template.from_stack(stack).to_json()
    return result


def test_every_row_has_a_check() -> None:
    rows = security_rows()
    assert len(rows) == len(CHECKS)
    for row in rows:
        assert [claim for claim in CHECKS if row.startswith(claim)], f"no check for: {row}"


@pytest.mark.parametrize("claim", sorted(CHECKS))
def test_row_matches_the_default_template(template: dict[str, Any], claim: str) -> None:
    assert any(row.startswith(claim) for row in security_rows())
    assert CHECKS[claim](template)
