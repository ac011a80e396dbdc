"""Invitations in the broker's DynamoDB table: the item, and the conditional writes that create,
consume, give back and revoke one, made by an :class:`InvitationStore` (its client, table and
clock; Powertools' idempotency persistence layer is the model) through :mod:`.dynamodb`.
The secret and its hash: :mod:`.invitation_tokens`.

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

import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import dynamodb
from . import invitation_settings as settings
from .config import Config
from .dynamodb import ConditionFailed, DynamoDBClient

#: The table's keys and index (the construct creates the table from the same file).
TABLE_PATH = Path(__file__).resolve().parent / "invitation_table.json"
INDEX_NAME = "byContact"
#: The most invitations one listing returns (the earliest to expire first).
LIST_LIMIT = 100
_MAX_PAGES = 10
Clock = Callable[[], float]
_now: Clock = time.time


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


def set_clock(now: Clock | None = None) -> None:
    """Use ``now`` (epoch seconds) as the stores' clock; ``None`` restores ``time.time``."""
    global _now
    _now = now or time.time


def for_config(config: Config) -> InvitationStore:
    """The store of a broker with invitations, on the function's DynamoDB client."""
    table = settings.of(config).table_name
    return InvitationStore(dynamodb.get_client(config.region), table, _now)


class InvitationStore:
    """The invitation table: its client, its name, and the clock (epoch seconds) that dates what
    it writes and decides what has expired. A failed call raises
    :class:`.dynamodb.StoreFailure`."""

    def __init__(self, client: DynamoDBClient, table: str, now: Clock = time.time) -> None:
        self.client, self.table, self.now = client, table, now

    def epoch(self) -> int:
        return int(self.now())

    def _update(self, invitation_id: str, **params: Any) -> dict[str, Any]:
        key = {"invitationId": _s(invitation_id)}
        return dynamodb.call(self.client, "UpdateItem", TableName=self.table, Key=key, **params)

    def put(self, invitation: Invitation, hashed: str) -> None:
        """Store a new invitation (never over an existing one)."""
        expression = _Expression()
        condition = f"attribute_not_exists({expression.name('invitationId')})"
        dynamodb.call(
            self.client,
            "PutItem",
            TableName=self.table,
            Item=_to_item(invitation, hashed),
            ConditionExpression=condition,
            **expression.parameters(),
        )

    def consume(
        self,
        *,
        invitation_id: str,
        hashed: str,
        use_id: str,
        redemption: str | None,
        name_given: bool,
    ) -> Outcome:
        """Consume one use of the invitation, atomically, recording ``use_id`` (see the module
        docstring)."""
        e, now = _Expression(), self.epoch()
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
            answer = self._update(
                invitation_id,
                UpdateExpression=update,
                ConditionExpression=" AND ".join(conditions),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **e.parameters(),
            )
        except ConditionFailed as failed:
            return _why_not(
                failed.item,
                hashed=hashed,
                use_id=use_id,
                redemption=redemption,
                name_given=name_given,
                now=now,
            )
        return Consumed(_from_item(answer["Attributes"]))

    def give_back(self, invitation_id: str, use_id: str, redemption: str | None) -> bool:
        """Return the use ``use_id`` took (the participant was not added); ``False`` if the item
        is gone. Exactly once: only this use ID's redemption removes it."""
        e = _Expression()
        update = (
            f"SET {e.name('usesLeft')} = {e.name('usesLeft')} + {e.value('one', _n(1))} "
            f"DELETE {e.name('useIds')} {e.value('useIds', {'SS': [use_id]})}"
        )
        if redemption is not None:
            update += f", {e.name('redemptions')} {e.value('redemptions', {'SS': [redemption]})}"
        try:
            self._update(
                invitation_id,
                UpdateExpression=update,
                ConditionExpression=f"contains({e.name('useIds')}, {e.value('useId', _s(use_id))})",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **e.parameters(),
            )
        except ConditionFailed as failed:
            # The item is there without the use ID: an earlier attempt of this call removed it
            # (applied, its answer lost, retried by the SDK).
            return failed.item is not None
        return True

    def revoke(self, *, invitation_id: str, contact_id: str, creator: str | None) -> bool:
        """Revoke an invitation of ``contact_id`` (only one ``creator`` made, when given);
        ``False`` when there is no such invitation. Revoking twice keeps the first time."""
        e = _Expression()
        condition = f"{e.name('contactId')} = {e.value('contactId', _s(contact_id))}"
        if creator is not None:
            condition += f" AND {e.name('createdBy')} = {e.value('creator', _s(creator))}"
        revoked_at, at = e.name("revokedAt"), e.value("now", _n(self.epoch()))
        try:
            self._update(
                invitation_id,
                UpdateExpression=f"SET {revoked_at} = if_not_exists({revoked_at}, {at})",
                ConditionExpression=condition,
                **e.parameters(),
            )
        except ConditionFailed:
            return False
        return True

    def list_open(self, contact_id: str) -> list[Invitation]:
        """The contact's invitations that can still be redeemed, earliest expiry first (at most
        :data:`LIST_LIMIT`). The index is eventually consistent: one created a moment ago may be
        missing, one consumed or revoked a moment ago may still show."""
        e = _Expression()
        key = (
            f"{e.name('contactId')} = {e.value('contactId', _s(contact_id))} AND "
            f"{e.name('expiresAt')} > {e.value('now', _n(self.epoch()))}"
        )
        open_only = f"{e.name('usesLeft')} > {e.value('zero', _n(0))} AND " + (
            f"attribute_not_exists({e.name('revokedAt')})"
        )
        params: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": INDEX_NAME,
            "KeyConditionExpression": key,
            "FilterExpression": open_only,
            **e.parameters(),
        }
        found: list[Invitation] = []
        for _ in range(_MAX_PAGES):
            page = dynamodb.call(self.client, "Query", **params)
            found.extend(_from_item(item) for item in page.get("Items", []))
            last = page.get("LastEvaluatedKey")
            if last is None or len(found) >= LIST_LIMIT:
                break
            params["ExclusiveStartKey"] = last
        return found[:LIST_LIMIT]


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
