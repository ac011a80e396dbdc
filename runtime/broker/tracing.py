"""AWS X-Ray subsegments for the Connect calls, without the X-Ray SDK.

With active tracing, Lambda passes the trace header in ``_X_AMZN_TRACE_ID``
(``Root=1-...;Parent=<segment ID>;Sampled=1``) and the daemon's address in
``AWS_XRAY_DAEMON_ADDRESS`` (``host:port``, or ``udp:host:port tcp:host:port``). When the request
is sampled, :func:`record` (the Connect client's observer) sends one subsegment per call (retries
included) in one UDP datagram: the daemon header ``{"format": "json", "version": 1}``, a
newline, the document (X-Ray developer guide, "Sending trace data to AWS X-Ray", "AWS X-Ray
segment documents"). It holds the times, operation, Region, request ID, retries, HTTP status and
the ``error`` (4xx), ``throttle`` (429) or ``fault`` (5xx, no answer) flags; never a parameter.
Fire and forget: nothing raises into the call, blocks (numeric addresses only) or waits.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from typing import Any

from .aws.client import Call

TRACE_HEADER_ENV = "_X_AMZN_TRACE_ID"
DAEMON_ADDRESS_ENV = "AWS_XRAY_DAEMON_ADDRESS"
DAEMON_HEADER = b'{"format":"json","version":1}\n'
NAME = "Connect"
_ROOT = re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}")
_SEGMENT_ID = re.compile(r"[0-9a-f]{16}")

_socket: socket.socket | None = None


def _trace_header(value: str) -> tuple[str, str] | None:
    """Return ``(root, parent)`` of a sampled trace header, else None."""
    fields: dict[str, str] = {}
    for part in value.split(";"):
        name, _, field = part.strip().partition("=")  # pragma: no mutate (no '=' in a value)
        fields[name] = field
    root, parent = fields.get("Root", ""), fields.get("Parent", "")  # pragma: no mutate (guarded)
    if fields.get("Sampled") != "1" or not _ROOT.fullmatch(root):
        return None
    return (root, parent) if _SEGMENT_ID.fullmatch(parent) else None


def daemon_address(value: str) -> tuple[str, int] | None:
    """Return the daemon's UDP ``(ip, port)`` from ``AWS_XRAY_DAEMON_ADDRESS``, else None."""
    parts = value.split()
    udp = [part.removeprefix("udp:") for part in parts if part.startswith("udp:")]
    candidates = udp or [part for part in parts if not part.startswith("tcp:")]
    if len(candidates) != 1:
        return None
    host, _, port = candidates[0].rpartition(":")  # pragma: no mutate (no ':' in IPv4)
    try:
        socket.inet_pton(socket.AF_INET, host)
        number = int(port)
    except (OSError, ValueError):
        return None
    return (host, number) if 0 < number < 65536 else None


def _send(document: dict[str, Any], address: tuple[str, int]) -> None:
    """Send one segment document to the daemon, without waiting."""
    global _socket
    if _socket is None:
        _socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        _socket.setblocking(False)
    payload = json.dumps(document, separators=(",", ":"))  # pragma: no mutate (JSON-equal)
    _socket.sendto(DAEMON_HEADER + payload.encode(), address)


def _flags(status: int | None) -> dict[str, bool]:
    """The subsegment's ``error``/``throttle``/``fault`` flags for an HTTP status (None: no
    answer, which X-Ray counts as a fault)."""
    if status is None or status >= 500:
        return {"fault": True}
    if status == 429:
        return {"error": True, "throttle": True}
    return {"error": True} if status >= 400 else {}


def record(call: Call) -> None:
    """The client's observer: send the subsegment of a finished call when it is sampled."""
    try:
        header = os.environ.get(TRACE_HEADER_ENV)
        trace = _trace_header(header) if header else None  # pragma: no mutate (guarded)
        address = daemon_address(os.environ.get(DAEMON_ADDRESS_ENV, "")) if trace else None
        if trace is not None and address is not None:
            _send(document(call, trace), address)
    except Exception:  # tracing must never break the call
        return


def document(call: Call, trace: tuple[str, str]) -> dict[str, Any]:
    """The subsegment of ``call`` in ``trace`` (``(root, parent)``)."""
    aws: dict[str, Any] = {"operation": call.operation, "region": call.region}
    metadata = call.metadata or {}
    if isinstance(metadata.get("RequestId"), str):
        aws["request_id"] = metadata["RequestId"]
    if isinstance(metadata.get("RetryAttempts"), int):
        aws["retries"] = metadata["RetryAttempts"]
    found: dict[str, Any] = {
        "name": NAME,
        "id": os.urandom(8).hex(),
        "trace_id": trace[0],
        "parent_id": trace[1],
        "type": "subsegment",
        "namespace": "aws",
        "start_time": call.started,
        "end_time": time.time(),
        "aws": aws,
        **_flags(call.status),
    }
    if call.status is not None:
        found["http"] = {"response": {"status": call.status}}
    return found
