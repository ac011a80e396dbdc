"""The invitation routes of the OpenAPI document (a broker with invitations).

Derived from the same contract files as the rest of the document (``constructs_lib.openapi``).
"""

from __future__ import annotations

from typing import Any, Final

from constructs_lib import _gateway_answers

_SCHEMAS: Final = "#/components/schemas/"
_JSON: Final = "application/json"
#: What API Gateway itself may answer for an authorized route, and its fallbacks.
_GATEWAY: Final = (
    "access-denied",
    "not-found",
    "too-large",
    "throttled",
    "internal",
    "bad-gateway",
    "timeout",
    "invalid-request",
)
_AUTHORIZED: Final = (*_GATEWAY, "unauthorized")
_STORE: Final = ("invitations-unavailable",)
#: What looking the contact up in Connect can answer beyond API Gateway's own problems: a
#: DescribeContact that fails (``unavailable``; throttled and timed out are API Gateway's too).
_LOOKUP: Final = ("contact-not-found", "unavailable")
#: Creating also runs the participants route's contact checks (but waits for no agent).
_CONTACT_CHECKS: Final = (
    *_LOOKUP,
    "contact-ended",
    "channel-not-supported",
    "role-not-valid-for-channel",
)

#: What each problem type means on the create, list and revoke routes; a response describes
#: exactly the types it lists.
_MEANS: Final[dict[str, str]] = {
    "invalid-request": "the request breaks the contract (see `errors`)",
    "unauthorized": "no valid token (only with a Cognito or custom authorizer)",
    "access-denied": "the caller may not invoke this API",
    "not-allowed": "the role, a capability, the lifetime or the number of uses is not allowed "
    "by this broker, or the contact's channel takes a role it does not allow (see `errors`)",
    "contact-not-found": "Amazon Connect has no such contact in this broker's instance (or, "
    "with contact-bound callers, it is not this caller's contact)",
    "not-found": "check the URL and stage; a broker without invitations has none of these routes",
    "invitation-not-valid": "the contact has no such invitation (with contact-bound callers, "
    "on another caller's contact: none this caller created)",
    "contact-ended": "invite into a new contact",
    "channel-not-supported": "the contact is a task, an email, or a voice call that is not WebRTC",
    "role-not-valid-for-channel": "the contact's channel takes another role (see `errors`)",
    "too-large": "the request is larger than API Gateway accepts",
    "unsupported-media-type": "`Content-Type` is missing or not `application/json`; `errors` "
    "says which",
    "throttled": "too many requests, or the invitation store or Amazon Connect throttled the "
    "broker; retry after `Retry-After`",
    "internal": "something unexpected happened inside the broker; the body says nothing more",
    "bad-gateway": "the function failed",
    "invitations-unavailable": "the invitation store could not process the request; retry "
    "after `Retry-After`",
    "unavailable": "Amazon Connect could not look the contact up; retry after `Retry-After`",
    "timeout": "Amazon Connect or the function did not answer in time",
}


