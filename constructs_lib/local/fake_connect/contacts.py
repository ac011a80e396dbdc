"""What the simulated Connect knows: the contacts it simulates, the errors it answers with and
the rules by which Connect refuses a request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

CREATE_PARTICIPANT: Final = "CreateParticipant"
DESCRIBE_CONTACT: Final = "DescribeContact"
CREATE_PARTICIPANT_PATH: Final = "/contact/create-participant"
DESCRIBE_CONTACT_PATH: Final = re.compile(r"/contacts/([^/?]+)/([^/?]+)")

#: HTTP status of each CreateParticipant error, as in Connect's service model
#: (``error.httpStatusCode`` of each error shape in botocore's ``connect`` service-2.json).
ERROR_STATUS: Final[dict[str, int]] = {
    "InvalidRequestException": 400,
    "ServiceQuotaExceededException": 402,
    "ResourceNotFoundException": 404,
    "ConflictException": 409,
    "ThrottlingException": 429,
    "InternalServiceException": 500,
}

#: Contact ID prefix -> the Connect error it triggers (``None``: a slow success).
MAGIC_PREFIXES: Final[dict[str, str | None]] = {
    "invalid-": "InvalidRequestException",
    "quota-": "ServiceQuotaExceededException",
    "notfound-": "ResourceNotFoundException",
    "conflict-": "ConflictException",
    "throttle-": "ThrottlingException",
    "error-": "InternalServiceException",
    "slow-": None,
}

MESSAGES: Final[dict[str, str]] = {
    "InvalidRequestException": "The request is not valid.",
    "ServiceQuotaExceededException": "The service quota has been exceeded.",
    "ResourceNotFoundException": "The specified resource was not found.",
    "ConflictException": "Operation cannot be performed at this time as there is a conflict "
    "with another operation or contact state.",
    "ThrottlingException": "Rate exceeded",
    "InternalServiceException": "Request processing failed because of an error or failure "
    "with the service.",
}

ROLES: Final = frozenset({"AGENT", "CUSTOMER", "SYSTEM", "CUSTOM_BOT", "SUPERVISOR"})
#: The only role Connect takes on each channel that takes added participants.
CHANNEL_ROLE: Final = {"CHAT": "CUSTOM_BOT", "VOICE": "CUSTOMER"}
AGENT_AFTER: Final = re.compile(r"agent-after-(\d{1,4})-")
WEBRTC_SEGMENT: Final = {"connect:Subtype": {"ValueString": "connect:WebRTC"}}
TOKEN_BYTES: Final = 288  # about 384 characters, like a real participant token
MAX_BODY: Final = 1024 * 1024


@dataclass(frozen=True)
class SimulatedContact:
    """A contact as the fake describes it.

    ``agent_after``: seconds after the fake first sees the contact until its agent connects
    (``0``: connected from the start; ``None``: never). Only a WebRTC call waits for an agent.
    """

    channel: str = "VOICE"
    webrtc: bool = True
    ended: bool = False
    agent_after: float | None = 0.0
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> SimulatedContact:
        """Read ``{"channel": ..., "webrtc": ..., "ended": ..., "agentAfter": ...,
        "attributes": {...}}`` (every member optional; a local broker's ``--contacts`` file)."""
        unknown = sorted(set(value) - {"channel", "webrtc", "ended", "agentAfter", "attributes"})
        if unknown:
            raise ValueError(f"unknown contact setting {', '.join(unknown)}")
        channel = str(value.get("channel", "VOICE"))
        return cls(
            channel=channel,
            webrtc=bool(value.get("webrtc", channel == "VOICE")),
            ended=bool(value.get("ended", False)),
            agent_after=value.get("agentAfter", 0.0),
            attributes={str(k): str(v) for k, v in dict(value.get("attributes", {})).items()},
        )


#: Contact ID prefix -> the simulated contact (``agent-after-N-`` is matched separately).
CONTACT_PREFIXES: Final[dict[str, SimulatedContact]] = {
    "chat-": SimulatedContact(channel="CHAT", webrtc=False),
    "ended-": SimulatedContact(ended=True),
    "task-": SimulatedContact(channel="TASK", webrtc=False, agent_after=None),
    "email-": SimulatedContact(channel="EMAIL", webrtc=False, agent_after=None),
    "phone-": SimulatedContact(webrtc=False),
    "no-agent-": SimulatedContact(agent_after=None),
}


class ApiError(Exception):
    """A Connect error to answer with."""

    def __init__(self, name: str, message: str | None = None, status: int | None = None) -> None:
        super().__init__(name)
        self.name = name
        self.message = message or MESSAGES.get(name, name)
        self.status = status or ERROR_STATUS.get(name, 400)


def agent_connected(contact: SimulatedContact, elapsed: float) -> bool:
    return contact.agent_after is not None and elapsed >= contact.agent_after


def check_connect_rules(contact: SimulatedContact, elapsed: float, role: str | None) -> None:
    """What Connect refuses with its generic InvalidRequestException."""
    channel = contact.channel if contact.channel != "VOICE" or contact.webrtc else "TELEPHONY"
    if contact.ended:
        raise ApiError("InvalidRequestException", "The contact is not active.")
    if channel not in CHANNEL_ROLE:
        raise ApiError("InvalidRequestException", "The contact's channel is not supported.")
    if role is not None and role != CHANNEL_ROLE[channel]:
        raise ApiError("InvalidRequestException", "ParticipantRole is not valid for the contact.")
    if channel == "VOICE" and not agent_connected(contact, elapsed):
        raise ApiError("InvalidRequestException", "The agent has not joined the call.")


def validate_request(body: Any, instance_id: str | None) -> str:
    """Check the request as Connect would; return the contact ID."""
    if not isinstance(body, dict):
        raise ApiError("InvalidRequestException", "Request body must be a JSON object.")
    for name, limit in (("InstanceId", 100), ("ContactId", 256)):
        value = body.get(name)
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise ApiError("InvalidRequestException", f"{name} is not valid.")
    token = body.get("ClientToken")
    if token is not None and (not isinstance(token, str) or len(token) > 500):
        raise ApiError("InvalidRequestException", "ClientToken is not valid.")
    validate_details(body.get("ParticipantDetails"))
    if instance_id is not None and body["InstanceId"] != instance_id:
        raise ApiError("ResourceNotFoundException", "Instance not found.")
    contact_id: str = body["ContactId"]
    return contact_id


def validate_details(details: Any) -> None:
    if not isinstance(details, dict):
        raise ApiError("InvalidRequestException", "ParticipantDetails is required.")
    name = details.get("DisplayName")
    if not isinstance(name, str) or not 1 <= len(name) <= 256:
        raise ApiError("InvalidRequestException", "DisplayName is not valid.")
    role = details.get("ParticipantRole")
    if role is not None and role not in ROLES:
        raise ApiError("InvalidRequestException", "ParticipantRole is not valid.")
    capabilities = details.get("ParticipantCapabilities")
    if capabilities is None:
        return
    if not isinstance(capabilities, dict) or any(
        key not in ("Video", "ScreenShare") or value != "SEND"
        for key, value in capabilities.items()
    ):
        raise ApiError("InvalidRequestException", "ParticipantCapabilities is not valid.")
