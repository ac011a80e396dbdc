"""``ParticipantBroker``: an HTTP API that adds a participant to an Amazon Connect contact."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from aws_cdk import Annotations, ArnFormat, Duration, Names, RemovalPolicy, Stack, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct, IConstruct

from . import (
    _access,
    _contract,
    _edge,
    _invitations,
    _nag,
    _props,
    _throttling,
    _validation,
    defaults,
)
from .monitoring import (
    DEFAULT_API_5XX_RATE_THRESHOLD,
    DEFAULT_CONNECT_THROTTLES_THRESHOLD,
    DEFAULT_LAMBDA_ERRORS_THRESHOLD,
    DEFAULT_LAMBDA_THROTTLES_THRESHOLD,
    BrokerMonitoring,
)
from .props import (
    BrokerAuthorization,
    BrokerEndpoint,
    BrokerSecurityPolicy,
    ConnectInstance,
    InvitationOptions,
    ParticipantBrokerProps,
)

if TYPE_CHECKING:
    # Only in annotations: importing these modules costs synth time for every user, and
    # most brokers use none of them (wafv2 is imported where a web ACL is associated).
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_dynamodb as dynamodb
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_sns as sns

#: The runtime's ``AUTH_TYPE`` (CloudFormation's AuthorizationType spelling) per method type:
#: it tells the function where API Gateway puts the caller's identity.
_RUNTIME_AUTH_TYPES: dict[apigateway.AuthorizationType, str] = {
    apigateway.AuthorizationType.IAM: "AWS_IAM",
    apigateway.AuthorizationType.COGNITO: "COGNITO_USER_POOLS",
    apigateway.AuthorizationType.CUSTOM: "CUSTOM",
    apigateway.AuthorizationType.NONE: "NONE",
}

#: What the account needs when the broker leaves the account setting alone (the default).
_ACCOUNT_ROLE_NOTE = (
    "ParticipantBroker writes API Gateway execution and access logs, which need the account's "
    "Region-wide API Gateway CloudWatch role (Settings > CloudWatch log role ARN, "
    "AWS::ApiGateway::Account). If this account and Region have none, the stage fails to "
    "deploy: set it once (your landing zone may already), or pass "
    "create_api_gateway_account_role=True to let this stack set it."
)

#: Construct ID of the stack-wide API Gateway account settings (one per stack).
_ACCOUNT_SETTINGS_ID = "ParticipantBrokerApiGatewayAccount"


class ParticipantBroker(Construct):
    """A secure HTTP API that adds a participant to an ongoing Amazon Connect chat or WebRTC call.

    ``POST {url}contacts/{contactId}/participants`` calls Connect's ``CreateParticipant`` on the
    broker's instance, fixed at deploy time. API Gateway REST API (regional, AWS_IAM by default)
    -> Lambda function (Python 3.14, arm64) with a role that may call ``CreateParticipant`` on
    that one instance and nothing else. See docs/contract.md for the HTTP contract.
    """

    instance_id_parameter: ssm.IStringParameter
    """The SSM String parameter holding the Connect instance ID (created or given)."""
    log_group: logs.LogGroup
    """The function's log group."""
    invitation_table: dynamodb.Table | None
    """The invitation table; ``None`` without invitations."""
    lambda_function: lambda_.Function
    """The Lambda function that calls Connect's CreateParticipant."""
    access_log_group: logs.LogGroup
    """The API stage's JSON access log group."""
    rest_api: apigateway.RestApi
    """The API Gateway REST API."""
    create_participant_method: apigateway.Method
    """The ``POST /contacts/{contactId}/participants`` method."""
    invitation_methods: _invitations.InvitationMethods | None
    """The invitation methods (``create``, ``list``, ``revoke``, ``redeem``); ``None`` without
    invitations."""
    url: str
    """The API's base URL (``https://.../v1/``); the method is ``POST {url}contacts/...``."""
    monitoring: BrokerMonitoring | None
    """The alarms and dashboard; ``None`` when ``alarms=False`` and ``dashboard=False``."""
    lambda_errors_alarm: cloudwatch.Alarm | None
    """Alarm on the function's errors; ``None`` when ``alarms=False``."""
    lambda_throttles_alarm: cloudwatch.Alarm | None
    """Alarm on the function's throttles; ``None`` when ``alarms=False``."""
    api_5xx_alarm: cloudwatch.Alarm | None
    """Alarm on the API's 5xx rate; ``None`` when ``alarms=False``."""
    latency_p99_alarm: cloudwatch.Alarm | None
    """Alarm on CreateParticipant's p99 latency; ``None`` when ``alarms=False``."""
    connect_throttles_alarm: cloudwatch.Alarm | None
    """Alarm on Amazon Connect throttling; ``None`` when ``alarms=False``."""
    failed_redemptions_alarm: cloudwatch.Alarm | None
    """Alarm on refused redemptions; ``None`` without invitations or alarms."""
    dashboard: cloudwatch.Dashboard | None
    """The CloudWatch dashboard; ``None`` unless ``dashboard=True``."""

    # <generated by `make props` from constructs_lib/props.py>
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance: ConnectInstance,
        authorization: BrokerAuthorization = BrokerAuthorization.IAM,
        endpoint: BrokerEndpoint = BrokerEndpoint.REGIONAL,
        web_acl_arn: str | None = None,
        cors_allowed_origins: Sequence[str] | None = None,
        allowed_roles: Sequence[str] | None = None,
        default_role: str | None = None,
        allow_video: bool = defaults.ALLOW_VIDEO,
        allow_screen_share: bool = defaults.ALLOW_SCREEN_SHARE,
        contact_checks: bool = defaults.CONTACT_CHECKS,
        channel_roles: Mapping[str, Sequence[str]] | None = None,
        agent_wait: Duration = defaults.AGENT_WAIT,
        caller_attribute: str | None = None,
        invitations: InvitationOptions | None = None,
        throttling_rate_limit: float = defaults.THROTTLING_RATE_LIMIT,
        throttling_burst_limit: int = defaults.THROTTLING_BURST_LIMIT,
        create_participant_quota: float = defaults.CREATE_PARTICIPANT_QUOTA,
        describe_contact_quota: float = defaults.DESCRIBE_CONTACT_QUOTA,
        memory_size: int = defaults.MEMORY_SIZE_MIB,
        timeout: Duration = defaults.TIMEOUT,
        reserved_concurrency: int | None = None,
        log_level: str = defaults.LOG_LEVEL,
        log_retention: logs.RetentionDays = defaults.LOG_RETENTION,
        metrics_namespace: str = defaults.METRICS_NAMESPACE,
        create_api_gateway_account_role: bool = defaults.CREATE_API_GATEWAY_ACCOUNT_ROLE,
        alarms: bool = True,
        dashboard: bool = False,
        alarm_topic: sns.ITopic | None = None,
        alarm_actions: Sequence[cloudwatch.IAlarmAction] | None = None,
        lambda_errors_threshold: int = DEFAULT_LAMBDA_ERRORS_THRESHOLD,
        lambda_throttles_threshold: int = DEFAULT_LAMBDA_THROTTLES_THRESHOLD,
        api_5xx_rate_threshold: float = DEFAULT_API_5XX_RATE_THRESHOLD,
        latency_p99_threshold: Duration | None = None,
        connect_throttles_threshold: int = DEFAULT_CONNECT_THROTTLES_THRESHOLD,
    ) -> None:
        """Define the broker (every prop is keyword-only; ``ParticipantBrokerProps`` in
        constructs_lib/props.py is where each is written).

        :param scope: the construct the broker belongs to.
        :param construct_id: its ID, part of every resource's logical ID.
        :param instance: The Amazon Connect instance: ``ConnectInstance.from_id(...)``,
            ``ConnectInstance.from_arn(...)`` or ``ConnectInstance.from_parameter(...)``. Required.
        :param authorization: How API Gateway authenticates callers:
            ``BrokerAuthorization.iam(...)``, ``.cognito(user_pool, ...)``,
            ``.authorizer(authorizer)`` or ``.allow_unauthenticated_access()``. Default: AWS_IAM,
            any IAM principal of the account allowed to invoke the API.
        :param endpoint: Where callers reach the API, and with which minimum TLS:
            ``BrokerEndpoint.regional(...)`` or ``BrokerEndpoint.private(vpc_endpoints, ...)``.
            Default: a REGIONAL endpoint, TLS 1.2 or newer.
        :param web_acl_arn: Associate this REGIONAL WAFv2 web ACL with the API stage. Default: no
            web ACL.
        :param cors_allowed_origins: Origins browsers may call from (``scheme://host[:port]``; ``*``
            is refused); adds an unauthenticated OPTIONS preflight, which the resource policy (if
            any) allows. Default: no CORS (browsers on other origins cannot call).
        :param allowed_roles: Participant roles callers may request, from AGENT, CUSTOMER, SYSTEM,
            CUSTOM_BOT, SUPERVISOR. Default: CUSTOMER only.
        :param default_role: The role used when the request names none; must be allowed. Default:
            CUSTOMER when allowed, else the only allowed role.
        :param allow_video: Whether callers may ask for the video capability. Default: ``True``.
        :param allow_screen_share: Whether callers may ask for screen share. Default: ``True``.
        :param contact_checks: Look the contact up (``connect:DescribeContact``) before adding
            anyone, and answer 404/409 precisely (ended, channel, role, agent not connected;
            docs/contacts.md); ``False`` calls CreateParticipant blind, without the DescribeContact
            permission. Default: ``True``.
        :param channel_roles: The roles Connect accepts on each channel (``VOICE`` is a WebRTC call;
            channels: ``VOICE``, ``CHAT``, ``TASK``, ``EMAIL``), so the broker can follow AWS if it
            widens them; a channel left out takes no participants. Default: ``{"CHAT":
            ["CUSTOM_BOT"], "VOICE": ["CUSTOMER"]}``, from the CreateParticipant API reference.
        :param agent_wait: How long the broker waits for a WebRTC call's agent to connect before
            answering 409 ``agent-not-connected`` with ``Retry-After``; ``timeout`` must leave room
            for it (checked at synth). Default: 3 seconds.
        :param caller_attribute: Contact-bound callers: a user-defined contact attribute that must
            equal the caller's identity (docs/contacts.md shows the exact string: with AWS_IAM the
            IAM user's ARN, a role session's ARN without the session name, or the Cognito
            identity-pool ``cognitoIdentityId``; a user pool token's ``sub``; an authorizer's
            ``principalId``); any other contact answers 404 as if it did not exist. Needs the
            contact checks and authenticated callers. Default: any caller may add participants to
            any contact of the instance.
        :param invitations: Serve invitations (docs/invitations.md), with these settings:
            ``InvitationOptions(...)``. Default: no invitations (no table, routes or permissions).
        :param throttling_rate_limit: The stage's steady-state rate (requests/s), which API Gateway
            applies to each method on its own: the rate of the methods that call no Connect API, and
            the ceiling of those that do (each of which takes its share of the Connect quotas
            below). Default: 5.
        :param throttling_burst_limit: The stage's burst (requests), also the burst of the routes
            that call Connect (but the redeem route). Default: 10.
        :param create_participant_quota: The requests/s of the account's CreateParticipant rate
            quota in this Region that this broker may use ("Rate of CreateParticipant API requests"
            in Service Quotas); the routes that add participants share it (docs/operating.md,
            "Throttling"). Raise it after Amazon Connect raises the quota, lower it when other
            applications call CreateParticipant. Default: 5, Connect's default quota.
        :param describe_contact_quota: The same for DescribeContact ("Rate of DescribeContact API
            requests"), which the contact checks call, once a second while waiting for a WebRTC
            call's agent. Default: 10, Connect's default quota.
        :param memory_size: The function's memory in MB. Default: 512.
        :param timeout: The function's timeout, at most 28 seconds (API Gateway's integration
            timeout is 29); with the contact checks it must cover them and ``agent_wait``
            (docs/contacts.md). Default: 25 seconds.
        :param reserved_concurrency: Reserved concurrent executions of the function. Default: none
            reserved (the account's unreserved pool).
        :param log_level: The function's log level (DEBUG, INFO, WARNING, ERROR). Default: INFO.
        :param log_retention: Retention of the function's and the access log groups. Default: one
            year.
        :param metrics_namespace: CloudWatch namespace of the function's EMF metrics. Default:
            ``ConnectParticipantBroker``.
        :param create_api_gateway_account_role: Create a role for API Gateway to write CloudWatch
            logs and set it as the account's Region-wide API Gateway CloudWatch role (once per
            stack; the role and the setting are retained on delete). This changes an account-wide
            setting that every API Gateway API of the Region shares. Default: ``False``: the account
            must already have that role set (landing zones usually do), or the stage fails to deploy
            with execution and access logging on.
        :param alarms: Create the five alarms (``BrokerMonitoring``, docs/operating.md). Default:
            ``True``.
        :param dashboard: Create a CloudWatch dashboard (its name is generated). Default: ``False``,
            no dashboard.
        :param alarm_topic: An SNS topic notified when any alarm goes to ALARM or back to OK.
            Default: no topic.
        :param alarm_actions: Actions run when any alarm goes to ALARM or back to OK, in addition to
            ``alarm_topic``. Default: no actions.
        :param lambda_errors_threshold: Function errors (unhandled exceptions, timeouts, out of
            memory) in five minutes that raise ``lambda_errors_alarm``. Default: 1, any error.
        :param lambda_throttles_threshold: Throttled invocations in five minutes that raise
            ``lambda_throttles_alarm``. Default: 1, any throttle.
        :param api_5xx_rate_threshold: The fraction of requests answered with a 5xx (0.05 is 5%)
            that, in 2 of 3 five-minute periods, raises ``api_5xx_alarm``. Default: 0.05.
        :param latency_p99_threshold: The p99 of the function's ``ConnectLatency`` (the
            CreateParticipant call, without the agent wait) that, for three five-minute periods in a
            row, raises ``latency_p99_alarm``. Default: 3 seconds, one attempt at the SDK's connect
            and read timeouts.
        :param connect_throttles_threshold: Requests Amazon Connect throttled (after the SDK's
            retries; callers got a 429) in five minutes that raise ``connect_throttles_alarm``.
            Default: 1, any throttle.
        """
        super().__init__(scope, construct_id)
        self._define(
            ParticipantBrokerProps(
                instance=instance,
                authorization=authorization,
                endpoint=endpoint,
                web_acl_arn=web_acl_arn,
                cors_allowed_origins=cors_allowed_origins,
                allowed_roles=allowed_roles,
                default_role=default_role,
                allow_video=allow_video,
                allow_screen_share=allow_screen_share,
                contact_checks=contact_checks,
                channel_roles=channel_roles,
                agent_wait=agent_wait,
                caller_attribute=caller_attribute,
                invitations=invitations,
                throttling_rate_limit=throttling_rate_limit,
                throttling_burst_limit=throttling_burst_limit,
                create_participant_quota=create_participant_quota,
                describe_contact_quota=describe_contact_quota,
                memory_size=memory_size,
                timeout=timeout,
                reserved_concurrency=reserved_concurrency,
                log_level=log_level,
                log_retention=log_retention,
                metrics_namespace=metrics_namespace,
                create_api_gateway_account_role=create_api_gateway_account_role,
                alarms=alarms,
                dashboard=dashboard,
                alarm_topic=alarm_topic,
                alarm_actions=alarm_actions,
                lambda_errors_threshold=lambda_errors_threshold,
                lambda_throttles_threshold=lambda_throttles_threshold,
                api_5xx_rate_threshold=api_5xx_rate_threshold,
                latency_p99_threshold=latency_p99_threshold,
                connect_throttles_threshold=connect_throttles_threshold,
            )
        )

    # </generated>

    def _define(self, props: ParticipantBrokerProps) -> None:
        """Check the props, then define the resources, each builder returning what it built."""
        checked = _props.check(self, props)
        self._auth = props.authorization
        self.instance_id_parameter, instance_id = self._build_instance_id(props.instance)
        self.log_group = logs.LogGroup(self, "FunctionLogs", retention=props.log_retention)
        self.invitation_table = (
            None
            if props.invitations is None
            else _invitations.create_table(self, props.invitations)
        )
        self.lambda_function = self._build_function(props, checked, instance_id)
        self.access_log_group = logs.LogGroup(self, "AccessLogs", retention=props.log_retention)
        self.rest_api = self._build_api(props, checked)
        self.create_participant_method = self._add_method(
            props.authorization, props.cors_allowed_origins
        )
        self.invitation_methods = (
            None
            if props.invitations is None
            else self._add_invitation_methods(props.authorization, props.cors_allowed_origins)
        )
        self._build_gateway_edges(props, checked)
        self.url = self.rest_api.url
        self.monitoring = watch = self._build_monitoring(props, checked)
        self.lambda_errors_alarm = watch.lambda_errors_alarm if watch else None
        self.lambda_throttles_alarm = watch.lambda_throttles_alarm if watch else None
        self.api_5xx_alarm = watch.api_5xx_alarm if watch else None
        self.latency_p99_alarm = watch.latency_p99_alarm if watch else None
        self.connect_throttles_alarm = watch.connect_throttles_alarm if watch else None
        self.failed_redemptions_alarm = watch.failed_redemptions_alarm if watch else None
        self.dashboard = watch.dashboard if watch else None
        _nag.acknowledge_findings(self, props.authorization.method_authorization_type())

    # ----------------------------------------------------------------------------- public API
    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` call the API: ``execute-api:Invoke`` on exactly the POST method.

        Only with AWS_IAM authorization (the default): API Gateway evaluates IAM permissions
        only for AWS_IAM methods, so with a Cognito user pool, an authorizer or no
        authentication the grant would have no effect, and this raises instead.
        With ``allowed_principals``, the grantee must also be one of them.
        """
        self._check_iam_grant("grant_invoke")
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["execute-api:Invoke"],
            resource_arns=[self.create_participant_method.method_arn],
        )

    def _check_iam_grant(self, name: str) -> None:
        """Raise unless the methods use AWS_IAM, the only type API Gateway checks grants for."""
        if self._auth.method_authorization_type() != apigateway.AuthorizationType.IAM:
            raise ValueError(
                f"{name} has no effect on a broker authorized by "
                f"{_RUNTIME_AUTH_TYPES[self._auth.method_authorization_type()]}: API Gateway "
                "checks execute-api:Invoke permissions only for AWS_IAM methods; give the "
                "caller a token of the user pool or authorizer instead, or use AWS_IAM (the "
                f"default) and {name}"
            )

    def grant_invite(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` create, list and revoke invitations: ``execute-api:Invoke`` on
        exactly those three methods (redeeming needs no permission).

        Only with invitations and AWS_IAM authorization (see :meth:`grant_invoke`).
        """
        if self.invitation_methods is None:
            raise ValueError(
                "grant_invite needs a broker with invitations, got a broker without "
                "invitations; pass invitations=InvitationOptions()"
            )
        self._check_iam_grant("grant_invite")
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["execute-api:Invoke"],
            resource_arns=[method.method_arn for method in self.invitation_methods.authenticated],
        )

    # ------------------------------------------------------------------------------- builders
    def _build_instance_id(self, instance: ConnectInstance) -> tuple[ssm.IStringParameter, str]:
        """The SSM parameter (the one given, or one created holding the ID) and the instance
        ID as CloudFormation resolves it at deploy time."""
        if instance.parameter is not None:
            return instance.parameter, instance.instance_id
        created = ssm.StringParameter(
            self,
            "InstanceIdParameter",
            string_value=instance.instance_id,
            description="Amazon Connect instance ID used by a ParticipantBroker",
        )
        return created, instance.instance_id

    def _build_function(
        self, props: ParticipantBrokerProps, checked: _props.Checked, instance_id: str
    ) -> lambda_.Function:
        """The function, its role and its configuration (environment variables only)."""
        environment = _function_environment(props, checked, instance_id)
        extra_statements: list[iam.PolicyStatement] = []
        asset_exclude = list(defaults.ASSET_EXCLUDE)
        if self.invitation_table is None or props.invitations is None:
            asset_exclude += defaults.INVITATION_ASSET_FILES
        else:
            environment.update(_invitations.environment(self.invitation_table, props.invitations))
            extra_statements = _invitations.policy_statements(
                self.invitation_table, props.invitations
            )
        function = lambda_.Function(
            self,
            "Function",
            description="Adds a participant to an Amazon Connect contact (ParticipantBroker)",
            runtime=defaults.RUNTIME,
            architecture=defaults.ARCHITECTURE,
            handler=defaults.HANDLER,
            code=lambda_.Code.from_asset(str(_contract.runtime_dir()), exclude=asset_exclude),
            memory_size=props.memory_size,
            timeout=props.timeout,
            role=self._function_role(instance_id, props.contact_checks, extra_statements),
            log_group=self.log_group,
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

    def _build_api(
        self, props: ParticipantBrokerProps, checked: _props.Checked
    ) -> apigateway.RestApi:
        """The REST API with its resource policy, stage settings and minimum TLS."""
        api = self._rest_api(
            _access.resource_policy(
                authorization_type=props.authorization.authorization_type,
                listed=props.authorization.allowlist,
                vpce_ids=props.endpoint.vpc_endpoint_ids,
                cors=bool(props.cors_allowed_origins),
                invitations=props.invitations is not None,
            ),
            props.endpoint.vpc_endpoints,
            props.throttling_rate_limit,
            props.throttling_burst_limit,
            _throttling.method_options(checked.throttles),
        )
        _set_security_policy(api, props.endpoint.security_policy)
        return api

    def _build_gateway_edges(self, props: ParticipantBrokerProps, checked: _props.Checked) -> None:
        """What API Gateway answers itself, the account's logging role, the web ACL."""
        _edge.add_gateway_responses(
            self.rest_api,
            with_authorizer=props.authorization.authorization_type
            not in (apigateway.AuthorizationType.IAM, apigateway.AuthorizationType.NONE),
            extra_headers=self._gateway_cors_headers(props.cors_allowed_origins),
        )
        if props.create_api_gateway_account_role:
            self.rest_api.deployment_stage.node.add_dependency(_account_settings(self))
        else:
            Annotations.of(self).add_info(_ACCOUNT_ROLE_NOTE)
        if props.web_acl_arn is not None:
            from aws_cdk import aws_wafv2 as wafv2

            wafv2.CfnWebACLAssociation(
                self,
                "WebAclAssociation",
                resource_arn=self.rest_api.deployment_stage.stage_arn,
                web_acl_arn=props.web_acl_arn,
            )

    def _build_monitoring(
        self, props: ParticipantBrokerProps, checked: _props.Checked
    ) -> BrokerMonitoring | None:
        """The alarms and dashboard (constructs_lib/monitoring.py), unless both are off."""
        if not (props.alarms or props.dashboard):
            return None
        return BrokerMonitoring(
            self,
            "Monitoring",
            function=self.lambda_function,
            rest_api=self.rest_api,
            metrics_namespace=props.metrics_namespace,
            alarms=props.alarms,
            dashboard=props.dashboard,
            alarm_topic=props.alarm_topic,
            alarm_actions=props.alarm_actions,
            lambda_errors_threshold=props.lambda_errors_threshold,
            lambda_throttles_threshold=props.lambda_throttles_threshold,
            api_5xx_rate_threshold=props.api_5xx_rate_threshold,
            latency_p99_threshold=props.latency_p99_threshold,
            connect_throttles_threshold=props.connect_throttles_threshold,
            invitations=props.invitations is not None,
            failed_redemptions_threshold=(
                None
                if props.invitations is None
                else props.invitations.failed_redemptions_threshold
            ),
        )

    def _function_role(
        self,
        instance_id: str,
        contact_checks: bool,
        extra_statements: Sequence[iam.PolicyStatement] = (),
    ) -> iam.Role:
        """The function's own role: logs to its own log group, CreateParticipant on one
        instance (with the contact checks, DescribeContact on its contacts; with invitations,
        the invitation table); no managed policies."""
        stack = Stack.of(self)
        instance_arn = stack.format_arn(
            service="connect", resource="instance", resource_name=instance_id
        )
        contacts_arn = stack.format_arn(
            service="connect", resource="instance", resource_name=f"{instance_id}/contact/*"
        )
        statements = [
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            ),
            iam.PolicyStatement(
                sid="CreateParticipantOnOneInstance",
                actions=["connect:CreateParticipant"],
                resources=[instance_arn, contacts_arn],
            ),
        ]
        if contact_checks:
            # DescribeContact is authorized on the contact ARN only (Service Authorization
            # Reference, Amazon Connect: resource type "contact").
            statements.append(
                iam.PolicyStatement(
                    sid="DescribeContactsOfOneInstance",
                    actions=["connect:DescribeContact"],
                    resources=[contacts_arn],
                )
            )
        statements.append(
            iam.PolicyStatement(
                sid="WriteXRayTraces",
                actions=list(_nag.XRAY_ACTIONS_SORTED),
                resources=["*"],
            )
        )
        statements.extend(extra_statements)
        policy = iam.PolicyDocument(statements=statements)
        role = iam.Role(
            self,
            "FunctionRole",
            description="ParticipantBroker function: CreateParticipant on one Connect instance",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={"ParticipantBroker": policy},
        )
        _nag.acknowledge_function_role(role, contacts_arn)
        return role

    def _rest_api(
        self,
        policy: iam.PolicyDocument | None,
        private_endpoint_vpc_endpoints: Sequence[ec2.IVpcEndpoint] | None,
        throttling_rate_limit: float,
        throttling_burst_limit: int,
        method_options: dict[str, apigateway.MethodDeploymentOptions],
    ) -> apigateway.RestApi:
        private = private_endpoint_vpc_endpoints is not None
        endpoint_type = (
            apigateway.EndpointType.PRIVATE if private else apigateway.EndpointType.REGIONAL
        )
        endpoint = apigateway.EndpointConfiguration(
            types=[endpoint_type],
            vpc_endpoints=(
                list(private_endpoint_vpc_endpoints)
                if private_endpoint_vpc_endpoints is not None
                else None
            ),
        )
        return apigateway.RestApi(
            self,
            "Api",
            rest_api_name=Names.unique_resource_name(self, max_length=255),
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
                access_log_destination=apigateway.LogGroupLogDestination(self.access_log_group),
                access_log_format=apigateway.AccessLogFormat.custom(
                    json.dumps(defaults.ACCESS_LOG_FIELDS, separators=(",", ":"))
                ),
            ),
        )

    def _add_method(
        self, auth: BrokerAuthorization, cors_allowed_origins: Sequence[str] | None
    ) -> apigateway.Method:
        participants = (
            self.rest_api.root.add_resource("contacts")
            .add_resource("{contactId}")
            .add_resource("participants")
        )
        if auth.user_pool is not None:
            authorizer: apigateway.IAuthorizer | None = apigateway.CognitoUserPoolsAuthorizer(
                self, "Authorizer", cognito_user_pools=[auth.user_pool]
            )
        else:
            authorizer = auth.custom_authorizer
        self._authorizer = authorizer
        if auth.authorization_type == apigateway.AuthorizationType.NONE:
            Annotations.of(self).add_warning_v2(
                "connect-participant-broker:unauthenticated",
                "BrokerAuthorization.allow_unauthenticated_access(): anyone who can reach this "
                "API can add participants to your Amazon Connect contacts. Use AWS_IAM (the "
                "default), a Cognito user pool or an authorizer unless the API is protected "
                "some other way.",
            )
        method = participants.add_method(
            "POST",
            apigateway.LambdaIntegration(self.lambda_function, proxy=True, allow_test_invoke=False),
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
        return method

    def _add_invitation_methods(
        self, auth: BrokerAuthorization, cors_allowed_origins: Sequence[str] | None
    ) -> _invitations.InvitationMethods:
        """The invitation routes, beside the participants route (``_add_method`` first)."""
        contact = self.rest_api.root.get_resource("contacts")
        contact = contact.get_resource("{contactId}") if contact else None
        assert isinstance(contact, apigateway.Resource)
        return _invitations.add_routes(
            self.rest_api,
            contact,
            apigateway.LambdaIntegration(self.lambda_function, proxy=True, allow_test_invoke=False),
            authorization_type=None if self._authorizer is not None else auth.authorization_type,
            authorizer=self._authorizer,
            scopes=auth.scopes,
            cors_allowed_origins=cors_allowed_origins,
        )

    @staticmethod
    def _gateway_cors_headers(origins: Sequence[str] | None) -> dict[str, str]:
        """A gateway response can carry one static origin only; with several, browsers do not
        see API Gateway's own errors (the function's responses are unaffected)."""
        if origins and len(origins) == 1 and not _validation.is_unresolved(origins[0]):
            return {"Access-Control-Allow-Origin": f"'{origins[0]}'", "Vary": "'Origin'"}
        return {}


def _function_environment(
    props: ParticipantBrokerProps, checked: _props.Checked, instance_id: str
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
        "AUTH_TYPE": _RUNTIME_AUTH_TYPES[props.authorization.method_authorization_type()],
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


def _set_security_policy(api: apigateway.RestApi, policy: BrokerSecurityPolicy) -> None:
    """Set the API's minimum TLS policy (and, for an enhanced policy, its access mode) on the
    CloudFormation resource: ``RestApi`` has no prop for them in aws-cdk-lib."""
    resource = api.node.default_child
    assert isinstance(resource, apigateway.CfnRestApi)
    resource.security_policy = policy.security_policy
    mode = policy.endpoint_access_mode
    resource.endpoint_access_mode = None if mode is None else mode.value


def _contact_environment(
    contact_checks: bool, channel_roles: Mapping[str, Sequence[str]], agent_wait: Duration
) -> dict[str, str]:
    """The function's contact-check variables (``runtime/broker/config.py`` reads them)."""
    if not contact_checks:
        return {"CONTACT_CHECKS": "false"}
    seconds = _validation.duration_seconds(agent_wait)
    return {
        "CONTACT_CHECKS": "true",
        "CHANNEL_ROLES": ";".join(f"{c}={','.join(r)}" for c, r in channel_roles.items()),
        "AGENT_WAIT_MS": (
            Token.as_string(agent_wait.to_milliseconds())
            if seconds is None
            else str(round(seconds * 1000))
        ),
    }


def _account_settings(scope: Construct) -> IConstruct:
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
    _nag.acknowledge_account_role(role, log_groups)
    account = apigateway.CfnAccount(holder, "Account", cloud_watch_role_arn=role.role_arn)
    account.apply_removal_policy(RemovalPolicy.RETAIN)
    return holder
