"""A simulated Amazon Connect for local development, tests and benchmarks. NOT FOR PRODUCTION.

``FakeConnect`` serves Connect's real wire protocol (restJson1) for one operation,
``CreateParticipant`` (``POST /contact/create-participant``), on ``127.0.0.1``, so that a real
botocore client pointed at it (``endpoint_url=...`` or ``AWS_ENDPOINT_URL_CONNECT``) signs,
serializes, retries and parses errors exactly as it does against the real service.

It uses the standard library only (no aws_cdk), answers with realistic values (UUID participant
IDs, long opaque tokens, ISO 8601 expiry with milliseconds), is idempotent per ``ClientToken``
and records every request it receives.

Failures, for exercising error paths:

* by contact ID prefix (see ``MAGIC_PREFIXES``):

  ============== ====================================== ======
  prefix         Connect answers                        status
  ============== ====================================== ======
  ``invalid-``   ``InvalidRequestException``            400
  ``quota-``     ``ServiceQuotaExceededException``      402
  ``notfound-``  ``ResourceNotFoundException``          404
  ``conflict-``  ``ConflictException``                  409
  ``throttle-``  ``ThrottlingException``                429
  ``error-``     ``InternalServiceException``           500
  ``slow-``      success, after ``slow_seconds`` (35 s by default: past any caller's timeout)
  ============== ====================================== ======

* programmatically: ``fail_next("ThrottlingException", times=2)`` makes the next two requests
  fail, whatever their contact ID; ``delay_next(5.0)`` delays the next request.

Example::

    with FakeConnect() as connect:
        client = botocore.session.get_session().create_client(
            "connect", endpoint_url=connect.url, region_name="us-east-1",
            aws_access_key_id="x", aws_secret_access_key="x")
        client.create_participant(InstanceId="i", ContactId="c",
                                  ParticipantDetails={"DisplayName": "Ana"})
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from constructs_lib._loopback import LoopbackRequestHandler, LoopbackService

__all__ = [
    "ERROR_STATUS",
    "MAGIC_PREFIXES",
    "FakeConnect",
    "RecordedRequest",
]

CREATE_PARTICIPANT_PATH: Final = "/contact/create-participant"

#: HTTP status of each CreateParticipant error, as in Connect's service model
#: (``error.httpStatusCode`` of each error shape in botocore's ``connect`` service-2.json).
ERROR_STATUS: Final[dict[str, int]] = {
    "InvalidRequestException": 400,
    "ServiceQuotaExceededException": 402,
    "ResourceNotFoundException": 404,
    "ConflictException": 409,
    "ThrottlingException": 429,
    "InternalServiceException": 500,
}

#: Contact ID prefix -> the Connect error it triggers (``None``: a slow success).
MAGIC_PREFIXES: Final[dict[str, str | None]] = {
    "invalid-": "InvalidRequestException",
    "quota-": "ServiceQuotaExceededException",
    "notfound-": "ResourceNotFoundException",
    "conflict-": "ConflictException",
    "throttle-": "ThrottlingException",
    "error-": "InternalServiceException",
    "slow-": None,
}

_MESSAGES: Final[dict[str, str]] = {
    "InvalidRequestException": "The request is not valid.",
    "ServiceQuotaExceededException": "The service quota has been exceeded.",
    "ResourceNotFoundException": "The specified resource was not found.",
    "ConflictException": "Operation cannot be performed at this time as there is a conflict "
    "with another operation or contact state.",
    "ThrottlingException": "Rate exceeded",
    "InternalServiceException": "Request processing failed because of an error or failure "
    "with the service.",
}

_ROLES: Final = frozenset({"AGENT", "CUSTOMER", "SYSTEM", "CUSTOM_BOT", "SUPERVISOR"})
_TOKEN_BYTES: Final = 288  # about 384 characters, like a real participant token
_MAX_BODY: Final = 1024 * 1024


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the fake received (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class _Participant:
    participant_id: str
    token: str
    expiry: str


@dataclass
class _State:
    """Everything the request threads share, guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    by_client_token: dict[str, _Participant] = field(default_factory=dict)
    failures: list[tuple[str, str | None]] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)


class _ApiError(Exception):
    """A Connect error to answer with."""

    def __init__(self, name: str, message: str | None = None, status: int | None = None) -> None:
        super().__init__(name)
        self.name = name
        self.message = message or _MESSAGES.get(name, name)
        self.status = status or ERROR_STATUS.get(name, 400)


