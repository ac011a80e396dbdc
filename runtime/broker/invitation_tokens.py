"""The secret of an invitation, its hash, and the use and redemption IDs of a redemption.

**The secret** is ``<invitationId>.<random>``: the invitation ID (16 URL-safe characters, 96
random bits) names the item, the random part (43 URL-safe characters) is 256 bits from
:mod:`secrets`. Clients treat the whole as opaque. The table stores only the SHA-256 of the
whole secret (``secretHash``): a fast hash is right for a secret with 256 bits of entropy (there
is no dictionary to try, and 2^255 guesses on average is out of reach however fast each one is),
unlike a password, whose few bits of entropy need a slow, salted hash. Whoever reads the table
(a backup, a leaked export) cannot redeem anything.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets

ID_BYTES = 12
SECRET_BYTES = 32
USE_ID_BYTES = 12
REDEMPTION_VERSION = "connect-participant-broker/redemption/1"
_ID = re.compile(r"[A-Za-z0-9_-]{16}")
_RANDOM = re.compile(r"[A-Za-z0-9_-]{43}")


def new_secret() -> tuple[str, str]:
    """Return a new invitation ID and the secret that holds it."""
    invitation_id = secrets.token_urlsafe(ID_BYTES)
    random_part = secrets.token_urlsafe(SECRET_BYTES)  # pragma: no mutate (None: 32 too)
    return invitation_id, f"{invitation_id}.{random_part}"


def secret_hash(secret: str) -> str:
    """The SHA-256 (hex) of a secret, as the table stores it."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()  # pragma: no mutate (codec case)


def invitation_id_of(secret: str) -> str | None:
    """The invitation ID a well-formed secret holds, else ``None`` (treated as unknown)."""
    head, dot, tail = secret.partition(".")  # pragma: no mutate (rpartition: same parts)
    return head if dot and _ID.fullmatch(head) and _RANDOM.fullmatch(tail) else None


def new_use_id() -> str:
    """A new use ID (random: only the redemption that made it can find it in the item)."""
    return secrets.token_urlsafe(USE_ID_BYTES)


def redemption_hash(invitation_id: str, key: str, display_name: str | None) -> str:
    """What ``redemptions`` records for a redemption sent with ``Idempotency-Key`` ``key``."""
    text = json.dumps(
        [REDEMPTION_VERSION, invitation_id, key, display_name],
        ensure_ascii=True,  # pragma: no mutate (the default)
        separators=(",", ":"),  # pragma: no mutate (":" only in objects)
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()  # pragma: no mutate (codec case)
