"""Invitations in the broker's DynamoDB table: the secret, the item, and the conditional writes
that create, consume, give back and revoke one.

**The secret** is ``<invitationId>.<random>``: the invitation ID (16 URL-safe characters, 96
random bits) names the item, the random part (43 URL-safe characters) is 256 bits from
:mod:`secrets`. Clients treat the whole as opaque. The table stores only the SHA-256 of the
whole secret (``secretHash``): a fast hash is right for a secret with 256 bits of entropy (there
is no dictionary to try, and 2^255 guesses on average is out of reach however fast each one is),
unlike a password, whose few bits of entropy need a slow, salted hash. Whoever reads the table
(a backup, a leaked export) cannot redeem anything.

**The item** (partition key ``invitationId``): ``secretHash``, ``contactId``, ``role``,
``displayName`` (absent: the invitee chooses one), ``capabilities`` (a map, absent when none),
``uses`` and ``usesLeft``, ``expiresAt`` (epoch seconds, the table's TTL attribute),
``createdAt``, ``createdBy`` (the creator's caller identity, CONTRACT v2), ``revokedAt`` once
revoked, ``useIds``: the use ID of each use taken and not given back (random, generated per
redemption, not a secret), and ``redemptions``: the SHA-256 of each (invitation,
``Idempotency-Key``, display name) that took one of those uses, never a key itself. Both sets
hold at most ``uses`` members (the schema allows 100): the largest item is about 12 KB, far
below DynamoDB's 400 KB item limit. The index ``byContact`` (partition ``contactId``, sort
``expiresAt``) projects only what a listing reads (``invitation_table.json``, from which the
construct creates the table): never the secret's hash, the creator, the use IDs or the
redemptions.

**Consuming is one conditional UpdateItem**: it decrements ``usesLeft`` and adds the
redemption's use ID (and its ``redemptions`` hash) only if the secret's hash matches, a use is
left, the invitation has not expired (TTL deletes expired items days later, so the condition
checks ``expiresAt`` itself), it is not revoked, the display name fits (given exactly when the
invitation has none) and neither the use ID nor the redemption's hash is there yet. DynamoDB
evaluates the condition and applies the update atomically per item, so concurrent redemptions of
a one-use invitation consume it once. On a failed condition DynamoDB returns the item as it was
(``ReturnValuesOnConditionCheckFailure``): the redemption's own use ID there means its write was
applied and its answer lost, then retried by the SDK (consumed, once); the hash without the ID,
a retried redemption (same key and request: replayed, no second use); else a refusal, and its
reason (only for the log: the caller always gets the same answer).

**Giving a use back** is conditioned on the use ID being there, and removes it in the same
write, so a give-back retried by the SDK after a lost answer cannot return a use another
redeemer has taken since; a failed condition on an item that is still there means an earlier
attempt gave the use back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dynamodb import DynamoDBClient, error_code

ID_BYTES = 12
SECRET_BYTES = 32
USE_ID_BYTES = 12
#: The table's keys and index (the construct creates the table from the same file).
TABLE_PATH = Path(__file__).resolve().parent / "invitation_table.json"
INDEX_NAME = "byContact"
#: The most invitations one listing returns (the earliest to expire first).
LIST_LIMIT = 100
_MAX_PAGES = 10
REDEMPTION_VERSION = "connect-participant-broker/redemption/1"
_ID = re.compile(r"[A-Za-z0-9_-]{16}")
_RANDOM = re.compile(r"[A-Za-z0-9_-]{43}")
_CONDITION_FAILED = "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Invitation:
    """One invitation, as the table holds it (without its secret's hash)."""

    invitation_id: str
    contact_id: str
    role: str
    display_name: str | None
    capabilities: Mapping[str, str]
    uses: int
    uses_left: int
    expires_at: int
    created_at: int
    created_by: str = ""
    """The creator's caller identity (not in the ``byContact`` index)."""


@dataclass(frozen=True)
class Consumed:
    """A use was consumed for this redemption."""

    invitation: Invitation


@dataclass(frozen=True)
class Replayed:
    """This redemption (same key, same request) consumed a use before: do it again, consume
    nothing."""

    invitation: Invitation


@dataclass(frozen=True)
class Refused:
    """The invitation cannot be redeemed; ``reason`` is for the log and metrics only."""

    reason: str
    """``unknown``, ``expired``, ``revoked``, ``used-up`` or ``changed``."""


@dataclass(frozen=True)
class NameMismatch:
    """The secret is valid, but the display name does not fit the invitation (nothing
    consumed): ``fixed`` when the invitation sets the name, else the invitee must choose one."""

    fixed: bool


Outcome = Consumed | Replayed | Refused | NameMismatch


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


# -- DynamoDB's attribute values ------------------------------------------------------------


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _text(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    return str(value["S"]) if isinstance(value, Mapping) and "S" in value else None


def _members(item: Mapping[str, Any], name: str) -> list[str]:
    value = item.get(name)
    return list(value["SS"]) if isinstance(value, Mapping) and "SS" in value else []


def _number(item: Mapping[str, Any], name: str) -> int:
    value = item.get(name)
    return int(value["N"]) if isinstance(value, Mapping) and "N" in value else 0


def _to_item(invitation: Invitation, hashed: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "invitationId": _s(invitation.invitation_id),
        "secretHash": _s(hashed),
        "contactId": _s(invitation.contact_id),
        "role": _s(invitation.role),
        "uses": _n(invitation.uses),
        "usesLeft": _n(invitation.uses_left),
        "expiresAt": _n(invitation.expires_at),
        "createdAt": _n(invitation.created_at),
        "createdBy": _s(invitation.created_by),
    }
    if invitation.display_name is not None:
        item["displayName"] = _s(invitation.display_name)
    if invitation.capabilities:
        item["capabilities"] = {
            "M": {name: _s(value) for name, value in invitation.capabilities.items()}
        }
    return item


def _from_item(item: Mapping[str, Any]) -> Invitation:
    capabilities = item.get("capabilities", {}).get("M", {})
    return Invitation(
        invitation_id=_text(item, "invitationId") or "",  # pragma: no mutate (always there)
        contact_id=_text(item, "contactId") or "",  # pragma: no mutate (always there)
        role=_text(item, "role") or "",  # pragma: no mutate (always there)
        display_name=_text(item, "displayName"),
        capabilities={name: str(value["S"]) for name, value in capabilities.items()},
        uses=_number(item, "uses"),
        uses_left=_number(item, "usesLeft"),
        expires_at=_number(item, "expiresAt"),
        created_at=_number(item, "createdAt"),  # pragma: no mutate (never read)
        created_by=_text(item, "createdBy") or "",  # pragma: no mutate (absent: never read)
    )


@dataclass
class _Expression:
    """Names and values of one request's expressions, each added once, every one used."""

    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        self.names[f"#{attribute}"] = attribute
        return f"#{attribute}"

    def value(self, placeholder: str, value: Any) -> str:
        self.values[f":{placeholder}"] = value
        return f":{placeholder}"

    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {"ExpressionAttributeNames": self.names}
        if self.values:
            params["ExpressionAttributeValues"] = self.values
        return params


# -- operations -----------------------------------------------------------------------------


def put(client: DynamoDBClient, table: str, invitation: Invitation, hashed: str) -> None:
    """Store a new invitation (never over an existing one)."""
    expression = _Expression()
    condition = f"attribute_not_exists({expression.name('invitationId')})"
    client.put_item(
        TableName=table,
        Item=_to_item(invitation, hashed),
        ConditionExpression=condition,
        **expression.parameters(),
    )


def consume(
    client: DynamoDBClient,
    table: str,
    *,
    invitation_id: str,
    hashed: str,
    use_id: str,
    redemption: str | None,
    name_given: bool,
    now: int,
) -> Outcome:
    """Consume one use of the invitation, atomically, recording ``use_id`` (see the module
    docstring)."""
    e = _Expression()
    conditions = [
        f"{e.name('secretHash')} = {e.value('secretHash', _s(hashed))}",
        f"{e.name('usesLeft')} > {e.value('zero', _n(0))}",
        f"{e.name('expiresAt')} > {e.value('now', _n(now))}",
        f"attribute_not_exists({e.name('revokedAt')})",
        f"attribute_{'not_' if name_given else ''}exists({e.name('displayName')})",
        f"NOT contains({e.name('useIds')}, {e.value('useId', _s(use_id))})",
    ]
    update = (
        f"SET {e.name('usesLeft')} = {e.name('usesLeft')} - {e.value('one', _n(1))} "
        f"ADD {e.name('useIds')} {e.value('useIds', {'SS': [use_id]})}"
    )
    if redemption is not None:
        conditions.append(
            f"NOT contains({e.name('redemptions')}, {e.value('redemption', _s(redemption))})"
        )
        update += f", {e.name('redemptions')} {e.value('redemptions', {'SS': [redemption]})}"
    try:
        answer = client.update_item(
            TableName=table,
            Key={"invitationId": _s(invitation_id)},
            UpdateExpression=update,
            ConditionExpression=" AND ".join(conditions),
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
            **e.parameters(),
        )
    except Exception as error:
        if error_code(error) != _CONDITION_FAILED:
            raise
        old = getattr(error, "response", {}).get("Item")  # pragma: no mutate (ClientError's)
        return _why_not(
            old,
            hashed=hashed,
            use_id=use_id,
            redemption=redemption,
            name_given=name_given,
            now=now,
        )
    return Consumed(_from_item(answer["Attributes"]))


def _why_not(
    old: Mapping[str, Any] | None,
    *,
    hashed: str,
    use_id: str,
    redemption: str | None,
    name_given: bool,
    now: int,
) -> Outcome:
    """Why the consuming condition failed, from the item as it was."""
    stored = _text(old, "secretHash") if old else None
    if old is None or stored is None or not hmac.compare_digest(stored, hashed):
        return Refused("unknown")
    if use_id in _members(old, "useIds"):
        # This redemption's own write, applied before its answer was lost (the SDK retried):
        # consumed once, even if the invitation was revoked or expired since.
        return Consumed(_from_item(old))
    if "revokedAt" in old:
        return Refused("revoked")
    if _number(old, "expiresAt") <= now:
        return Refused("expired")
    if redemption is not None and redemption in _members(old, "redemptions"):
        return Replayed(_from_item(old))
    if _number(old, "usesLeft") <= 0:
        return Refused("used-up")
    fixed = "displayName" in old
    if fixed == name_given:
        return NameMismatch(fixed=fixed)
    return Refused("changed")


def give_back(
    client: DynamoDBClient, table: str, invitation_id: str, use_id: str, redemption: str | None
) -> bool:
    """Return the use ``use_id`` took (the participant was not added); ``False`` if the item is
    gone. Exactly once: only this use ID's redemption removes it."""
    e = _Expression()
    update = (
        f"SET {e.name('usesLeft')} = {e.name('usesLeft')} + {e.value('one', _n(1))} "
        f"DELETE {e.name('useIds')} {e.value('useIds', {'SS': [use_id]})}"
    )
    if redemption is not None:
        update += f", {e.name('redemptions')} {e.value('redemptions', {'SS': [redemption]})}"
    try:
        client.update_item(
            TableName=table,
            Key={"invitationId": _s(invitation_id)},
            UpdateExpression=update,
            ConditionExpression=f"contains({e.name('useIds')}, {e.value('useId', _s(use_id))})",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
            **e.parameters(),
        )
    except Exception as error:
        if error_code(error) != _CONDITION_FAILED:
            raise
        # The item is there without the use ID: an earlier attempt of this call removed it
        # (applied, its answer lost, retried by the SDK).
        return "Item" in getattr(error, "response", {})  # pragma: no mutate (ClientError's)
    return True


def revoke(
    client: DynamoDBClient,
    table: str,
    *,
    invitation_id: str,
    contact_id: str,
    creator: str | None,
    now: int,
) -> bool:
    """Revoke an invitation of ``contact_id`` (only one ``creator`` made, when given); ``False``
    when there is no such invitation. Revoking twice keeps the first time."""
    e = _Expression()
    condition = f"{e.name('contactId')} = {e.value('contactId', _s(contact_id))}"
    if creator is not None:
        condition += f" AND {e.name('createdBy')} = {e.value('creator', _s(creator))}"
    revoked_at, at = e.name("revokedAt"), e.value("now", _n(now))
    try:
        client.update_item(
            TableName=table,
            Key={"invitationId": _s(invitation_id)},
            UpdateExpression=f"SET {revoked_at} = if_not_exists({revoked_at}, {at})",
            ConditionExpression=condition,
            **e.parameters(),
        )
    except Exception as error:
        if error_code(error) != _CONDITION_FAILED:
            raise
        return False
    return True


def list_open(client: DynamoDBClient, table: str, contact_id: str, now: int) -> list[Invitation]:
    """The contact's invitations that can still be redeemed, earliest expiry first (at most
    :data:`LIST_LIMIT`). The index is eventually consistent: one created a moment ago may be
    missing, one consumed or revoked a moment ago may still show."""
    e = _Expression()
    key = (
        f"{e.name('contactId')} = {e.value('contactId', _s(contact_id))} AND "
        f"{e.name('expiresAt')} > {e.value('now', _n(now))}"
    )
    open_only = f"{e.name('usesLeft')} > {e.value('zero', _n(0))} AND " + (
        f"attribute_not_exists({e.name('revokedAt')})"
    )
    params: dict[str, Any] = {
        "TableName": table,
        "IndexName": INDEX_NAME,
        "KeyConditionExpression": key,
        "FilterExpression": open_only,
        **e.parameters(),
    }
    found: list[Invitation] = []
    for _ in range(_MAX_PAGES):
        page = client.query(**params)
        found.extend(_from_item(item) for item in page.get("Items", []))
        last = page.get("LastEvaluatedKey")
        if last is None or len(found) >= LIST_LIMIT:
            break
        params["ExclusiveStartKey"] = last
    return found[:LIST_LIMIT]
