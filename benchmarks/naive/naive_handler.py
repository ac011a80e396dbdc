"""A naive CreateParticipant handler: boto3 and its client at module scope, no validation.

It is the baseline of the cold-start benchmark: what a first version of the broker would
look like. Only the benchmarks use it.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

connect = boto3.client("connect")


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Add a participant to the contact in the path and return Connect's answer as JSON."""
    body = json.loads(event.get("body") or "{}")
    response = connect.create_participant(
        InstanceId=os.environ["INSTANCE_ID"],
        ContactId=event["pathParameters"]["contactId"],
        ParticipantDetails={
            "DisplayName": body["displayName"],
            "ParticipantRole": body.get("role", "CUSTOMER"),
        },
    )
    credentials = response["ParticipantCredentials"]
    payload = {
        "participantId": response["ParticipantId"],
        "participantToken": credentials["ParticipantToken"],
        "expiry": credentials["Expiry"],
    }
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(payload),
    }
