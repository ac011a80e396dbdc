"""The API Gateway REST proxy events every benchmark request uses (the package's one builder)."""

from __future__ import annotations

import json
from typing import Any

from constructs_lib.local.events import proxy_event

from .common import CONTACT_ID

_HEADERS = {
    "Content-Type": "application/json",
    "Host": "abc123.execute-api.us-east-1.amazonaws.com",
    "User-Agent": "benchmark",
}
_CONTEXT = {"accountId": "123456789012", "apiId": "abc123", "requestTimeEpoch": 1764121948000}
_IDENTITY = {"sourceIp": "192.0.2.10", "userArn": None, "caller": None}


def create_participant_event(request_id: str = "bench-request-0001") -> dict[str, Any]:
    """A REST proxy event for ``POST /contacts/{contactId}/participants`` with a minimal body."""
    return proxy_event(
        "POST",
        "/contacts/{contactId}/participants",
        f"/contacts/{CONTACT_ID}/participants",
        headers=_HEADERS,
        path_parameters={"contactId": CONTACT_ID},
        body=json.dumps({"displayName": "Benchmark Customer"}),
        request_id=request_id,
        stage="prod",
        identity=_IDENTITY,
        request_context=_CONTEXT,
    )


def redeem_event(secret: str, request_id: str = "bench-request-0002") -> dict[str, Any]:
    """A REST proxy event for ``POST /invitations/redeem`` with the invitation's secret."""
    return proxy_event(
        "POST",
        "/invitations/redeem",
        "/invitations/redeem",
        headers=_HEADERS,
        body=json.dumps({"secret": secret}),
        request_id=request_id,
        stage="prod",
        identity=_IDENTITY,
        request_context=_CONTEXT,
    )
