"""The invitation routes: served only when the broker has an invitation table.

* ``POST /contacts/{contactId}/invitations`` (the API's authorization, like the participants
  route): create an invitation for one contact. The request must pass what the participants
  route checks (its policy and :func:`broker.handler.check_contact`) plus the broker's
  lifetime and uses bounds; the 201 body carries the secret, which the broker never shows
  again.
* ``GET /contacts/{contactId}/invitations`` (authorized): the contact's open invitations.
* ``DELETE /contacts/{contactId}/invitations/{invitationId}`` (authorized): revoke one; 204,
  also when it was revoked before; 404 ``invitation-not-valid`` for no such invitation of
  that contact.
* ``POST /invitations/redeem`` (no API-level authentication: the secret, in the JSON body, is
  the credential): consume one use atomically (:mod:`.invitation_store`), then add the
  participant through the participants route's own pipeline
  (:func:`broker.handler.add_participant`) for the invitation's creator. Unknown, expired,
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
from dataclasses import dataclass, field
from typing import Any

from . import (
    apigw,
    connect,
    contacts,
    dynamodb,
    invitation_schema,
    logs,
    media_type,
    metrics,
    problems,
)
from . import invitation_store as store
from .config import Config
from .connect import INTERNAL_DETAIL
from .contract import FieldError
from .handler import (
    LOGGER,
    MEDIA_TYPE_DETAIL,
    POLICY_DETAIL,
    VALIDATION_DETAIL,
    ParticipantRequest,
    _connect_failure,
    _contact_errors,
    _elapsed_ms,
    _idempotency_errors,
    _identity_missing,
    _reject,
    add_participant,
    check_contact,
    policy_errors,
)
from .identity import MissingIdentity, caller_identity
from .invitation_settings import InvitationSettings

CONTACT_RESOURCE = "/contacts/{contactId}/invitations"
INVITATION_RESOURCE = "/contacts/{contactId}/invitations/{invitationId}"
REDEEM_RESOURCE = "/invitations/redeem"
NOT_VALID_DETAIL = "No such invitation, or it has expired, been used up or been revoked."
STORE_DETAIL = "The invitation store could not complete the request; retry after Retry-After."
JSON = "application/json"

Clock = Callable[[], float]
Route = Callable[[Mapping[str, Any], Config, metrics.Invocation, str, float | None], dict[str, Any]]
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


#: The tally of each invocation being served, by the invocation's ``id`` (the local broker
#: serves several at once in one process).
_tallies: dict[int, Tally] = {}


def _count(invocation: metrics.Invocation, name: str, reason: str | None = None) -> None:
    """Set one invitation counter of this invocation to 1 (a refusal also gives its reason)."""
    tally = _tallies[id(invocation)]
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


def _store_failure(
    error: Exception, operation: str, invocation: metrics.Invocation, request_id: str
) -> dict[str, Any]:
    """Count, log and answer a failed DynamoDB call."""
    _count(invocation, "InvitationStoreErrors")
    code = dynamodb.error_code(error)
    if code in dynamodb.THROTTLING_CODES:
        response = problems.problem("throttled", STORE_DETAIL, request_id)
    elif isinstance(error, dynamodb.TIMEOUTS) or code == "InternalServerError":
        response = problems.problem("invitations-unavailable", STORE_DETAIL, request_id)
    else:
        response = problems.problem("internal", INTERNAL_DETAIL, request_id)
    fields: dict[str, Any] = {
        "status": response["statusCode"],
        "operation": operation,
        "errorCode": code or type(error).__name__,
    }
    if response["statusCode"] == 500:
        fields.update(logs.exception_fields(error))
    LOGGER.warning("invitation store call failed", extra={"fields": fields})
    return response


#: A redeemed invitation's ``ClientToken`` tag: its scope is the invitation, never a caller's.
REDEEMED_SCOPE_TAG = "connect-participant-broker/invitation-token/1"


def _caller(event: Mapping[str, Any], config: Config) -> Callable[[], str]:
    """The caller identity the API's authorization established, read when called."""
    return functools.partial(caller_identity, event, config.auth_type, config.iam_sessions)


