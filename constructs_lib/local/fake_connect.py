"""A simulated Amazon Connect for local development, tests and benchmarks. NOT FOR PRODUCTION.

``FakeConnect`` serves Connect's real wire protocol (restJson1) for the two operations the broker
calls, ``CreateParticipant`` (``POST /contact/create-participant``) and ``DescribeContact``
(``GET /contacts/{InstanceId}/{ContactId}``), on ``127.0.0.1``, so that a real botocore client
pointed at it (``endpoint_url=...`` or ``AWS_ENDPOINT_URL_CONNECT``) signs, serializes, retries
and parses errors exactly as it does against the real service.

It uses the standard library only (no aws_cdk), answers with realistic values (UUID participant
IDs, long opaque tokens, ISO 8601 expiry with milliseconds), is idempotent per ``ClientToken``
and records every request it receives.

Contacts. Every contact ID names a simulated contact: by default an ongoing WebRTC call whose
agent has connected. Others come from :meth:`FakeConnect.add_contact` (channel, ended, an agent
who connects after N seconds, user-defined attributes), the ``contacts`` argument, or a contact
ID prefix (see ``CONTACT_PREFIXES``):

  ===================== ==============================================================
  prefix                the contact
  ===================== ==============================================================
  ``chat-``             an ongoing chat
  ``ended-``            a WebRTC call that has ended
  ``task-``             a task; ``email-``: an email contact
  ``phone-``            a telephone (not WebRTC) voice call
  ``no-agent-``         a WebRTC call whose agent never connects
  ``agent-after-N-``    a WebRTC call whose agent connects N seconds after the fake first
                        sees the contact ID (for example ``agent-after-2-demo``)
  ===================== ==============================================================

CreateParticipant follows Connect's rules on them (administrator guide and API reference): it
fails with ``InvalidRequestException`` on an ended contact, a channel other than chat and WebRTC,
a role other than ``CUSTOM_BOT`` on a chat or ``CUSTOMER`` on a WebRTC call, and a WebRTC call
whose agent has not connected yet.

Failures, for exercising error paths:

* by contact ID prefix (see ``MAGIC_PREFIXES``), CreateParticipant only (DescribeContact
  describes these as ongoing WebRTC calls, except ``notfound-``, which neither operation finds):

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

* programmatically: ``fail_next("ThrottlingException", times=2)`` makes the next two
  CreateParticipant requests fail, whatever their contact ID (``operation="DescribeContact"``
  for DescribeContact, ``operation=None`` for any request); ``delay_next(5.0)`` delays the next
  CreateParticipant the same way.

Example::

    with FakeConnect() as connect:
        connect.add_contact("call-1", agent_after=2.0, attributes={"brokerCaller": "sub-1"})
        client = botocore.session.get_session().create_client(
            "connect", endpoint_url=connect.url, region_name="us-east-1",
            aws_access_key_id="x", aws_secret_access_key="x")
        client.describe_contact(InstanceId="i", ContactId="call-1")
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from constructs_lib.local._loopback import LoopbackRequestHandler, LoopbackServer, LoopbackService

__all__ = [
    "CONTACT_PREFIXES",
    "ERROR_STATUS",
    "MAGIC_PREFIXES",
    "FakeConnect",
    "RecordedRequest",
    "SimulatedContact",
]

CREATE_PARTICIPANT: Final = "CreateParticipant"
DESCRIBE_CONTACT: Final = "DescribeContact"
CREATE_PARTICIPANT_PATH: Final = "/contact/create-participant"
_DESCRIBE_CONTACT_PATH: Final = re.compile(r"/contacts/([^/?]+)/([^/?]+)")

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
#: The only role Connect takes on each channel that takes added participants.
_CHANNEL_ROLE: Final = {"CHAT": "CUSTOM_BOT", "VOICE": "CUSTOMER"}
_AGENT_AFTER: Final = re.compile(r"agent-after-(\d{1,4})-")
_WEBRTC_SEGMENT: Final = {"connect:Subtype": {"ValueString": "connect:WebRTC"}}
_TOKEN_BYTES: Final = 288  # about 384 characters, like a real participant token
_MAX_BODY: Final = 1024 * 1024


@dataclass(frozen=True)
class SimulatedContact:
    """A contact as the fake describes it.

    ``agent_after``: seconds after the fake first sees the contact until its agent connects
    (``0``: connected from the start; ``None``: never). Only a WebRTC call waits for an agent.
    """

    channel: str = "VOICE"
    webrtc: bool = True
    ended: bool = False
    agent_after: float | None = 0.0
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> SimulatedContact:
        """Read ``{"channel": ..., "webrtc": ..., "ended": ..., "agentAfter": ...,
        "attributes": {...}}`` (every member optional; a local broker's ``--contacts`` file)."""
        unknown = sorted(set(value) - {"channel", "webrtc", "ended", "agentAfter", "attributes"})
        if unknown:
            raise ValueError(f"unknown contact setting {', '.join(unknown)}")
        channel = str(value.get("channel", "VOICE"))
        return cls(
            channel=channel,
            webrtc=bool(value.get("webrtc", channel == "VOICE")),
            ended=bool(value.get("ended", False)),
            agent_after=value.get("agentAfter", 0.0),
            attributes={str(k): str(v) for k, v in dict(value.get("attributes", {})).items()},
        )


#: Contact ID prefix -> the simulated contact (``agent-after-N-`` is matched separately).
CONTACT_PREFIXES: Final[dict[str, SimulatedContact]] = {
    "chat-": SimulatedContact(channel="CHAT", webrtc=False),
    "ended-": SimulatedContact(ended=True),
    "task-": SimulatedContact(channel="TASK", webrtc=False, agent_after=None),
    "email-": SimulatedContact(channel="EMAIL", webrtc=False, agent_after=None),
    "phone-": SimulatedContact(webrtc=False),
    "no-agent-": SimulatedContact(agent_after=None),
}


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

    @property
    def operation(self) -> str | None:
        """``CreateParticipant``, ``DescribeContact``, or ``None`` for anything else."""
        path = self.path.split("?", 1)[0]
        if self.method == "POST" and path == CREATE_PARTICIPANT_PATH:
            return CREATE_PARTICIPANT
        if self.method == "GET" and _DESCRIBE_CONTACT_PATH.fullmatch(path):
            return DESCRIBE_CONTACT
        return None


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
    failures: list[tuple[str | None, str, str | None]] = field(default_factory=list)
    """(operation or None for any, error, message), oldest first."""
    delays: list[tuple[str | None, float]] = field(default_factory=list)
    contacts: dict[str, SimulatedContact] = field(default_factory=dict)
    first_seen: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Contact ID -> (monotonic time, wall-clock time) of the first request that named it."""


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
        self._state = _State()
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
        server = LoopbackServer((self.host, self.port), _make_handler(self))
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
            agent = _AGENT_AFTER.match(contact_id)
            if agent is not None:
                contact = SimulatedContact(agent_after=float(agent.group(1)))
            contact = contact or SimulatedContact()
        return contact, time.monotonic() - seen[0], seen[1]

    def _describe_contact(self, instance_id: str, contact_id: str) -> dict[str, Any]:
        contact, elapsed, started = self._contact(contact_id)
        if contact is None or (self.instance_id is not None and instance_id != self.instance_id):
            raise _ApiError("ResourceNotFoundException", "Contact not found.")
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
            described["SegmentAttributes"] = _WEBRTC_SEGMENT
        if _agent_connected(contact, elapsed):
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
        contact_id = _validate(body, self.instance_id)
        for prefix, error in MAGIC_PREFIXES.items():
            if contact_id.startswith(prefix):
                if error is not None:
                    raise _ApiError(error)
                self._wait(self.slow_seconds)
        contact, elapsed, _ = self._contact(contact_id)
        if contact is None:
            raise _ApiError("ResourceNotFoundException")
        _check_connect_rules(contact, elapsed, body["ParticipantDetails"].get("ParticipantRole"))
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


def _agent_connected(contact: SimulatedContact, elapsed: float) -> bool:
    return contact.agent_after is not None and elapsed >= contact.agent_after


def _check_connect_rules(contact: SimulatedContact, elapsed: float, role: str | None) -> None:
    """What Connect refuses with its generic InvalidRequestException."""
    channel = contact.channel if contact.channel != "VOICE" or contact.webrtc else "TELEPHONY"
    if contact.ended:
        raise _ApiError("InvalidRequestException", "The contact is not active.")
    if channel not in _CHANNEL_ROLE:
        raise _ApiError("InvalidRequestException", "The contact's channel is not supported.")
    if role is not None and role != _CHANNEL_ROLE[channel]:
        raise _ApiError("InvalidRequestException", "ParticipantRole is not valid for the contact.")
    if channel == "VOICE" and not _agent_connected(contact, elapsed):
        raise _ApiError("InvalidRequestException", "The agent has not joined the call.")


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
            if request.operation is None:
                raise _ApiError("UnknownOperationException", "Unknown operation.", 404)
            auth = request.headers.get("authorization", "")
            if fake.require_signature and not auth.startswith("AWS4-HMAC-SHA256 "):
                raise _ApiError(
                    "MissingAuthenticationTokenException", "Missing Authentication Token", 403
                )
            if failure is not None:
                raise _ApiError(*failure)
            if request.operation == DESCRIBE_CONTACT:
                match = _DESCRIBE_CONTACT_PATH.fullmatch(request.path.split("?", 1)[0])
                assert match is not None
                instance_id, contact_id = (urllib.parse.unquote(g) for g in match.groups())
                return fake._describe_contact(instance_id, contact_id)
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
