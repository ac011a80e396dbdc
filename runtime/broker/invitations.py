"""The invitation routes: served only when the broker has an invitation table.

* ``POST /contacts/{contactId}/invitations`` (the API's authorization, like the participants
  route): create an invitation for one contact. The request must pass what the participants
  route checks (its policy and :func:`broker.participants.check_contact`) plus the broker's
  lifetime and uses bounds; the 201 body carries the secret, which the broker never shows
  again.
* ``GET /contacts/{contactId}/invitations`` (authorized): the contact's open invitations.
* ``DELETE /contacts/{contactId}/invitations/{invitationId}`` (authorized): revoke one; 204,
  also when it was revoked before; 404 ``invitation-not-valid`` for no such invitation of
  that contact.
* ``POST /invitations/redeem`` (no API-level authentication: the secret, in the JSON body, is
  the credential): consume one use atomically (:mod:`.invitation_store`), then add the
  participant through the participants route's own pipeline
  (:func:`broker.participants.add`) for the invitation's creator. Unknown, expired,
  used up and revoked invitations all answer 404 ``invitation-not-valid``. When the broker then
  answers a 4xx, no participant was added, and the use is given back; after a 5xx or a timeout
  it may have been, so the use stays consumed (never more participants than uses), and a retry
  with the same ``Idempotency-Key`` replays the redemption without consuming another.

The secret, its hash and the ``Idempotency-Key`` never reach a log line, a metric or a body.
The clock is module state, injectable with :func:`set_clock`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from . import (
    apigw,
    connect,
    contacts,
    context,
    dynamodb,
    invitation_schema,
    logs,
    metrics,
    problems,
)
from . import invitation_store as store
from .config import Config
from .context import Route, current, reject
from .contract import FieldError
from .invitation_settings import InvitationSettings
from .logs import LOGGER
from .participants import (
    ParticipantRequest,
    add,
    check_contact,
    connect_failure,
    elapsed_ms,
    policy_errors,
)
from .problems import INTERNAL_DETAIL, Problem

CONTACT_RESOURCE = "/contacts/{contactId}/invitations"
INVITATION_RESOURCE = "/contacts/{contactId}/invitations/{invitationId}"
REDEEM_RESOURCE = "/invitations/redeem"
NOT_VALID_DETAIL = "No such invitation, or it has expired, been used up or been revoked."
STORE_DETAIL = "The invitation store could not complete the request; retry after Retry-After."
JSON = "application/json"

Clock = Callable[[], float]
NOT_CALLERS_DETAIL = "Amazon Connect has no such contact in this broker's instance."
#: The counters of an invitation route's EMF record.
COUNTERS = (
    "InvitationsCreated",
    "InvitationsRedeemed",
    "InvitationRedemptionsRefused",
    "InvitationUsesGivenBack",
    "InvitationsRevoked",
    "InvitationStoreErrors",
)
_now: Clock = time.time


def set_clock(now: Clock | None = None) -> None:
    """Use ``now`` (epoch seconds) as the clock; ``None`` restores ``time.time``."""
    global _now
    _now = now or time.time


def _epoch() -> int:
    return int(_now())


def expiry_text(epoch: int) -> str:
    """ISO 8601 in UTC, for example ``2026-11-26T02:56:28Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@dataclass
