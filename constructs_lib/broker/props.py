"""``ParticipantBroker``'s props, each written once (:class:`ParticipantBrokerProps`).

The construct's signature and docstring and the props reference (docs/reference.md) are
generated from this module (``make props``; a test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import Duration

from .. import defaults
from ..invitations.options import InvitationOptions
from ..monitoring.metrics import (
    DEFAULT_API_5XX_RATE_THRESHOLD,
    DEFAULT_CONNECT_THROTTLES_THRESHOLD,
    DEFAULT_LAMBDA_ERRORS_THRESHOLD,
    DEFAULT_LAMBDA_THROTTLES_THRESHOLD,
)
from .choices import BrokerAuthorization, BrokerEndpoint, ConnectInstance

if TYPE_CHECKING:
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_logs as logs
    from aws_cdk import aws_sns as sns


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
