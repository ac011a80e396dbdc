"""The props and choices of ``ParticipantBroker`` under their public module path; they are
written in ``constructs_lib/broker/props.py``, ``constructs_lib/broker/choices.py`` and
``constructs_lib/invitations/options.py``."""

from __future__ import annotations

from .broker.choices import (
    BrokerAuthorization,
    BrokerEndpoint,
    BrokerSecurityPolicy,
    ConnectInstance,
)
from .broker.props import ParticipantBrokerProps
from .invitations.options import InvitationOptions

__all__ = [
    "BrokerAuthorization",
    "BrokerEndpoint",
    "BrokerSecurityPolicy",
    "ConnectInstance",
    "InvitationOptions",
    "ParticipantBrokerProps",
]
