"""connect-participant-broker: an AWS CDK construct that adds participants to Amazon Connect
contacts through a secure HTTP API.

``aws_cdk`` is imported lazily: ``constructs_lib.client`` must import without it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .broker import ParticipantBroker
    from .monitoring import BrokerMonitoring
    from .props import (
        BrokerAuthorization,
        BrokerEndpoint,
        BrokerSecurityPolicy,
        ConnectInstance,
        InvitationOptions,
    )

__all__ = [
    "BrokerAuthorization",
    "BrokerEndpoint",
    "BrokerMonitoring",
    "BrokerSecurityPolicy",
    "ConnectInstance",
    "InvitationOptions",
    "ParticipantBroker",
]

_LAZY: dict[str, str] = {
    "ParticipantBroker": ".broker",
    "BrokerMonitoring": ".monitoring",
    "BrokerAuthorization": ".props",
    "BrokerEndpoint": ".props",
    "BrokerSecurityPolicy": ".props",
    "ConnectInstance": ".props",
    "InvitationOptions": ".props",
}


def __getattr__(name: str) -> Any:
    """Import the CDK constructs on first use."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
