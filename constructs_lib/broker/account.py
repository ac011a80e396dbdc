"""API Gateway's Region-wide CloudWatch role, created once per stack when the broker is asked
to (``create_api_gateway_account_role``)."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from . import nag

#: Construct ID of the stack-wide API Gateway account settings (one per stack).
_ACCOUNT_SETTINGS_ID = "ParticipantBrokerApiGatewayAccount"


def account_settings(scope: Construct) -> IConstruct:
    """API Gateway's Region-wide CloudWatch role, created once per stack.

    The role and the account setting are retained on delete: other APIs in the account may
    rely on the setting after this stack is gone.
    """
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(_ACCOUNT_SETTINGS_ID)
    if existing is not None:
        return existing
    holder = Construct(stack, _ACCOUNT_SETTINGS_ID)
    log_groups = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name="*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    role = iam.Role(
        holder,
        "CloudWatchRole",
        description="API Gateway: write execution and access logs (account-wide setting)",
        assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
        inline_policies={
            "ApiGatewayLogs": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        sid="WriteApiGatewayLogs",
                        actions=[
                            "logs:CreateLogGroup",
                            "logs:CreateLogStream",
                            "logs:DescribeLogGroups",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        resources=[log_groups],
                    )
                ]
            )
        },
    )
    role.apply_removal_policy(RemovalPolicy.RETAIN)
    nag.acknowledge_account_role(role, log_groups, stack)
    account = apigateway.CfnAccount(holder, "Account", cloud_watch_role_arn=role.role_arn)
    account.apply_removal_policy(RemovalPolicy.RETAIN)
    return holder
