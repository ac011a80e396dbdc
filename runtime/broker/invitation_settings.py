"""What a creator may ask of an invitation, read from the environment: ``INVITATIONS_TABLE``
(the table), ``INVITATION_LIFETIME_SECONDS`` (default 900), ``INVITATION_MAX_LIFETIME_SECONDS``
(default 3600) and ``INVITATION_MAX_USES`` (default 5). Only a broker with invitations has
this module; :mod:`.config` reports its ``ValueError`` as a ``ConfigError``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from . import settings as defaults


class InvitationSettings(NamedTuple):
    """Invitations: the table that holds them and the bounds of what a creator may ask for (a
    ``NamedTuple``: read at init, where ``dataclasses`` would import ``inspect``, about 7 ms)."""

    table_name: str
    default_lifetime_seconds: int = defaults.INVITATION_LIFETIME_SECONDS
    max_lifetime_seconds: int = defaults.INVITATION_MAX_LIFETIME_SECONDS
    max_uses: int = defaults.INVITATION_MAX_USES


def of(config: Any) -> InvitationSettings:
    """The settings of a ``broker.config.Config`` with invitations."""
    settings = config.invitations
    assert isinstance(settings, InvitationSettings)
    return settings


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    """Read a whole number of at least 1 (seconds or uses)."""
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {raw!r}")
    return int(raw)


def read(env: Mapping[str, str]) -> InvitationSettings:
    """Read the settings (``INVITATIONS_TABLE`` set)."""
    table = env["INVITATIONS_TABLE"].strip()
    defaults = InvitationSettings(table)
    settings = InvitationSettings(
        table_name=table,
        default_lifetime_seconds=_whole_number(
            env, "INVITATION_LIFETIME_SECONDS", defaults.default_lifetime_seconds
        ),
        max_lifetime_seconds=_whole_number(
            env, "INVITATION_MAX_LIFETIME_SECONDS", defaults.max_lifetime_seconds
        ),
        max_uses=_whole_number(env, "INVITATION_MAX_USES", defaults.max_uses),
    )
    if settings.default_lifetime_seconds > settings.max_lifetime_seconds:
        raise ValueError(
            f"INVITATION_LIFETIME_SECONDS ({settings.default_lifetime_seconds}) must not exceed "
            f"INVITATION_MAX_LIFETIME_SECONDS ({settings.max_lifetime_seconds})"
        )
    return settings
