"""``FakeConnect``: the simulated endpoint, its shared state and its HTTP handler."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from constructs_lib.local._loopback import LoopbackRequestHandler, LoopbackServer, LoopbackService

from .contacts import (
    AGENT_AFTER,
    CONTACT_PREFIXES,
    CREATE_PARTICIPANT,
    DESCRIBE_CONTACT,
    DESCRIBE_CONTACT_PATH,
    ERROR_STATUS,
    MAGIC_PREFIXES,
    MAX_BODY,
    TOKEN_BYTES,
    WEBRTC_SEGMENT,
    ApiError,
    SimulatedContact,
    agent_connected,
    check_connect_rules,
    validate_request,
)
from .requests import RecordedRequest


@dataclass(frozen=True)
class MintedParticipant:
    participant_id: str
    token: str
    expiry: str


@dataclass
class SharedState:
    """Everything the request threads share, guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    by_client_token: dict[str, MintedParticipant] = field(default_factory=dict)
    failures: list[tuple[str | None, str, str | None]] = field(default_factory=list)
    """(operation or None for any, error, message), oldest first."""
    delays: list[tuple[str | None, float]] = field(default_factory=list)
    contacts: dict[str, SimulatedContact] = field(default_factory=dict)
    first_seen: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Contact ID -> (monotonic time, wall-clock time) of the first request that named it."""


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
        contacts: simulated contacts by contact ID (see :meth:`add_contact`); by default none,
            so every contact ID follows the prefixes of the module docstring.
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
        contacts: Mapping[str, SimulatedContact] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.instance_id = instance_id
        self.slow_seconds = slow_seconds
        self.token_ttl = token_ttl
        self.require_signature = require_signature
        self._state = SharedState()
        self._initial_contacts = dict(contacts or {})
        self._state.contacts.update(self._initial_contacts)
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeConnect:
        """Start serving in a background thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("fake connect is already running; call stop() first")
        server = LoopbackServer((self.host, self.port), make_handler(self))
        server.daemon_threads = True
        self._stopping.clear()
        self._thread = self._serve_in_background(server, "fake-connect")
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

    def fail_next(
        self,
        error: str,
        *,
        times: int = 1,
        message: str | None = None,
        operation: str | None = CREATE_PARTICIPANT,
    ) -> None:
        """Make the next ``times`` requests of ``operation`` fail with Connect error ``error``.

        ``error`` is one of ``ERROR_STATUS`` (for example ``"ThrottlingException"``);
        ``operation`` is ``"CreateParticipant"`` (the default), ``"DescribeContact"``, or
        ``None`` for any request.
        """
        if error not in ERROR_STATUS:
            raise ValueError(
                f"unknown Connect error {error!r}; use one of {', '.join(sorted(ERROR_STATUS))}"
            )
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        with self._state.lock:
            self._state.failures.extend([(operation, error, message)] * times)

    def delay_next(
        self, seconds: float, *, times: int = 1, operation: str | None = CREATE_PARTICIPANT
    ) -> None:
        """Delay the answer to the next ``times`` requests of ``operation`` by ``seconds``."""
        with self._state.lock:
            self._state.delays.extend([(operation, seconds)] * times)

    def add_contact(
        self,
        contact_id: str,
        *,
        channel: str = "VOICE",
        webrtc: bool | None = None,
        ended: bool = False,
        agent_after: float | None = 0.0,
        attributes: Mapping[str, str] | None = None,
    ) -> SimulatedContact:
        """Simulate contact ``contact_id`` (replacing what its prefix would make it).

        ``webrtc`` defaults to ``True`` for ``VOICE``; ``agent_after`` counts from now.
        """
        contact = SimulatedContact(
            channel=channel,
            webrtc=channel == "VOICE" if webrtc is None else webrtc,
            ended=ended,
            agent_after=agent_after,
            attributes=dict(attributes or {}),
        )
        with self._state.lock:
            self._state.contacts[contact_id] = contact
            self._state.first_seen[contact_id] = (time.monotonic(), time.time())
        return contact

    def reset(self) -> None:
        """Forget recorded requests, participants, pending failures and delays, and the
        contacts added since the fake was created."""
        with self._state.lock:
            self._state.requests.clear()
            self._state.by_client_token.clear()
            self._state.failures.clear()
            self._state.delays.clear()
            self._state.contacts.clear()
            self._state.contacts.update(self._initial_contacts)
            self._state.first_seen.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first."""
        with self._state.lock:
            return list(self._state.requests)

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        """The requests of ``operation`` (``CreateParticipant``, ``DescribeContact``) so far."""
        return [request for request in self.requests if request.operation == operation]

    # -- request processing (called from the server's threads) -----------------------------

    def _record(self, request: RecordedRequest) -> tuple[tuple[str, str | None] | None, float]:
        """Record a request; return the failure and the delay queued for its operation."""

        def matches(queued: str | None) -> bool:
            return queued is None or queued == request.operation

        with self._state.lock:
            self._state.requests.append(request)
            state = self._state
            failure = next((item for item in state.failures if matches(item[0])), None)
            if failure is not None:
                state.failures.remove(failure)
            delay = next((item for item in state.delays if matches(item[0])), None)
            if delay is not None:
                state.delays.remove(delay)
        return (failure[1:] if failure else None), (delay[1] if delay else 0.0)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _contact(self, contact_id: str) -> tuple[SimulatedContact | None, float, float]:
        """The simulated contact (``None``: no such contact), seconds since the fake first saw
        it, and the wall-clock time it did."""
        with self._state.lock:
            seen = self._state.first_seen.setdefault(contact_id, (time.monotonic(), time.time()))
            contact = self._state.contacts.get(contact_id)
        if contact is None and not contact_id.startswith("notfound-"):
            contact = next(
                (c for prefix, c in CONTACT_PREFIXES.items() if contact_id.startswith(prefix)),
                None,
            )
            agent = AGENT_AFTER.match(contact_id)
            if agent is not None:
                contact = SimulatedContact(agent_after=float(agent.group(1)))
            contact = contact or SimulatedContact()
        return contact, time.monotonic() - seen[0], seen[1]

    def _describe_contact(self, instance_id: str, contact_id: str) -> dict[str, Any]:
        contact, elapsed, started = self._contact(contact_id)
        if contact is None or (self.instance_id is not None and instance_id != self.instance_id):
            raise ApiError("ResourceNotFoundException", "Contact not found.")
        described: dict[str, Any] = {
            "Arn": f"arn:aws:connect:us-east-1:000000000000:instance/{instance_id}/contact/"
            f"{contact_id}",
            "Id": contact_id,
            "InitialContactId": contact_id,
            "Channel": contact.channel,
            "InitiationMethod": "WEBRTC_API" if contact.webrtc else "API",
            "InitiationTimestamp": started,
            "LastUpdateTimestamp": time.time(),
            "CustomerEndpoint": {"Type": "VOIP", "Address": "simulated-customer"},
            "Attributes": dict(contact.attributes),
        }
        if contact.webrtc:
            described["SegmentAttributes"] = WEBRTC_SEGMENT
        if agent_connected(contact, elapsed):
            agent_at = started + (contact.agent_after or 0.0)
            described["AgentInfo"] = {
                "Id": "simulated-agent",
                "AcceptedByAgentTimestamp": agent_at,
                "ConnectedToAgentTimestamp": agent_at,
            }
        if contact.ended:
            described["DisconnectTimestamp"] = started
        return {"Contact": described}

    def _create_participant(self, body: Any) -> dict[str, Any]:
        contact_id = validate_request(body, self.instance_id)
        for prefix, error in MAGIC_PREFIXES.items():
            if contact_id.startswith(prefix):
                if error is not None:
                    raise ApiError(error)
                self._wait(self.slow_seconds)
        contact, elapsed, _ = self._contact(contact_id)
        if contact is None:
            raise ApiError("ResourceNotFoundException")
        check_connect_rules(contact, elapsed, body["ParticipantDetails"].get("ParticipantRole"))
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

    def _new_participant(self) -> MintedParticipant:
        expiry = datetime.now(UTC) + self.token_ttl
        return MintedParticipant(
            participant_id=str(uuid.uuid4()),
            token=secrets.token_urlsafe(TOKEN_BYTES),
            expiry=expiry.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expiry.microsecond // 1000:03d}Z",
        )


def make_handler(fake: FakeConnect) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``fake``."""

    class Handler(LoopbackRequestHandler):
        server_version = "FakeConnect"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: tests and benchmarks capture output."""

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            failure, delay = fake._record(request)
            fake._wait(delay)
            try:
                payload = _answer(fake, request, failure)
            except ApiError as error:
                self._send(error.status, {"message": error.message}, error.name)
                return
            self._send(200, payload, None)

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


def _answer(
    fake: FakeConnect, request: RecordedRequest, failure: tuple[str, str | None] | None
) -> dict[str, Any]:
    """The answer to one recorded request (or the Connect error it fails with)."""
    if request.operation is None:
        raise ApiError("UnknownOperationException", "Unknown operation.", 404)
    auth = request.headers.get("authorization", "")
    if fake.require_signature and not auth.startswith("AWS4-HMAC-SHA256 "):
        raise ApiError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
    if failure is not None:
        raise ApiError(*failure)
    if request.operation == DESCRIBE_CONTACT:
        match = DESCRIBE_CONTACT_PATH.fullmatch(request.path.split("?", 1)[0])
        assert match is not None
        instance_id, contact_id = (urllib.parse.unquote(g) for g in match.groups())
        return fake._describe_contact(instance_id, contact_id)
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise ApiError("SerializationException", "Body is not valid JSON.") from None
    return fake._create_participant(body)
