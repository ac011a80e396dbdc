"""``ParticipantBroker``'s props, each written once (:class:`ParticipantBrokerProps`), and its
choices: each exclusive choice is a class with static factories, so a combination the broker
cannot serve cannot be written.

The construct's signature and docstring and the props reference (docs/reference.md) are
generated from this module (``make props``; a test keeps them equal). Each factory, and
``InvitationOptions``, checks what it is given at once (the value received and the fix); values
that are unresolved tokens are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import InitVar, dataclass
from typing import TYPE_CHECKING, ClassVar

from aws_cdk import Duration, Fn, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway

from . import _access, _checks, defaults
from .monitoring import (
    DEFAULT_API_5XX_RATE_THRESHOLD,
    DEFAULT_CONNECT_THROTTLES_THRESHOLD,
    DEFAULT_FAILED_REDEMPTIONS_THRESHOLD,
    DEFAULT_LAMBDA_ERRORS_THRESHOLD,
    DEFAULT_LAMBDA_THROTTLES_THRESHOLD,
)

if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_cognito as cognito
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_logs as logs
    from aws_cdk import aws_sns as sns
    from aws_cdk import aws_ssm as ssm

#: Proves a union was made by one of its factories (their constructors are private).
_FACTORY = object()


@dataclass(frozen=True, kw_only=True)
class _Union:
    """A choice made with one of the class's static factories; immutable, so the shared
    defaults (``BrokerAuthorization.IAM``, ...) stay what they say."""

    made_by: InitVar[object] = None

    def __post_init__(self, made_by: object) -> None:
        if made_by is not _FACTORY:
            raise TypeError(
                f"{type(self).__name__}(...) is private, got a direct call; create one with "
                f"a static method of {type(self).__name__}"
            )


@dataclass(frozen=True, kw_only=True)
class ConnectInstance(_Union):
    """The Amazon Connect instance the broker adds participants to, fixed at deploy time.

    ``ConnectInstance.from_id("11111111-...")``, ``ConnectInstance.from_arn("arn:...")`` or
    ``ConnectInstance.from_parameter(parameter)``.
    """

    instance_id: str
    """The instance ID as CloudFormation resolves it (a literal, or a token)."""
    parameter: ssm.IStringParameter | None
    """The SSM parameter given to :meth:`from_parameter`; ``None``: the broker creates one."""

    @staticmethod
    def from_id(instance_id: str) -> ConnectInstance:
        """An instance ID, such as ``11111111-2222-3333-4444-555555555555`` (the last part of
        the instance ARN), or a token such as a ``CfnParameter``'s value (CloudFormation reduces
        a token that holds the instance ARN to its ID). The broker creates an SSM String
        parameter holding it."""
        if _checks.is_unresolved(instance_id):
            return ConnectInstance(
                made_by=_FACTORY, instance_id=_id_in(instance_id), parameter=None
            )
        return ConnectInstance(
            made_by=_FACTORY, instance_id=_checks.instance_id(instance_id), parameter=None
        )

    @staticmethod
    def from_arn(instance_arn: str) -> ConnectInstance:
        """An instance ARN, ``arn:<partition>:connect:<region>:<account>:instance/<id>`` (a
        literal or a token); the broker uses its ID, in an SSM String parameter it creates."""
        if _checks.is_unresolved(instance_arn):
            return ConnectInstance(
                made_by=_FACTORY, instance_id=_id_in(instance_arn), parameter=None
            )
        return ConnectInstance(
            made_by=_FACTORY, instance_id=_checks.instance_arn(instance_arn), parameter=None
        )

    @staticmethod
    def from_parameter(parameter: ssm.IStringParameter) -> ConnectInstance:
        """An existing SSM String parameter holding the instance ID or the instance ARN (for
        example published by your Connect stack); read at deploy time, never by the
        function."""
        return ConnectInstance(
            made_by=_FACTORY, instance_id=_id_in(parameter.string_value), parameter=parameter
        )


@dataclass(frozen=True, kw_only=True)
class BrokerAuthorization(_Union):
    """How API Gateway authenticates the callers of the routes (the invitation redeem route
    has none): ``BrokerAuthorization.iam()`` (the default), ``.cognito(user_pool)``,
    ``.authorizer(authorizer)`` or ``.allow_unauthenticated_access()``."""

    IAM: ClassVar[BrokerAuthorization]
    """The same as ``BrokerAuthorization.iam()``: AWS_IAM, no resource policy, an assumed role
    is the caller."""

    authorization_type: apigateway.AuthorizationType
    """The authorization type the choice stands for (CUSTOM for an authorizer)."""
    user_pool: cognito.IUserPool | None = None
    scopes: Sequence[str] | None = None
    custom_authorizer: apigateway.IAuthorizer | None = None
    allowlist: _access.Allowlist | None = None
    """With AWS_IAM and ``allowed_principals``: the principals the resource policy lists."""
    session_identity: bool = False

    @staticmethod
    def iam(
        *,
        allowed_principals: Sequence[iam.IPrincipal] | None = None,
        session_identity: bool = False,
    ) -> BrokerAuthorization:
        """AWS_IAM: callers sign requests with SigV4; give them the right with
        ``broker.grant_invoke(role)``.

        :param allowed_principals: only these IAM roles, users or accounts may call the API:
            the resource policy allows them and denies every other principal, including
            same-account principals whose identity policy allows ``execute-api:Invoke`` on
            ``*``. A principal of another account also needs its own identity policy to allow
            the call. Default: no resource policy; any IAM principal of the account whose
            identity policy allows ``execute-api:Invoke`` may call.
        :param session_identity: ``True`` makes each assumed-role session a caller of its own
            (its full ARN, session name included) for idempotency scopes, contact-bound callers
            and invitation ownership. Safe only when the trust policy of every role that calls
            fixes the session name with an ``sts:RoleSessionName`` condition (for example
            ``${aws:username}``): without it, whoever may assume the role chooses the name,
            and refreshed credentials change it. ``sts:SourceIdentity`` does not fix the
            session name, so it is not enough alone. Default: ``False``, the role is the
            caller (CONTRACT v2.1).
        """
        allowlist = None
        if allowed_principals is not None:
            _checks.allowed_principals(allowed_principals)
            allowlist = _access.allowlist(allowed_principals)
        return BrokerAuthorization(
            made_by=_FACTORY,
            authorization_type=apigateway.AuthorizationType.IAM,
            allowlist=allowlist,
            session_identity=session_identity,
        )

    @staticmethod
    def cognito(
        user_pool: cognito.IUserPool, *, scopes: Sequence[str] | None = None
    ) -> BrokerAuthorization:
        """A Cognito user pool authorizer: callers send the pool's ID token, or an access
        token, in ``Authorization``.

        :param scopes: OAuth scopes the access token must carry. Default: any valid token
            of the pool.
        """
        return BrokerAuthorization(
            made_by=_FACTORY,
            authorization_type=apigateway.AuthorizationType.COGNITO,
            user_pool=user_pool,
            scopes=scopes,
        )

    @staticmethod
    def authorizer(authorizer: apigateway.IAuthorizer) -> BrokerAuthorization:
        """Your own authorizer (a Lambda token or request authorizer, a Cognito one, ...)."""
        return BrokerAuthorization(
            made_by=_FACTORY,
            authorization_type=apigateway.AuthorizationType.CUSTOM,
            custom_authorizer=authorizer,
        )

    @staticmethod
    def allow_unauthenticated_access() -> BrokerAuthorization:
        """No authentication: anyone who can reach the API can mint participant tokens. A
        synth warning (``connect-participant-broker:unauthenticated``) says so; use it only
        when the API is protected some other way."""
        return BrokerAuthorization(
            made_by=_FACTORY, authorization_type=apigateway.AuthorizationType.NONE
        )

    def method_authorization_type(self) -> apigateway.AuthorizationType:
        """The methods' authorization type (an authorizer brings its own, CUSTOM by default)."""
        if self.custom_authorizer is not None:
            return self.custom_authorizer.authorization_type or apigateway.AuthorizationType.CUSTOM
        return self.authorization_type