class Tally:
    """One invocation's invitation counters (0 or 1 each) and a refused redemption's reason,
    written as an EMF record of their own beside the handler's (:func:`emit`)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    reason: str | None = None


_tally: ContextVar[Tally] = ContextVar("tally")


def _count(name: str, reason: str | None = None) -> None:
    """Set one invitation counter of this invocation to 1 (a refusal also gives its reason)."""
    tally = _tally.get()
    tally.counts[name] = 1
    tally.reason = reason or tally.reason


def emit(tally: Tally, config: Config) -> None:
    """Print the tally's EMF record: every counter by ``FunctionName``, and a refusal also by
    ``[FunctionName, Reason]``. Never a secret, a key or a contact ID."""
    dimensions = [["FunctionName"], *([["FunctionName", "Reason"]] if tally.reason else [])]
    context = logs.context()
    record: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": config.metrics_namespace,
                    "Dimensions": dimensions,
                    "Metrics": [{"Name": name, "Unit": metrics.COUNT} for name in COUNTERS],
                }
            ],
        },
        "FunctionName": config.function_name,
        **tally.counts,
        **({"Reason": tally.reason} if tally.reason else {}),
        "apiRequestId": context["apiRequestId"],
    }
    metrics.emit(record)


def _store_failure(error: Exception, operation: str) -> Problem:
    """Count and log a failed DynamoDB call; return its answer."""
    _count("InvitationStoreErrors")
    code = dynamodb.error_code(error)
    if code in dynamodb.THROTTLING_CODES:
        problem = Problem("throttled", STORE_DETAIL)
    elif isinstance(error, dynamodb.TIMEOUTS) or code == "InternalServerError":
        problem = Problem("invitations-unavailable", STORE_DETAIL)
    else:
        problem = Problem("internal", INTERNAL_DETAIL)
    fields: dict[str, Any] = {
        "status": problem.status,
        "operation": operation,
        "errorCode": code or type(error).__name__,
    }
    if problem.status == 500:
        fields.update(logs.exception_fields(error))
    LOGGER.warning("invitation store call failed", extra={"fields": fields})
    return problem


#: A redeemed invitation's ``ClientToken`` tag: its scope is the invitation, never a caller's.
REDEEMED_SCOPE_TAG = "connect-participant-broker/invitation-token/1"


def _body(name: str) -> tuple[dict[str, Any], list[FieldError]]:
    """The body, checked against definition ``name`` of the invitation schemas."""
    return context.json_body(functools.partial(invitation_schema.validate, name=name))


def _settings(config: Config) -> InvitationSettings:
    settings = config.invitations
    assert isinstance(settings, InvitationSettings)
    return settings


def _client(config: Config) -> dynamodb.DynamoDBClient:
    return dynamodb.get_client(config.region)


# -- create ---------------------------------------------------------------------------------


def _bounds_errors(body: Mapping[str, Any], settings: InvitationSettings) -> list[FieldError]:
    """What the request asks for beyond the broker's lifetime and uses bounds."""
    errors: list[FieldError] = []
    lifetime = body.get("lifetimeSeconds", settings.default_lifetime_seconds)
    if lifetime > settings.max_lifetime_seconds:
        errors.append(
            FieldError(
                "lifetimeSeconds",
                f"must be at most {settings.max_lifetime_seconds} on this broker",
            )
        )
    if body.get("uses", 1) > settings.max_uses:
        errors.append(FieldError("uses", f"must be at most {settings.max_uses} on this broker"))
    return errors


def _tallied(route: Route) -> Route:
    """``route``, with its invitation counters printed as an EMF record of their own."""

    @functools.wraps(route)
    def tallied() -> dict[str, Any]:
        tally = Tally()
        token = _tally.set(tally)
        try:
            return route()
        finally:
            _tally.reset(token)
            emit(tally, current().config)

    return tallied


ROUTER = context.Router(around=_tallied)


