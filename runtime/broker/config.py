"""The broker's configuration, read once from the Lambda environment.

Variables (all set by the construct): ``INSTANCE_ID`` (required: the instance ID, never its
ARN), ``ALLOWED_ROLES`` (comma-separated, default ``CUSTOMER``), ``DEFAULT_ROLE`` (default
``CUSTOMER``), ``ALLOW_VIDEO`` and ``ALLOW_SCREEN_SHARE`` (``true``/``false``, default ``true``),
``AUTH_TYPE`` (how the API authenticates callers: ``AWS_IAM``, ``COGNITO_USER_POOLS``,
``CUSTOM`` or ``NONE``; default ``AWS_IAM``), ``LOG_LEVEL`` (default ``INFO``),
``METRICS_NAMESPACE`` (default ``ConnectParticipantBroker``), ``CORS_ALLOWED_ORIGINS``
(comma-separated; set only when the construct enables CORS). Lambda itself sets
``AWS_LAMBDA_FUNCTION_NAME`` and ``AWS_REGION``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .identity import AUTH_TYPES

ROLES = ("AGENT", "CUSTOMER", "SYSTEM", "CUSTOM_BOT", "SUPERVISOR")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_NAMESPACE = "ConnectParticipantBroker"


class ConfigError(ValueError):
    """The environment does not describe a usable broker."""


@dataclass(frozen=True)
class Config:
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


def _flag(env: Mapping[str, str], name: str) -> bool:
    """Read a ``true``/``false`` variable (default ``true``)."""
    # Equivalent mutant: the default's case ("TRUE"), which lower() undoes.
    value = env.get(name, "true").strip().lower()  # pragma: no mutate
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


def _instance_id(env: Mapping[str, str]) -> str:
    """Read ``INSTANCE_ID``: the instance's ID, never its ARN (Connect's calls take the ID)."""
    instance_id = env.get("INSTANCE_ID", "").strip()
    if not instance_id:
        raise ConfigError("INSTANCE_ID is not set")
    if instance_id.startswith("arn:"):
        # Equivalent mutant: rpartition, the same for an ARN, which holds ":instance/" once.
        _, found, suffix = instance_id.partition(":instance/")  # pragma: no mutate
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


def load(env: Mapping[str, str]) -> Config:
    """Build a :class:`Config` from environment variables, or raise :class:`ConfigError`."""
    instance_id = _instance_id(env)
    allowed = _roles(env)
    default_role = env.get("DEFAULT_ROLE", "CUSTOMER").strip()
    if default_role not in allowed:
        allowed_text = ", ".join(sorted(allowed))
        raise ConfigError(
            f"DEFAULT_ROLE {default_role!r} must be one of ALLOWED_ROLES ({allowed_text})"
        )
    # Equivalent mutant: the default's case ("info"), which upper() undoes.
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper()  # pragma: no mutate
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    auth_type = env.get("AUTH_TYPE", "AWS_IAM").strip()
    if auth_type not in AUTH_TYPES:
        raise ConfigError(f"AUTH_TYPE must be one of {', '.join(AUTH_TYPES)}, got {auth_type!r}")
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
    )
