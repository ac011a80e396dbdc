"""ParticipantBroker network props: resource policy, private endpoint, WAF, CORS, throttling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from broker_support import Synthesized, synth_broker

from constructs_lib import BrokerAuthorization, BrokerEndpoint, BrokerSecurityPolicy

WEB_ACL_ARN = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/broker/abcd-1234"
ORIGIN = "https://app.example.com"
CALLER_ARN = "arn:aws:iam::123456789012:role/caller"


def with_private_endpoint(stack: cdk.Stack) -> dict[str, Any]:
    endpoint = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "Endpoint", vpc_endpoint_id="vpce-0123456789abcdef0", port=443
    )
    return {
        "endpoint": BrokerEndpoint.private([endpoint], allowed_vpc_endpoint_ids=["vpce-0fedcba"])
    }


@pytest.fixture(scope="module")
def custom(app_factory: Callable[..., cdk.App]) -> Synthesized:
    """Principal allowlist, WAF, one CORS origin, custom throttling and function settings."""
    return synth_broker(
        app_factory,
        authorization=BrokerAuthorization.iam(allowed_principals=[iam.ArnPrincipal(CALLER_ARN)]),
        web_acl_arn=WEB_ACL_ARN,
        cors_allowed_origins=[ORIGIN],
        throttling_rate_limit=2,
        throttling_burst_limit=4,
        reserved_concurrency=7,
        memory_size=1024,
        timeout=Duration.seconds(20),
        agent_wait=Duration.seconds(0),
        log_retention=cdk.aws_logs.RetentionDays.ONE_MONTH,
        allowed_roles=["CUSTOMER", "CUSTOM_BOT"],
        default_role="CUSTOM_BOT",
        allow_video=False,
        allow_screen_share=False,
        log_level="DEBUG",
        metrics_namespace="Team/Broker",
        create_api_gateway_account_role=True,
        endpoint=BrokerEndpoint.regional(
            security_policy=BrokerSecurityPolicy.enhanced(
                "SecurityPolicy_TLS13_1_3_2025_09",
                endpoint_access_mode=apigateway.EndpointAccessMode.STRICT,
            )
        ),
    )


@pytest.fixture(scope="module")
def private(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, setup=with_private_endpoint)


def test_principal_allowlist_resource_policy(custom: Synthesized) -> None:
    assert custom.only("AWS::ApiGateway::RestApi")["Policy"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowListedPrincipals",
                "Effect": "Allow",
                "Principal": {"AWS": CALLER_ARN},
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/POST/contacts/*/participants",
            },
            {
                "Sid": "DenyUnlistedPrincipals",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/POST/contacts/*/participants",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": [CALLER_ARN]}},
            },
            {
                "Sid": "AllowCorsPreflight",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/OPTIONS/contacts/*/participants",
            },
        ],
    }


def test_web_acl_is_associated_with_the_stage(custom: Synthesized) -> None:
    association = custom.only("AWS::WAFv2::WebACLAssociation")
    assert association["WebACLArn"] == WEB_ACL_ARN
    assert association["ResourceArn"] == custom.resolve(
        custom.broker.rest_api.deployment_stage.stage_arn
    )


def test_cors_preflight_allows_only_the_listed_origin(custom: Synthesized) -> None:
    custom.template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "OPTIONS",
            "Integration": {
                "IntegrationResponses": [
                    {
                        "ResponseParameters": {
                            "method.response.header.Access-Control-Allow-Headers": (
                                "'Authorization,Content-Type,Idempotency-Key,X-Amz-Date,"
                                "X-Amz-Security-Token,X-Amz-Content-Sha256'"
                            ),
                            "method.response.header.Access-Control-Allow-Origin": f"'{ORIGIN}'",
                            "method.response.header.Vary": "'Origin'",
                            "method.response.header.Access-Control-Allow-Methods": (
                                "'POST,OPTIONS'"
                            ),
                            "method.response.header.Access-Control-Max-Age": "'600'",
                        },
                        "StatusCode": "204",
                    }
                ]
            },
        },
    )


def test_cors_origin_reaches_gateway_responses_and_function(custom: Synthesized) -> None:
    custom.template.has_resource_properties(
        "AWS::ApiGateway::GatewayResponse",
        {
            "ResponseType": "THROTTLED",
            "ResponseParameters": {
                "gatewayresponse.header.Access-Control-Allow-Origin": f"'{ORIGIN}'",
                "gatewayresponse.header.Vary": "'Origin'",
                "gatewayresponse.header.Content-Type": "'application/problem+json'",
                "gatewayresponse.header.Cache-Control": "'no-store'",
                "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
                "gatewayresponse.header.Retry-After": "'1'",
            },
        },
    )
    env = custom.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert env["CORS_ALLOWED_ORIGINS"] == ORIGIN


def test_custom_throttling(custom: Synthesized) -> None:
    settings = custom.only("AWS::ApiGateway::Stage")["MethodSettings"][0]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (2, 4)


def test_custom_function_settings(custom: Synthesized) -> None:
    function = custom.only("AWS::Lambda::Function")
    assert (
        function["ReservedConcurrentExecutions"],
        function["MemorySize"],
        function["Timeout"],
    ) == (7, 1024, 20)


def test_custom_log_retention_applies_to_both_log_groups(custom: Synthesized) -> None:
    groups = custom.template.find_resources("AWS::Logs::LogGroup")
    assert [g["Properties"] for g in groups.values()] == [{"RetentionInDays": 30}] * 2


def test_participant_policy_props_reach_the_function(custom: Synthesized) -> None:
    env = custom.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert {
        k: env[k]
        for k in (
            "ALLOWED_ROLES",
            "DEFAULT_ROLE",
            "ALLOW_VIDEO",
            "ALLOW_SCREEN_SHARE",
            "LOG_LEVEL",
            "METRICS_NAMESPACE",
        )
    } == {
        "ALLOWED_ROLES": "CUSTOMER,CUSTOM_BOT",
        "DEFAULT_ROLE": "CUSTOM_BOT",
        "ALLOW_VIDEO": "false",
        "ALLOW_SCREEN_SHARE": "false",
        "LOG_LEVEL": "DEBUG",
        "METRICS_NAMESPACE": "Team/Broker",
    }


def test_account_role_is_created_when_asked_for(custom: Synthesized) -> None:
    custom.template.resource_count_is("AWS::ApiGateway::Account", 1)


def test_minimum_tls_is_1_2_by_default_and_can_be_tls_1_3_only(
    custom: Synthesized, private: Synthesized
) -> None:
    api = custom.only("AWS::ApiGateway::RestApi")
    assert (api["SecurityPolicy"], api["EndpointAccessMode"]) == (
        "SecurityPolicy_TLS13_1_3_2025_09",
        "STRICT",
    )
    api = private.only("AWS::ApiGateway::RestApi")
    assert api["SecurityPolicy"] == "TLS_1_2" and "EndpointAccessMode" not in api


def test_private_endpoint_type_and_endpoints(private: Synthesized) -> None:
    assert private.only("AWS::ApiGateway::RestApi")["EndpointConfiguration"] == {
        "Types": ["PRIVATE"],
        "VpcEndpointIds": ["vpce-0123456789abcdef0"],
    }


def test_private_endpoint_policy_denies_other_sources(private: Synthesized) -> None:
    assert private.only("AWS::ApiGateway::RestApi")["Policy"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowInvoke",
                "Effect": "Allow",
                "Principal": {
                    "AWS": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":iam::",
                                {"Ref": "AWS::AccountId"},
                                ":root",
                            ],
                        ]
                    }
                },
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/POST/contacts/*/participants",
            },
            {
                "Sid": "DenyOutsideVpcEndpoints",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
                "Condition": {
                    "StringNotEquals": {
                        "aws:SourceVpce": ["vpce-0123456789abcdef0", "vpce-0fedcba"]
                    }
                },
            },
        ],
    }