def unsupported_media_type(
    event: Mapping[str, Any], invocation: metrics.Invocation, request_id: str
) -> dict[str, Any] | None:
    """The 415 answer when the body is not declared as JSON, else ``None``."""
    unsupported = media_type.errors(apigw.header_values(event, media_type.FIELD))
    if not unsupported:
        return None
    invocation.validation_rejections = 1
    return _reject("unsupported-media-type", MEDIA_TYPE_DETAIL, unsupported, request_id)


def _body(event: Mapping[str, Any], name: str) -> tuple[dict[str, Any], list[FieldError]]:
    """Decode and validate the body against definition ``name`` of the invitation schemas."""
    try:
        body = apigw.json_body(event)
    except apigw.BodyError as error:
        return {}, [error.error]
    errors = [
        FieldError(error.field or apigw.BODY, error.message)
        for error in invitation_schema.validate(body, name)
    ]
    # A route reads the body only without errors, and then it is an object:
    return (body if isinstance(body, dict) and not errors else {}), errors  # pragma: no mutate


def _settings(config: Config) -> InvitationSettings:
    settings = config.invitations
    assert isinstance(settings, InvitationSettings)
    return settings


def _client(config: Config) -> dynamodb.DynamoDBClient:
    return dynamodb.get_client(config.region)


def _invalid(
    errors: list[FieldError], invocation: metrics.Invocation, request_id: str
) -> dict[str, Any]:
    invocation.validation_rejections = 1
    return _reject("invalid-request", VALIDATION_DETAIL, errors, request_id)


def _bound_contact(event: Mapping[str, Any]) -> tuple[str, list[FieldError]]:
    """Validate the ``contactId`` path parameter; bind it to the log once valid."""
    errors = _contact_errors(event)
    contact_id = str(apigw.path_parameter(event, "contactId"))
    if not errors:
        logs.bind_contact(contact_id)
    return contact_id, errors


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


def create(
    event: Mapping[str, Any],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
) -> dict[str, Any]:
    """``POST /contacts/{contactId}/invitations``: checked as the participants route checks a
    request (a WebRTC call whose agent has not connected yet is fine: the agent is waited for
    when the invitation is redeemed)."""
    unsupported = unsupported_media_type(event, invocation, request_id)
    if unsupported is not None:
        return unsupported
    contact_id, errors = _bound_contact(event)
    body, body_errors = _body(event, "CreateInvitationRequest")
    if errors or body_errors:
        return _invalid(errors + body_errors, invocation, request_id)
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
        invocation.policy_rejections = 1
        return _reject("not-allowed", POLICY_DETAIL, denied, request_id)
    caller = _caller(event, config)
    admitted = asked
    if config.contact_checks:
        # The contact checks of the participants route, but a WebRTC call whose agent has not
        # connected yet is fine: the agent is waited for when the invitation is redeemed.
        checked = check_contact(
            asked,
            caller,
            config,
            invocation,
            request_id,
            remaining_seconds,  # pragma: no mutate (read only by the wait)
            False,
        )
        if not isinstance(checked, ParticipantRequest):
            return checked
        admitted = checked
    try:
        creator = caller()
    except MissingIdentity:
        return _identity_missing(config, request_id)
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
        return _store_failure(error, "PutItem", invocation, request_id)
    _count(invocation, "InvitationsCreated")
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


