"""The props and choices of ``ParticipantBroker`` under their public module path; they are
written in ``constructs_lib/broker/props.py`` and ``constructs_lib/broker/choices.py``."""

from __future__ import annotations

from .broker.choices import (
    BrokerAuthorization,
    BrokerEndpoint,
    BrokerSecurityPolicy,
    ConnectInstance,
    InvitationOptions,
)
from .broker.props import ParticipantBrokerProps

__all__ = [
    "BrokerAuthorization",
    "BrokerEndpoint",
    "BrokerSecurityPolicy",
    "ConnectInstance",
    "InvitationOptions",
    "ParticipantBrokerProps",
]