@ROUTER.route("POST", CONTACT_RESOURCE)
def create() -> dict[str, Any]:
    """``POST /contacts/{contactId}/invitations``: checked as the participants route checks a
    request (a WebRTC call whose agent has not connected yet is fine: the agent is waited for
    when the invitation is redeemed)."""
    config = current().config
    context.require_json()
    contact_id, errors = context.contact_id()
    body, body_errors = _body("CreateInvitationRequest")
    if errors or body_errors:
        raise context.invalid(errors + body_errors)
    settings = _settings(config)
    asked = ParticipantRequest(
        contact_id=contact_id,
        idempotency_key=None,
        display_name=body.get("displayName", ""),  # pragma: no mutate (never sent to Connect)
        role=body.get("role"),
        capabilities=dict(body.get("capabilities", {})),
    )
    denied = policy_errors(asked, config) + _bounds_errors(body, settings)
    if denied:
        raise context.not_allowed(denied)
    admitted = asked
    if config.contact_checks:
        # The contact checks of the participants route, but a WebRTC call whose agent has not
        # connected yet is fine: the agent is waited for when the invitation is redeemed.
        admitted = check_contact(
            asked,
            context.caller,
            current().remaining_seconds,  # pragma: no mutate (read only by the wait)
            False,
        )
    creator = context.caller()
    invitation_id, secret = store.new_secret()
    now, uses = _epoch(), int(body.get("uses", 1))
    invitation = store.Invitation(
        invitation_id=invitation_id,
        contact_id=contact_id,
        role=admitted.role or config.default_role,
        display_name=body.get("displayName"),
        capabilities=admitted.capabilities,
        uses=uses,
        uses_left=uses,
        expires_at=now + int(body.get("lifetimeSeconds", settings.default_lifetime_seconds)),
        created_at=now,
        created_by=creator,
    )
    try:
        store.put(_client(config), settings.table_name, invitation, store.secret_hash(secret))
    except Exception as error:
        raise _store_failure(error, "PutItem") from None
    _count("InvitationsCreated")
    LOGGER.info(
        "invitation created",
        extra={
            "fields": {
                "status": 201,
                "invitationId": invitation_id,
                "role": invitation.role,
                "uses": invitation.uses,
                "expiresAt": invitation.expires_at,
            }
        },
    )
    answer = {
        "invitationId": invitation_id,
        "secret": secret,
        "expiry": expiry_text(invitation.expires_at),
        "uses": invitation.uses,
        "role": invitation.role,
    }
    return problems.json_response(201, answer, JSON)


# -- list and revoke ------------------------------------------------------------------------


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
    config = current().config
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
    try:
        found = store.list_open(_client(config), _settings(config).table_name, contact_id, _epoch())
    except Exception as error:
        raise _store_failure(error, "Query") from None
    LOGGER.info("invitations listed", extra={"fields": {"status": 200, "count": len(found)}})
    body = {"invitations": [_listed(invitation) for invitation in found]}
    return problems.json_response(200, body, JSON)


@ROUTER.route("DELETE", INVITATION_RESOURCE)
def revoke() -> dict[str, Any]:
    """``DELETE /contacts/{contactId}/invitations/{invitationId}``: any invitation of the
    contact for a caller allowed on it; with contact-bound callers, another caller revokes only
    the invitations it created itself (else 404 ``invitation-not-valid``, as for none)."""
    config = current().config
    contact_id, errors = context.contact_id()
    invitation_id = apigw.path_parameter(current().event, "invitationId")
    if invitation_id is None:
        errors.append(FieldError("invitationId", "is required"))
    else:
        errors.extend(invitation_schema.validate(invitation_id, "InvitationId", "invitationId"))
    if errors:
        raise context.invalid(errors)
    owner = _owns_contact(contact_id)
    # Identity read already: _owns_contact answers False only after reading it.
    creator = None if owner else context.caller()
    try:
        revoked = store.revoke(
            _client(config),
            _settings(config).table_name,
            invitation_id=str(invitation_id),
            contact_id=contact_id,
            creator=creator,
            now=_epoch(),
        )
    except Exception as error:
        raise _store_failure(error, "UpdateItem") from None
    fields = {"status": 204 if revoked else 404, "invitationId": str(invitation_id)}
    LOGGER.info(
        "invitation revoked" if revoked else "invitation not found", extra={"fields": fields}
    )
    if not revoked:
        raise Problem("invitation-not-valid", NOT_VALID_DETAIL)
    _count("InvitationsRevoked")
    no_content = problems.json_response(204, {}, JSON)  # pragma: no mutate (body, type dropped)
    no_content["body"] = ""
    del no_content["headers"]["Content-Type"]
    return no_content


# -- redeem ---------------------------------------------------------------------------------