def _owns_contact(
    event: Mapping[str, Any],
    contact_id: str,
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
) -> bool | dict[str, Any]:
    """Whether the caller is allowed on the contact: always, unless the broker binds contacts to
    callers (then one DescribeContact, and the contact's attribute must hold the caller's
    identity; a contact Connect does not know is nobody's). A failure's answer otherwise."""
    if not config.caller_attribute:
        return True
    try:
        caller = _caller(event, config)()
    except MissingIdentity:
        return _identity_missing(config, request_id)
    start = time.perf_counter()
    try:
        contact = contacts.describe(
            connect.get_client(config.region), config.instance_id, contact_id
        )
    except Exception as error:
        failure = connect.classify(error, connect.DESCRIBE_CONTACT)
        if failure.problem == "contact-not-found":
            return False
        latency = _elapsed_ms(start)
        return _connect_failure(error, latency, invocation, request_id, connect.DESCRIBE_CONTACT)
    verdict = contacts.judge(contact, None, config, caller)
    return not (isinstance(verdict, contacts.Refusal) and verdict.name == "not-callers-contact")


def list_open(
    event: Mapping[str, Any],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
) -> dict[str, Any]:
    """``GET /contacts/{contactId}/invitations``: for a caller allowed on the contact (with
    contact-bound callers, another caller's contact is 404 ``contact-not-found``)."""
    contact_id, errors = _bound_contact(event)
    if errors:
        return _invalid(errors, invocation, request_id)
    owner = _owns_contact(event, contact_id, config, invocation, request_id)
    if isinstance(owner, dict):
        return owner
    if not owner:
        invocation.contact_rejection = "not-callers-contact"
        return _reject(
            "contact-not-found",
            NOT_CALLERS_DETAIL,
            [],
            request_id,
            "contact refused",
            contactCheck="not-callers-contact",
        )
    try:
        found = store.list_open(_client(config), _settings(config).table_name, contact_id, _epoch())
    except Exception as error:
        return _store_failure(error, "Query", invocation, request_id)
    LOGGER.info("invitations listed", extra={"fields": {"status": 200, "count": len(found)}})
    body = {"invitations": [_listed(invitation) for invitation in found]}
    return problems.json_response(200, body, JSON)


def revoke(
    event: Mapping[str, Any],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
) -> dict[str, Any]:
    """``DELETE /contacts/{contactId}/invitations/{invitationId}``: any invitation of the
    contact for a caller allowed on it; with contact-bound callers, another caller revokes only
    the invitations it created itself (else 404 ``invitation-not-valid``, as for none)."""
    contact_id, errors = _bound_contact(event)
    invitation_id = apigw.path_parameter(event, "invitationId")
    if invitation_id is None:
        errors.append(FieldError("invitationId", "is required"))
    else:
        errors.extend(invitation_schema.validate(invitation_id, "InvitationId", "invitationId"))
    if errors:
        return _invalid(errors, invocation, request_id)
    owner = _owns_contact(event, contact_id, config, invocation, request_id)
    if isinstance(owner, dict):
        return owner
    # Identity read already: _owns_contact answers False only after reading it.
    creator = None if owner else _caller(event, config)()
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
        return _store_failure(error, "UpdateItem", invocation, request_id)
    fields = {"status": 204 if revoked else 404, "invitationId": str(invitation_id)}
    LOGGER.info(
        "invitation revoked" if revoked else "invitation not found", extra={"fields": fields}
    )
    if not revoked:
        return problems.problem("invitation-not-valid", NOT_VALID_DETAIL, request_id)
    _count(invocation, "InvitationsRevoked")
    no_content = problems.json_response(204, {}, JSON)  # pragma: no mutate (body, type dropped)
    no_content["body"] = ""
    del no_content["headers"]["Content-Type"]
    return no_content


# -- redeem ---------------------------------------------------------------------------------


def _refused(reason: str, invocation: metrics.Invocation, request_id: str) -> dict[str, Any]:
    """The one answer to every invitation that cannot be redeemed (``reason`` is logged and
    counted, never answered)."""
    _count(invocation, "InvitationRedemptionsRefused", reason)
    LOGGER.info("redemption refused", extra={"fields": {"status": 404, "reason": reason}})
    return problems.problem("invitation-not-valid", NOT_VALID_DETAIL, request_id)


