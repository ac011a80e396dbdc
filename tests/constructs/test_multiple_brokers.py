"""Several brokers: in one stack, in two stacks, with an existing SSM parameter."""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Template
from aws_rules.intrinsics import evaluate
from broker_support import INSTANCE_ID

from constructs_lib import ConnectInstance, ParticipantBroker


@pytest.fixture(scope="module")
def two_in_one_stack(app_factory: Callable[..., cdk.App]) -> tuple[cdk.Stack, Template]:
    stack = cdk.Stack(app_factory(), "Stack")
    ParticipantBroker(stack, "First", instance=ConnectInstance.from_id(INSTANCE_ID))
    parameter = ssm.StringParameter.from_string_parameter_name(stack, "Id", "/connect/id")
    ParticipantBroker(
        stack, "Second", instance=ConnectInstance.from_parameter(parameter), alarms=False
    )
    return stack, Template.from_stack(stack)


def test_two_brokers_in_one_stack_get_distinct_apis_and_functions(
    two_in_one_stack: tuple[cdk.Stack, Template],
) -> None:
    _, template = two_in_one_stack
    apis = template.find_resources("AWS::ApiGateway::RestApi")
    assert len({a["Properties"]["Name"] for a in apis.values()}) == 2
    template.resource_count_is("AWS::Lambda::Function", 2)


def test_two_brokers_in_one_stack_share_one_account_setting(
    app_factory: Callable[..., cdk.App],
) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    for name in ("One", "Two"):
        ParticipantBroker(
            stack,
            name,
            instance=ConnectInstance.from_id(INSTANCE_ID),
            create_api_gateway_account_role=True,
        )
    Template.from_stack(stack).resource_count_is("AWS::ApiGateway::Account", 1)


def test_no_physical_names_are_hard_coded(two_in_one_stack: tuple[cdk.Stack, Template]) -> None:
    template = two_in_one_stack[1].to_json()
    named = {
        "AWS::Lambda::Function": "FunctionName",
        "AWS::IAM::Role": "RoleName",
        "AWS::Logs::LogGroup": "LogGroupName",
        "AWS::SSM::Parameter": "Name",
    }
    for resource in template["Resources"].values():
        assert named.get(resource["Type"], "-") not in resource.get("Properties", {})


def test_existing_parameter_is_used_and_not_created(
    two_in_one_stack: tuple[cdk.Stack, Template],
) -> None:
    stack, template = two_in_one_stack
    template.resource_count_is("AWS::SSM::Parameter", 1)  # the first broker's only
    second = stack.node.find_child("Second")
    assert isinstance(second, ParticipantBroker)
    function = second.lambda_function.node.default_child
    assert isinstance(function, cdk.aws_lambda.CfnFunction)
    variables = template.to_json()["Resources"][stack.get_logical_id(function)]["Properties"][
        "Environment"
    ]["Variables"]
    # The parameter may hold the ID or the instance ARN; the function gets the ID either way.
    for value in (INSTANCE_ID, f"arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE_ID}"):
        assert evaluate(variables["INSTANCE_ID"], {"IdParameter": value}) == INSTANCE_ID


def test_existing_parameter_scopes_the_connect_arns_to_its_value(
    two_in_one_stack: tuple[cdk.Stack, Template],
) -> None:
    stack, template = two_in_one_stack
    second = stack.node.find_child("Second")
    assert isinstance(second, ParticipantBroker)
    role = second.lambda_function.role
    assert role is not None and role.node.default_child is not None
    properties = template.to_json()["Resources"][
        stack.get_logical_id(role.node.default_child)  # type: ignore[arg-type]
    ]["Properties"]
    resources = properties["Policies"][0]["PolicyDocument"]["Statement"][1]["Resource"]
    prefix = "arn:aws:connect:eu-west-1:123456789012:instance/"
    for value in (INSTANCE_ID, prefix + INSTANCE_ID):
        assert sorted(evaluate(resources, {"IdParameter": value})) == [
            prefix + INSTANCE_ID,
            prefix + INSTANCE_ID + "/contact/*",
        ]


def test_two_stacks_with_a_broker_each_synthesize(app_factory: Callable[..., cdk.App]) -> None:
    app = app_factory()
    for name in ("One", "Two"):
        ParticipantBroker(
            cdk.Stack(app, name), "Broker", instance=ConnectInstance.from_id(INSTANCE_ID)
        )
    assembly = app.synth()
    names = [
        next(
            r["Properties"]["Name"]
            for r in assembly.get_stack_by_name(name).template["Resources"].values()
            if r["Type"] == "AWS::ApiGateway::RestApi"
        )
        for name in ("One", "Two")
    ]
    assert names[0] != names[1]
