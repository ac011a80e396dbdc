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
    """The props of ``ParticipantBroker(scope, construct_id, *, ...)``, all keyword-only. An
    invalid value fails at synth with the value received and the fix; tokens are not
    checked."""

    instance: ConnectInstance
    """The Amazon Connect instance (``ConnectInstance``). Required."""

    authorization: BrokerAuthorization = BrokerAuthorization.IAM
    """How API Gateway authenticates callers (``BrokerAuthorization``). Default: AWS_IAM."""

    endpoint: BrokerEndpoint = BrokerEndpoint.REGIONAL
    """Where callers reach the API, and its minimum TLS (``BrokerEndpoint``). Default: REGIONAL,
    TLS 1.2."""

    web_acl_arn: str | None = None
    """Associate this REGIONAL WAFv2 web ACL with the API stage. Default: no web ACL."""

    cors_allowed_origins: Sequence[str] | None = None
    """Origins browsers may call from (``scheme://host[:port]``; ``*`` is refused). Default: no
    CORS."""

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
    404/409 precisely (docs/contacts.md). Default: ``True``."""

    channel_roles: Mapping[str, Sequence[str]] | None = None
    """The roles Connect accepts on each channel (``VOICE`` is a WebRTC call; ``CHAT``,
    ``TASK``, ``EMAIL``); a channel left out takes no participants. Default: ``{"CHAT":
    ["CUSTOM_BOT"], "VOICE": ["CUSTOMER"]}``."""

    agent_wait: Duration = defaults.AGENT_WAIT
    """How long the broker waits for a WebRTC call's agent before answering 409
    ``agent-not-connected``; ``timeout`` must leave room for it. Default: 3 seconds."""

    caller_attribute: str | None = None
    """Contact-bound callers: a user-defined contact attribute that must equal the caller's
    identity (docs/security.md, "Caller identity"); any other contact answers 404. Default: any
    caller may use any contact."""

    invitations: InvitationOptions | None = None
    """Serve invitations with these settings (``InvitationOptions``). Default: no
    invitations."""

    throttling_rate_limit: float = defaults.THROTTLING_RATE_LIMIT
    """The stage's rate (requests/s) per method, and the ceiling of the routes that call
    Connect (docs/operating.md, "Throttling"). Default: 5."""

    throttling_burst_limit: int = defaults.THROTTLING_BURST_LIMIT
    """The stage's burst (requests) per method. Default: 10."""

    create_participant_quota: float = defaults.CREATE_PARTICIPANT_QUOTA
    """The requests/s of the account's CreateParticipant quota this broker may use; its routes
    share it (docs/operating.md, "Throttling"). Default: 5, Connect's default quota."""

    describe_contact_quota: float = defaults.DESCRIBE_CONTACT_QUOTA
    """The same for DescribeContact, which the contact checks call. Default: 10, Connect's
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
    """Create a role for API Gateway's CloudWatch logs and set it as the account's Region-wide
    API Gateway role, a setting every API of the Region shares (retained on delete). Default:
    ``False``: the account must have the role already, or the stage fails to deploy."""

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
    """Function errors in five minutes that raise ``lambda_errors_alarm``. Default: 1."""

    lambda_throttles_threshold: int = DEFAULT_LAMBDA_THROTTLES_THRESHOLD
    """Throttled invocations in five minutes that raise ``lambda_throttles_alarm``. Default:
    1."""

    api_5xx_rate_threshold: float = DEFAULT_API_5XX_RATE_THRESHOLD
    """The fraction of requests answered with a 5xx (0.05 is 5%) that, in 2 of 3 five-minute
    periods, raises ``api_5xx_alarm``. Default: 0.05."""

    latency_p99_threshold: Duration | None = None
    """The p99 of ``ConnectLatency`` (CreateParticipant) that, for three five-minute periods in
    a row, raises ``latency_p99_alarm``. Default: 3 seconds."""

    connect_throttles_threshold: int = DEFAULT_CONNECT_THROTTLES_THRESHOLD
    """Connect throttles (after retries) in five minutes that raise
    ``connect_throttles_alarm``. Default: 1."""
