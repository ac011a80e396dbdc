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


def json_response(status: int, body: Mapping[str, Any], content_type: str) -> dict[str, Any]:
    """Return an API Gateway proxy response with the broker's common headers."""
    headers = {"Content-Type": content_type, **_COMMON_HEADERS}
    if status in RETRY_AFTER_SECONDS:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS[status])
    return {
        "statusCode": status,
        "headers": headers,
        "body": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
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
    return json_response(status, body, "application/problem+json")


def created(participant_id: str, token: str, expiry: str) -> dict[str, Any]:
    """Return the ``201 Created`` response of the contract."""
    body = {"participantId": participant_id, "participantToken": token, "expiry": expiry}
    return json_response(201, body, "application/json")
