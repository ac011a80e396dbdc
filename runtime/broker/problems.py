"""RFC 9457 problem responses (types, statuses, titles: ``problems.json``). Every response carries
``Cache-Control: no-store`` and ``X-Content-Type-Options: nosniff``; a ``detail`` is text written
here, never an exception's message."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from .contract import FieldError

PROBLEMS_PATH = os.path.join(os.path.dirname(__file__), "problems.json")

POLICY_DETAIL = "The request asks for something this broker does not allow; see errors."
INTERNAL_DETAIL = "The broker could not complete the request."
#: ``Retry-After`` (seconds) sent with these statuses.
RETRY_AFTER_SECONDS: Mapping[int, int] = {429: 2, 503: 5}

_ENCODER = json.JSONEncoder(
    ensure_ascii=False,  # pragma: no mutate (JSON-equal)
    separators=(",", ":"),  # pragma: no mutate (JSON-equal)
)
_COMMON_HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, Any]]:
    """The problem types by short code (read once)."""
    with open(PROBLEMS_PATH, encoding="utf-8") as handle:
        raw: dict[str, Any] = json.load(handle)
    return {code: entry for code, entry in raw.items() if not code.startswith("$")}


def json_response(
    status: int, body: Mapping[str, Any], content_type: str, retry_after: int | None = None
) -> dict[str, Any]:
    """A proxy response with the common headers and a ``Retry-After`` (the status's by default)."""
    headers = {"Content-Type": content_type, **_COMMON_HEADERS}
    retry_after = RETRY_AFTER_SECONDS.get(status) if retry_after is None else retry_after
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return {
        "statusCode": status,
        "headers": headers,
        "body": _ENCODER.encode(body),
        "isBase64Encoded": False,
    }


def problem(
    code: str,
    detail: str,
    request_id: str,
    errors: Sequence[FieldError] = (),
) -> dict[str, Any]:
    entry = catalogue()[code]
    status = int(entry["status"])
    body: dict[str, Any] = {
        "type": entry["type"],
        "title": entry["title"],
        "status": status,
        "detail": detail,
        "requestId": request_id,
    }
    if errors:
        body["errors"] = [error.as_dict() for error in errors]
    return json_response(status, body, "application/problem+json", entry.get("retryAfter"))


def created(participant_id: str, token: str, expiry: str, role: str) -> dict[str, Any]:
    body = {
        "participantId": participant_id,
        "participantToken": token,
        "expiry": expiry,
        "role": role,
    }
    return json_response(201, body, "application/json")


class Problem(Exception):
    """Raised to answer with the problem ``code`` (:mod:`.handler` turns it into the response)."""

    def __init__(self, code: str, detail: str, errors: Sequence[FieldError] = ()) -> None:
        self.code, self.detail, self.errors = code, detail, tuple(errors)

    @property
    def status(self) -> int:
        return int(catalogue()[self.code]["status"])

    def response(self, request_id: str) -> dict[str, Any]:
        return problem(self.code, self.detail, request_id, self.errors)
