"""A typed Python client for a ParticipantBroker's HTTP contract.

Standard library plus botocore (for SigV4 signing and credentials) only: importing this module
never imports aws_cdk and never needs Node.js. botocore comes with the package's ``client`` extra
(``pip install 'connect-participant-broker[client]'``); a calling service without the CDK can
install botocore and the package with ``--no-deps`` instead.

Example::

    from constructs_lib.client import BrokerClient, ContactNotFound

    broker = BrokerClient("https://abc123.execute-api.eu-west-2.amazonaws.com/prod/")
    participant = broker.create_participant(contact_id, "Ana", video=True)
    # pass participant.participant_token to Connect's CreateParticipantConnection

With invitations on (``invitations=InvitationOptions(...)``), ``create_invitation``,
``list_invitations`` and ``revoke_invitation`` call the invitation routes as the caller;
``redeem_invitation`` is what an invitee's app calls, with the secret alone (never signed, never
an ``Authorization`` header).

Each participant or redemption call sends one ``Idempotency-Key`` (generated unless given) and
reuses it on its retries, so a retried request never adds a second participant. Throttling
(429), Connect trouble (503), gateway timeouts (502, 504), client timeouts and connection errors
are retried with capped exponential backoff, honouring ``Retry-After``; other errors raise at
once as a :class:`BrokerError` subclass. So do failures before anything is sent: botocore's
credential errors (:class:`CredentialsError`) and any other botocore error while signing
(:class:`SigningError`).
A WebRTC call whose agent has not connected yet (:class:`AgentNotConnected`) is retried per
``Retry-After`` only when the call opts in with ``wait_for_agent``.
"""

from __future__ import annotations

from .client import BrokerClient
from .client import region_from_url as region_from_url
from .errors import (
    AccessDenied,
    AgentNotConnected,
    BadGateway,
    BrokerError,
    BrokerUnreachable,
    ChannelNotSupported,
    Conflict,
    ContactEnded,
    ContactNotFound,
    CredentialsError,
    GatewayTimeout,
    InternalError,
    InvalidRequest,
    InvitationNotValid,
    InvitationStoreUnavailable,
    NotAllowed,
    NotFound,
    PayloadTooLarge,
    RoleNotValidForChannel,
    SigningError,
    Throttled,
    Unauthorized,
    Unavailable,
    UnsupportedMediaType,
)
from .models import Invitation, OpenInvitation, Participant

__all__ = [
    "AccessDenied",
    "AgentNotConnected",
    "BadGateway",
    "BrokerClient",
    "BrokerError",
    "BrokerUnreachable",
    "ChannelNotSupported",
    "Conflict",
    "ContactEnded",
    "ContactNotFound",
    "CredentialsError",
    "GatewayTimeout",
    "InternalError",
    "InvalidRequest",
    "Invitation",
    "InvitationNotValid",
    "InvitationStoreUnavailable",
    "NotAllowed",
    "NotFound",
    "OpenInvitation",
    "Participant",
    "PayloadTooLarge",
    "RoleNotValidForChannel",
    "SigningError",
    "Throttled",
    "Unauthorized",
    "Unavailable",
    "UnsupportedMediaType",
]