BrokerAuthorization.IAM = BrokerAuthorization.iam()


@dataclass(frozen=True, kw_only=True)
class BrokerSecurityPolicy(_Union):
    """The API's minimum TLS version and ciphers (API Gateway, "Security policies for REST APIs
    in API Gateway"): ``BrokerSecurityPolicy.TLS_1_2`` (the default; API Gateway's own default
    for a REST API is still TLS 1.0) or an enhanced policy,
    ``BrokerSecurityPolicy.enhanced("SecurityPolicy_TLS13_1_3_2025_09",
    endpoint_access_mode=apigateway.EndpointAccessMode.BASIC)``."""

    TLS_1_2: ClassVar[BrokerSecurityPolicy]
    """TLS 1.2 or newer (the legacy ``TLS_1_2`` policy, which has no endpoint access mode)."""

    security_policy: str
    endpoint_access_mode: apigateway.EndpointAccessMode | None

    @staticmethod
    def enhanced(
        security_policy: str, *, endpoint_access_mode: apigateway.EndpointAccessMode
    ) -> BrokerSecurityPolicy:
        """An enhanced policy for regional and private APIs, such as
        ``SecurityPolicy_TLS13_1_3_2025_09`` (TLS 1.3 only).

        :param endpoint_access_mode: ``BASIC`` or ``STRICT``, which has no default: a deployed
            API moves to an enhanced policy with ``BASIC``, then to ``STRICT`` once its access
            logs show that callers still get through; going back from ``STRICT`` to ``BASIC``
            makes the endpoint unavailable for about 15 minutes (docs/security.md, "Endpoint
            access mode"). ``STRICT`` on a private API adds a synth warning.
        """
        _checks.security_policy(security_policy)
        return BrokerSecurityPolicy(
            made_by=_FACTORY,
            security_policy=security_policy,
            endpoint_access_mode=endpoint_access_mode,
        )


