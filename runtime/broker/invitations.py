"""The invitation routes, served only when the broker has an invitation table (the handler
imports them on the first request for one); :mod:`.invitation_redeem` redeems, and both keep
invitations in an :class:`~.invitation_store.InvitationStore` and count in
:mod:`.invitation_tally`. The secret, its hash and the ``Idempotency-Key`` never reach a log
line, a metric or a body.

* ``POST /contacts/{contactId}/invitations`` (the API's authorization, like the participants
  route): create an invitation for one contact. The request must pass what the participants
  route checks (its policy and :func:`.participants.check_contact`) plus the broker's lifetime
  and uses bounds; the 201 body carries the secret, which the broker never shows again.
* ``GET /contacts/{contactId}/invitations`` (authorized): the contact's open invitations.
* ``DELETE /contacts/{contactId}/invitations/{invitationId}`` (authorized): revoke one; 204,
  also when it was revoked before; 404 ``invitation-not-valid`` for no such invitation of that
  contact.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from . import apigw, connect, contacts, context, problems
from . import invitation_schema as schema
from . import invitation_settings as settings
from . import invitation_store as store
from . import invitation_tally as tally
from . import invitation_tokens as tokens
from .context import current, reject
from .contract import FieldError
from .invitation_settings import InvitationSettings
from .logs import LOGGER
from .participants import (
    ParticipantRequest,
    check_contact,
    connect_failure,
    elapsed_ms,
    policy_errors,
)
from .problems import Problem

CONTACT_RESOURCE = context.ROUTES["invitations"]
INVITATION_RESOURCE = context.ROUTES["invitation"]
NOT_VALID_DETAIL = "No such invitation, or it has expired, been used up or been revoked."
NOT_CALLERS_DETAIL = "Amazon Connect has no such contact in this broker's instance."
JSON = "application/json"
ROUTER = context.Router(around=tally.tallied)


def expiry_text(epoch: int) -> str:
    """ISO 8601 in UTC, for example ``2026-11-26T02:56:28Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _bounds_errors(body: Mapping[str, Any], bounds: InvitationSettings) -> list[FieldError]:
    """What the request asks for beyond the broker's lifetime and uses bounds."""
    errors: list[FieldError] = []
    lifetime = body.get("lifetimeSeconds", bounds.default_lifetime_seconds)
    if lifetime > bounds.max_lifetime_seconds:
        errors.append(
            FieldError(
                "lifetimeSeconds",
                f"must be at most {bounds.max_lifetime_seconds} on this broker",
            )
        )
    if body.get("uses", 1) > bounds.max_uses:
        errors.append(FieldError("uses", f"must be at most {bounds.max_uses} on this broker"))
    return errors


def _admitted(contact_id: str, body: Mapping[str, Any]) -> ParticipantRequest:
    """What the invitation asks for, checked as the participants route checks a request (a
    WebRTC call whose agent has not connected yet is fine: the agent is waited for when the
    invitation is redeemed)."""
    config = current().config
    asked = ParticipantRequest(
        contact_id=contact_id,
        idempotency_key=None,
        display_name=body.get("displayName", ""),  # pragma: no mutate (never sent to Connect)
        role=body.get("role"),
        capabilities=dict(body.get("capabilities", {})),
    )
    denied = policy_errors(asked, config) + _bounds_errors(body, settings.of(config))
    if denied:
        raise context.not_allowed(denied)
    if not config.contact_checks:
        return asked
    return check_contact(
        asked,
        context.caller,
        current().remaining_seconds,  # pragma: no mutate (read only by the wait)
        False,
    )


def _invitation(
    invitation_id: str,
    admitted: ParticipantRequest,
    body: Mapping[str, Any],
    creator: str,
    now: int,
) -> store.Invitation:
    """The invitation of a request the broker admitted, created by ``creator`` at ``now``."""
    config, uses = current().config, int(body.get("uses", 1))
    lifetime = body.get("lifetimeSeconds", settings.of(config).default_lifetime_seconds)
    return store.Invitation(
        invitation_id=invitation_id,
        contact_id=admitted.contact_id,
        role=admitted.role or config.default_role,
        display_name=body.get("displayName"),
        capabilities=admitted.capabilities,
        uses=uses,
        uses_left=uses,
        expires_at=now + int(lifetime),
        created_at=now,
        created_by=creator,
    )


