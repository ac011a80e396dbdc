"""RFC 9457 problem responses, with types, statuses and titles from ``problems.json``.

Every response the broker returns, success or problem, carries ``Cache-Control: no-store``
and ``X-Content-Type-Options: nosniff``. Problem bodies hold ``type``, ``title``, ``status``,
``detail`` and ``requestId`` (the API Gateway request ID), plus ``errors`` for validation
failures. ``detail`` is always text written here, never an exception's message, so no stack
trace, exception class name, ARN, account ID or token can reach a body.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .contract import FieldError

PROBLEMS_PATH = Path(__file__).resolve().parent / "problems.json"

POLICY_DETAIL = "The request asks for something this broker does not allow; see errors."
#: ``Retry-After`` (seconds) sent with these statuses.
RETRY_AFTER_SECONDS: Mapping[int, int] = {429: 2, 503: 5}

_COMMON_HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, Any]]:
    """Return the problem types keyed by short code (read once)."""
    with PROBLEMS_PATH.open(encoding="utf-8") as handle:
        raw: dict[str, Any] = json.load(handle)
    return {code: entry for code, entry in raw.items() if not code.startswith("$")}


def json_response(
    status: int, body: Mapping[str, Any], content_type: str, retry_after: int | None = None
) -> dict[str, Any]:
    """Return an API Gateway proxy response with the broker's common headers (and
    ``Retry-After``: ``retry_after``, else the status's)."""
    headers = {"Content-Type": content_type, **_COMMON_HEADERS}
    retry_after = RETRY_AFTER_SECONDS.get(status) if retry_after is None else retry_after
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return {
        "statusCode": status,
        "headers": headers,
        "body": json.dumps(
            body,
            ensure_ascii=False,  # pragma: no mutate (JSON-equal)
            separators=(",", ":"),  # pragma: no mutate (JSON-equal)
        ),
        "isBase64Encoded": False,
    }


def problem(
    code: str,
    detail: str,
    request_id: str,
    errors: Sequence[FieldError] = (),
) -> dict[str, Any]:
    """Return the problem response for the catalogue entry ``code``."""
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
    """Return the ``201 Created`` response of the contract."""
    body = {
        "participantId": participant_id,
        "participantToken": token,
        "expiry": expiry,
        "role": role,
    }
    return json_response(201, body, "application/json")