BrokerSecurityPolicy.TLS_1_2 = BrokerSecurityPolicy(
    made_by=_FACTORY, security_policy=defaults.SECURITY_POLICY, endpoint_access_mode=None
)


@dataclass(frozen=True, kw_only=True)
class BrokerEndpoint(_Union):
    """Where callers reach the API: ``BrokerEndpoint.regional()`` (the default), or
    ``BrokerEndpoint.private(vpc_endpoints)``, reachable only through ``execute-api`` interface
    VPC endpoints."""

    REGIONAL: ClassVar[BrokerEndpoint]
    """The same as ``BrokerEndpoint.regional()``: a REGIONAL endpoint, TLS 1.2 or newer."""

    vpc_endpoints: Sequence[ec2.IVpcEndpoint] | None
    """The endpoints of a private API; ``None``: a regional API."""
    vpc_endpoint_ids: Sequence[str]
    """Every VPC endpoint ID a private API accepts requests from (empty when regional)."""
    security_policy: BrokerSecurityPolicy

    @staticmethod
    def regional(
        *, security_policy: BrokerSecurityPolicy = BrokerSecurityPolicy.TLS_1_2
    ) -> BrokerEndpoint:
        """A REGIONAL endpoint, reachable from the internet (and only with the API's
        authorization).

        :param security_policy: the minimum TLS. Default: ``BrokerSecurityPolicy.TLS_1_2``.
        """
        return BrokerEndpoint(
            made_by=_FACTORY,
            vpc_endpoints=None,
            vpc_endpoint_ids=(),
            security_policy=security_policy,
        )

    @staticmethod
    def private(
        vpc_endpoints: Sequence[ec2.IVpcEndpoint],
        *,
        allowed_vpc_endpoint_ids: Sequence[str] | None = None,
        security_policy: BrokerSecurityPolicy = BrokerSecurityPolicy.TLS_1_2,
    ) -> BrokerEndpoint:
        """A PRIVATE endpoint, reachable only through these ``execute-api`` interface VPC
        endpoints (the resource policy denies every request from elsewhere).

        :param allowed_vpc_endpoint_ids: further VPC endpoint IDs (of other VPCs or accounts)
            the API accepts requests from. Default: none.
        :param security_policy: the minimum TLS. Default: ``BrokerSecurityPolicy.TLS_1_2``.
        """
        _checks.vpc_endpoints(vpc_endpoints)
        ids = [endpoint.vpc_endpoint_id for endpoint in vpc_endpoints]
        return BrokerEndpoint(
            made_by=_FACTORY,
            vpc_endpoints=tuple(vpc_endpoints),
            vpc_endpoint_ids=(*ids, *(allowed_vpc_endpoint_ids or ())),
            security_policy=security_policy,
        )


