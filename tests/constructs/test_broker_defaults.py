"""ParticipantBroker with only ``instance_id``: every resource and default setting.

One template, synthesized once for the module, read by every test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Annotations, Match, Template
from broker_support import INSTANCE_ID, Synthesized, synth_broker

from constructs_lib import ConnectInstance, ParticipantBroker

PARTITION = {"Ref": "AWS::Partition"}
REGION = {"Ref": "AWS::Region"}
ACCOUNT = {"Ref": "AWS::AccountId"}


def connect_arn(suffix: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            ["arn:", PARTITION, ":connect:", REGION, ":", ACCOUNT, f":instance/{suffix}"],
        ]
    }


def lambda_role_properties(synth: Synthesized) -> dict[str, Any]:
    """The properties of the role Lambda assumes (the account role is the other one)."""
    roles = synth.template.find_resources(
        "AWS::IAM::Role",
        {
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [{"Principal": {"Service": "lambda.amazonaws.com"}}]
                }
            }
        },
    )
    assert len(roles) == 1
    properties: dict[str, Any] = next(iter(roles.values()))["Properties"]
    return properties


@pytest.fixture(scope="module")
def synth(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory)


# --- SSM -------------------------------------------------------------------------------------


def test_ssm_parameter_holds_the_instance_id(synth: Synthesized) -> None:
    assert synth.only("AWS::SSM::Parameter") == {
        "Type": "String",
        "Value": INSTANCE_ID,
        "Description": "Amazon Connect instance ID used by a ParticipantBroker",
    }


def test_function_gets_the_instance_id_at_deploy_time_not_from_ssm(synth: Synthesized) -> None:
    env = synth.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert env["INSTANCE_ID"] == INSTANCE_ID


# --- Lambda ----------------------------------------------------------------------------------


def test_function_runtime_architecture_handler_memory_timeout_tracing(synth: Synthesized) -> None:
    synth.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Handler": "broker.handler.handler",
            "MemorySize": 512,
            "Timeout": 25,
            "TracingConfig": {"Mode": "Active"},
        },
    )


def test_function_environment_is_exactly_the_runtime_interface(synth: Synthesized) -> None:
    assert synth.only("AWS::Lambda::Function")["Environment"]["Variables"] == {
        "INSTANCE_ID": INSTANCE_ID,
        "ALLOWED_ROLES": "CUSTOMER",
        "DEFAULT_ROLE": "CUSTOMER",
        "ALLOW_VIDEO": "true",
        "ALLOW_SCREEN_SHARE": "true",
        "LOG_LEVEL": "INFO",
        "METRICS_NAMESPACE": "ConnectParticipantBroker",
        "AUTH_TYPE": "AWS_IAM",
        "CONTACT_CHECKS": "true",
        "CHANNEL_ROLES": "CHAT=CUSTOM_BOT;VOICE=CUSTOMER",
        "AGENT_WAIT_MS": "3000",
    }


def test_function_has_no_reserved_concurrency_by_default(synth: Synthesized) -> None:
    assert "ReservedConcurrentExecutions" not in synth.only("AWS::Lambda::Function")


def test_function_logs_to_its_own_log_group(synth: Synthesized) -> None:
    function = synth.only("AWS::Lambda::Function")
    assert function["LoggingConfig"] == {
        "LogGroup": synth.resolve(synth.broker.log_group.log_group_name)
    }


def test_both_log_groups_keep_logs_one_year(synth: Synthesized) -> None:
    groups = synth.template.find_resources("AWS::Logs::LogGroup")
    assert [g["Properties"] for g in groups.values()] == [{"RetentionInDays": 365}] * 2


def test_no_log_retention_helper_function(synth: Synthesized) -> None:
    synth.template.resource_count_is("AWS::Lambda::Function", 1)
    synth.template.resource_count_is("Custom::LogRetention", 0)


# --- IAM -------------------------------------------------------------------------------------


def test_function_role_inline_policy_is_exact(synth: Synthesized) -> None:
    role = synth.broker.lambda_function.role
    assert role is not None
    properties = lambda_role_properties(synth)
    assert "ManagedPolicyArns" not in properties
    assert properties["Policies"] == [
        {
            "PolicyName": "ParticipantBroker",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "WriteOwnLogs",
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": synth.resolve(synth.broker.log_group.log_group_arn),
                    },
                    {
                        "Sid": "CreateParticipantOnOneInstance",
                        "Effect": "Allow",
                        "Action": "connect:CreateParticipant",
                        "Resource": [
                            connect_arn(INSTANCE_ID),
                            connect_arn(f"{INSTANCE_ID}/contact/*"),
                        ],
                    },
                    {
                        # The contact checks: DescribeContact on this instance's contacts only.
                        "Sid": "DescribeContactsOfOneInstance",
                        "Effect": "Allow",
                        "Action": "connect:DescribeContact",
                        "Resource": connect_arn(f"{INSTANCE_ID}/contact/*"),
                    },
                    {
                        # X-Ray's write actions take no resource: the only "*" in the role.
                        "Sid": "WriteXRayTraces",
                        "Effect": "Allow",
                        "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                        "Resource": "*",
                    },
                ],
            },
        }
    ]


def test_function_role_has_no_other_policy(synth: Synthesized) -> None:
    synth.template.resource_count_is("AWS::IAM::Policy", 0)


def test_no_managed_policies_anywhere(synth: Synthesized) -> None:
    for role in synth.template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


@pytest.fixture(scope="module")
def with_account_role(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, create_api_gateway_account_role=True)


def test_account_wide_api_gateway_setting_is_left_alone_by_default(synth: Synthesized) -> None:
    synth.template.resource_count_is("AWS::ApiGateway::Account", 0)
    assert lambda_role_properties(synth)  # the only role is the function's
    assert len(synth.template.find_resources("AWS::IAM::Role")) == 1


def test_synth_says_what_the_account_needs_for_logs(synth: Synthesized) -> None:
    infos = Annotations.from_stack(synth.stack).find_info("*", Match.any_value())
    assert [info.entry.data for info in infos] == [
        "the API's execution and access logs need the account's Region-wide API Gateway "
        "CloudWatch role (Settings > CloudWatch log role ARN, AWS::ApiGateway::Account); if "
        "this account and Region have none, the stage fails to deploy: set it once (your "
        "landing zone may already), or pass create_api_gateway_account_role=True to let this "
        "stack set it [ack: connect-participant-broker:api-gateway-account-role]"
    ]


def test_an_app_with_the_account_role_acknowledges_the_note(
    app_factory: Callable[..., cdk.App],
) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    broker = ParticipantBroker(stack, "Broker", instance=ConnectInstance.from_id(INSTANCE_ID))
    cdk.Annotations.of(broker).acknowledge_info(
        "connect-participant-broker:api-gateway-account-role", "the landing zone sets the role"
    )
    assert Annotations.from_stack(stack).find_info("*", Match.any_value()) == []


def test_no_note_when_the_broker_sets_the_account_role(with_account_role: Synthesized) -> None:
    assert Annotations.from_stack(with_account_role.stack).find_info("*", Match.any_value()) == []


def test_account_cloudwatch_role_writes_only_logs(with_account_role: Synthesized) -> None:
    with_account_role.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like({"Principal": {"Service": "apigateway.amazonaws.com"}})
                ]
            },
            "Policies": [
                {
                    "PolicyName": "ApiGatewayLogs",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "WriteApiGatewayLogs",
                                "Effect": "Allow",
                                "Action": [
                                    "logs:CreateLogGroup",
                                    "logs:CreateLogStream",
                                    "logs:DescribeLogGroups",
                                    "logs:DescribeLogStreams",
                                    "logs:PutLogEvents",
                                ],
                                "Resource": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            "arn:",
                                            PARTITION,
                                            ":logs:",
                                            REGION,
                                            ":",
                                            ACCOUNT,
                                            ":log-group:*",
                                        ],
                                    ]
                                },
                            }
                        ],
                    },
                }
            ],
        },
    )


def test_account_setting_uses_that_role_and_is_retained(with_account_role: Synthesized) -> None:
    with_account_role.template.has_resource(
        "AWS::ApiGateway::Account",
        {
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": [Match.any_value(), "Arn"]}},
            "DeletionPolicy": "Retain",
        },
    )


def test_stage_waits_for_the_account_setting(with_account_role: Synthesized) -> None:
    accounts = with_account_role.template.find_resources("AWS::ApiGateway::Account")
    assert len(accounts) == 1
    with_account_role.template.has_resource(
        "AWS::ApiGateway::Stage", {"DependsOn": Match.array_with(list(accounts))}
    )


# --- API Gateway -----------------------------------------------------------------------------


def test_api_is_regional_without_resource_policy(synth: Synthesized) -> None:
    api = synth.only("AWS::ApiGateway::RestApi")
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert "Policy" not in api


def test_only_method_is_post_participants_with_aws_iam(synth: Synthesized) -> None:
    method = synth.only("AWS::ApiGateway::Method")
    assert (method["HttpMethod"], method["AuthorizationType"]) == ("POST", "AWS_IAM")
    resource_paths = [
        r["Properties"]["PathPart"]
        for r in synth.template.find_resources("AWS::ApiGateway::Resource").values()
    ]
    assert resource_paths == ["contacts", "{contactId}", "participants"]


def test_method_is_a_lambda_proxy_integration(synth: Synthesized) -> None:
    integration = synth.only("AWS::ApiGateway::Method")["Integration"]
    assert (integration["Type"], integration["IntegrationHttpMethod"]) == ("AWS_PROXY", "POST")


def test_only_the_deployed_stage_may_invoke_the_function(synth: Synthesized) -> None:
    permission = synth.only("AWS::Lambda::Permission")
    stage = synth.resolve(synth.broker.rest_api.deployment_stage.stage_name)
    assert permission["SourceArn"]["Fn::Join"][1][-3:] == [
        "/",
        stage,
        "/POST/contacts/*/participants",
    ]


def test_every_body_reaches_the_function_which_lists_every_error(synth: Synthesized) -> None:
    # No request validator or model: API Gateway would answer a bad body itself, with a fixed
    # message and no `errors` (CONTRACT v2 wants them wherever a failure is detected).
    method = synth.only("AWS::ApiGateway::Method")
    assert {"RequestValidatorId", "RequestModels", "RequestParameters"}.isdisjoint(method)
    synth.template.resource_count_is("AWS::ApiGateway::RequestValidator", 0)
    synth.template.resource_count_is("AWS::ApiGateway::Model", 0)


def test_stage_v1_throttling_logging_tracing(synth: Synthesized) -> None:
    stage = synth.only("AWS::ApiGateway::Stage")
    assert (stage["StageName"], stage["TracingEnabled"]) == ("v1", True)
    logging = {"DataTraceEnabled": False, "LoggingLevel": "ERROR", "MetricsEnabled": True}
    # The participants route's share of Connect's quotas: with the default agent wait a request
    # makes up to 4 DescribeContact calls, 10 per second at most (test_as_deployed_throttling).
    assert stage["MethodSettings"] == [
        {
            **logging,
            "HttpMethod": "*",
            "ResourcePath": "/*",
            "ThrottlingBurstLimit": 10,
            "ThrottlingRateLimit": 5,
        },
        {
            **logging,
            "HttpMethod": "POST",
            "ResourcePath": "/~1contacts~1{contactId}~1participants",
            "ThrottlingBurstLimit": 10,
            "ThrottlingRateLimit": 2.5,
        },
    ]


def test_access_logs_are_json_into_the_access_log_group(synth: Synthesized) -> None:
    settings = synth.only("AWS::ApiGateway::Stage")["AccessLogSetting"]
    line = json.loads(settings["Format"])
    assert line["requestId"] == "$context.requestId"
    assert line["status"] == "$context.status"
    assert line["resourcePath"] == "$context.resourcePath"
    assert (
        json.dumps(settings["DestinationArn"]).count(
            json.dumps(synth.resolve(synth.broker.access_log_group.log_group_name))
        )
        == 1
    )


def test_access_log_holds_every_caller_identity_the_broker_uses(synth: Synthesized) -> None:
    """CONTRACT v2.1's caller is derived from ``userArn`` (IAM users and role sessions) or
    ``cognitoIdentityId`` (identity-pool credentials, aws_rules.iam_identity): an operator
    matching a contact-bound caller or an invitation's creator to a request needs both."""
    line = json.loads(synth.only("AWS::ApiGateway::Stage")["AccessLogSetting"]["Format"])
    assert line["userArn"] == "$context.identity.userArn"
    assert line["cognitoIdentityId"] == "$context.identity.cognitoIdentityId"


