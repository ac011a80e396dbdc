"""Props whose promise only holds as deployed: grant_invoke with other authorizers, an instance
ARN where an ID belongs, the minimum TLS version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Template
from aws_rules.intrinsics import evaluate
from broker_support import INSTANCE_ID, new_stack, synth_broker

from constructs_lib import BrokerAuthorization, ConnectInstance, ParticipantBroker

INSTANCE_ARN = f"arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE_ID}"


@pytest.mark.parametrize(
    ("props", "auth"),
    [
        (
            lambda s: {"authorization": BrokerAuthorization.cognito(cognito.UserPool(s, "Pool"))},
            "COGNITO_USER_POOLS",
        ),
        (
            lambda s: {"authorization": BrokerAuthorization.allow_unauthenticated_access()},
            "NONE",
        ),
    ],
    ids=["cognito", "unauthenticated"],
)
def test_grant_invoke_refuses_a_broker_iam_does_not_authorize(
    app_factory: Callable[..., cdk.App], props: Callable[[cdk.Stack], dict[str, Any]], auth: str
) -> None:
    stack = new_stack(app_factory)
    broker = ParticipantBroker(
        stack, "Broker", instance=ConnectInstance.from_id(INSTANCE_ID), **props(stack)
    )
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(ValueError) as raised:
        broker.grant_invoke(caller)
    assert str(raised.value) == (
        f"grant_invoke has no effect on a broker authorized by {auth}: API Gateway checks "
        "execute-api:Invoke permissions only for AWS_IAM methods; give the caller a token of "
        "the user pool or authorizer instead, or use AWS_IAM (the default) and grant_invoke"
    )


def test_a_literal_instance_arn_becomes_the_id(app_factory: Callable[..., cdk.App]) -> None:
    synth = synth_broker(app_factory, instance=ConnectInstance.from_arn(INSTANCE_ARN))
    assert synth.only("AWS::SSM::Parameter")["Value"] == INSTANCE_ID
    variables = synth.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert variables["INSTANCE_ID"] == INSTANCE_ID


def test_a_parameter_holding_the_arn_scopes_iam_and_the_function_to_the_id(
    app_factory: Callable[..., cdk.App],
) -> None:
    # A Connect stack commonly publishes the instance ARN: before, IAM got
    # instance/arn:aws:connect:... and every call failed with AccessDenied (a 500).
    stack = new_stack(app_factory)
    parameter = ssm.StringParameter.from_string_parameter_name(stack, "Id", "/connect/instance")
    ParticipantBroker(stack, "Broker", instance=ConnectInstance.from_parameter(parameter))
    template = Template.from_stack(stack).to_json()
    (parameter_name,) = [p for p in template["Parameters"] if p.startswith("Id")]
    resources = template["Resources"]
    function = next(r for r in resources.values() if r["Type"] == "AWS::Lambda::Function")
    role = next(
        r
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role" and "Policies" in r["Properties"]
    )
    statement = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][1]
    prefix = "arn:aws:connect:eu-west-1:123456789012:instance/"
    for value in (INSTANCE_ID, INSTANCE_ARN):
        refs = {parameter_name: value}
        env = evaluate(function["Properties"]["Environment"]["Variables"], refs)
        assert env["INSTANCE_ID"] == INSTANCE_ID
        assert sorted(evaluate(statement["Resource"], refs)) == [
            prefix + INSTANCE_ID,
            prefix + INSTANCE_ID + "/contact/*",
        ]


def test_minimum_tls_is_1_2_by_default(app_factory: Callable[..., cdk.App]) -> None:
    # A regional REST API's own default is TLS_1_0 ("Supported security policies").
    api = synth_broker(app_factory).only("AWS::ApiGateway::RestApi")
    assert api["SecurityPolicy"] == "TLS_1_2"
    assert "EndpointAccessMode" not in api
