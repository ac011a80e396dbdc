"""The API Gateway REST proxy event every benchmark request uses."""

from __future__ import annotations

import json
from typing import Any

from .common import CONTACT_ID


def create_participant_event(request_id: str = "bench-request-0001") -> dict[str, Any]:
    """A REST proxy event for ``POST /contacts/{contactId}/participants`` with a minimal body."""
    path = f"/contacts/{CONTACT_ID}/participants"
    return {
        "resource": "/contacts/{contactId}/participants",
        "path": path,
        "httpMethod": "POST",
        "headers": {
            "Content-Type": "application/json",
            "Host": "abc123.execute-api.us-east-1.amazonaws.com",
            "User-Agent": "benchmark",
        },
        "multiValueHeaders": {
            "Content-Type": ["application/json"],
            "Host": ["abc123.execute-api.us-east-1.amazonaws.com"],
            "User-Agent": ["benchmark"],
        },
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"contactId": CONTACT_ID},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/contacts/{contactId}/participants",
            "httpMethod": "POST",
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": request_id,
            "accountId": "123456789012",
            "apiId": "abc123",
            "identity": {"sourceIp": "192.0.2.10", "userArn": None, "caller": None},
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": 1764121948000,
        },
        "body": json.dumps({"displayName": "Benchmark Customer"}),
        "isBase64Encoded": False,
    }


def redeem_event(secret: str, request_id: str = "bench-request-0002") -> dict[str, Any]:
    """A REST proxy event for ``POST /invitations/redeem`` with the invitation's secret."""
    event = create_participant_event(request_id)
    event.update(
        resource="/invitations/redeem",
        path="/invitations/redeem",
        pathParameters=None,
        body=json.dumps({"secret": secret}),
    )
    event["requestContext"].update(
        resourcePath="/invitations/redeem", path="/prod/invitations/redeem"
    )
    return event
