"""A tiny HTTP helper for tests that talk to real local servers."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

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
