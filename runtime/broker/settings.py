"""Names and defaults the function shares with the construct, read from ``settings.json`` (the
construct reads the same file): roles, channels, the metrics namespace and metric names, the
agent wait and the invitation bounds."""

from __future__ import annotations

import json
import os
from typing import Any

with open(os.path.join(os.path.dirname(__file__), "settings.json"), "rb") as _file:
    _SETTINGS: dict[str, Any] = json.loads(_file.read())

ROLES: tuple[str, ...] = tuple(_SETTINGS["roles"])
CHANNELS: tuple[str, ...] = tuple(_SETTINGS["channels"])
#: The roles Connect takes per channel (``VOICE``: a WebRTC call).
CHANNEL_ROLES: dict[str, tuple[str, ...]] = {
    channel: tuple(roles) for channel, roles in _SETTINGS["channelRoles"].items()
}
DEFAULT_AGENT_WAIT_MS: int = _SETTINGS["agentWaitMs"]
LOG_LEVELS: tuple[str, ...] = tuple(_SETTINGS["logLevels"])
DEFAULT_NAMESPACE: str = _SETTINGS["metricsNamespace"]
INVITATION_LIFETIME_SECONDS: int = _SETTINGS["invitationLifetimeSeconds"]
INVITATION_MAX_LIFETIME_SECONDS: int = _SETTINGS["invitationMaxLifetimeSeconds"]
INVITATION_MAX_USES: int = _SETTINGS["invitationMaxUses"]
COUNTERS: tuple[str, ...] = tuple(_SETTINGS["metrics"]["counters"])
CONNECT_LATENCY: str = _SETTINGS["metrics"]["latency"]
CONNECT_ERRORS: str = _SETTINGS["metrics"]["errors"]
INVITATION_COUNTERS: tuple[str, ...] = tuple(_SETTINGS["metrics"]["invitationCounters"])
