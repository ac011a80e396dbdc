"""Contact checks (CONTRACT v2; the rules, their order and AWS sources: docs/contacts.md).
The clock is injectable (:func:`set_clock`)."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from . import budget, problems
from .config import Config
from .connect import ConnectClient
from .contract import FieldError

#: How a refusal names a contact of each channel ("": Connect left the channel out).
_NAMES = {"VOICE": "WebRTC call", "CHAT": "chat", "": "contact without a channel"}
_now: Callable[[], float] = time.monotonic
_sleep: Callable[[float], None] = time.sleep


def set_clock(
    now: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None
) -> None:
    """``None`` restores the real clock."""
    global _now, _sleep
    _now, _sleep = now or time.monotonic, sleep or time.sleep


class Contact(NamedTuple):
    """What the checks read of a contact."""

    channel: str
    webrtc: bool
    ended: bool
    agent_connected: bool
    attributes: Mapping[str, str]


class Refusal(NamedTuple):
    """A problem code; ``check`` (default: the code) names the check for logs and metrics."""

    problem: str
    detail: str
    errors: tuple[FieldError, ...] = ()
    check: str = ""

    @property
    def name(self) -> str:
        return self.check or self.problem


class Admitted(NamedTuple):
    """The contact takes the participant as ``role`` (once its agent connects, if pending)."""

    role: str
    agent_pending: bool = False


def describe(client: ConnectClient, instance_id: str, contact_id: str) -> Contact:
    """DescribeContact on the broker's instance."""
    found = client.describe_contact(InstanceId=instance_id, ContactId=contact_id)
    contact: Mapping[str, Any] = found.get("Contact") or {}
    subtype = ((contact.get("SegmentAttributes") or {}).get("connect:Subtype") or {}).get(
        "ValueString"
    )
    return Contact(
        channel=str(contact.get("Channel") or ""),
        webrtc=subtype == "connect:WebRTC" or contact.get("InitiationMethod") == "WEBRTC_API",
        ended=contact.get("DisconnectTimestamp") is not None,
        agent_connected=(contact.get("AgentInfo") or {}).get("ConnectedToAgentTimestamp")
        is not None,
        attributes=contact.get("Attributes") or {},
    )


def _role(contact: Contact, role: str | None, config: Config) -> Refusal | Admitted:
    """Check (or choose) the role for the contact's channel."""
    takes = config.channel_roles[contact.channel]
    if role is None:
        for candidate in (config.default_role, *takes):
            if candidate in takes and candidate in config.allowed_roles:
                return Admitted(candidate)
    elif role in takes:
        return Admitted(role)
    name, listed = _NAMES.get(contact.channel, f"{contact.channel} contact"), " or ".join(takes)
    if role is not None:
        message = f"must be {listed} for a {name}"
        return Refusal(
            "role-not-valid-for-channel",
            f"A {name} takes another role; see errors.",
            (FieldError("role", message),),
        )
    message = f"a {name} takes {listed}, which this broker does not allow"
    return Refusal(
        "not-allowed", problems.POLICY_DETAIL, (FieldError("role", message),), "role-not-allowed"
    )


def judge(contact: Contact, role: str | None, config: Config, caller: str) -> Refusal | Admitted:
    """The verdict: contact-bound callers, ended, channel, role, then a WebRTC call's agent,
    in this order, so a later check reveals nothing an earlier one hides."""
    bound = config.caller_attribute
    if bound and not (
        isinstance(owner := contact.attributes.get(bound), str)
        and caller
        and hmac.compare_digest(owner.encode(), caller.encode())
    ):
        return Refusal(
            "contact-not-found",
            "Amazon Connect has no such contact in this broker's instance.",
            check="not-callers-contact",
        )
    if contact.ended:
        return Refusal("contact-ended", "The contact has ended.")
    voice = contact.channel == "VOICE"
    if contact.channel not in config.channel_roles or (voice and not contact.webrtc):
        kind = "voice call that is not a WebRTC call" if voice else None
        name = kind or _NAMES.get(contact.channel, f"{contact.channel} contact")
        return Refusal("channel-not-supported", f"A {name} takes no added participants.")
    verdict = _role(contact, role, config)
    if isinstance(verdict, Admitted) and voice and not contact.agent_connected:
        return Admitted(verdict.role, agent_pending=True)
    return verdict


AGENT_NOT_CONNECTED = Refusal(
    "agent-not-connected",
    "The call's agent has not connected yet; retry after the delay in Retry-After.",
)


def check(
    client: ConnectClient,
    config: Config,
    contact_id: str,
    role: str | None,
    caller: str,
    remaining_seconds: float | None,
    wait: bool,
) -> Refusal | Admitted:
    """Describe and judge the contact, waiting for a WebRTC call's agent (unless not ``wait``)
    within ``remaining_seconds`` (``None``: not in Lambda). DescribeContact's errors propagate."""
    started = _now()
    deadline: float | None = None
    while True:
        verdict = judge(describe(client, config.instance_id, contact_id), role, config, caller)
        if not isinstance(verdict, Admitted) or not verdict.agent_pending or not wait:
            return verdict
        if deadline is None:
            left = None if remaining_seconds is None else remaining_seconds - (_now() - started)
            deadline = _now() + budget.wait_seconds(config.agent_wait_seconds, left)
        pause = min(budget.AGENT_POLL_SECONDS, deadline - _now())
        if pause <= 0:
            return AGENT_NOT_CONNECTED
        _sleep(pause)
