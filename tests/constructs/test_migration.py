"""Every prop of the 0.1 API, migrated to the current one, synthesizes the template it did.

``OLD_PROPS`` uses each keyword of 0.1's ``ParticipantBroker`` at least once, with a value other
than its default; :func:`migrate` rewrites them as CHANGELOG's Breaking entry says. The snapshot
was taken with 0.1, so any difference is a resource the migration changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Template
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension
from test_example_app import mask_assets

from constructs_lib import (
    BrokerAuthorization,
    BrokerEndpoint,
    BrokerSecurityPolicy,
    ConnectInstance,
    InvitationOptions,
    ParticipantBroker,
)

ACCOUNT = "123456789012"
INSTANCE_ARN = f"arn:aws:connect:eu-west-2:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"


def old_props(stack: cdk.Stack) -> dict[str, dict[str, Any]]:
    """Construct ID -> the 0.1 keywords of one broker; together they use every keyword."""
    topic = sns.Topic.from_topic_arn(stack, "Topic", f"arn:aws:sns:eu-west-2:{ACCOUNT}:alarms")
    key = kms.Key.from_key_arn(
        stack, "Key", f"arn:aws:kms:eu-west-2:{ACCOUNT}:key/0123abcd-0123-4567-89ab-0123456789ab"
    )
    endpoint = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "Endpoint", vpc_endpoint_id="vpce-0123456789abcdef0", port=443
    )
    authorizer_function = lambda_.Function.from_function_attributes(
        stack,
        "AuthorizerFunction",
        function_arn=f"arn:aws:lambda:eu-west-2:{ACCOUNT}:function:authorizer",
        same_environment=True,
    )
    return {
        "Everything": {
            "instance_id": INSTANCE_ARN,
            "allowed_roles": ["CUSTOMER", "CUSTOM_BOT"],
            "default_role": "CUSTOM_BOT",
            "allow_video": False,
            "allow_screen_share": False,
            "log_level": "DEBUG",
            "metrics_namespace": "Team/Broker",
            "log_retention": logs.RetentionDays.ONE_MONTH,
            "memory_size": 1024,
            "timeout": Duration.seconds(24),
            "reserved_concurrency": 7,
            "allowed_principals": [iam.ArnPrincipal(f"arn:aws:iam::{ACCOUNT}:role/app")],
            "iam_session_identity": True,
            "web_acl_arn": f"arn:aws:wafv2:eu-west-2:{ACCOUNT}:regional/webacl/broker/a1b2",
            "cors_allowed_origins": ["https://app.example.com"],
            "throttling_rate_limit": 4,
            "throttling_burst_limit": 8,
            "create_participant_quota": 20,
            "describe_contact_quota": 30,
            "security_policy": "SecurityPolicy_TLS13_1_3_2025_09",
            "endpoint_access_mode": "STRICT",
            "create_api_gateway_account_role": True,
            "dashboard": True,
            "alarm_topic": topic,
            "alarm_actions": [cloudwatch_actions.SnsAction(topic)],
            "lambda_errors_threshold": 2,
            "lambda_throttles_threshold": 3,
            "api_5xx_rate_threshold": 0.1,
            "latency_p99_threshold": Duration.seconds(2),
            "connect_throttles_threshold": 4,
            "channel_roles": {"CHAT": ["CUSTOM_BOT"], "VOICE": ["CUSTOMER", "AGENT"]},
            "agent_wait": Duration.seconds(2),
            "caller_attribute": "brokerCaller",
            "invitations": True,
            "invitation_lifetime": Duration.minutes(10),
            "invitation_max_lifetime": Duration.minutes(30),
            "invitation_max_uses": 3,
            "invitation_encryption_key": key,
            "invitation_point_in_time_recovery": False,
            "invitation_removal_policy": RemovalPolicy.RETAIN,
            "redeem_throttling_rate_limit": 1,
            "redeem_throttling_burst_limit": 2,
            "failed_redemptions_threshold": 20,
        },
        "Private": {
            "instance_id_parameter": ssm.StringParameter.from_string_parameter_name(
                stack, "InstanceIdParameter", "/connect/instance-id"
            ),
            "user_pool": cognito.UserPool.from_user_pool_id(stack, "Pool", "eu-west-2_AbCdEfGhI"),
            "authorization_scopes": ["broker/participants.write"],
            "private_endpoint_vpc_endpoints": [endpoint],
            "allowed_vpc_endpoint_ids": ["vpce-0fedcba9876543210"],
            "security_policy": "SecurityPolicy_TLS13_1_3_2025_09",
            "endpoint_access_mode": "BASIC",
            "alarms": False,
        },
        "Authorizer": {
            "instance_id": "11111111-2222-3333-4444-555555555555",
            "authorizer": apigateway.TokenAuthorizer(
                stack, "TokenAuthorizer", handler=authorizer_function
            ),
            "invitations": True,
            "alarms": False,
        },
        "Public": {
            "instance_id": "11111111-2222-3333-4444-555555555555",
            "allow_unauthenticated_access": True,
            "contact_checks": False,
            "alarms": False,
        },
    }


def migrate(old: dict[str, Any]) -> dict[str, Any]:
    """The 0.1 keywords of one broker, written as the current API takes them."""
    new = dict(old)
    if "instance_id" in new:
        given = new.pop("instance_id")
        arn = not cdk.Token.is_unresolved(given) and given.startswith("arn:")
        new["instance"] = (ConnectInstance.from_arn if arn else ConnectInstance.from_id)(given)
    if "instance_id_parameter" in new:
        new["instance"] = ConnectInstance.from_parameter(new.pop("instance_id_parameter"))
    if "user_pool" in new:
        pool, scopes = new.pop("user_pool"), new.pop("authorization_scopes", None)
        new["authorization"] = BrokerAuthorization.cognito(pool, scopes=scopes)
    elif "authorizer" in new:
        new["authorization"] = BrokerAuthorization.authorizer(new.pop("authorizer"))
    elif new.pop("allow_unauthenticated_access", False):
        new["authorization"] = BrokerAuthorization.allow_unauthenticated_access()
    elif "allowed_principals" in new or "iam_session_identity" in new:
        new["authorization"] = BrokerAuthorization.iam(
            allowed_principals=new.pop("allowed_principals", None),
            session_identity=new.pop("iam_session_identity", False),
        )
    policy = BrokerSecurityPolicy.TLS_1_2
    if new.get("security_policy", "TLS_1_2") != "TLS_1_2":
        mode = apigateway.EndpointAccessMode(new.pop("endpoint_access_mode"))
        policy = BrokerSecurityPolicy.enhanced(
            new.pop("security_policy"), endpoint_access_mode=mode
        )
    new.pop("security_policy", None)
    if "private_endpoint_vpc_endpoints" in new:
        new["endpoint"] = BrokerEndpoint.private(
            new.pop("private_endpoint_vpc_endpoints"),
            allowed_vpc_endpoint_ids=new.pop("allowed_vpc_endpoint_ids", None),
            security_policy=policy,
        )
    else:
        new["endpoint"] = BrokerEndpoint.regional(security_policy=policy)
    renamed = {
        "invitation_lifetime": "lifetime",
        "invitation_max_lifetime": "max_lifetime",
        "invitation_max_uses": "max_uses",
        "invitation_encryption_key": "encryption_key",
        "invitation_point_in_time_recovery": "point_in_time_recovery",
        "invitation_removal_policy": "removal_policy",
        "redeem_throttling_rate_limit": "redeem_throttling_rate_limit",
        "redeem_throttling_burst_limit": "redeem_throttling_burst_limit",
        "failed_redemptions_threshold": "failed_redemptions_threshold",
    }
    options = {new_name: new.pop(old) for old, new_name in renamed.items() if old in new}
    if new.pop("invitations", False):
        new["invitations"] = InvitationOptions(**options)
    return new


@pytest.fixture(scope="module")
def template(app_factory: Callable[..., cdk.App]) -> dict[str, Any]:
    stack = cdk.Stack(app_factory(), "Migration")
    for construct_id, props in old_props(stack).items():
        ParticipantBroker(stack, construct_id, **migrate(props))
    synthesized: dict[str, Any] = Template.from_stack(stack).to_json()
    return synthesized


def test_migrated_props_synthesize_the_template_of_0_1(
    template: dict[str, Any], snapshot: SnapshotAssertion
) -> None:
    assert mask_assets(template) == snapshot(extension_class=JSONSnapshotExtension)