def _name_mismatch(
    mismatch: store.NameMismatch, invocation: metrics.Invocation, request_id: str
) -> dict[str, Any]:
    message = (
        "is set by the invitation: leave it out"
        if mismatch.fixed
        else "is required: this invitation lets the invitee choose a name"
    )
    return _invalid([FieldError("displayName", message)], invocation, request_id)


def _give_back(
    config: Config,
    invitation: store.Invitation,
    use_id: str,
    redemption: str | None,
    invocation: metrics.Invocation,
) -> None:
    """Return the use a redemption consumed when no participant was added (a 4xx answer)."""
    try:
        returned = store.give_back(
            _client(config),
            _settings(config).table_name,
            invitation.invitation_id,
            use_id,
            redemption,
        )
    except Exception as error:
        _count(invocation, "InvitationStoreErrors")
        code = dynamodb.error_code(error) or type(error).__name__
        fields = {"operation": "UpdateItem", "errorCode": code}
        LOGGER.warning("use not given back", extra={"fields": fields})
        return
    if returned:
        _count(invocation, "InvitationUsesGivenBack")
    fields = {"invitationId": invitation.invitation_id}
    LOGGER.info("use given back" if returned else "use not given back", extra={"fields": fields})


def redeem(
    event: Mapping[str, Any],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
) -> dict[str, Any]:
    """``POST /invitations/redeem``: the participant is added for the invitation's creator, with
    every contact check (a WebRTC call's agent waited for, within the time left once a use could
    be given back)."""
    started = time.monotonic()
    unsupported = unsupported_media_type(event, invocation, request_id)
    if unsupported is not None:
        return unsupported
    keys = apigw.header_values(event, "Idempotency-Key")  # pragma: no mutate (any case)
    body, body_errors = _body(event, "RedeemInvitationRequest")
    errors = _idempotency_errors(keys) + body_errors
    if errors:
        return _invalid(errors, invocation, request_id)
    secret: str = body["secret"]
    display_name: str | None = body.get("displayName")
    key = keys[0] if keys else None
    invitation_id = store.invitation_id_of(secret)
    if invitation_id is None:
        return _refused("unknown", invocation, request_id)
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
        return _store_failure(error, "UpdateItem", invocation, request_id)
    if isinstance(outcome, store.Refused):
        return _refused(outcome.reason, invocation, request_id)
    if isinstance(outcome, store.NameMismatch):
        return _name_mismatch(outcome, invocation, request_id)
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
    response = add_participant(
        request,
        lambda: invitation.created_by,
        lambda: invitation.invitation_id,
        config,
        invocation,
        request_id,
        left,
        REDEEMED_SCOPE_TAG,
    )
    status = int(response["statusCode"])
    if status == 201:
        _count(invocation, "InvitationsRedeemed")
    elif 400 <= status < 500 and not replayed:
        _give_back(config, invitation, use_id, redemption, invocation)
    return response


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", CONTACT_RESOURCE): create,
    ("GET", CONTACT_RESOURCE): list_open,
    ("DELETE", INVITATION_RESOURCE): revoke,
    ("POST", REDEEM_RESOURCE): redeem,
}


def serve(
    event: Mapping[str, Any],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
) -> dict[str, Any]:
    """Serve an invitation route (API Gateway sends only the methods the API has)."""
    route = ROUTES.get((str(event.get("httpMethod")), str(event.get("resource"))))
    if route is None:
        LOGGER.error("no such route", extra={"fields": {"status": 500}})
        return problems.problem("internal", INTERNAL_DETAIL, request_id)
    tally = _tallies[id(invocation)] = Tally()
    try:
        return route(event, config, invocation, request_id, remaining_seconds)
    finally:
        del _tallies[id(invocation)]
        emit(tally, config)
