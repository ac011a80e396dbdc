"""Every synth-time check and warning of ``ParticipantBroker`` and ``BrokerMonitoring``, in one
message style (aws-cdk's): lowercase, no final period, the prop and the value received, then
the fix after a semicolon. A value that is an unresolved token is not checked.

Each check raises ``ValueError``; each warning has a stable ID (``connect-participant-broker:
...``) an app that means it acknowledges with ``Annotations.of(broker).acknowledge_warning(id,
reason)`` (docs/reference.md, "Synth warnings"). The props and their choices call these
checks (``broker/choices.py``, ``broker/checked.py``); nothing else raises at synth but the
throttle allocation (``edge/throttling.py``), whose refusals depend on the routes' computed
shares.
"""

from .access import (
    allowed_principal,
    allowed_principals,
    iam_grant,
    invitation_grant,
    vpc_endpoints,
)
from .contacts import (
    STORE_CALLS_SECONDS,
    caller_attribute,
    channel_roles,
    max_agent_wait_seconds,
    redemption_time_budget,
    required_timeout_seconds,
    roles_meet_channels,
    time_budget,
)
from .options import (
    alarm_count,
    alarm_destinations,
    alarm_latency,
    alarm_rate,
    invitation_alarm,
    invitation_counts,
    invitation_lifetimes,
    runtime_metric,
)
from .tokens import duration_seconds, is_unresolved, is_unresolved_number, seconds_text
from .values import (
    MAX_TIMEOUT_SECONDS,
    ROLES_HINT,
    allowed_roles,
    cors_origins,
    default_role,
    instance_arn,
    instance_id,
    log_level,
    memory_size,
    metrics_namespace,
    quota,
    reserved_concurrency,
    security_policy,
    throttling,
    timeout,
    web_acl_arn,
)
from .warnings import (
    ACCOUNT_ROLE,
    BURST_BELOW_RATE,
    DUPLICATE_ROLES,
    STRICT_PRIVATE_API,
    UNAUTHENTICATED,
    note_account_role,
    warn_burst_below_rate,
    warn_duplicate_roles,
    warn_strict_private_api,
    warn_unauthenticated,
)

__all__ = [
    "ACCOUNT_ROLE",
    "BURST_BELOW_RATE",
    "DUPLICATE_ROLES",
    "MAX_TIMEOUT_SECONDS",
    "ROLES_HINT",
    "STORE_CALLS_SECONDS",
    "STRICT_PRIVATE_API",
    "UNAUTHENTICATED",
    "alarm_count",
    "alarm_destinations",
    "alarm_latency",
    "alarm_rate",
    "allowed_principal",
    "allowed_principals",
    "allowed_roles",
    "caller_attribute",
    "channel_roles",
    "cors_origins",
    "default_role",
    "duration_seconds",
    "iam_grant",
    "instance_arn",
    "instance_id",
    "invitation_alarm",
    "invitation_counts",
    "invitation_grant",
    "invitation_lifetimes",
    "is_unresolved",
    "is_unresolved_number",
    "log_level",
    "max_agent_wait_seconds",
    "memory_size",
    "metrics_namespace",
    "note_account_role",
    "quota",
    "redemption_time_budget",
    "required_timeout_seconds",
    "reserved_concurrency",
    "roles_meet_channels",
    "runtime_metric",
    "seconds_text",
    "security_policy",
    "throttling",
    "time_budget",
    "timeout",
    "vpc_endpoints",
    "warn_burst_below_rate",
    "warn_duplicate_roles",
    "warn_strict_private_api",
    "warn_unauthenticated",
    "web_acl_arn",
]