class FakeConnect(LoopbackService):
    """A simulated Amazon Connect CreateParticipant endpoint on localhost. NOT FOR PRODUCTION.

    Args:
        host: interface to bind; ``127.0.0.1`` by default (never expose it).
        port: TCP port; ``0`` (the default) picks a free one, see ``url``.
        instance_id: when given, requests for any other instance get ``ResourceNotFoundException``;
            by default every instance ID is accepted.
        slow_seconds: how long a ``slow-`` contact waits before answering (35 s by default).
        token_ttl: lifetime of the participant tokens, used for ``Expiry`` (12 hours by default).
        require_signature: answer 403 ``MissingAuthenticationTokenException`` to requests without
            a SigV4 ``Authorization`` header, as Connect does (on by default).
    """

    service_name = "fake connect"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        instance_id: str | None = None,
        slow_seconds: float = 35.0,
        token_ttl: timedelta = timedelta(hours=12),
        require_signature: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.instance_id = instance_id
        self.slow_seconds = slow_seconds
        self.token_ttl = token_ttl
        self.require_signature = require_signature
        self._state = _State()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeConnect:
        """Start serving in a background thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("fake connect is already running; call stop() first")
        server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        server.daemon_threads = True
        self._stopping.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-connect",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake any delayed request and close the socket. Safe to call twice."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        self._stopping.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    # -- behaviour control -----------------------------------------------------------------

    def fail_next(self, error: str, *, times: int = 1, message: str | None = None) -> None:
        """Make the next ``times`` requests fail with Connect error ``error``.

        ``error`` is one of ``ERROR_STATUS`` (for example ``"ThrottlingException"``).
        """
        if error not in ERROR_STATUS:
            raise ValueError(
                f"unknown Connect error {error!r}; use one of {', '.join(sorted(ERROR_STATUS))}"
            )
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        with self._state.lock:
            self._state.failures.extend([(error, message)] * times)

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Delay the answer to the next ``times`` requests by ``seconds``."""
        with self._state.lock:
            self._state.delays.extend([seconds] * times)

    def reset(self) -> None:
        """Forget recorded requests, participants, pending failures and delays."""
        with self._state.lock:
            self._state.requests.clear()
            self._state.by_client_token.clear()
            self._state.failures.clear()
            self._state.delays.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first."""
        with self._state.lock:
            return list(self._state.requests)

    # -- request processing (called from the server's threads) -----------------------------

    def _record(self, request: RecordedRequest) -> tuple[tuple[str, str | None] | None, float]:
        with self._state.lock:
            self._state.requests.append(request)
            failure = self._state.failures.pop(0) if self._state.failures else None
            delay = self._state.delays.pop(0) if self._state.delays else 0.0
        return failure, delay

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _create_participant(self, body: Any) -> dict[str, Any]:
        contact_id = _validate(body, self.instance_id)
        for prefix, error in MAGIC_PREFIXES.items():
            if contact_id.startswith(prefix):
                if error is not None:
                    raise _ApiError(error)
                self._wait(self.slow_seconds)
        client_token = body.get("ClientToken") or str(uuid.uuid4())
        key = f"{body['InstanceId']}/{contact_id}/{client_token}"
        with self._state.lock:
            participant = self._state.by_client_token.get(key)
            if participant is None:
                participant = self._new_participant()
                self._state.by_client_token[key] = participant
        return {
            "ParticipantCredentials": {
                "ParticipantToken": participant.token,
                "Expiry": participant.expiry,
            },
            "ParticipantId": participant.participant_id,
        }

    def _new_participant(self) -> _Participant:
        expiry = datetime.now(UTC) + self.token_ttl
        return _Participant(
            participant_id=str(uuid.uuid4()),
            token=secrets.token_urlsafe(_TOKEN_BYTES),
            expiry=expiry.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expiry.microsecond // 1000:03d}Z",
        )


def _validate(body: Any, instance_id: str | None) -> str:
    """Check the request as Connect would; return the contact ID."""
    if not isinstance(body, dict):
        raise _ApiError("InvalidRequestException", "Request body must be a JSON object.")
    for name, limit in (("InstanceId", 100), ("ContactId", 256)):
        value = body.get(name)
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise _ApiError("InvalidRequestException", f"{name} is not valid.")
    token = body.get("ClientToken")
    if token is not None and (not isinstance(token, str) or len(token) > 500):
        raise _ApiError("InvalidRequestException", "ClientToken is not valid.")
    _validate_details(body.get("ParticipantDetails"))
    if instance_id is not None and body["InstanceId"] != instance_id:
        raise _ApiError("ResourceNotFoundException", "Instance not found.")
    contact_id: str = body["ContactId"]
    return contact_id


def _validate_details(details: Any) -> None:
    if not isinstance(details, dict):
        raise _ApiError("InvalidRequestException", "ParticipantDetails is required.")
    name = details.get("DisplayName")
    if not isinstance(name, str) or not 1 <= len(name) <= 256:
        raise _ApiError("InvalidRequestException", "DisplayName is not valid.")
    role = details.get("ParticipantRole")
    if role is not None and role not in _ROLES:
        raise _ApiError("InvalidRequestException", "ParticipantRole is not valid.")
    capabilities = details.get("ParticipantCapabilities")
    if capabilities is None:
        return
    if not isinstance(capabilities, dict) or any(
        key not in ("Video", "ScreenShare") or value != "SEND"
        for key, value in capabilities.items()
    ):
        raise _ApiError("InvalidRequestException", "ParticipantCapabilities is not valid.")


def _make_handler(fake: FakeConnect) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``fake``."""

    class Handler(LoopbackRequestHandler):
        server_version = "FakeConnect"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: tests and benchmarks capture output."""

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, _MAX_BODY)) if length > 0 else b""
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            failure, delay = fake._record(request)
            fake._wait(delay)
            try:
                payload = self._dispatch(request, failure)
            except _ApiError as error:
                self._send(error.status, {"message": error.message}, error.name)
                return
            self._send(200, payload, None)

        def _dispatch(
            self, request: RecordedRequest, failure: tuple[str, str | None] | None
        ) -> dict[str, Any]:
            if request.path.split("?", 1)[0] != CREATE_PARTICIPANT_PATH or request.method != "POST":
                raise _ApiError("UnknownOperationException", "Unknown operation.", 404)
            auth = request.headers.get("authorization", "")
            if fake.require_signature and not auth.startswith("AWS4-HMAC-SHA256 "):
                raise _ApiError(
                    "MissingAuthenticationTokenException", "Missing Authentication Token", 403
                )
            if failure is not None:
                raise _ApiError(*failure)
            try:
                body = json.loads(request.body or b"null")
            except ValueError:
                raise _ApiError("SerializationException", "Body is not valid JSON.") from None
            return fake._create_participant(body)

        def _send(self, status: int, payload: dict[str, Any], error: str | None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            if error is not None:
                self.send_header("x-amzn-ErrorType", error)
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer has headers only
                self.wfile.write(data)

    return Handler
