"""A scripted HTTP server for the client tests: canned answers in order, every request recorded."""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

PARTICIPANT = {
    "participantId": "5c3e5f4e-4e0c-4a43-9d1b-3b1f1a7f2f10",
    "participantToken": "secret-token-value",
    "expiry": "2026-11-26T02:41:28.172Z",
}


@dataclass(frozen=True)
class Step:
    """One scripted answer."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/problem+json"


def created() -> Step:
    return Step(201, PARTICIPANT, content_type="application/json")


def problem(status: int, code: str, **headers: str) -> Step:
    body = {
        "type": f"urn:connect-participant-broker:problem:{code}",
        "title": f"title {code}",
        "status": status,
        "detail": f"detail {code}",
        "requestId": f"req-{status}",
    }
    return Step(status, body, {k.replace("_", "-"): v for k, v in headers.items()})


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    """Answers requests with the scripted steps, in order; records every request."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/prod"

    def script(self, *steps: Step) -> None:
        with self._lock:
            self.steps = list(steps)
            self.seen = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next(self, seen: Seen) -> Step:
        with self._lock:
            self.seen.append(seen)
            return self.steps.pop(0) if self.steps else Step(500, {"message": "script ended"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                step = owner._next(Seen(self.command, self.path, headers, body))
                if step.delay:
                    owner._stopping.wait(step.delay)
                if isinstance(step.body, bytes):
                    data = step.body
                else:
                    data = b"" if step.body is None else json.dumps(step.body).encode()
                try:
                    self.send_response(step.status)
                    self.send_header("Content-Type", step.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("x-amzn-RequestId", f"hdr-{step.status}")
                    for name, value in step.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

            do_GET = do_DELETE = do_POST

        return Handler


class RawServer:
    """A TCP server that reads one request per connection, then misbehaves as told.

    ``close``: closes without answering; ``reset``: aborts the connection (RST); ``garbage``:
    answers bytes that are not HTTP; ``short``: a 201 whose body is shorter than its
    Content-Length, then closes.
    """

    ANSWERS: ClassVar[dict[str, bytes]] = {
        "garbage": b"this is not HTTP\r\n\r\n",
        "short": b'HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{"participantId"',
    }

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/v1"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with connection:
                connection.settimeout(2)
                _read_request(connection)
                if self.behaviour == "reset":
                    connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                elif self.behaviour in self.ANSWERS:
                    connection.sendall(self.ANSWERS[self.behaviour])


def _read_request(connection: socket.socket) -> None:
    """Read a whole request, body included (closing with unread data would reset the
    connection instead of doing what the test asked)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    missing = int(match.group(1)) - len(body) if match else 0
    while missing > 0:
        chunk = connection.recv(missing)
        if not chunk:
            return
        missing -= len(chunk)
