"""The broker's Lambda function: its code (one stripped asset per stack and file set), its own
role and its configuration, which reaches the runtime through environment variables only."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from .. import _contract, checks, defaults
from . import bundling, nag

if TYPE_CHECKING:
    from aws_cdk import aws_dynamodb as dynamodb
    from aws_cdk import aws_logs as logs

    from .checked import Checked
    from .props import ParticipantBrokerProps

#: The runtime's ``AUTH_TYPE`` (CloudFormation's AuthorizationType spelling) per method type:
#: it tells the function where API Gateway puts the caller's identity.
RUNTIME_AUTH_TYPES: dict[apigateway.AuthorizationType, str] = {
    apigateway.AuthorizationType.IAM: "AWS_IAM",
    apigateway.AuthorizationType.COGNITO: "COGNITO_USER_POOLS",
    apigateway.AuthorizationType.CUSTOM: "CUSTOM",
    apigateway.AuthorizationType.NONE: "NONE",
}


def build_function(
    scope: Construct,
    props: ParticipantBrokerProps,
    checked: Checked,
    *,
    instance_id: str,
    log_group: logs.ILogGroup,
    table: dynamodb.Table | None,
) -> lambda_.Function:
    """The function, its role and its configuration (environment variables only)."""
    environment = _function_environment(props, checked, instance_id)
    extra_statements: list[iam.PolicyStatement] = []
    invitations = False  # the asset leaves the invitation modules out
    if table is not None and props.invitations is not None:
        invitations = True
        from ..invitations import resources as invitation_resources  # only with invitations

        environment.update(invitation_resources.environment(table, props.invitations))
        extra_statements = invitation_resources.policy_statements(table, props.invitations)
    stack = Stack.of(scope)
    function = lambda_.Function(
        scope,
        "Function",
        description="Adds a participant to an Amazon Connect contact (ParticipantBroker)",
        runtime=defaults.RUNTIME,
        architecture=defaults.ARCHITECTURE,
        handler=defaults.HANDLER,
        code=_function_code(stack, invitations),
        memory_size=props.memory_size,
        timeout=props.timeout,
        role=_function_role(
            scope, stack, instance_id, props.contact_checks, log_group, extra_statements
        ),
        log_group=log_group,
        environment=environment,
        reserved_concurrent_executions=props.reserved_concurrency,
    )
    # Active X-Ray tracing, set on the CloudFormation resource: the X-Ray permissions are
    # in the role's one inline policy already, and ``tracing=Tracing.ACTIVE`` would add a
    # second policy resource holding them.
    function_resource = function.node.default_child
    assert isinstance(function_resource, lambda_.CfnFunction)
    function_resource.tracing_config = lambda_.CfnFunction.TracingConfigProperty(
        mode=defaults.TRACING_MODE
    )
    return function


def _function_role(
    scope: Construct,
    stack: Stack,
    instance_id: str,
    contact_checks: bool,
    log_group: logs.ILogGroup,
    extra_statements: Sequence[iam.PolicyStatement] = (),
) -> iam.Role:
    """The function's own role: logs to its own log group, CreateParticipant on one
    instance (with the contact checks, DescribeContact on its contacts; with invitations,
    the invitation table); no managed policies."""
    instance_arn = stack.format_arn(
        service="connect", resource="instance", resource_name=instance_id
    )
    # The statements as IAM JSON, one call into the CDK's JavaScript for the document
    # instead of one per statement; the contacts ARN extends the instance ARN in Python.
    contacts_arn = f"{instance_arn}/contact/*"
    statements: list[dict[str, object]] = [
        _allow(
            "WriteOwnLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [log_group.log_group_arn],
        ),
        _allow(
            "CreateParticipantOnOneInstance",
            ["connect:CreateParticipant"],
            [instance_arn, contacts_arn],
        ),
    ]
    if contact_checks:
        # DescribeContact is authorized on the contact ARN only (Service Authorization
        # Reference, Amazon Connect: resource type "contact").
        statements.append(
            _allow("DescribeContactsOfOneInstance", ["connect:DescribeContact"], [contacts_arn])
        )
    statements.append(_allow("WriteXRayTraces", list(nag.XRAY_ACTIONS_SORTED), ["*"]))
    policy = iam.PolicyDocument.from_json({"Version": "2012-10-17", "Statement": statements})
    if extra_statements:
        policy.add_statements(*extra_statements)
    role = iam.Role(
        scope,
        "FunctionRole",
        description="ParticipantBroker function: CreateParticipant on one Connect instance",
        assumed_by=_lambda_principal(),
        inline_policies={"ParticipantBroker": policy},
    )
    nag.acknowledge_function_role(role, contacts_arn, stack)
    return role


#: The Lambda code of each stack, per source directory and file set (with or without the
#: invitation modules).
_CODES: weakref.WeakKeyDictionary[Stack, dict[tuple[str, bool], lambda_.Code]] = (
    weakref.WeakKeyDictionary()
)


def _function_code(stack: Stack, invitations: bool) -> lambda_.Code:
    """One asset code per stack and file set, which the stack's brokers share: aws-cdk-lib
    stages (and bundles) the files once per app and output directory anyway, and a code bound
    once builds its asset once (an asset belongs to one stack, so each stack has its own)."""
    source = _contract.runtime_dir()
    codes = _CODES.setdefault(stack, {})
    key = (str(source), invitations)
    if key not in codes:
        codes[key] = bundling.asset_code(
            str(source), bundling.asset_files(source, invitations=invitations)
        )
    return codes[key]


def _allow(sid: str, actions: list[str], resources: list[str]) -> dict[str, object]:
    """An Allow statement as IAM JSON."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


