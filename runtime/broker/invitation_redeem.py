"""``POST /invitations/redeem`` (no API-level authentication: the secret, in the JSON body, is
the credential): consume one use atomically (:meth:`.invitation_store.InvitationStore.consume`),
then add the participant through the participants route's own pipeline
(:func:`.participants.add`) for the invitation's creator. Unknown, expired, used up and revoked
invitations all answer 404 ``invitation-not-valid``. When the broker then answers a 4xx, no
participant was added, and the use is given back; after a 5xx or a timeout it may have been, so
the use stays consumed (never more participants than uses), and a retry with the same
``Idempotency-Key`` replays the redemption without consuming another.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from . import context, dynamodb, logs
from . import invitation_schema as schema
from . import invitation_store as store
from . import invitation_tally as tally
from . import invitation_tokens as tokens
from .context import current
from .contract import FieldError
from .invitations import NOT_VALID_DETAIL
from .logs import LOGGER
from .participants import ParticipantRequest, add
from .problems import Problem

REDEEM_RESOURCE = context.ROUTES["redeem"]
#: A redeemed invitation's ``ClientToken`` tag: its scope is the invitation, never a caller's.
REDEEMED_SCOPE_TAG = "connect-participant-broker/invitation-token/1"
ROUTER = context.Router(around=tally.tallied)


def _refused(reason: str) -> Problem:
    """The one answer to every invitation that cannot be redeemed (``reason`` is logged and
    counted, never answered)."""
    tally.count("InvitationRedemptionsRefused", reason)
    LOGGER.info("redemption refused", {"status": 404, "reason": reason})
    return Problem("invitation-not-valid", NOT_VALID_DETAIL)


def _name_mismatch(mismatch: store.NameMismatch) -> Problem:
    message = (
        "is set by the invitation: leave it out"
        if mismatch.fixed
        else "is required: this invitation lets the invitee choose a name"
    )
    return context.invalid([FieldError("displayName", message)])


def _give_back(
    table: store.InvitationStore, invitation: store.Invitation, use_id: str, redemption: str | None
) -> None:
    """Return the use a redemption consumed when no participant was added (a 4xx answer)."""
    try:
        returned = table.give_back(invitation.invitation_id, use_id, redemption)
    except dynamodb.StoreFailure as failure:
        tally.count("InvitationStoreErrors")
        fields = {"operation": failure.operation, "errorCode": failure.code}
        LOGGER.warning("use not given back", fields)
        return
    if returned:
        tally.count("InvitationUsesGivenBack")
    fields = {"invitationId": invitation.invitation_id}
    LOGGER.info("use given back" if returned else "use not given back", fields)


def _add(
    invitation: store.Invitation, key: str | None, display_name: str | None, left: float | None
) -> dict[str, Any]:
    """Add the participant for the invitation's creator: the contact checks see the creator (a
    contact-bound broker compares it); the invitee's ``Idempotency-Key`` is scoped to the
    invitation, with its own tag."""
    request = ParticipantRequest(
        contact_id=invitation.contact_id,
        idempotency_key=key,
        # "": never (the consuming write admits a name or a named invitation, never neither).
        display_name=display_name or invitation.display_name or "",  # pragma: no mutate
        role=invitation.role,
        capabilities=dict(invitation.capabilities),
    )
    creator, scope = (lambda: invitation.created_by), (lambda: invitation.invitation_id)
    return add(request, creator, scope, left, REDEEMED_SCOPE_TAG)


@ROUTER.route("POST", REDEEM_RESOURCE)
def redeem() -> dict[str, Any]:
    """``POST /invitations/redeem``: the participant is added with every contact check (a
    WebRTC call's agent waited for, within the time left once a use could be given back)."""
    started = time.monotonic()
    context.require_json()
    key, errors = context.idempotency_key()
    body, body_errors = context.json_body(partial(schema.validate, name="RedeemInvitationRequest"))
    if errors or body_errors:
        raise context.invalid(errors + body_errors)
    secret: str = body["secret"]
    display_name: str | None = body.get("displayName")
    invitation_id = tokens.invitation_id_of(secret)
    if invitation_id is None:
        raise _refused("unknown")
    redemption = None if key is None else tokens.redemption_hash(invitation_id, key, display_name)
    use_id, table = tokens.new_use_id(), store.for_config(current().config)
    outcome = table.consume(
        invitation_id=invitation_id,
        hashed=tokens.secret_hash(secret),
        use_id=use_id,
        redemption=redemption,
        name_given=display_name is not None,
    )
    if isinstance(outcome, store.Refused):
        raise _refused(outcome.reason)
    if isinstance(outcome, store.NameMismatch):
        raise _name_mismatch(outcome)
    invitation, replayed = outcome.invitation, isinstance(outcome, store.Replayed)
    logs.bind_contact(invitation.contact_id)
    fields = {"invitationId": invitation.invitation_id, "replayed": replayed}
    LOGGER.info("invitation redeemed", fields)
    left, remaining = None, current().remaining_seconds
    if remaining is not None:
        left = remaining - (time.monotonic() - started) - dynamodb.call_seconds()
    try:
        response = _add(invitation, key, display_name, left)
    except Problem as problem:
        if 400 <= problem.status < 500 and not replayed:
            _give_back(table, invitation, use_id, redemption)
        raise
    tally.count("InvitationsRedeemed")
    return response
