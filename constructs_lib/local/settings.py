"""The local broker's settings: the configuration the runtime sees, as the construct would set
it, and the constants of the simulated deployment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

from constructs_lib import _contract, _gateway_answers

#: The names and defaults the function shares (``runtime/broker/settings.json``).
_SHARED = _contract.settings()

ROUTE: Final = _gateway_answers.PARTICIPANTS_PATH
STAGE: Final = "local"
FUNCTION_NAME: Final = "participant-broker-local"
DEFAULT_PORT: Final = 8787
DEFAULT_INSTANCE_ID: Final = "00000000-0000-4000-8000-000000000000"
INVITATION_TABLE: Final = "participant-broker-local-invitations"
MAX_BODY: Final = _gateway_answers.MAX_PAYLOAD_BYTES
#: The header the local broker reads the (simulated) caller identity from.
CALLER_HEADER: Final = "X-Local-Caller"
LOG_LEVELS: Final[tuple[str, ...]] = tuple(_SHARED["logLevels"])
#: The construct's default ``CHANNEL_ROLES``, as it writes them.
CHANNEL_ROLES: Final = _contract.channel_roles_variable(_SHARED["channelRoles"])

BANNER: Final = """\
##########################################################################################
#  NOT FOR PRODUCTION: local development broker, no authentication, simulated Amazon    #
#  Connect. It mints fake participant tokens that no real Connect instance accepts.      #
##########################################################################################"""


@dataclass(frozen=True)
class LocalBrokerConfig:
    """The broker configuration the runtime sees, as the construct would set it."""

    instance_id: str = DEFAULT_INSTANCE_ID
    allowed_roles: tuple[str, ...] = ("CUSTOMER",)
    default_role: str = "CUSTOMER"
    allow_video: bool = True
    allow_screen_share: bool = True
    log_level: str = "INFO"
    region: str = "us-east-1"
    function_timeout: float = 25.0
    """Seconds of the simulated Lambda timeout: the construct's default."""
    contact_checks: bool = True
    channel_roles: str = CHANNEL_ROLES
    """``CHANNEL=ROLE[,ROLE]`` pairs separated by ``;``, as the construct writes them."""
    agent_wait: float = _SHARED["agentWaitMs"] / 1000
    """Seconds the broker waits for a WebRTC call's agent (the construct's default)."""
    caller_attribute: str | None = None
    """Contact-bound callers: the contact attribute that must hold ``X-Local-Caller``."""
    connect_read_timeout: float | None = None
    """Seconds the runtime waits for Connect per attempt; ``None``: the runtime's own."""
    connect_max_attempts: int | None = None
    """Attempts per Connect call (first included); ``None``: the runtime's own."""
    cors_allowed_origins: tuple[str, ...] = ()
    """Origins browsers may call from (``cors_allowed_origins`` of the construct); none: no
    CORS, and OPTIONS is a method the API does not have."""
    invitations: bool = False
    """Serve the invitation routes, their table in moto's DynamoDB in the same process (the
    ``local`` extra)."""
    invitation_lifetime_seconds: int = _SHARED["invitationLifetimeSeconds"]
    invitation_max_lifetime_seconds: int = _SHARED["invitationMaxLifetimeSeconds"]
    invitation_max_uses: int = _SHARED["invitationMaxUses"]

    def __post_init__(self) -> None:
        if "*" in self.cors_allowed_origins:
            raise ValueError(
                "cors_allowed_origins cannot contain '*' (the construct refuses it too); list "
                "the origins, for example ('http://localhost:3000',)"
            )

    def environment(self, connect_url: str, dynamodb_url: str | None = None) -> dict[str, str]:
        """The Lambda environment for this configuration, aimed at ``connect_url`` (and, with
        invitations, at ``dynamodb_url``)."""
        cors = {"CORS_ALLOWED_ORIGINS": ",".join(self.cors_allowed_origins)}
        invitations = {
            "INVITATIONS_TABLE": INVITATION_TABLE,
            "INVITATION_LIFETIME_SECONDS": str(self.invitation_lifetime_seconds),
            "INVITATION_MAX_LIFETIME_SECONDS": str(self.invitation_max_lifetime_seconds),
            "INVITATION_MAX_USES": str(self.invitation_max_uses),
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url or "",
        }
        return {
            **(cors if self.cors_allowed_origins else {}),
            **(invitations if self.invitations else {}),
            "INSTANCE_ID": self.instance_id,
            "ALLOWED_ROLES": ",".join(self.allowed_roles),
            "DEFAULT_ROLE": self.default_role,
            "ALLOW_VIDEO": str(self.allow_video).lower(),
            "ALLOW_SCREEN_SHARE": str(self.allow_screen_share).lower(),
            "LOG_LEVEL": self.log_level,
            "METRICS_NAMESPACE": "ConnectParticipantBrokerLocal",
            # The local broker authenticates no one: every caller shares one identity, unless
            # contact-bound callers are simulated (X-Local-Caller, as a custom authorizer's).
            "AUTH_TYPE": "CUSTOM" if self.caller_attribute else "NONE",
            "CONTACT_CHECKS": str(self.contact_checks).lower(),
            "CHANNEL_ROLES": self.channel_roles,
            "AGENT_WAIT_MS": str(round(self.agent_wait * 1000)),
            "CALLER_ATTRIBUTE": self.caller_attribute or "",
            "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL_CONNECT": connect_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