@functools.cache
def _lambda_principal() -> iam.ServicePrincipal:
    """Lambda's service principal, one per process: it holds no scope, every role can share it."""
    return iam.ServicePrincipal("lambda.amazonaws.com")


def _function_environment(
    props: ParticipantBrokerProps, checked: Checked, instance_id: str
) -> dict[str, str]:
    """The function's configuration (``runtime/broker/config.py`` reads it)."""
    environment = {
        "INSTANCE_ID": instance_id,
        "ALLOWED_ROLES": ",".join(checked.roles),
        "DEFAULT_ROLE": checked.default_role,
        "ALLOW_VIDEO": "true" if props.allow_video else "false",
        "ALLOW_SCREEN_SHARE": "true" if props.allow_screen_share else "false",
        "LOG_LEVEL": props.log_level,
        "METRICS_NAMESPACE": props.metrics_namespace,
        "AUTH_TYPE": RUNTIME_AUTH_TYPES[props.authorization.method_authorization_type()],
    }
    if props.cors_allowed_origins:
        environment["CORS_ALLOWED_ORIGINS"] = ",".join(props.cors_allowed_origins)
    environment.update(
        _contact_environment(props.contact_checks, checked.channels, props.agent_wait)
    )
    if props.caller_attribute is not None:
        environment["CALLER_ATTRIBUTE"] = props.caller_attribute
    if props.authorization.session_identity:
        environment["IAM_SESSION_IDENTITY"] = "true"
    return environment


def _contact_environment(
    contact_checks: bool, channel_roles: Mapping[str, Sequence[str]], agent_wait: Duration
) -> dict[str, str]:
    """The function's contact-check variables (``runtime/broker/config.py`` reads them)."""
    if not contact_checks:
        return {"CONTACT_CHECKS": "false"}
    seconds = checks.duration_seconds(agent_wait)
    return {
        "CONTACT_CHECKS": "true",
        "CHANNEL_ROLES": _contract.channel_roles_variable(channel_roles),
        "AGENT_WAIT_MS": (
            Token.as_string(agent_wait.to_milliseconds())
            if seconds is None
            else str(round(seconds * 1000))
        ),
    }
