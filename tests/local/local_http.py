"""Tiny helpers for tests that talk to real local servers: HTTP requests, botocore clients."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.config import Config

JSON = [("Content-Type", "application/json")]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def send(
    url: str,
    body: bytes | dict[str, Any] | None = None,
    headers: list[tuple[str, str]] | None = None,
    method: str = "POST",
) -> Answer:
    """Send one request (5 s timeout; header names may repeat) and return the answer."""
    data = json.dumps(body).encode() if isinstance(body, dict) else (body or b"")
    split = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(split.hostname or "", split.port, timeout=5)
    try:
        connection.putrequest(method, split.path + (f"?{split.query}" if split.query else ""))
        for name, value in JSON if headers is None else headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def local_client(
    service: str, url: str, *, session: Any = None, attempts: int = 1, **config: Any
) -> Any:
    """A botocore client of ``service`` (from ``session``, by default a new one) aimed at a
    local server: dummy credentials, ``us-east-1``, ``attempts`` in standard retry mode."""
    retries = {"mode": "standard", "total_max_attempts": attempts}
    return (session or botocore.session.get_session()).create_client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries=retries, **config),
    )
