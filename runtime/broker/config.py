"""The broker's configuration, read once from the environment the construct sets
(``constructs_lib/broker/``; docs/reference.md). ``INVITATIONS_TABLE`` turns invitations on
(:mod:`.invitation_settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .identity import AUTH_TYPES
from .settings import (
    CHANNEL_ROLES,
    CHANNELS,
    DEFAULT_AGENT_WAIT_MS,
    DEFAULT_NAMESPACE,
    LOG_LEVELS,
    ROLES,
)


class ConfigError(ValueError):
    """The environment does not describe a usable broker."""


class Config(NamedTuple):
    """Everything the broker needs to know about its deployment."""

    instance_id: str
    allowed_roles: frozenset[str] = frozenset({"CUSTOMER"})
    default_role: str = "CUSTOMER"
    allow_video: bool = True
    allow_screen_share: bool = True
    log_level: str = "INFO"
    metrics_namespace: str = DEFAULT_NAMESPACE
    function_name: str = "unknown"
    region: str | None = None
    cors_allowed_origins: frozenset[str] = frozenset()
    auth_type: str = "AWS_IAM"
    contact_checks: bool = True
    channel_roles: Mapping[str, tuple[str, ...]] = CHANNEL_ROLES
    agent_wait_seconds: float = DEFAULT_AGENT_WAIT_MS / 1000
    caller_attribute: str | None = None
    iam_sessions: bool = False
    invitations: Any = None
    """``invitation_settings.InvitationSettings``; ``None``: no invitations."""


def _flag(env: Mapping[str, str], name: str, default: str = "true") -> bool:
    value = env.get(name, default).strip().lower()  # pragma: no mutate (case undone)
    if value not in ("true", "false"):
        raise ConfigError(f"{name} must be 'true' or 'false', got {value!r}")
    return value == "true"


def _roles(env: Mapping[str, str]) -> frozenset[str]:
    """Read ``ALLOWED_ROLES``: a non-empty comma-separated subset of :data:`ROLES`."""
    raw = env.get("ALLOWED_ROLES", "CUSTOMER")
    roles = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = sorted(roles.difference(ROLES))
    if not roles or unknown:
        raise ConfigError(f"ALLOWED_ROLES must list roles from {', '.join(ROLES)}, got {raw!r}")
    return roles


def _channel_roles(env: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Read ``CHANNEL_ROLES``: ``CHANNEL=ROLE,ROLE`` pairs, ``;`` between them."""
    raw = env.get("CHANNEL_ROLES")
    if raw is None:
        return dict(CHANNEL_ROLES)
    result: dict[str, tuple[str, ...]] = {}
    for pair in raw.split(";"):
        channel, _, roles = pair.partition("=")
        channel = channel.strip()
        listed = tuple(role.strip() for role in roles.split(",") if role.strip())
        if channel not in CHANNELS or channel in result or not listed or set(listed) - set(ROLES):
            raise ConfigError(
                f"CHANNEL_ROLES must be like CHAT=CUSTOM_BOT;VOICE=CUSTOMER, got {raw!r}"
            )
        result[channel] = listed
    return result


def _agent_wait(env: Mapping[str, str]) -> float:
    """Read ``AGENT_WAIT_MS``: whole milliseconds."""
    raw = env.get("AGENT_WAIT_MS", str(DEFAULT_AGENT_WAIT_MS)).strip()
    if not raw.isdigit():
        raise ConfigError(f"AGENT_WAIT_MS must be whole milliseconds, got {raw!r}")
    return int(raw) / 1000


def _caller_attribute(env: Mapping[str, str], contact_checks: bool, auth_type: str) -> str | None:
    """Read ``CALLER_ATTRIBUTE``: binding contacts to callers needs the checks and callers."""
    raw = env.get("CALLER_ATTRIBUTE", "").strip() or None
    if raw and (not contact_checks or auth_type == "NONE"):
        raise ConfigError(
            "CALLER_ATTRIBUTE needs CONTACT_CHECKS=true and AUTH_TYPE other than NONE"
        )
    return raw


def _iam_sessions(env: Mapping[str, str], auth_type: str) -> bool:
    sessions = _flag(env, "IAM_SESSION_IDENTITY", "false")
    if sessions and auth_type != "AWS_IAM":
        raise ConfigError(f"IAM_SESSION_IDENTITY=true needs AUTH_TYPE=AWS_IAM, got {auth_type!r}")
    return sessions


def _instance_id(env: Mapping[str, str]) -> str:
    """Read ``INSTANCE_ID``: the instance's ID, never its ARN (Connect's calls take the ID)."""
    instance_id = env.get("INSTANCE_ID", "").strip()
    if not instance_id:
        raise ConfigError("INSTANCE_ID is not set")
    if instance_id.startswith("arn:"):
        _, found, suffix = instance_id.partition(":instance/")  # pragma: no mutate (one in an ARN)
        fix = f": set it to {suffix!r}, the part after 'instance/'" if found else ""
        raise ConfigError(
            f"INSTANCE_ID must be the Amazon Connect instance ID, not its ARN{fix} "
            "(the prop or SSM parameter it comes from must hold the ID)"
        )
    if ":" in instance_id or "/" in instance_id:
        raise ConfigError(
            "INSTANCE_ID must be the Amazon Connect instance ID, which has no ':' or '/', "
            f"got {instance_id!r}"
        )
    return instance_id


def _invitations(env: Mapping[str, str]) -> Any:
    if not env.get("INVITATIONS_TABLE", "").strip():
        return None
    from .invitation_settings import read

    try:
        return read(env)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def load(env: Mapping[str, str]) -> Config:
    instance_id = _instance_id(env)
    allowed = _roles(env)
    default_role = env.get("DEFAULT_ROLE", "CUSTOMER").strip()
    if default_role not in allowed:
        allowed_text = ", ".join(sorted(allowed))
        raise ConfigError(
            f"DEFAULT_ROLE {default_role!r} must be one of ALLOWED_ROLES ({allowed_text})"
        )
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper()  # pragma: no mutate (case undone)
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    auth_type = env.get("AUTH_TYPE", "AWS_IAM").strip()
    if auth_type not in AUTH_TYPES:
        raise ConfigError(f"AUTH_TYPE must be one of {', '.join(AUTH_TYPES)}, got {auth_type!r}")
    contact_checks = _flag(env, "CONTACT_CHECKS")
    return Config(
        instance_id=instance_id,
        allowed_roles=allowed,
        default_role=default_role,
        allow_video=_flag(env, "ALLOW_VIDEO"),
        allow_screen_share=_flag(env, "ALLOW_SCREEN_SHARE"),
        log_level=log_level,
        metrics_namespace=env.get("METRICS_NAMESPACE", "").strip() or DEFAULT_NAMESPACE,
        function_name=env.get("AWS_LAMBDA_FUNCTION_NAME", "").strip() or "unknown",
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
        cors_allowed_origins=frozenset(
            origin.strip()
            for origin in env.get("CORS_ALLOWED_ORIGINS", "").split(",")
            if origin.strip()
        ),
        auth_type=auth_type,
        contact_checks=contact_checks,
        channel_roles=_channel_roles(env),
        agent_wait_seconds=_agent_wait(env),
        caller_attribute=_caller_attribute(env, contact_checks, auth_type),
        iam_sessions=_iam_sessions(env, auth_type),
        invitations=_invitations(env),
    )
