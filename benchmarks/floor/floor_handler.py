"""The floor of the cold-start benchmark: DescribeContact then CreateParticipant, signed with
SigV4 by the standard library alone (``hashlib``, ``hmac``, ``http.client``), no validation, no
retries, no error handling. Only the benchmarks use it."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import os
from typing import Any
from urllib.parse import quote, urlsplit

REGION = os.environ["AWS_REGION"]
ENDPOINT = urlsplit(
    os.environ.get("AWS_ENDPOINT_URL_CONNECT") or f"https://connect.{REGION}.amazonaws.com"
)
Connection = (
    http.client.HTTPSConnection if ENDPOINT.scheme == "https" else http.client.HTTPConnection
)
connection = Connection(ENDPOINT.netloc, timeout=3)


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def call(method: str, path: str, body: bytes = b"") -> Any:
    """One signed request to Connect; its JSON answer."""
    now = datetime.datetime.now(datetime.UTC)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"host": ENDPOINT.netloc, "x-amz-date": stamp}
    if os.environ.get("AWS_SESSION_TOKEN"):
        headers["x-amz-security-token"] = os.environ["AWS_SESSION_TOKEN"]
    names = ";".join(sorted(headers))
    canonical = "\n".join(
        [
            method,
            path,
            "",
            "".join(f"{name}:{headers[name]}\n" for name in sorted(headers)),
            names,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/{REGION}/connect/aws4_request"
    to_sign = (
        f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    key = ("AWS4" + os.environ["AWS_SECRET_ACCESS_KEY"]).encode()
    for part in (day, REGION, "connect", "aws4_request"):
        key = _sign(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={os.environ['AWS_ACCESS_KEY_ID']}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    if body:
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body or None, headers)
    return json.loads(connection.getresponse().read() or b"{}")


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Check the contact exists, add the participant, return Connect's answer as JSON."""
    instance, contact = os.environ["INSTANCE_ID"], event["pathParameters"]["contactId"]
    call("GET", f"/contacts/{quote(instance, safe='')}/{quote(contact, safe='')}")
    request = json.loads(event.get("body") or "{}")
    details = {"DisplayName": request["displayName"], "ParticipantRole": "CUSTOMER"}
    params = {"InstanceId": instance, "ContactId": contact, "ParticipantDetails": details}
    answer = call("POST", "/contact/create-participant", json.dumps(params).encode())
    credentials = answer["ParticipantCredentials"]
    payload = {
        "participantId": answer["ParticipantId"],
        "participantToken": credentials["ParticipantToken"],
        "expiry": credentials["Expiry"],
    }
    return {"statusCode": 201, "body": json.dumps(payload)}
