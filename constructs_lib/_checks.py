"""Every synth-time check and warning of ``ParticipantBroker`` and ``BrokerMonitoring``, in one
message style (aws-cdk's): lowercase, no final period, the prop and the value received, then
the fix after a semicolon. A value that is an unresolved token is not checked.

Each check raises ``ValueError``; each warning has a stable ID (``connect-participant-broker:
...``) an app that means it acknowledges with ``Annotations.of(broker).acknowledge_warning(id,
reason)`` (docs/reference.md, "Synth warnings"). The props and their choices call these checks
(``props.py``, ``_props.py``); nothing else raises at synth but the throttle allocation
(``_throttling``), whose refusals depend on the routes' computed shares.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final

from aws_cdk import Annotations, Duration, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from . import _contract, defaults

_INSTANCE_ID = re.compile(r"[A-Za-z0-9-]{1,100}")
_INSTANCE_ARN = re.compile(r"arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance/([^/]+)")
_WEB_ACL_ARN = re.compile(r"arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[^/]+/[^/]+")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")
_NAMESPACE = re.compile(r"[0-9A-Za-z.\-_/#: ]{1,255}")
_ATTRIBUTE = re.compile(r"[A-Za-z0-9_-]{1,128}")
MAX_TIMEOUT_SECONDS = 28  # API Gateway's integration timeout is 29 s
_ROLES_HINT = ", ".join(defaults.VALID_ROLES)


def is_unresolved(value: object) -> bool:
    """``Token.is_unresolved(value)``, answered in Python for the common plain values.

    A string token always holds the ``${Token[`` marker and a number token is a float, so plain
    strings, ints and bools need no call into the CDK's JavaScript (one call per prop per
    broker adds up in apps with many brokers).
    """
    if isinstance(value, str):
        return "${Token[" in value
    if isinstance(value, bool | int):
        return False
    if isinstance(value, float):
        return _is_unresolved_number(value)
    return bool(Token.is_unresolved(value))


@functools.cache
def _is_unresolved_number(value: float) -> bool:
    """Asked of the CDK once per value and process: brokers share their default numbers."""
    return bool(Token.is_unresolved(value))


def instance_id(instance_id: str) -> str:
    """An Amazon Connect instance ID (a literal)."""
    if _INSTANCE_ID.fullmatch(instance_id):
        return instance_id
    match = _INSTANCE_ARN.fullmatch(instance_id)
    if match and _INSTANCE_ID.fullmatch(match.group(1)):
        raise ValueError(
            f"instance_id must be an Amazon Connect instance ID, got {instance_id!r}, an "
            f"instance ARN; pass the ARN to ConnectInstance.from_arn, or the ID "
            f"{match.group(1)!r} to ConnectInstance.from_id"
        )
    raise ValueError(
        f"instance_id must be an Amazon Connect instance ID (1-100 letters, digits and '-'), "
        f"got {instance_id!r}; copy the ID from the Amazon Connect console (the last part of "
        "the instance ARN)"
    )


def instance_arn(instance_arn: str) -> str:
    """An Amazon Connect instance ARN (a literal); return its instance ID."""
    match = _INSTANCE_ARN.fullmatch(instance_arn)
    if match and _INSTANCE_ID.fullmatch(match.group(1)):
        return match.group(1)
    raise ValueError(
        f"instance_arn must be an Amazon Connect instance ARN "
        f"(arn:<partition>:connect:<region>:<account>:instance/<id>), got {instance_arn!r}; "
        "copy it from the instance's overview in the Amazon Connect console, or pass the "
        "instance ID to ConnectInstance.from_id"
    )


def allowed_roles(allowed_roles: Sequence[str]) -> tuple[str, ...]:
    """Return the roles, de-duplicated in order; reject unknown roles and an empty list."""
    if isinstance(allowed_roles, str):
        raise ValueError(
            f"allowed_roles must be a list of roles, got the string {allowed_roles!r}; "
            f"write allowed_roles=[{allowed_roles!r}]"
        )
    roles = tuple(dict.fromkeys(allowed_roles))
    if not roles:
        raise ValueError(
            f"allowed_roles must name at least one role, got {list(allowed_roles)!r}; "
            f"valid roles: {_ROLES_HINT}"
        )
    for role in roles:
        if role not in defaults.VALID_ROLES:
            raise ValueError(
                f"allowed_roles contains {role!r}, which is not a participant role; "
                f"valid roles: {_ROLES_HINT}"
            )
    return roles


def default_role(default_role: str | None, allowed_roles: tuple[str, ...]) -> str:
    """The default role: given, else CUSTOMER when allowed, else the only allowed role."""
    if default_role is None:
        if defaults.DEFAULT_ROLE in allowed_roles:
            return defaults.DEFAULT_ROLE
        if len(allowed_roles) == 1:
            return allowed_roles[0]
        raise ValueError(
            f"default_role is required when allowed_roles has several roles and not CUSTOMER, "
            f"got allowed_roles={list(allowed_roles)!r}; pass default_role= one of them"
        )
    if default_role not in allowed_roles:
        raise ValueError(
            f"default_role must be one of allowed_roles {list(allowed_roles)!r}, got "
            f"{default_role!r}; add it to allowed_roles or choose an allowed role"
        )
    return default_role


def log_level(log_level: str) -> None:
    """One of the runtime's log levels."""
    if is_unresolved(log_level) or log_level in defaults.LOG_LEVELS:
        return
    raise ValueError(
        f"log_level must be one of {', '.join(defaults.LOG_LEVELS)}, got {log_level!r}; "
        "use the upper-case name"
    )


def metrics_namespace(namespace: str) -> None:
    """A CloudWatch custom namespace: 1-255 allowed characters, not under ``AWS/``."""
    if is_unresolved(namespace):
        return
    if not _NAMESPACE.fullmatch(namespace) or namespace.startswith("AWS/"):
        raise ValueError(
            f"metrics_namespace must be a CloudWatch custom namespace (1-255 letters, digits "
            f"and . - _ / # : space, not starting with 'AWS/'), got {namespace!r}; "
            f"for example {defaults.METRICS_NAMESPACE!r}"
        )


def memory_size(memory_size: int) -> None:
    """Lambda accepts 128-10240 MB."""
    if is_unresolved(memory_size) or 128 <= memory_size <= 10240:
        return
    raise ValueError(
        f"memory_size must be between 128 and 10240 (MB), got {memory_size!r}; "
        f"the default is {defaults.MEMORY_SIZE_MIB}"
    )


def timeout(timeout: Duration) -> None:
    """The function must finish before API Gateway's 29 s integration timeout (converted once
    per Duration: brokers share the default one)."""
    seconds = duration_seconds(timeout)
    if seconds is None or 1 <= seconds <= MAX_TIMEOUT_SECONDS:
        return
    raise ValueError(
        f"timeout must be between 1 and {MAX_TIMEOUT_SECONDS} seconds so the function answers "
        f"before API Gateway's 29 s integration timeout, got {seconds:g} seconds; "
        f"the default is {defaults.TIMEOUT.to_seconds()} seconds"
    )


def reserved_concurrency(reserved_concurrency: int | None) -> None:
    """Zero would stop the function; negative is meaningless."""
    if reserved_concurrency is None or is_unresolved(reserved_concurrency):
        return
    if reserved_concurrency < 1:
        raise ValueError(
            f"reserved_concurrency must be at least 1, got {reserved_concurrency!r}; "
            "leave it unset to use the account's unreserved concurrency"
        )


def throttling(rate_limit: float, burst_limit: int) -> None:
    """Positive rate; a burst of at least one request."""
    if not is_unresolved(rate_limit) and rate_limit <= 0:
        raise ValueError(
            f"throttling_rate_limit must be greater than 0 (requests per second), got "
            f"{rate_limit!r}; the default is {defaults.THROTTLING_RATE_LIMIT}"
        )
    if not is_unresolved(burst_limit) and (not isinstance(burst_limit, int) or burst_limit < 1):
        raise ValueError(
            f"throttling_burst_limit must be a whole number of at least 1, got "
            f"{burst_limit!r}; the default is {defaults.THROTTLING_BURST_LIMIT}"
        )


def web_acl_arn(web_acl_arn: str | None) -> None:
    """A regional WAFv2 web ACL ARN (CloudFront-scope ACLs cannot attach to a REST API stage)."""
    if web_acl_arn is None or is_unresolved(web_acl_arn) or _WEB_ACL_ARN.fullmatch(web_acl_arn):
        return
    raise ValueError(
        f"web_acl_arn must be the ARN of a REGIONAL WAFv2 web ACL "
        f"(arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>), got {web_acl_arn!r}; "
        "create the web ACL with scope REGIONAL in the API's Region"
    )


def cors_origins(origins: Sequence[str] | None) -> None:
    """Each origin is ``scheme://host[:port]`` (no path, no trailing slash), never ``*``.

    ``*`` is refused: a broker that mints participant tokens must name the sites allowed to
    read them, and the function only ever echoes an origin it was given literally.
    """
    if origins is None:
        return
    if isinstance(origins, str) or not origins:
        raise ValueError(
            f"cors_allowed_origins must be a non-empty list of origins, got {origins!r}; "
            "for example cors_allowed_origins=['https://app.example.com'], or leave it unset "
            "for no CORS"
        )
    for origin in origins:
        if is_unresolved(origin) or _ORIGIN.fullmatch(origin):
            continue
        if origin == "*":
            raise ValueError(
                "cors_allowed_origins contains '*', which would let any web site read the "
                "participant tokens this API returns; list the origins of your web apps, for "
                "example cors_allowed_origins=['https://app.example.com']"
            )
        raise ValueError(
            f"cors_allowed_origins contains {origin!r}, which is not an origin; write "
            "scheme://host[:port] with no path or trailing slash, for example "
            "'https://app.example.com'"
        )


def security_policy(security_policy: str) -> None:
    """An enhanced REST API security policy for a regional or private endpoint.

    API Gateway developer guide, "Security policies for REST APIs in API Gateway" and
    "Supported security policies": ``TLS_1_0`` and ``TLS_1_2`` are the legacy policies, every
    ``SecurityPolicy_...`` one is enhanced and needs an endpoint access mode; ``..._EDGE``
    policies are for edge-optimized endpoints only.
    """
    if is_unresolved(security_policy):
        return
    if security_policy.startswith("SecurityPolicy_") and not security_policy.endswith("_EDGE"):
        return
    raise ValueError(
        f"security_policy must be an enhanced policy for regional and private APIs "
        f"('SecurityPolicy_...', not '..._EDGE'), got {security_policy!r}; for TLS 1.2 use "
        "BrokerSecurityPolicy.TLS_1_2 (the default), for TLS 1.3 "
        "'SecurityPolicy_TLS13_1_3_2025_09'"
    )


def channel_roles(channel_roles: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Return the map with each channel's roles de-duplicated in order; reject unknown channels
    and roles, empty lists and a list given as a string."""
    example = "{'CHAT': ['CUSTOM_BOT'], 'VOICE': ['CUSTOMER']}"
    if not isinstance(channel_roles, Mapping) or not channel_roles:
        raise ValueError(
            f"channel_roles must map at least one channel to its roles, got {channel_roles!r}; "
            f"for example {example} (the default)"
        )
    result: dict[str, tuple[str, ...]] = {}
    for channel, roles in channel_roles.items():
        if channel not in defaults.CHANNELS:
            raise ValueError(
                f"channel_roles has the channel {channel!r}, which is not an Amazon Connect "
                f"channel; use {', '.join(defaults.CHANNELS)}"
            )
        if isinstance(roles, str) or not roles:
            raise ValueError(
                f"channel_roles[{channel!r}] must be a non-empty list of roles, got {roles!r}; "
                f"write {channel!r}: [{roles or 'CUSTOMER'!r}]"
            )
        for role in roles:
            if role not in defaults.VALID_ROLES:
                raise ValueError(
                    f"channel_roles[{channel!r}] contains {role!r}, which is not a participant "
                    f"role; valid roles: {_ROLES_HINT}"
                )
        result[channel] = tuple(dict.fromkeys(roles))
    return result


def roles_meet_channels(
    allowed_roles: Sequence[str], channel_roles: Mapping[str, Sequence[str]]
) -> None:
    """With the contact checks, some allowed role must be one a channel takes."""
    if any(role in roles for roles in channel_roles.values() for role in allowed_roles):
        return
    taken = sorted({role for roles in channel_roles.values() for role in roles})
    raise ValueError(
        f"allowed_roles {list(allowed_roles)!r} has no role any channel takes "
        f"(channel_roles {dict(channel_roles)!r}), so the contact checks would refuse every "
        f"request; allow one of {', '.join(taken)}, or change channel_roles"
    )


def _seconds(value: float) -> str:
    return "1 second" if value == 1 else f"{value:g} seconds"


def required_timeout_seconds(contact_checks: bool, agent_wait_seconds: float) -> float:
    """The function timeout the worst case needs (``runtime/broker/budget.py``): without the
    contact checks, CreateParticipant; with them, DescribeContact, then (when the broker may
    wait) the wait and a last DescribeContact that may start at its very end, then
    CreateParticipant; plus the margin."""
    budget = _contract.budget()
    calls = 1 + ((2 if agent_wait_seconds > 0 else 1) if contact_checks else 0)
    wait = agent_wait_seconds if contact_checks else 0
    return float(calls * budget.call_seconds() + wait + budget.MARGIN_SECONDS)


def max_agent_wait_seconds(timeout_seconds: float) -> float:
    """The longest agent wait a function timeout leaves room for (0 when none is left)."""
    call: float = _contract.budget().call_seconds()
    room = timeout_seconds - required_timeout_seconds(True, 0) - call
    return max(0.0, math.floor(room * 1000) / 1000)


@functools.lru_cache(maxsize=64)
def duration_seconds(duration: Duration) -> float | None:
    """A Duration in seconds, ``None`` for a token; cached, as brokers share the default
    Durations and each conversion is a call into the CDK's JavaScript."""
    if duration.is_unresolved():
        return None
    return float(duration.to_seconds(integral=False))


def time_budget(timeout: Duration, contact_checks: bool, agent_wait: Duration) -> None:
    """The function's timeout covers the worst case of the contact checks, the agent wait and
    CreateParticipant (a Duration is never negative)."""
    wait = duration_seconds(agent_wait)
    seconds = duration_seconds(timeout)
    if not contact_checks or wait is None or seconds is None:
        return
    budget = _contract.budget()
    needed = required_timeout_seconds(True, wait)
    if needed <= seconds:
        return
    calls = "DescribeContact, the wait, a last DescribeContact and CreateParticipant"
    if wait == 0:
        calls = "DescribeContact and CreateParticipant"
    fixes = []
    longest = max_agent_wait_seconds(seconds)
    if wait > 0 and required_timeout_seconds(True, 0) <= seconds:
        fixes.append(
            f"lower agent_wait to at most {_seconds(longest)}"
            if longest > 0
            else "pass agent_wait=Duration.seconds(0)"
        )
    if needed <= MAX_TIMEOUT_SECONDS:
        fixes.append(f"raise timeout to {_seconds(needed)}")
    fixes.append("pass contact_checks=False")
    raise ValueError(
        f"timeout={_seconds(seconds)} is too short for the contact checks with "
        f"agent_wait={_seconds(wait)}: the function may need {_seconds(needed)} ({calls}, each "
        f"call up to {_seconds(budget.call_seconds())} with retries, plus "
        f"{_seconds(budget.MARGIN_SECONDS)}); {', or '.join(fixes)}"
    )


def caller_attribute(
    caller_attribute: str | None, contact_checks: bool, unauthenticated: bool
) -> None:
    """A user-defined contact attribute key; contact-bound callers need the contact checks and
    callers with an identity."""
    if caller_attribute is None:
        return
    if not is_unresolved(caller_attribute) and not _ATTRIBUTE.fullmatch(caller_attribute):
        raise ValueError(
            f"caller_attribute must be a contact attribute name of 1-128 letters, digits, '-' "
            f"and '_' (the characters Amazon Connect allows in attribute keys), got "
            f"{caller_attribute!r}; for example 'brokerCaller'"
        )
    if not contact_checks:
        raise ValueError(
            f"caller_attribute={caller_attribute!r} needs the contact checks (it is read from "
            "DescribeContact), got contact_checks=False; drop one of the two"
        )
    if unauthenticated:
        raise ValueError(
            f"caller_attribute={caller_attribute!r} binds contacts to the caller's identity, and "
            "BrokerAuthorization.allow_unauthenticated_access() gives callers none; use "
            "BrokerAuthorization.iam(), .cognito(...) or .authorizer(...), or drop "
            "caller_attribute"
        )


#: The longest lifetime the HTTP contract accepts (``lifetimeSeconds``' schema maximum).
_MAX_LIFETIME_SECONDS = 86400
_MIN_LIFETIME_SECONDS = 60
#: The most uses the HTTP contract accepts (``uses``' schema maximum).
_MAX_USES = 100


def _whole_seconds(name: str, value: Duration) -> int | None:
    """Whole seconds of a literal duration (``None`` for a token)."""
    if value.is_unresolved():
        return None
    milliseconds = value.to_milliseconds()
    if milliseconds % 1000:
        raise ValueError(
            f"{name} must be a whole number of seconds, got {milliseconds / 1000:g} seconds; "
            f"for example Duration.seconds({round(milliseconds / 1000)})"
        )
    return int(milliseconds // 1000)


def invitation_lifetimes(lifetime: Duration, max_lifetime: Duration) -> None:
    default, maximum = (
        _whole_seconds("lifetime", lifetime),
        _whole_seconds("max_lifetime", max_lifetime),
    )
    if maximum is not None and not _MIN_LIFETIME_SECONDS <= maximum <= _MAX_LIFETIME_SECONDS:
        raise ValueError(
            f"max_lifetime must be between 1 minute and 24 hours, got {maximum} "
            f"seconds; the default is {defaults.INVITATION_MAX_LIFETIME.to_human_string()}"
        )
    if default is not None and default < _MIN_LIFETIME_SECONDS:
        raise ValueError(
            f"lifetime must be at least 1 minute, got {default} seconds; the "
            f"default is {defaults.INVITATION_LIFETIME.to_human_string()}"
        )
    if default is not None and maximum is not None and default > maximum:
        raise ValueError(
            f"lifetime ({default} seconds) must not exceed max_lifetime ({maximum} seconds); "
            "shorten the lifetime or raise the maximum"
        )


def invitation_counts(max_uses: int, rate: float | None, burst: int) -> None:
    if not is_unresolved(max_uses) and (
        isinstance(max_uses, bool) or not 1 <= max_uses <= _MAX_USES
    ):
        raise ValueError(
            f"max_uses must be a whole number from 1 to {_MAX_USES}, got "
            f"{max_uses!r}; a WebRTC call takes at most six participants, so the default is "
            f"{defaults.INVITATION_MAX_USES}"
        )
    if rate is not None and not is_unresolved(rate) and rate <= 0:
        raise ValueError(
            f"redeem_throttling_rate_limit must be greater than 0 (requests per second), got "
            f"{rate!r}; by default the route takes its share of the Connect quotas"
        )
    if not is_unresolved(burst) and (not isinstance(burst, int) or burst < 1):
        raise ValueError(
            f"redeem_throttling_burst_limit must be a whole number of at least 1, got "
            f"{burst!r}; the default is {defaults.REDEEM_THROTTLING_BURST_LIMIT}"
        )


def alarm_count(prop: str, value: int) -> None:
    """A count threshold: a whole number of at least 1."""
    if is_unresolved(value):
        return
    if isinstance(value, bool) or value < 1 or value != int(value):
        raise ValueError(
            f"{prop} must be a whole number of at least 1 (a count per five minutes), got "
            f"{value!r}; pass 1 to alarm on the first occurrence, or alarms=False to turn the "
            "alarms off"
        )


def alarm_rate(value: float) -> None:
    """The 5xx rate threshold: a fraction in (0, 1]."""
    if is_unresolved(value):
        return
    if isinstance(value, bool) or not 0 < value <= 1:
        raise ValueError(
            f"api_5xx_rate_threshold must be a fraction greater than 0 and at most 1 (the share "
            f"of requests answered with a 5xx), got {value!r}; pass 0.05 for 5%"
        )


def alarm_latency(value: Duration) -> float:
    """The latency threshold in milliseconds: more than zero."""
    milliseconds: float = value.to_milliseconds()
    if value.is_unresolved() or milliseconds > 0:
        return milliseconds
    raise ValueError(
        f"latency_p99_threshold must be longer than 0 ms, got {value.to_human_string()}; "
        "pass a Duration such as Duration.seconds(3)"
    )


def alarm_destinations(alarms: bool, destinations: bool) -> None:
    """A topic or actions need alarms to notify."""
    if destinations and not alarms:
        raise ValueError(
            "alarm_topic and alarm_actions need alarms, got alarms=False with an alarm "
            "destination; drop alarm_topic and alarm_actions, or set alarms=True"
        )


def invitation_alarm(invitations: bool, failed_redemptions_threshold: int | None) -> None:
    """The refused-redemptions alarm exists only for a broker that serves invitations."""
    if failed_redemptions_threshold is not None and not invitations:
        raise ValueError(
            "failed_redemptions_threshold only applies with invitations=True, got "
            "invitations=False; pass invitations=True or drop it"
        )


# -- who may call: the principal allowlist and the private endpoint ---------------------------

#: What to pass instead of a refused principal.
_LIST_THEM = (
    "list roles, users or accounts by name (iam.Role, "
    "iam.ArnPrincipal('arn:aws:iam::123456789012:role/app'), "
    "iam.AccountPrincipal('123456789012'))"
)


def allowed_principals(principals: Sequence[iam.IPrincipal]) -> None:
    """A non-empty allowlist of principals the resource policy can name one by one."""
    if not principals:
        raise ValueError(
            "allowed_principals must name at least one principal, got []; leave it unset for no "
            "resource policy"
        )
    for principal in principals:
        allowed_principal(principal)


def _wildcard(value: object) -> bool:
    """An IAM wildcard in a literal value (a token is not checked)."""
    text = str(value)
    return not is_unresolved(text) and ("*" in text or "?" in text)


def allowed_principal(principal: iam.IPrincipal) -> None:
    """A role, a user or an account, which the allowlist's Allow and Deny both apply as written.

    IAM User Guide, "AWS JSON policy elements: Principal": a ``*`` principal with Allow grants
    every principal of every account (and "You cannot use a wildcard to match part of a
    principal name or ARN"); the Deny matches ``aws:PrincipalArn`` and
    ``aws:PrincipalAccount`` only, so a principal's own conditions would bind the Allow alone
    and leave the Deny letting the principal through when they do not hold. Organizations
    (``aws:PrincipalOrgID``) are refused with them: an organization admits the principals of
    every account that joins it later, with no change a reviewer of this stack would see.
    """
    fragment = principal.policy_fragment
    shown = fragment.principal_json
    kind = type(principal).__name__
    if fragment.conditions:
        org = " (aws:PrincipalOrgID)" if "aws:PrincipalOrgID" in str(fragment.conditions) else ""
        raise ValueError(
            f"allowed_principals contains a principal with conditions{org}, got {kind} "
            f"{shown!r} with {dict(fragment.conditions)!r}; the allowlist's Deny matches "
            "principal ARNs and accounts only, so the conditions would not keep a listed "
            f"principal out: pass it without conditions, or {_LIST_THEM}; an organization is "
            "not supported, list its accounts instead"
        )
    values = [*shown.get("AWS", []), *shown.get("LiteralString", [])]
    if "*" in values:
        raise ValueError(
            f"allowed_principals contains '*' (every AWS principal), got {kind} {shown!r}, "
            f"which would let any AWS account call the API; {_LIST_THEM}, or leave "
            "allowed_principals unset for the principals of this account"
        )
    if isinstance(principal, iam.AccountPrincipal):
        if _wildcard(principal.account_id):
            raise ValueError(
                f"allowed_principals contains the account {principal.account_id!r}, which has "
                "a wildcard ('*' or '?'); a policy's Principal cannot match part of an account "
                "or ARN: name each 12-digit account ID, iam.AccountPrincipal('123456789012')"
            )
        return
    wild = [value for value in values if _wildcard(value)]
    if wild:
        raise ValueError(
            f"allowed_principals contains the ARN {wild[0]!r}, which has a wildcard ('*' or "
            "'?'); a policy's Principal cannot match part of an ARN, so the Allow would not "
            "name it: list each role or user by its full ARN, or its account with "
            "iam.AccountPrincipal"
        )
    arns = shown.get("AWS")
    if arns is None or len(arns) != 1:
        raise ValueError(
            f"allowed_principals takes IAM roles, IAM users and accounts (iam.Role, "
            f"iam.ArnPrincipal, iam.AccountPrincipal), got {kind} {shown!r}; for any caller of "
            "the account, leave allowed_principals unset"
        )


def vpc_endpoints(endpoints: Sequence[object]) -> None:
    """A private API needs at least one VPC endpoint to be reached through."""
    if isinstance(endpoints, str) or not endpoints:
        raise ValueError(
            f"vpc_endpoints must name at least one execute-api VPC endpoint, got "
            f"{endpoints!r}; use BrokerEndpoint.regional() for a public endpoint"
        )


# -- invitations: a redemption's time ---------------------------------------------------------

#: The invitation store's calls in a redemption: consuming a use, and giving it back; each
#: at most ``broker.dynamodb.call_seconds()`` (a test holds the two equal).
STORE_CALLS_SECONDS = 2 * 4.0


def redemption_time_budget(timeout: Duration, contact_checks: bool) -> None:
    """A redemption's worst case fits the function's timeout: its two store calls and the
    participants route's calls with no wait for the agent (the runtime cuts the wait to the
    time left, so it is never what runs the function out of time)."""
    seconds = duration_seconds(timeout)
    if seconds is None:
        return
    needed = required_timeout_seconds(contact_checks, 0) + STORE_CALLS_SECONDS
    if needed <= seconds:
        return
    raise ValueError(
        f"timeout={seconds:g} seconds is too short for a redemption: it may need {needed:g} "
        f"seconds (the participants route's calls, plus {STORE_CALLS_SECONDS:g} seconds for "
        f"consuming a use and giving it back); raise timeout to {needed:g} seconds"
    )


# -- Connect's quotas ---------------------------------------------------------------------------


def quota(prop: str, value: float, default: float) -> None:
    """A quota is a number of requests per second, known at synth (the routes' throttles are
    computed from it)."""
    if is_unresolved(value):
        raise ValueError(
            f"{prop} must be a number at synth (the routes' throttles are computed from it), got "
            "a token; pass the account's quota in requests per second"
        )
    if isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"{prop} must be greater than 0 (requests per second), got {value!r}; the default "
            f"is {default:g}, Amazon Connect's default quota"
        )


# -- grants -------------------------------------------------------------------------------------


def iam_grant(name: str, authorization: str) -> None:
    """API Gateway checks ``execute-api:Invoke`` permissions only for AWS_IAM methods, so a
    grant on a broker ``authorization`` (the runtime's name of it) authorizes otherwise would
    have no effect."""
    if authorization != "AWS_IAM":
        raise ValueError(
            f"{name} has no effect on a broker authorized by {authorization}: API Gateway "
            "checks execute-api:Invoke permissions only for AWS_IAM methods; give the caller a "
            "token of the user pool or authorizer instead, or use AWS_IAM (the default) and "
            f"{name}"
        )


def invitation_grant(invitations: bool) -> None:
    """``grant_invite`` names the invitation methods, which only a broker with invitations has."""
    if not invitations:
        raise ValueError(
            "grant_invite needs a broker with invitations, got a broker without invitations; "
            "pass invitations=InvitationOptions()"
        )


# -- warnings and notes -------------------------------------------------------------------------

UNAUTHENTICATED: Final = "connect-participant-broker:unauthenticated"
DUPLICATE_ROLES: Final = "connect-participant-broker:duplicate-allowed-roles"
BURST_BELOW_RATE: Final = "connect-participant-broker:burst-below-rate"
STRICT_PRIVATE_API: Final = "connect-participant-broker:strict-private-api"
ACCOUNT_ROLE: Final = "connect-participant-broker:api-gateway-account-role"


def warn_unauthenticated(scope: IConstruct) -> None:
    """No authentication is a choice the broker makes loud."""
    Annotations.of(scope).add_warning_v2(
        UNAUTHENTICATED,
        "BrokerAuthorization.allow_unauthenticated_access(): anyone who can reach this API can "
        "add participants to your Amazon Connect contacts; use BrokerAuthorization.iam() (the "
        "default), .cognito(...) or .authorizer(...) unless the API is protected some other "
        "way",
    )


def warn_duplicate_roles(scope: IConstruct, roles: Sequence[str] | None) -> None:
    """A role listed twice changes nothing, and is often a typo for another role."""
    literal = [role for role in roles or () if not is_unresolved(role)]
    repeated = sorted({role for role in literal if literal.count(role) > 1})
    if not repeated:
        return
    Annotations.of(scope).add_warning_v2(
        DUPLICATE_ROLES,
        f"allowed_roles lists {', '.join(repeated)} more than once (got {list(roles or ())!r});"
        " the broker allows each role once, so the repeat changes nothing: remove it, or check "
        "whether another role was meant",
    )


def warn_burst_below_rate(scope: IConstruct, rate_limit: float, burst_limit: int) -> None:
    """A burst below the rate throttles callers below the rate set."""
    if is_unresolved(rate_limit) or is_unresolved(burst_limit) or burst_limit >= rate_limit:
        return
    Annotations.of(scope).add_warning_v2(
        BURST_BELOW_RATE,
        f"throttling_burst_limit ({burst_limit}) is below throttling_rate_limit ({rate_limit:g} "
        f"requests/s): API Gateway's token bucket then holds at most {burst_limit} requests, so "
        f"callers are throttled (429) whenever more than {burst_limit} arrive together, below "
        "the rate you set; set the burst to at least the rate",
    )


def warn_strict_private_api(
    scope: IConstruct, private: bool, mode: apigateway.EndpointAccessMode | None
) -> None:
    """API Gateway, "Security policies for REST APIs in API Gateway": STRICT matches the Host
    to the TLS SNI, which fails for a private API called without private DNS."""
    if not private or mode != apigateway.EndpointAccessMode.STRICT:
        return
    Annotations.of(scope).add_warning_v2(
        STRICT_PRIVATE_API,
        "endpoint_access_mode=STRICT on a private API: API Gateway then refuses a request whose "
        "Host header differs from the TLS server name, so callers must use the VPC endpoint's "
        "private DNS name (private DNS on) or a private custom domain name, not the "
        "endpoint-specific vpce-... names; use BASIC if they do",
    )


def note_account_role(scope: IConstruct) -> None:
    """What the account needs when the broker leaves the account setting alone (the default)."""
    Annotations.of(scope).add_info_v2(
        ACCOUNT_ROLE,
        "the API's execution and access logs need the account's Region-wide API Gateway "
        "CloudWatch role (Settings > CloudWatch log role ARN, AWS::ApiGateway::Account); if "
        "this account and Region have none, the stage fails to deploy: set it once (your "
        "landing zone may already), or pass create_api_gateway_account_role=True to let this "
        "stack set it",
    )