_REDEEM_WHEN: Final[dict[int, str]] = {
    400: "The request breaks the contract (see `errors`; `displayName` is required exactly when "
    "the invitation sets none), or Amazon Connect rejected it.",
    404: "`invitation-not-valid`: no such invitation, or it has expired, been used up or been "
    "revoked (one answer for all four). `contact-not-found`: the invitation's contact is gone. "
    "`not-found`: no such resource (a broker without invitations has no redeem route).",
    503: "The invitation store or Amazon Connect could not process the request. Retry after "
    "`Retry-After` with the same `Idempotency-Key`.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _SCHEMAS + name}


def _parameter(name: str, where: str, schema: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": _ref(schema),
    }


def _contact(schemas: dict[str, Any]) -> dict[str, Any]:
    return _parameter("contactId", "path", "ContactId", schemas["ContactId"]["description"])


def _json_body(schema: str, description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "description": description + " Send it with `Content-Type: application/json`; any "
        "other media type, or none, is answered 415.",
        "content": {_JSON: {"schema": _ref(schema), "example": example}},
    }


def _success(description: str, schema: str | None, example: Any = None) -> dict[str, Any]:
    from constructs_lib import openapi

    answer: dict[str, Any] = {
        "description": description,
        "headers": openapi._header_refs("Cache-Control", "X-Content-Type-Options"),
    }
    if schema is not None:
        answer["content"] = {_JSON: {"schema": _ref(schema), "example": example}}
    return answer


def _problems(*codes: str) -> dict[str, Any]:
    from constructs_lib import openapi

    return openapi.problem_responses(codes, means=_MEANS)


def _create(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": "createInvitation",
        "summary": "Create an invitation to join a contact",
        "description": "Creates a secret that lets whoever holds it join the contact once (or "
        "`uses` times) before it expires, through `POST /invitations/redeem`. Authorized like "
        "the participants route; the role and capabilities are checked as that route checks "
        "them. The secret is in this answer only: the broker keeps its hash.",
        "parameters": [_contact(schemas)],
        "requestBody": _json_body(
            "CreateInvitationRequest",
            "A JSON object of at most 8 KiB; every member optional, unknown ones rejected.",
            {"capabilities": {"video": "SEND"}, "lifetimeSeconds": 600},
        ),
        "responses": {
            "201": _success(
                "The invitation was created. `secret` is the invitee's credential.",
                "CreateInvitationResponse",
                {
                    "invitationId": "Vh2kQ9xW1mZr8TfA",
                    "secret": "Vh2kQ9xW1mZr8TfA.3q2-7wJv...",
                    "expiry": "2026-11-26T02:56:28Z",
                    "uses": 1,
                    "role": "CUSTOMER",
                },
            ),
            **_problems(
                *_AUTHORIZED, *_STORE, *_CONTACT_CHECKS, "not-allowed", "unsupported-media-type"
            ),
        },
        "security": [{"sigv4": []}, {"cognito": []}],
    }


def _list(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": "listInvitations",
        "summary": "List a contact's open invitations",
        "description": "The invitations of the contact that can still be redeemed (not "
        "expired, not used up, not revoked), earliest expiry first, at most 100; never their "
        "secrets. Read from an eventually consistent index: an invitation created or redeemed "
        "a moment ago may not show yet.",
        "parameters": [_contact(schemas)],
        "responses": {
            "200": _success(
                "The open invitations.",
                "InvitationList",
                {
                    "invitations": [
                        {
                            "invitationId": "Vh2kQ9xW1mZr8TfA",
                            "expiry": "2026-11-26T02:56:28Z",
                            "uses": 2,
                            "usesLeft": 1,
                            "role": "CUSTOMER",
                        }
                    ]
                },
            ),
            **_problems(*_AUTHORIZED, *_STORE, *_LOOKUP),
        },
        "security": [{"sigv4": []}, {"cognito": []}],
    }


def _revoke(schemas: dict[str, Any]) -> dict[str, Any]:
    invitation = _parameter(
        "invitationId", "path", "InvitationId", schemas["InvitationId"]["description"]
    )
    return {
        "operationId": "revokeInvitation",
        "summary": "Revoke an invitation",
        "description": "From now on the invitation cannot be redeemed. Revoking one that was "
        "revoked before answers 204 again; no such invitation of this contact answers 404.",
        "parameters": [_contact(schemas), invitation],
        "responses": {
            "204": _success("The invitation is revoked.", None),
            **_problems(*_AUTHORIZED, *_STORE, "unavailable", "invitation-not-valid"),
        },
        "security": [{"sigv4": []}, {"cognito": []}],
    }


def _redeem(schemas: dict[str, Any]) -> dict[str, Any]:
    from constructs_lib import openapi

    key = dict(openapi._parameters(schemas)[1])
    key["description"] = (
        "Optional. Retrying a redemption with the same key (and the same body) returns the same "
        "participant and consumes no second use. " + schemas["IdempotencyKey"]["description"]
    )
    codes = sorted((openapi.PARTICIPANT_PROBLEMS - {"unauthorized"}) | openapi.INVITATION_PROBLEMS)
    return {
        "operationId": "redeemInvitation",
        "summary": "Join a contact with an invitation",
        "description": "No API-level authentication: the secret, in the body (never in the URL), "
        "is the credential. Consumes one use atomically, then adds the participant exactly as "
        "the participants route does and answers the same way. When the broker answers a 4xx "
        "after consuming, no participant was added and the use is given back.",
        "parameters": [key],
        "requestBody": _json_body(
            "RedeemInvitationRequest",
            "A JSON object of at most 8 KiB; unknown fields are rejected.",
            {"secret": "Vh2kQ9xW1mZr8TfA.3q2-7wJv...", "displayName": "Grandma"},
        ),
        "responses": {
            "201": _success(
                "The participant was added; pass `participantToken` to Connect's "
                "CreateParticipantConnection.",
                "CreateParticipantResponse",
                dict(openapi.CREATED_EXAMPLE),
            ),
            **openapi.problem_responses(codes, {**openapi._STATUS_WHEN, **_REDEEM_WHEN}),
        },
        "security": [],
    }


def paths(schemas: dict[str, Any]) -> dict[str, Any]:
    """The invitation routes' path items."""
    return {
        _gateway_answers.INVITATIONS_PATH: {"post": _create(schemas), "get": _list(schemas)},
        _gateway_answers.INVITATION_PATH: {"delete": _revoke(schemas)},
        _gateway_answers.REDEEM_PATH: {"post": _redeem(schemas)},
    }