def test_access_log_never_holds_the_concrete_path_or_a_body(synth: Synthesized) -> None:
    fmt = synth.only("AWS::ApiGateway::Stage")["AccessLogSetting"]["Format"]
    assert "$context.path" not in fmt
    assert "body" not in fmt.lower()


def test_no_cors_preflight_by_default(synth: Synthesized) -> None:
    synth.template.resource_count_is("AWS::ApiGateway::Method", 1)
    for response in synth.template.find_resources("AWS::ApiGateway::GatewayResponse").values():
        headers = response["Properties"]["ResponseParameters"]
        assert not any("Access-Control" in name for name in headers)


def test_no_web_acl_association_by_default(synth: Synthesized) -> None:
    synth.template.resource_count_is("AWS::WAFv2::WebACLAssociation", 0)


def test_no_warning_annotation_by_default(synth: Synthesized) -> None:
    Annotations.from_stack(synth.stack).has_no_warning("*", Match.any_value())


# --- attributes ------------------------------------------------------------------------------


def test_every_exposed_attribute(synth: Synthesized) -> None:
    broker = synth.broker
    node = broker.node
    assert broker.lambda_function is node.find_child("Function")
    assert isinstance(broker.lambda_function, lambda_.Function)
    assert broker.rest_api is node.find_child("Api")
    assert isinstance(broker.rest_api, apigateway.RestApi)
    assert broker.instance_id_parameter is node.find_child("InstanceIdParameter")
    assert isinstance(broker.instance_id_parameter, ssm.StringParameter)
    assert broker.log_group is node.find_child("FunctionLogs")
    assert isinstance(broker.log_group, logs.LogGroup)
    assert broker.access_log_group is node.find_child("AccessLogs")
    assert broker.create_participant_method.http_method == "POST"
    assert broker.create_participant_method.resource.path == "/contacts/{contactId}/participants"
    assert synth.resolve(broker.url) == synth.resolve(broker.rest_api.url)
    assert synth.resolve(broker.url)["Fn::Join"][1][-2:] == [
        synth.resolve(broker.rest_api.deployment_stage.stage_name),
        "/",
    ]


def test_grant_invoke_allows_exactly_the_post_method(app_factory: Callable[..., cdk.App]) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    broker = ParticipantBroker(stack, "Broker", instance=ConnectInstance.from_id(INSTANCE_ID))
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    grant = broker.grant_invoke(caller)
    assert grant.success
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [stack.resolve(caller.role_name)],
            "PolicyDocument": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "execute-api:Invoke",
                        "Resource": stack.resolve(broker.create_participant_method.method_arn),
                    }
                ]
            },
        },
    )
    arn = stack.resolve(broker.create_participant_method.method_arn)
    assert arn["Fn::Join"][1][-3:] == [
        "/",
        stack.resolve(broker.rest_api.deployment_stage.stage_name),
        "/POST/contacts/*/participants",
    ]