def _refused(reason: str) -> Problem:
    """The one answer to every invitation that cannot be redeemed (``reason`` is logged and
    counted, never answered)."""
    _count("InvitationRedemptionsRefused", reason)
    LOGGER.info("redemption refused", extra={"fields": {"status": 404, "reason": reason}})
    return Problem("invitation-not-valid", NOT_VALID_DETAIL)


def _name_mismatch(mismatch: store.NameMismatch) -> Problem:
    message = (
        "is set by the invitation: leave it out"
        if mismatch.fixed
        else "is required: this invitation lets the invitee choose a name"
    )
    return context.invalid([FieldError("displayName", message)])


def _give_back(invitation: store.Invitation, use_id: str, redemption: str | None) -> None:
    """Return the use a redemption consumed when no participant was added (a 4xx answer)."""
    config = current().config
    try:
        returned = store.give_back(
            _client(config),
            _settings(config).table_name,
            invitation.invitation_id,
            use_id,
            redemption,
        )
    except Exception as error:
        _count("InvitationStoreErrors")
        code = dynamodb.error_code(error) or type(error).__name__
        fields = {"operation": "UpdateItem", "errorCode": code}
        LOGGER.warning("use not given back", extra={"fields": fields})
        return
    if returned:
        _count("InvitationUsesGivenBack")
    fields = {"invitationId": invitation.invitation_id}
    LOGGER.info("use given back" if returned else "use not given back", extra={"fields": fields})


@ROUTER.route("POST", REDEEM_RESOURCE)
def redeem() -> dict[str, Any]:
    """``POST /invitations/redeem``: the participant is added for the invitation's creator, with
    every contact check (a WebRTC call's agent waited for, within the time left once a use could
    be given back)."""
    started = time.monotonic()
    config, remaining_seconds = current().config, current().remaining_seconds
    context.require_json()
    key, errors = context.idempotency_key()
    body, body_errors = _body("RedeemInvitationRequest")
    if errors or body_errors:
        raise context.invalid(errors + body_errors)
    secret: str = body["secret"]
    display_name: str | None = body.get("displayName")
    invitation_id = store.invitation_id_of(secret)
    if invitation_id is None:
        raise _refused("unknown")
    redemption = None if key is None else store.redemption_hash(invitation_id, key, display_name)
    use_id = store.new_use_id()
    try:
        outcome = store.consume(
            _client(config),
            _settings(config).table_name,
            invitation_id=invitation_id,
            hashed=store.secret_hash(secret),
            use_id=use_id,
            redemption=redemption,
            name_given=display_name is not None,
            now=_epoch(),
        )
    except Exception as error:
        raise _store_failure(error, "UpdateItem") from None
    if isinstance(outcome, store.Refused):
        raise _refused(outcome.reason)
    if isinstance(outcome, store.NameMismatch):
        raise _name_mismatch(outcome)
    invitation = outcome.invitation
    logs.bind_contact(invitation.contact_id)
    replayed = isinstance(outcome, store.Replayed)
    LOGGER.info(
        "invitation redeemed",
        extra={"fields": {"invitationId": invitation.invitation_id, "replayed": replayed}},
    )
    request = ParticipantRequest(
        contact_id=invitation.contact_id,
        idempotency_key=key,
        # "": never (the consuming write admits a name or a named invitation, never neither).
        display_name=display_name or invitation.display_name or "",  # pragma: no mutate
        role=invitation.role,
        capabilities=dict(invitation.capabilities),
    )
    # The contact checks see the creator (a contact-bound broker compares it); the invitee's
    # Idempotency-Key is scoped to the invitation, with its own tag.
    left = None
    if remaining_seconds is not None:
        left = remaining_seconds - (time.monotonic() - started) - dynamodb.call_seconds()
    try:
        response = add(
            request,
            lambda: invitation.created_by,
            lambda: invitation.invitation_id,
            left,
            REDEEMED_SCOPE_TAG,
        )
    except Problem as problem:
        if 400 <= problem.status < 500 and not replayed:
            _give_back(invitation, use_id, redemption)
        raise
    _count("InvitationsRedeemed")
    return response
