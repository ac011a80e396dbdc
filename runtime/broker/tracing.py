"""AWS X-Ray subsegments for the Connect calls, without the X-Ray SDK.

With active tracing, Lambda records the function's own segment and hands each invocation the
trace header in ``_X_AMZN_TRACE_ID`` (``Root=1-...;Parent=<segment ID>;Sampled=1``; the Python
runtime sets it before every invocation) and the daemon's address in
``AWS_XRAY_DAEMON_ADDRESS`` (``host:port``, or ``udp:host:port tcp:host:port``). When the
request is sampled, :func:`instrument`'s botocore hooks send one subsegment per Connect call
(retries included) to the daemon: one UDP datagram, the daemon header
``{"format": "json", "version": 1}`` then a newline then the segment document, as the X-Ray
developer guide describes ("Sending trace data to AWS X-Ray", "AWS X-Ray segment documents":
a subsegment sent on its own carries ``type``, ``trace_id`` and ``parent_id``).

The subsegment holds the times, operation, Region, request ID, retries, HTTP status and the
``error`` (4xx), ``throttle`` (429) or ``fault`` (5xx, no answer) flags; never a parameter.

Fire and forget: nothing here raises into the call, blocks (a non-blocking socket, numeric
addresses only, so no DNS lookup), or waits for an answer. Unsampled requests cost one
environment lookup per call.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from typing import Any

TRACE_HEADER_ENV = "_X_AMZN_TRACE_ID"
DAEMON_ADDRESS_ENV = "AWS_XRAY_DAEMON_ADDRESS"
DAEMON_HEADER = b'{"format":"json","version":1}\n'
NAME = "Connect"
SERVICE_ID = "connect"
_CONTEXT_KEY = "connect_participant_broker_trace"
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


def _start(model: Any = None, context: Any = None, **_: Any) -> None:
    """``before-parameter-build``: note the time and the trace when the request is sampled.

    Not ``before-call``, whose first answer ends the event (a test ``Stubber`` answers there).
    """
    try:
        header = os.environ.get(TRACE_HEADER_ENV)
        trace = _trace_header(header) if header else None  # pragma: no mutate (guarded)
        if trace is None:
            return
        # guarded:
        address = daemon_address(os.environ.get(DAEMON_ADDRESS_ENV, ""))  # pragma: no mutate
        if address is not None:
            context[_CONTEXT_KEY] = (trace, address, model.name, time.time())
    except Exception:  # tracing must never break the call
        return


def _flags(status: int | None) -> dict[str, bool]:
    """The subsegment's ``error``/``throttle``/``fault`` flags for an HTTP status (None: no
    answer, which X-Ray counts as a fault)."""
    if status is None or status >= 500:
        return {"fault": True}
    if status == 429:
        return {"error": True, "throttle": True}
    return {"error": True} if status >= 400 else {}


def _finish(context: Any, status: int | None, metadata: Any) -> None:
    """Send the subsegment of a call that :func:`_start` noted."""
    noted = context.pop(_CONTEXT_KEY, None)  # pragma: no mutate (guarded)
    if noted is None:
        return
    (root, parent), address, operation, start = noted
    aws: dict[str, Any] = {"operation": operation}
    if isinstance(context.get("client_region"), str):
        aws["region"] = context["client_region"]
    if isinstance(metadata, dict):
        if isinstance(metadata.get("RequestId"), str):
            aws["request_id"] = metadata["RequestId"]
        if isinstance(metadata.get("RetryAttempts"), int):
            aws["retries"] = metadata["RetryAttempts"]
    document: dict[str, Any] = {
        "name": NAME,
        "id": os.urandom(8).hex(),
        "trace_id": root,
        "parent_id": parent,
        "type": "subsegment",
        "namespace": "aws",
        "start_time": start,
        "end_time": time.time(),
        "aws": aws,
        **_flags(status),
    }
    if status is not None:
        document["http"] = {"response": {"status": status}}
    _send(document, address)


def _after_call(
    http_response: Any = None, parsed: Any = None, context: Any = None, **_: Any
) -> None:
    """``after-call``: Connect answered (success or error status)."""
    try:
        _finish(context, http_response.status_code, parsed.get("ResponseMetadata"))
    except Exception:  # tracing must never break the call
        return


def _after_call_error(context: Any = None, **_: Any) -> None:
    """``after-call-error``: no answer (timeout, unreachable endpoint)."""
    try:
        _finish(context, None, None)
    except Exception:  # tracing must never break the call
        return


def instrument(events: Any) -> None:
    """Register the hooks on a Connect client's event emitter (``client.meta.events``)."""
    for event, hook in (
        ("before-parameter-build", _start),
        ("after-call", _after_call),
        ("after-call-error", _after_call_error),
    ):
        events.register(
            f"{event}.{SERVICE_ID}",
            hook,
            unique_id=f"broker-trace-{event}",  # pragma: no mutate (twice sends no more)
        )
