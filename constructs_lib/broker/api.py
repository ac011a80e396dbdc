"""The REST API: its stage, resource policy and minimum TLS, the methods, and what API Gateway
answers itself."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aws_cdk import Names
from aws_cdk import aws_apigateway as apigateway
from constructs import Construct

from .. import checks, defaults
from ..edge import access, responses, throttling
from .account import account_settings

if TYPE_CHECKING:
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs as logs
    from aws_cdk import aws_wafv2 as wafv2

    from ..invitations.resources import InvitationMethods
    from .checked import Checked
    from .choices import BrokerSecurityPolicy
    from .props import ParticipantBrokerProps


def build_api(
    scope: Construct,
    props: ParticipantBrokerProps,
    checked: Checked,
    access_log_group: logs.ILogGroup,
) -> apigateway.RestApi:
    """The REST API with its resource policy, stage settings and minimum TLS."""
    api = _rest_api(
        scope,
        access_log_group,
        access.resource_policy(
            authorization_type=props.authorization.authorization_type,
            listed=props.authorization.allowlist,
            vpce_ids=props.endpoint.vpc_endpoint_ids,
            cors=bool(props.cors_allowed_origins),
            invitations=props.invitations is not None,
        ),
        props.endpoint.vpc_endpoints,
        props.throttling_rate_limit,
        props.throttling_burst_limit,
        throttling.method_options(checked.throttles),
    )
    _set_security_policy(api, props.endpoint.security_policy)
    return api


def _rest_api(
    scope: Construct,
    access_log_group: logs.ILogGroup,
    policy: iam.PolicyDocument | None,
    vpc_endpoints: Sequence[ec2.IVpcEndpoint] | None,
    throttling_rate_limit: float,
    throttling_burst_limit: int,
    method_options: dict[str, apigateway.MethodDeploymentOptions],
) -> apigateway.RestApi:
    private = vpc_endpoints is not None
    endpoint_type = apigateway.EndpointType.PRIVATE if private else apigateway.EndpointType.REGIONAL
    endpoint = apigateway.EndpointConfiguration(
        types=[endpoint_type],
        vpc_endpoints=(list(vpc_endpoints) if vpc_endpoints is not None else None),
    )
    return apigateway.RestApi(
        scope,
        "Api",
        rest_api_name=Names.unique_resource_name(scope, max_length=255),
        description="ParticipantBroker: adds participants to Amazon Connect contacts",
        endpoint_configuration=endpoint,
        cloud_watch_role=False,
        fail_on_warnings=True,
        policy=policy,
        deploy_options=apigateway.StageOptions(
            stage_name=defaults.STAGE_NAME,
            tracing_enabled=defaults.TRACING_ENABLED,
            data_trace_enabled=defaults.DATA_TRACE_ENABLED,
            logging_level=defaults.EXECUTION_LOGGING_LEVEL,
            metrics_enabled=defaults.METRICS_ENABLED,
            throttling_rate_limit=throttling_rate_limit,
            throttling_burst_limit=throttling_burst_limit,
            method_options=method_options or None,
            access_log_destination=apigateway.LogGroupLogDestination(access_log_group),
            access_log_format=_access_log_format(),
        ),
    )


def add_methods(
    scope: Construct,
    api: apigateway.RestApi,
    function: lambda_.IFunction,
    props: ParticipantBrokerProps,
) -> tuple[apigateway.Method, InvitationMethods | None]:
    """The participants method (and its CORS preflight), then with invitations their methods,
    authorized alike."""
    auth, cors_allowed_origins = props.authorization, props.cors_allowed_origins
    participants = api.root.resource_for_path(defaults.RESOURCE_PATH)
    integration = apigateway.LambdaIntegration(function, proxy=True, allow_test_invoke=False)
    if auth.user_pool is not None:
        authorizer: apigateway.IAuthorizer | None = apigateway.CognitoUserPoolsAuthorizer(
            scope, "Authorizer", cognito_user_pools=[auth.user_pool]
        )
    else:
        authorizer = auth.custom_authorizer
    method = participants.add_method(
        "POST",
        integration,
        authorization_type=(None if authorizer is not None else auth.authorization_type),
        authorizer=authorizer,
        authorization_scopes=list(auth.scopes) if auth.scopes else None,
    )
    if cors_allowed_origins:
        participants.add_cors_preflight(
            allow_origins=list(cors_allowed_origins),
            allow_methods=list(defaults.CORS_ALLOW_METHODS),
            allow_headers=list(defaults.CORS_ALLOW_HEADERS),
            max_age=defaults.CORS_MAX_AGE,
        )
    if props.invitations is None:
        return method, None
    from ..invitations import resources as invitation_resources  # only with invitations

    contact = participants.parent_resource
    assert isinstance(contact, apigateway.Resource)
    return method, invitation_resources.add_routes(
        api,
        contact,
        integration,
        authorization_type=None if authorizer is not None else auth.authorization_type,
        authorizer=authorizer,
        scopes=auth.scopes,
        cors_allowed_origins=cors_allowed_origins,
    )


def build_gateway_edges(
    scope: Construct, api: apigateway.RestApi, props: ParticipantBrokerProps
) -> wafv2.CfnWebACLAssociation | None:
    """What API Gateway answers itself, the account's logging role, the web ACL (the
    association, when there is one)."""
    responses.add_gateway_responses(
        api,
        with_authorizer=props.authorization.authorization_type
        not in (apigateway.AuthorizationType.IAM, apigateway.AuthorizationType.NONE),
        extra_headers=_gateway_cors_headers(props.cors_allowed_origins),
    )
    if props.create_api_gateway_account_role:
        api.deployment_stage.node.add_dependency(account_settings(scope))
    else:
        checks.note_account_role(scope)
    if props.web_acl_arn is not None:
        from aws_cdk import aws_wafv2 as wafv2

        return wafv2.CfnWebACLAssociation(
            scope,
            "WebAclAssociation",
            resource_arn=api.deployment_stage.stage_arn,
            web_acl_arn=props.web_acl_arn,
        )
    return None


def _gateway_cors_headers(origins: Sequence[str] | None) -> dict[str, str]:
    """A gateway response can carry one static origin only; with several, browsers do not
    see API Gateway's own errors (the function's responses are unaffected)."""
    if origins and len(origins) == 1 and not checks.is_unresolved(origins[0]):
        return {"Access-Control-Allow-Origin": f"'{origins[0]}'", "Vary": "'Origin'"}
    return {}


@functools.cache
def _access_log_format() -> apigateway.AccessLogFormat:
    """The stages' JSON access log format, one per process: a value every stage can share."""
    return apigateway.AccessLogFormat.custom(
        json.dumps(defaults.ACCESS_LOG_FIELDS, separators=(",", ":"))
    )


def _set_security_policy(api: apigateway.RestApi, policy: BrokerSecurityPolicy) -> None:
    """Set the API's minimum TLS policy (and, for an enhanced policy, its access mode) on the
    CloudFormation resource: ``RestApi`` has no prop for them in aws-cdk-lib."""
    resource = api.node.default_child
    assert isinstance(resource, apigateway.CfnRestApi)
    resource.security_policy = policy.security_policy
    if policy.endpoint_access_mode is not None:  # a legacy policy has no mode: nothing to write
        resource.endpoint_access_mode = policy.endpoint_access_mode.value
