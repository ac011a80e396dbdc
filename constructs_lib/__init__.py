"""connect-participant-broker: an AWS CDK construct that adds participants to Amazon Connect
contacts through a secure HTTP API.

``aws_cdk`` is imported lazily: ``constructs_lib.client`` must import without it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .broker import ParticipantBroker
    from .broker.choices import (
        BrokerAuthorization,
        BrokerEndpoint,
        BrokerSecurityPolicy,
        ConnectInstance,
    )
    from .invitations.options import InvitationOptions
    from .monitoring import BrokerMonitoring

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
    "BrokerAuthorization": ".broker.choices",
    "BrokerEndpoint": ".broker.choices",
    "BrokerSecurityPolicy": ".broker.choices",
    "ConnectInstance": ".broker.choices",
    "InvitationOptions": ".invitations.options",
}


def __getattr__(name: str) -> Any:
    """Import the CDK constructs on first use."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