BrokerEndpoint.REGIONAL = BrokerEndpoint.regional()


@dataclass(frozen=True, kw_only=True)
class InvitationOptions:
    """Invitations (docs/invitations.md), with their settings: a caller creates a one-time
    secret for a contact, and whoever holds it can join that contact through
    ``POST {url}invitations/redeem``, which has no API Gateway authorization. Adds a DynamoDB
    table, four routes and an alarm. ``invitations=InvitationOptions()`` turns them on with
    the defaults."""

    lifetime: Duration = defaults.INVITATION_LIFETIME
    """How long an invitation lasts when its creator asks for no lifetime (whole seconds, at
    least one minute). Default: 15 minutes."""
    max_lifetime: Duration = defaults.INVITATION_MAX_LIFETIME
    """The longest lifetime a creator may ask for, from one minute to 24 hours. Default:
    1 hour."""
    max_uses: int = defaults.INVITATION_MAX_USES
    """The most uses a creator may ask for (1-100). Default: 5."""
    encryption_key: kms.IKey | None = None
    """Encrypt the invitation table with this customer managed KMS key (the function gets
    ``kms:Decrypt`` on it through DynamoDB). Default: the AWS owned key of DynamoDB."""
    point_in_time_recovery: bool = defaults.INVITATION_POINT_IN_TIME_RECOVERY
    """Point-in-time recovery of the invitation table. Default: ``True``."""
    removal_policy: RemovalPolicy = defaults.INVITATION_REMOVAL_POLICY
    """What deleting the stack does to the invitation table. Default:
    ``RemovalPolicy.DESTROY`` (every item expires within the maximum lifetime anyway)."""
    redeem_throttling_rate_limit: float | None = None
    """The redeem route's own steady-state rate (requests/s); its Connect calls must fit the
    quotas (checked at synth), and the other routes share what it leaves. Default: the
    route's share of the quotas."""
    redeem_throttling_burst_limit: int = defaults.REDEEM_THROTTLING_BURST_LIMIT
    """The redeem route's burst. Default: 5."""
    failed_redemptions_threshold: int = DEFAULT_FAILED_REDEMPTIONS_THRESHOLD
    """Refused redemptions (unknown, expired, used up or revoked invitations) in five minutes
    that raise ``failed_redemptions_alarm``. Default: 10."""

    def __post_init__(self) -> None:
        _checks.invitation_lifetimes(self.lifetime, self.max_lifetime)
        _checks.invitation_counts(
            self.max_uses, self.redeem_throttling_rate_limit, self.redeem_throttling_burst_limit
        )
        _checks.alarm_count("failed_redemptions_threshold", self.failed_redemptions_threshold)


