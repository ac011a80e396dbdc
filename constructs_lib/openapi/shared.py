"""What the OpenAPI document's route families share: the problem responses (from
``runtime/broker/problems.json``), the headers, the parameters and the example answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from constructs_lib import _contract

FILENAME: Final = "openapi.json"
#: The HTTP contract's version (docs/versions.md): major for what breaks callers.
CONTRACT_VERSION: Final = "2.1.0"
PATH: Final = _contract.routes()["participants"]
SCHEMAS: Final = "#/components/schemas/"
#: The problem types only the invitation routes answer.
INVITATION_PROBLEMS: Final = frozenset({"invitation-not-valid", "invitations-unavailable"})
#: The problem types the participants route (and API Gateway in front of it) answers.
PARTICIPANT_PROBLEMS: Final = frozenset(_contract.problems()).difference(INVITATION_PROBLEMS)
PROBLEM_JSON: Final = "application/problem+json"

STATUS_WHEN: Final[dict[int, str]] = {
    400: "The request breaks the contract (see `errors`), or Amazon Connect rejected it "
    "(for example, the agent has not joined the call yet).",
    401: "No valid token (only with a Cognito or custom authorizer).",
    403: "`access-denied`: the caller may not invoke this API. `not-allowed`: the role or a "
    "capability is not allowed by this broker (see `errors`).",
    404: "`contact-not-found`: Amazon Connect has no such contact in this broker's instance "
    "(or, with contact-bound callers, it is not this caller's contact). "
    "`not-found`: no such resource (check the URL and stage).",
    409: "The contact cannot take this participant: `contact-ended` (start a new contact), "
    "`channel-not-supported` (a task, an email, or a voice call that is not WebRTC), "
    "`role-not-valid-for-channel` (see `errors`), `agent-not-connected` (the WebRTC call's "
    "agent has not connected yet: retry after `Retry-After`), or `conflict` (Connect's own "
    "answer, for example the call is full).",
    413: "The request is larger than the API accepts.",
    415: "`Content-Type` is missing, sent more than once, or not `application/json` "
    "(optionally with `charset=utf-8`); `errors` says which. Checked before anything else.",
    429: "Too many requests, or Amazon Connect throttled the broker. Retry after `Retry-After`.",
    500: "Something unexpected happened inside the broker; the body says nothing more.",
    503: "Amazon Connect could not process the request. Retry after `Retry-After`.",
    504: "Amazon Connect did not answer within the broker's time budget.",
}


def parameters(schemas: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": "contactId",
            "in": "path",
            "required": True,
            "description": schemas["ContactId"]["description"],
            "schema": {"$ref": SCHEMAS + "ContactId"},
        },
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": schemas["IdempotencyKey"]["description"]
            + " The same caller retrying the same request with the same key gets the same "
            "participant.",
            "schema": {"$ref": SCHEMAS + "IdempotencyKey"},
        },
    ]


def header_refs(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def problem_responses(
    codes: Iterable[str] | None = None,
    when: Mapping[int, str] = STATUS_WHEN,
    means: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One response per status of the problem types ``codes`` (default: those of the
    participants route), naming each problem type it can carry: described by ``when`` (per
    status) and the types' titles, or by ``means`` (per type) and their titles."""
    wanted = set(PARTICIPANT_PROBLEMS if codes is None else codes)
    by_status: dict[int, list[tuple[str, str, str]]] = {}
    problems = _contract.problems()
    for code, entry in sorted(problems.items()):
        if code not in wanted:
            continue
        by_status.setdefault(entry["status"], []).append((code, entry["type"], entry["title"]))
    responses: dict[str, Any] = {}
    for status, entries in sorted(by_status.items()):
        types = sorted(urn for _, urn, _ in entries)
        titles = "; ".join(f"`{code}`: {title}" for code, _, title in entries)
        headers = header_refs("Cache-Control", "X-Content-Type-Options")
        waiting = sorted(
            code for code, entry in problems.items() if code in wanted and _waits(entry, status)
        )
        if status in (429, 503):
            headers.update(header_refs("Retry-After"))
        elif waiting:
            headers["Retry-After"] = {
                "description": "With " + ", ".join(f"`{code}`" for code in waiting) + " only: "
                "seconds to wait before retrying (with the same `Idempotency-Key`).",
                "required": False,
                "schema": {"type": "integer", "minimum": 0},
            }
        description = f"{when.get(status, titles)} Problem types: {titles}."
        if means is not None:
            description = " ".join(
                f"`{code}` ({title}): {means[code]}." for code, _, title in entries
            )
        responses[str(status)] = {
            "description": description,
            "headers": headers,
            "content": {
                PROBLEM_JSON: {
                    "schema": {
                        "allOf": [
                            {"$ref": SCHEMAS + "Problem"},
                            {
                                "properties": {
                                    "type": {"enum": types},
                                    "status": {"const": status},
                                }
                            },
                        ]
                    }
                }
            },
        }
    return responses


def _waits(entry: _contract.ProblemType, status: int) -> bool:
    """Whether a problem type of ``status`` carries its own ``Retry-After``."""
    return entry["status"] == status and "retryAfter" in entry


#: A ``CreateParticipantResponse``: the 201 of the participants route and of a redemption.
CREATED_EXAMPLE: Final[Mapping[str, str]] = {
    "participantId": "5c3e5f4e-4e0c-4a43-9d1b-3b1f1a7f2f10",
    "participantToken": "QVFJREFIaG...",
    "expiry": "2026-11-26T02:41:28.172Z",
    "role": "CUSTOMER",
}
