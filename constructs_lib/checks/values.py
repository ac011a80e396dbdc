"""Checks of single props: instance, roles, function, stage, endpoint, CORS and quotas."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Duration

from .. import defaults
from .tokens import duration_seconds, is_unresolved

_INSTANCE_ID = re.compile(r"[A-Za-z0-9-]{1,100}")
_INSTANCE_ARN = re.compile(r"arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance/([^/]+)")
_WEB_ACL_ARN = re.compile(r"arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[^/]+/[^/]+")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")
_NAMESPACE = re.compile(r"[0-9A-Za-z.\-_/#: ]{1,255}")
MAX_TIMEOUT_SECONDS = 28  # API Gateway's integration timeout is 29 s
ROLES_HINT = ", ".join(defaults.VALID_ROLES)


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
            f"valid roles: {ROLES_HINT}"
        )
    for role in roles:
        if role not in defaults.VALID_ROLES:
            raise ValueError(
                f"allowed_roles contains {role!r}, which is not a participant role; "
                f"valid roles: {ROLES_HINT}"
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