@dataclass(frozen=True, kw_only=True)
class ParticipantBrokerProps:
    """The props of ``ParticipantBroker(scope, construct_id, *, ...)``, each written once: its
    type, its default and what it does. Every prop is keyword-only; an invalid value fails at
    synth with the value received and the fix, and a value that is an unresolved token is not
    checked."""

    instance: ConnectInstance
    """The Amazon Connect instance: ``ConnectInstance.from_id(...)``,
    ``ConnectInstance.from_arn(...)`` or ``ConnectInstance.from_parameter(...)``. Required."""

    authorization: BrokerAuthorization = BrokerAuthorization.IAM
    """How API Gateway authenticates callers: ``BrokerAuthorization.iam(...)``,
    ``.cognito(user_pool, ...)``, ``.authorizer(authorizer)`` or
    ``.allow_unauthenticated_access()``. Default: AWS_IAM, any IAM principal of the account
    allowed to invoke the API."""

    endpoint: BrokerEndpoint = BrokerEndpoint.REGIONAL
    """Where callers reach the API, and with which minimum TLS: ``BrokerEndpoint.regional(...)``
    or ``BrokerEndpoint.private(vpc_endpoints, ...)``. Default: a REGIONAL endpoint, TLS 1.2 or
    newer."""

    web_acl_arn: str | None = None
    """Associate this REGIONAL WAFv2 web ACL with the API stage. Default: no web ACL."""

    cors_allowed_origins: Sequence[str] | None = None
    """Origins browsers may call from (``scheme://host[:port]``; ``*`` is refused); adds an
    unauthenticated OPTIONS preflight, which the resource policy (if any) allows. Default: no
    CORS (browsers on other origins cannot call)."""

    allowed_roles: Sequence[str] | None = None
    """Participant roles callers may request, from AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT,
    SUPERVISOR. Default: CUSTOMER only."""

    default_role: str | None = None
    """The role used when the request names none; must be allowed. Default: CUSTOMER when
    allowed, else the only allowed role."""

    allow_video: bool = defaults.ALLOW_VIDEO
    """Whether callers may ask for the video capability. Default: ``True``."""

    allow_screen_share: bool = defaults.ALLOW_SCREEN_SHARE
    """Whether callers may ask for screen share. Default: ``True``."""

    contact_checks: bool = defaults.CONTACT_CHECKS
    """Look the contact up (``connect:DescribeContact``) before adding anyone, and answer
    404/409 precisely (ended, channel, role, agent not connected; docs/contacts.md); ``False``
    calls CreateParticipant blind, without the DescribeContact permission. Default: ``True``."""

    channel_roles: Mapping[str, Sequence[str]] | None = None
    """The roles Connect accepts on each channel (``VOICE`` is a WebRTC call; channels:
    ``VOICE``, ``CHAT``, ``TASK``, ``EMAIL``), so the broker can follow AWS if it widens them;
    a channel left out takes no participants. Default: ``{"CHAT": ["CUSTOM_BOT"], "VOICE":
    ["CUSTOMER"]}``, from the CreateParticipant API reference."""

    agent_wait: Duration = defaults.AGENT_WAIT
    """How long the broker waits for a WebRTC call's agent to connect before answering 409
    ``agent-not-connected`` with ``Retry-After``; ``timeout`` must leave room for it (checked at
    synth). Default: 3 seconds."""

    caller_attribute: str | None = None
    """Contact-bound callers: a user-defined contact attribute that must equal the caller's
    identity (docs/contacts.md shows the exact string: with AWS_IAM the IAM user's ARN, a role
    session's ARN without the session name, or the Cognito identity-pool ``cognitoIdentityId``;
    a user pool token's ``sub``; an authorizer's ``principalId``); any other contact answers 404
    as if it did not exist. Needs the contact checks and authenticated callers. Default: any
    caller may add participants to any contact of the instance."""

    invitations: InvitationOptions | None = None
    """Serve invitations (docs/invitations.md), with these settings: ``InvitationOptions(...)``.
    Default: no invitations (no table, routes or permissions)."""

    throttling_rate_limit: float = defaults.THROTTLING_RATE_LIMIT
    """The stage's steady-state rate (requests/s), which API Gateway applies to each method on
    its own: the rate of the methods that call no Connect API, and the ceiling of those that do
    (each of which takes its share of the Connect quotas below). Default: 5."""

    throttling_burst_limit: int = defaults.THROTTLING_BURST_LIMIT
    """The stage's burst (requests), also the burst of the routes that call Connect (but the
    redeem route). Default: 10."""

    create_participant_quota: float = defaults.CREATE_PARTICIPANT_QUOTA
    """The requests/s of the account's CreateParticipant rate quota in this Region that this
    broker may use ("Rate of CreateParticipant API requests" in Service Quotas); the routes that
    add participants share it (docs/operating.md, "Throttling"). Raise it after Amazon Connect
    raises the quota, lower it when other applications call CreateParticipant. Default: 5,
    Connect's default quota."""

    describe_contact_quota: float = defaults.DESCRIBE_CONTACT_QUOTA
    """The same for DescribeContact ("Rate of DescribeContact API requests"), which the contact
    checks call, once a second while waiting for a WebRTC call's agent. Default: 10, Connect's
    default quota."""

    memory_size: int = defaults.MEMORY_SIZE_MIB
    """The function's memory in MB. Default: 512."""

    timeout: Duration = defaults.TIMEOUT
    """The function's timeout, at most 28 seconds (API Gateway's integration timeout is 29);
    with the contact checks it must cover them and ``agent_wait`` (docs/contacts.md). Default:
    25 seconds."""

    reserved_concurrency: int | None = None
    """Reserved concurrent executions of the function. Default: none reserved (the account's
    unreserved pool)."""

    log_level: str = defaults.LOG_LEVEL
    """The function's log level (DEBUG, INFO, WARNING, ERROR). Default: INFO."""

    log_retention: logs.RetentionDays = defaults.LOG_RETENTION
    """Retention of the function's and the access log groups. Default: one year."""

    metrics_namespace: str = defaults.METRICS_NAMESPACE
    """CloudWatch namespace of the function's EMF metrics. Default:
    ``ConnectParticipantBroker``."""

    create_api_gateway_account_role: bool = defaults.CREATE_API_GATEWAY_ACCOUNT_ROLE
    """Create a role for API Gateway to write CloudWatch logs and set it as the account's
    Region-wide API Gateway CloudWatch role (once per stack; the role and the setting are
    retained on delete). This changes an account-wide setting that every API Gateway API of the
    Region shares. Default: ``False``: the account must already have that role set (landing
    zones usually do), or the stage fails to deploy with execution and access logging on."""

    alarms: bool = True
    """Create the five alarms (``BrokerMonitoring``, docs/operating.md). Default: ``True``."""

    dashboard: bool = False
    """Create a CloudWatch dashboard (its name is generated). Default: ``False``, no
    dashboard."""

    alarm_topic: sns.ITopic | None = None
    """An SNS topic notified when any alarm goes to ALARM or back to OK. Default: no topic."""

    alarm_actions: Sequence[cloudwatch.IAlarmAction] | None = None
    """Actions run when any alarm goes to ALARM or back to OK, in addition to ``alarm_topic``.
    Default: no actions."""

    lambda_errors_threshold: int = DEFAULT_LAMBDA_ERRORS_THRESHOLD
    """Function errors (unhandled exceptions, timeouts, out of memory) in five minutes that
    raise ``lambda_errors_alarm``. Default: 1, any error."""

    lambda_throttles_threshold: int = DEFAULT_LAMBDA_THROTTLES_THRESHOLD
    """Throttled invocations in five minutes that raise ``lambda_throttles_alarm``. Default: 1,
    any throttle."""

    api_5xx_rate_threshold: float = DEFAULT_API_5XX_RATE_THRESHOLD
    """The fraction of requests answered with a 5xx (0.05 is 5%) that, in 2 of 3 five-minute
    periods, raises ``api_5xx_alarm``. Default: 0.05."""

    latency_p99_threshold: Duration | None = None
    """The p99 of the function's ``ConnectLatency`` (the CreateParticipant call, without the
    agent wait) that, for three five-minute periods in a row, raises ``latency_p99_alarm``.
    Default: 3 seconds, one attempt at the SDK's connect and read timeouts."""

    connect_throttles_threshold: int = DEFAULT_CONNECT_THROTTLES_THRESHOLD
    """Requests Amazon Connect throttled (after the SDK's retries; callers got a 429) in five
    minutes that raise ``connect_throttles_alarm``. Default: 1, any throttle."""


def _id_in(token: str) -> str:
    """The instance ID in a token that holds an ID or an instance ARN, resolved by
    CloudFormation without a custom resource: the value joined to itself with a ``/`` and split
    on ``/`` has the ID at index 1 whether it held an ID (``id/id``) or an ARN
    (``arn:...:instance/id/arn:...:instance/id``); an ID has no ``/``."""
    return Fn.select(1, Fn.split("/", Fn.join("", [token, "/", token])))
