"""The stacks the security tests scan: the example app's stack plus one stack per access
option and one per network option, all in one ``App`` synthesized once per test session.

Everything a stack needs besides the broker (user pool, authorizer function, VPC endpoint,
topic) is imported by ID, so every resource in these templates is the broker's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk import cx_api
from cdk_support import load_example_app

from constructs_lib import (
    BrokerAuthorization,
    BrokerEndpoint,
    ConnectInstance,
    InvitationOptions,
    ParticipantBroker,
)

INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
ACCOUNT = "123456789012"
#: Name of the example app's stack (app.py).
EXAMPLE = "ParticipantBroker"
#: The stack whose broker takes ``BrokerAuthorization.allow_unauthenticated_access()``.
UNAUTHENTICATED = "Unauthenticated"
#: The same opt-out, with the app acknowledging the findings the broker leaves to it.
UNAUTHENTICATED_ACKNOWLEDGED = "UnauthenticatedAcknowledged"
#: Stacks whose broker lists CORS origins (OPTIONS preflight methods exist).
WITH_CORS = frozenset({"NetworkOptions", "Invitations"})
#: Stacks whose broker serves invitations (an unauthenticated POST /invitations/redeem exists).
WITH_INVITATIONS = frozenset({"Invitations", "InvitationsCognito"})


def _iam_default(stack: cdk.Stack) -> dict[str, Any]:
    """AWS_IAM (the default), the instance ID read from an existing SSM parameter."""
    parameter = ssm.StringParameter.from_string_parameter_name(
        stack, "InstanceIdParameter", "/connect/instance-id"
    )
    return {"instance": ConnectInstance.from_parameter(parameter)}


def _cognito(stack: cdk.Stack) -> dict[str, Any]:
    """A Cognito user pool authorizer with a scope."""
    pool = cognito.UserPool.from_user_pool_id(stack, "UserPool", "eu-west-2_AbCdEfGhI")
    return {
        "instance": ConnectInstance.from_id(INSTANCE_ID),
        "authorization": BrokerAuthorization.cognito(pool, scopes=["broker/participants.write"]),
    }


def _custom_authorizer(stack: cdk.Stack) -> dict[str, Any]:
    """An app-supplied Lambda token authorizer."""
    function = lambda_.Function.from_function_attributes(
        stack,
        "AuthorizerFunction",
        function_arn=f"arn:aws:lambda:eu-west-2:{ACCOUNT}:function:broker-authorizer",
        same_environment=True,
    )
    authorizer = apigateway.TokenAuthorizer(stack, "TokenAuthorizer", handler=function)
    return {
        "instance": ConnectInstance.from_id(INSTANCE_ID),
        "authorization": BrokerAuthorization.authorizer(authorizer),
    }


def _unauthenticated(stack: cdk.Stack) -> dict[str, Any]:
    """The explicit, loudly named opt-out of authentication."""
    return {
        "instance": ConnectInstance.from_id(INSTANCE_ID),
        "authorization": BrokerAuthorization.allow_unauthenticated_access(),
    }


def _private_endpoint(stack: cdk.Stack) -> dict[str, Any]:
    """A PRIVATE API behind an execute-api VPC endpoint, plus one more accepted endpoint."""
    endpoint = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "ExecuteApiEndpoint", vpc_endpoint_id="vpce-0123456789abcdef0", port=443
    )
    return {
        "instance": ConnectInstance.from_id(INSTANCE_ID),
        "endpoint": BrokerEndpoint.private(
            [endpoint], allowed_vpc_endpoint_ids=["vpce-0fedcba9876543210"]
        ),
    }


def _network_options(stack: cdk.Stack) -> dict[str, Any]:
    """Resource policy (principal allowlist), WAF, CORS and the other optional extras."""
    topic = sns.Topic.from_topic_arn(
        stack, "AlarmTopic", f"arn:aws:sns:eu-west-2:{ACCOUNT}:broker-alarms"
    )
    return {
        "instance": ConnectInstance.from_id(INSTANCE_ID),
        "authorization": BrokerAuthorization.iam(
            allowed_principals=[iam.ArnPrincipal(f"arn:aws:iam::{ACCOUNT}:role/contact-app")]
        ),
        "web_acl_arn": (
            f"arn:aws:wafv2:eu-west-2:{ACCOUNT}:regional/webacl/broker/"
            "0123abcd-0123-4567-89ab-0123456789ab"
        ),
        "cors_allowed_origins": ["https://app.example.com"],
        "reserved_concurrency": 5,
        "dashboard": True,
        "alarm_topic": topic,
    }


def _invitations(stack: cdk.Stack) -> dict[str, Any]:
    """Invitations behind a principal allowlist, with CORS, a customer managed key and a
    dashboard (the redeem route must get through the resource policy)."""
    from aws_cdk import aws_kms as kms

    key = kms.Key.from_key_arn(
        stack,
        "InvitationKey",
        f"arn:aws:kms:eu-west-2:{ACCOUNT}:key/0123abcd-0123-4567-89ab-0123456789ab",
    )
    return {
        "instance": ConnectInstance.from_id(INSTANCE_ID),
        "invitations": InvitationOptions(encryption_key=key),
        "authorization": BrokerAuthorization.iam(
            allowed_principals=[iam.ArnPrincipal(f"arn:aws:iam::{ACCOUNT}:role/contact-app")]
        ),
        "cors_allowed_origins": ["https://app.example.com"],
        "dashboard": True,
    }


def _invitations_cognito(stack: cdk.Stack) -> dict[str, Any]:
    """Invitations created by Cognito users (the customer's own app)."""
    return {**_cognito(stack), "invitations": InvitationOptions()}


#: Stack name -> the broker props it uses (built against the stack).
VARIANTS: dict[str, Callable[[cdk.Stack], dict[str, Any]]] = {
    "IamDefault": _iam_default,
    "CognitoUserPool": _cognito,
    "CustomAuthorizer": _custom_authorizer,
    UNAUTHENTICATED: _unauthenticated,
    UNAUTHENTICATED_ACKNOWLEDGED: _unauthenticated,
    "PrivateEndpoint": _private_endpoint,
    "NetworkOptions": _network_options,
    "Invitations": _invitations,
    "InvitationsCognito": _invitations_cognito,
}


def acknowledge_public_api(broker: ParticipantBroker) -> None:
    """What an app that opts out of authentication does (docs/security.md): it acknowledges,
    with its own reasons, the findings the broker leaves to it."""
    public = (
        "This broker is public on purpose: a CloudFront distribution in front of API Gateway "
        "authenticates callers"
    )
    cdk.Validations.of(broker.rest_api.deployment_stage).acknowledge(
        cdk.Acknowledgment(id="AwsSolutions-APIG3", reason=f"{public} and carries the web ACL.")
    )
    for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
        cdk.Validations.of(broker.create_participant_method).acknowledge(
            cdk.Acknowledgment(id=rule, reason=f"{public} before any request reaches it.")
        )


#: Stack name -> what the app does with its broker after creating it.
APP_ACKNOWLEDGEMENTS: dict[str, Callable[[ParticipantBroker], None]] = {
    UNAUTHENTICATED_ACKNOWLEDGED: acknowledge_public_api,
}


@dataclass(frozen=True)
class SecurityStacks:
    """The synthesized app: its stacks and assembly, keyed by stack name."""

    app: cdk.App
    stacks: dict[str, cdk.Stack]
    assembly: cx_api.CloudAssembly

    def template(self, name: str) -> dict[str, Any]:
        """Return the synthesized template of stack ``name``."""
        template: dict[str, Any] = self.assembly.get_stack_by_name(name).template
        return template


def build(app: cdk.App) -> SecurityStacks:
    """Add the example stack and every variant to ``app``, then synthesize it once."""
    _, example = load_example_app().build_app(app)
    stacks: dict[str, cdk.Stack] = {EXAMPLE: example}
    for name, props in VARIANTS.items():
        stack = cdk.Stack(app, name)
        broker = ParticipantBroker(stack, "Broker", **props(stack))
        APP_ACKNOWLEDGEMENTS.get(name, lambda _: None)(broker)
        stacks[name] = stack
    return SecurityStacks(app=app, stacks=stacks, assembly=app.synth())
