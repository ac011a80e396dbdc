"""The participants route of the OpenAPI document: ``POST /contacts/{contactId}/participants``."""

from __future__ import annotations

from typing import Any, Final

from .shared import CREATED_EXAMPLE, SCHEMAS, header_refs, parameters, problem_responses

_DESCRIPTION: Final = """\
Adds a participant to an ongoing Amazon Connect chat or WebRTC call and returns the \
participant's credentials. The Connect instance is the broker's, fixed at deploy time; it is \
never taken from the request.

Before adding anyone the broker looks the contact up (contact checks, on by default): a \
contact that does not exist, has ended, is on a channel that takes no added participants, \
takes another role, or is a WebRTC call whose agent has not connected yet gets a precise 404 \
or 409 instead of Connect's generic error. The 201 names the `role` Connect gave the \
participant.

Errors are RFC 9457 problem details (`application/problem+json`). Match on `type`, a stable \
URN; `requestId` is the API Gateway request ID. 429, 503 and `agent-not-connected` carry \
`Retry-After` (seconds): retry with the same `Idempotency-Key` and Connect never adds a second \
participant.
"""


def operation(schemas: dict[str, Any]) -> dict[str, Any]:
    created = {
        "description": "The participant was added. `participantToken` is a secret: pass it to "
        "Connect's CreateParticipantConnection and nowhere else.",
        "headers": header_refs("Cache-Control", "X-Content-Type-Options"),
        "content": {
            "application/json": {
                "schema": {"$ref": SCHEMAS + "CreateParticipantResponse"},
                "example": dict(CREATED_EXAMPLE),
            }
        },
    }
    return {
        "operationId": "createParticipant",
        "summary": "Add a participant to an ongoing contact",
        "description": _DESCRIPTION,
        "parameters": parameters(schemas),
        "requestBody": {
            "required": True,
            "description": "A JSON object of at most 8 KiB; unknown fields are rejected. Send it "
            "with `Content-Type: application/json` (optionally `; charset=utf-8`, any case): "
            "any other media type, or none, is answered 415.",
            "content": {
                "application/json": {
                    "schema": {"$ref": SCHEMAS + "CreateParticipantRequest"},
                    "example": {"displayName": "Ana", "capabilities": {"video": "SEND"}},
                }
            },
        },
        "responses": {"201": created, **problem_responses()},
        "security": [{"sigv4": []}, {"cognito": []}],
    }