@ROUTER.route("POST", CONTACT_RESOURCE)
def create() -> dict[str, Any]:
    """``POST /contacts/{contactId}/invitations``."""
    context.require_json()
    contact_id, errors = context.contact_id()
    body, body_errors = context.json_body(partial(schema.validate, name="CreateInvitationRequest"))
    if errors or body_errors:
        raise context.invalid(errors + body_errors)
    admitted = _admitted(contact_id, body)
    creator = context.caller()
    table = store.for_config(current().config)
    invitation_id, secret = tokens.new_secret()
    invitation = _invitation(invitation_id, admitted, body, creator, table.epoch())
    table.put(invitation, tokens.secret_hash(secret))
    tally.count("InvitationsCreated")
    fields = {
        "status": 201,
        "invitationId": invitation_id,
        "role": invitation.role,
        "uses": invitation.uses,
        "expiresAt": invitation.expires_at,
    }
    LOGGER.info("invitation created", fields)
    answer = {
        "invitationId": invitation_id,
        "secret": secret,
        "expiry": expiry_text(invitation.expires_at),
        "uses": invitation.uses,
        "role": invitation.role,
    }
    return problems.json_response(201, answer, JSON)


def _listed(invitation: store.Invitation) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "invitationId": invitation.invitation_id,
        "expiry": expiry_text(invitation.expires_at),
        "uses": invitation.uses,
        "usesLeft": invitation.uses_left,
        "role": invitation.role,
    }
    if invitation.display_name is not None:
        entry["displayName"] = invitation.display_name
    if invitation.capabilities:
        entry["capabilities"] = dict(invitation.capabilities)
    return entry


def _owns_contact(contact_id: str) -> bool:
    """Whether the caller is allowed on the contact: always, unless the broker binds contacts to
    callers (then one DescribeContact, and the contact's attribute must hold the caller's
    identity; a contact Connect does not know is nobody's)."""
    config = current().config
    if not config.caller_attribute:
        return True
    caller = context.caller()
    start = time.perf_counter()
    try:
        contact = contacts.describe(
            connect.get_client(config.region), config.instance_id, contact_id
        )
    except Exception as error:
        failure = connect.classify(error, connect.DESCRIBE_CONTACT)
        if failure.problem == "contact-not-found":
            return False
        latency = elapsed_ms(start)
        raise connect_failure(error, latency, connect.DESCRIBE_CONTACT) from None
    verdict = contacts.judge(contact, None, config, caller)
    return not (isinstance(verdict, contacts.Refusal) and verdict.name == "not-callers-contact")


@ROUTER.route("GET", CONTACT_RESOURCE)
def list_open() -> dict[str, Any]:
    """``GET /contacts/{contactId}/invitations``: for a caller allowed on the contact (with
    contact-bound callers, another caller's contact is 404 ``contact-not-found``)."""
    contact_id, errors = context.contact_id()
    if errors:
        raise context.invalid(errors)
    if not _owns_contact(contact_id):
        current().invocation.contact_rejection = "not-callers-contact"
        raise reject(
            "contact-not-found",
            NOT_CALLERS_DETAIL,
            [],
            "contact refused",
            contactCheck="not-callers-contact",
        )
    found = store.for_config(current().config).list_open(contact_id)
    LOGGER.info("invitations listed", {"status": 200, "count": len(found)})
    body = {"invitations": [_listed(invitation) for invitation in found]}
    return problems.json_response(200, body, JSON)


@ROUTER.route("DELETE", INVITATION_RESOURCE)
def revoke() -> dict[str, Any]:
    """``DELETE /contacts/{contactId}/invitations/{invitationId}``: any invitation of the
    contact for a caller allowed on it; with contact-bound callers, another caller revokes only
    the invitations it created itself (else 404 ``invitation-not-valid``, as for none)."""
    contact_id, errors = context.contact_id()
    invitation_id = apigw.path_parameter(current().event, "invitationId")
    if invitation_id is None:
        errors.append(FieldError("invitationId", "is required"))
    else:
        errors.extend(schema.validate(invitation_id, "InvitationId", "invitationId"))
    if errors:
        raise context.invalid(errors)
    owner = _owns_contact(contact_id)
    # Identity read already: _owns_contact answers False only after reading it.
    creator = None if owner else context.caller()
    revoked = store.for_config(current().config).revoke(
        invitation_id=str(invitation_id), contact_id=contact_id, creator=creator
    )
    fields = {"status": 204 if revoked else 404, "invitationId": str(invitation_id)}
    LOGGER.info("invitation revoked" if revoked else "invitation not found", fields)
    if not revoked:
        raise Problem("invitation-not-valid", NOT_VALID_DETAIL)
    tally.count("InvitationsRevoked")
    no_content = problems.json_response(204, {}, JSON)  # pragma: no mutate (body, type dropped)
    no_content["body"] = ""
    del no_content["headers"]["Content-Type"]
    return no_content
