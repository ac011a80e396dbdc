"""What the broker answers, as typed values: a participant, an invitation, an open invitation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Participant:
    """A participant the broker added to a contact.

    ``participant_token`` is a secret: pass it to Connect's ``CreateParticipantConnection`` and
    nowhere else. It is left out of ``repr()`` so it does not end up in logs by accident.
    ``role`` is the role Connect gave the participant (``None`` from a broker older than the
    contract's v2, which does not say).
    """

    participant_id: str
    participant_token: str = field(repr=False)
    expiry: datetime
    role: str | None = None


@dataclass(frozen=True)
class Invitation:
    """An invitation just created: ``secret`` is what the invitee needs, and the broker cannot
    show it again. It is left out of ``repr()``; share it out of band, for example in a link's
    ``#fragment``, never in a URL path or query."""

    invitation_id: str
    secret: str = field(repr=False)
    expiry: datetime
    uses: int
    role: str


@dataclass(frozen=True)
class OpenInvitation:
    """An invitation that can still be redeemed, as ``list_invitations`` shows it."""

    invitation_id: str
    expiry: datetime
    uses: int
    uses_left: int
    role: str
    display_name: str | None = None
    capabilities: Mapping[str, str] = field(default_factory=dict)
