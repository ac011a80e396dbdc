"""A typed Python client for a ParticipantBroker's HTTP contract.

Standard library plus botocore (for SigV4 signing and credentials) only: importing this module
never imports aws_cdk and never needs Node.js. botocore comes with the package's ``client`` extra
(``pip install 'connect-participant-broker[client]'``); a calling service without the CDK can
install botocore and the package with ``--no-deps`` instead.

Example::

    from constructs_lib.client import BrokerClient, ContactNotFound

    broker = BrokerClient("https://abc123.execute-api.eu-west-2.amazonaws.com/prod/")
    participant = broker.create_participant(contact_id, "Ana", video=True)
    # pass participant.participant_token to Connect's CreateParticipantConnection

With invitations on (``invitations=InvitationOptions(...)``), ``create_invitation``,
``list_invitations`` and ``revoke_invitation`` call the invitation routes as the caller;
``redeem_invitation`` is what an invitee's app calls, with the secret alone (never signed, never
an ``Authorization`` header).

Each participant or redemption call sends one ``Idempotency-Key`` (generated unless given) and
reuses it on its retries, so a retried request never adds a second participant. Throttling
(429), Connect trouble (503), gateway timeouts (502, 504), client timeouts and connection errors
are retried with capped exponential backoff, honouring ``Retry-After``; other errors raise at
once as a :class:`BrokerError` subclass. So do failures before anything is sent: botocore's
credential errors (:class:`CredentialsError`) and any other botocore error while signing
(:class:`SigningError`).
A WebRTC call whose agent has not connected yet (:class:`AgentNotConnected`) is retried per
``Retry-After`` only when the call opts in with ``wait_for_agent``.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.client import HTTPException
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from constructs_lib import _extras

if TYPE_CHECKING:
    from botocore.credentials import Credentials
    from botocore.session import Session

__all__ = [
    "AccessDenied",
    "AgentNotConnected",
    "BadGateway",
    "BrokerClient",
    "BrokerError",
    "BrokerUnreachable",
    "ChannelNotSupported",
    "Conflict",
    "ContactEnded",
    "ContactNotFound",
    "CredentialsError",
    "GatewayTimeout",
    "InternalError",
    "InvalidRequest",
    "Invitation",
    "InvitationNotValid",
    "InvitationStoreUnavailable",
    "NotAllowed",
    "NotFound",
    "OpenInvitation",
    "Participant",
    "PayloadTooLarge",
    "RoleNotValidForChannel",
    "SigningError",
    "Throttled",
    "Unauthorized",
    "Unavailable",
    "UnsupportedMediaType",
]

_LOG = logging.getLogger(__name__)
_URN: Final = "urn:connect-participant-broker:problem:"
_RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})
_HOST_REGION: Final = re.compile(
    r"[a-z0-9-]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?",
)
_USER_AGENT: Final = "connect-participant-broker-client/1"


@dataclass(frozen=True)
class Participant:
    """A participant the broker added to a contact.

    ``participant_token`` is a secret: pass it to Connect's ``CreateParticipantConnection`` and
    nowhere else. It is left out of ``repr()`` so it does not end up in logs by accident.
    ``role`` is the role Connect gave the participant (``None`` from a broker older than the
    contract's v2, which does not say).
    """

    participant_id: str
    participant_token: str = field(repr=False)
    expiry: datetime
    role: str | None = None


@dataclass(frozen=True)
class Invitation:
    """An invitation just created: ``secret`` is what the invitee needs, and the broker cannot
    show it again. It is left out of ``repr()``; share it out of band, for example in a link's
    ``#fragment``, never in a URL path or query."""

    invitation_id: str
    secret: str = field(repr=False)
    expiry: datetime
    uses: int
    role: str


@dataclass(frozen=True)
class OpenInvitation:
    """An invitation that can still be redeemed, as ``list_invitations`` shows it."""

    invitation_id: str
    expiry: datetime
    uses: int
    uses_left: int
    role: str
    display_name: str | None = None
    capabilities: Mapping[str, str] = field(default_factory=dict)


class BrokerError(Exception):
    """The broker answered with an error (an RFC 9457 problem), or could not be reached.

    Attributes:
        status: the HTTP status (``None`` only for :class:`BrokerUnreachable`).
        type: the problem type URN (``about:blank`` when the answer was not a problem document).
        title: short summary of the problem type.
        detail: what went wrong with this request.
        request_id: the API Gateway request ID, to quote when asking the broker's operators.
        errors: per-field validation messages (``[{"field": ..., "message": ...}]``), for 400s,
            403s and ``role-not-valid-for-channel``.
        retry_after: the broker's ``Retry-After`` in seconds, when it sent one (429, 503,
            ``agent-not-connected``).
    """

    status_code: ClassVar[int | None] = None
    problem_type: ClassVar[str | None] = None

    def __init__(
        self,
        status: int | None,
        title: str,
        detail: str = "",
        *,
        type: str = "about:blank",
        request_id: str | None = None,
        errors: tuple[Mapping[str, str], ...] = (),
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.request_id = request_id
        self.errors = errors
        self.retry_after = retry_after
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [f"{self.status} {self.title}" if self.status else self.title]
        if self.detail:
            parts.append(f": {self.detail}")
        if self.request_id:
            parts.append(f" (request {self.request_id})")
        return "".join(parts)


class InvalidRequest(BrokerError):
    """400: the request breaks the contract, or Connect refused it (for example, no agent yet)."""

    status_code = 400
    problem_type = _URN + "invalid-request"


class Unauthorized(BrokerError):
    """401: the authorizer found no valid credentials."""

    status_code = 401
    problem_type = _URN + "unauthorized"


class AccessDenied(BrokerError):
    """403 from the gateway: the caller's identity may not invoke this API."""

    status_code = 403
    problem_type = _URN + "access-denied"


class NotAllowed(BrokerError):
    """403 from the broker: the role or a capability is not allowed by its configuration."""

    status_code = 403
    problem_type = _URN + "not-allowed"


class ContactNotFound(BrokerError):
    """404: Connect has no such contact in the broker's instance (or, with contact-bound
    callers, it is not this caller's contact)."""

    status_code = 404
    problem_type = _URN + "contact-not-found"


class NotFound(BrokerError):
    """404 from the gateway: no such resource (check the broker URL and its stage)."""

    status_code = 404
    problem_type = _URN + "not-found"


class Conflict(BrokerError):
    """409: the contact cannot take this participant now (for example, the call is full).

    The contact checks' answers are subclasses, so ``except Conflict`` catches every 409.
    """

    status_code = 409
    problem_type = _URN + "conflict"


class ContactEnded(Conflict):
    """409: the contact has ended; start a new one."""

    problem_type = _URN + "contact-ended"


class ChannelNotSupported(Conflict):
    """409: the contact is a task, an email or a voice call that is not WebRTC."""

    problem_type = _URN + "channel-not-supported"


class AgentNotConnected(Conflict):
    """409: the WebRTC call's agent has not connected yet; ``retry_after`` says when to retry
    (or pass ``wait_for_agent`` to :meth:`BrokerClient.create_participant`)."""

    problem_type = _URN + "agent-not-connected"


class RoleNotValidForChannel(Conflict):
    """409: the contact's channel takes other roles than the one asked for (see ``errors``)."""

    problem_type = _URN + "role-not-valid-for-channel"


class InvitationNotValid(BrokerError):
    """404: no such invitation, or it has expired, been used up or been revoked (one answer for
    all four, by design)."""

    status_code = 404
    problem_type = _URN + "invitation-not-valid"


class PayloadTooLarge(BrokerError):
    """413: the request body is too large."""

    status_code = 413
    problem_type = _URN + "too-large"


class UnsupportedMediaType(BrokerError):
    """415: the request body is not JSON."""

    status_code = 415
    problem_type = _URN + "unsupported-media-type"


class Throttled(BrokerError):
    """429: too many requests, still throttled after this client's retries."""

    status_code = 429
    problem_type = _URN + "throttled"


class InternalError(BrokerError):
    """500: something unexpected happened inside the broker."""

    status_code = 500
    problem_type = _URN + "internal"


class BadGateway(BrokerError):
    """502: the broker's function failed to answer (API Gateway's own answer), still after this
    client's retries."""

    status_code = 502
    problem_type = _URN + "bad-gateway"


class Unavailable(BrokerError):
    """503: Amazon Connect is unavailable, still after this client's retries."""

    status_code = 503
    problem_type = _URN + "unavailable"


class InvitationStoreUnavailable(Unavailable):
    """503: the broker's invitation table could not answer, still after this client's retries."""

    problem_type = _URN + "invitations-unavailable"


class GatewayTimeout(BrokerError):
    """504: Amazon Connect did not answer within the broker's time budget."""

    status_code = 504
    problem_type = _URN + "timeout"


class BrokerUnreachable(BrokerError):
    """No HTTP answer (timeouts, refused or reset connections, TLS failures, a connection closed
    or an answer cut short), still after retries."""


class SigningError(BrokerError):
    """The request could not be signed, so nothing was sent: botocore failed while signing (for
    example a missing profile while reading the region), or the region is unknown. The botocore
    exception, if any, is ``__cause__``."""


class CredentialsError(SigningError):
    """No usable AWS credentials to sign with, so nothing was sent: botocore's
    ``NoCredentialsError``, ``PartialCredentialsError``, ``ProfileNotFound``,
    ``CredentialRetrievalError``, an expired SSO token, a role it could not assume, ... The
    botocore exception is ``__cause__``."""


_BY_TYPE: Final[dict[str, type[BrokerError]]] = {
    cls.problem_type: cls
    for cls in (
        InvalidRequest,
        Unauthorized,
        AccessDenied,
        NotAllowed,
        ContactNotFound,
        NotFound,
        Conflict,
        ContactEnded,
        ChannelNotSupported,
        AgentNotConnected,
        RoleNotValidForChannel,
        InvitationNotValid,
        InvitationStoreUnavailable,
        PayloadTooLarge,
        UnsupportedMediaType,
        Throttled,
        InternalError,
        BadGateway,
        Unavailable,
        GatewayTimeout,
    )
    if cls.problem_type is not None
}
_BY_STATUS: Final[dict[int, type[BrokerError]]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: AccessDenied,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: Throttled,
    500: InternalError,
    502: BadGateway,
    503: Unavailable,
    504: GatewayTimeout,
}


def region_from_url(url: str) -> str | None:
    """The AWS region in an ``execute-api`` host name, or ``None`` for any other host."""
    host = urllib.parse.urlsplit(url).hostname or ""
    match = _HOST_REGION.fullmatch(host)
    return match.group(1) if match else None


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class BrokerClient:
    """Calls one ParticipantBroker: ``POST {url}/contacts/{contactId}/participants``.

    Args:
        url: the broker's base URL (its ``url`` attribute, the stage URL, or a custom domain).
        session: the botocore session whose credentials sign requests; by default a new one
            (the standard credential chain: environment, profile, container or instance role).
        region: the region to sign for; by default taken from an ``execute-api`` URL, else from
            the session's configuration.
        timeout: seconds to wait for a connection and for each read (30 s by default: longer
            than API Gateway's 29 s, so the gateway's own 504 arrives first).
        max_attempts: attempts per call, first included (3 by default; 1 disables retries).
        authorization: an ``Authorization`` header value, or a function returning one per
            request (for example a Cognito token), used instead of SigV4 signing.
        sign: sign requests with SigV4 (the default); ``False`` sends them unsigned (only for the
            local development broker, which has no authentication). Signing needs botocore
            (the ``client`` extra): without it the constructor raises ``ModuleNotFoundError``
            naming the extra, before any request.
        backoff: base of the exponential backoff between retries, in seconds (0.25 by default).
        max_retry_after: the longest ``Retry-After`` this client honours, in seconds (20 by
            default; longer values are capped).
    """

    def __init__(
        self,
        url: str,
        session: Session | None = None,
        *,
        region: str | None = None,
        timeout: float = 30.0,
        max_attempts: int = 3,
        authorization: str | Callable[[], str] | None = None,
        sign: bool = True,
        backoff: float = 0.25,
        max_retry_after: float = 20.0,
    ) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("https", "http"):
            raise ValueError(f"url must start with https:// (got {url!r})")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        self._sign = sign and authorization is None
        if self._sign:
            _extras.require("botocore", feature="BrokerClient (SigV4 signing)")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._authorization = authorization
        self._session = session
        self._region = region
        self._credentials: Credentials | None = None

    # -- public API ------------------------------------------------------------------------

    def create_participant(
        self,
        contact_id: str,
        display_name: str,
        role: str | None = None,
        video: bool = False,
        screen_share: bool = False,
        idempotency_key: str | None = None,
        wait_for_agent: float = 0.0,
    ) -> Participant:
        """Add a participant to an ongoing contact and return its credentials.

        Args:
            contact_id: the Connect contact (for WebRTC, the initial contact ID).
            display_name: the name other participants see.
            role: the participant role (default: the role the contact's channel takes).
            video: ask for the video ``SEND`` capability.
            screen_share: ask for the screen-share ``SEND`` capability.
            idempotency_key: reuse a key to make a repeated call (same caller, same
                arguments) return the same participant; the broker scopes keys to the caller
                and the request, so the same key with other arguments is another participant.
                By default a new UUID, reused on this call's retries.
            wait_for_agent: seconds to keep asking, per the broker's ``Retry-After``, while it
                answers that the WebRTC call's agent has not connected yet. Default 0: raise
                :class:`AgentNotConnected` at once.

        Raises:
            BrokerError: a subclass per problem (``ContactNotFound``, ``Throttled``, ...).
        """
        body = _participant_body(display_name, role, video, screen_share)
        path = f"/contacts/{urllib.parse.quote(contact_id, safe='')}/participants"
        key = idempotency_key or str(uuid.uuid4())
        deadline = time.monotonic() + wait_for_agent
        while True:
            response = self._send("POST", path, body, key)
            delay = self._agent_delay(response, deadline)
            if delay is None:
                return _participant(response)
            _LOG.debug("agent not connected yet; asking again in %.1f s", delay)
            time.sleep(delay)

    def _agent_delay(self, response: _Response, deadline: float) -> float | None:
        """Seconds to wait before asking again for a call whose agent has not connected, or
        ``None`` when the answer is something else or the wait would pass ``deadline``."""
        if response.status != AgentNotConnected.status_code:
            return None
        payload = _parse_json(response.body)
        if not isinstance(payload, dict) or payload.get("type") != AgentNotConnected.problem_type:
            return None
        delay = self._delay(1, response.headers.get("retry-after"))
        return delay if time.monotonic() + delay <= deadline else None

    def create_invitation(
        self,
        contact_id: str,
        *,
        display_name: str | None = None,
        role: str | None = None,
        video: bool = False,
        screen_share: bool = False,
        lifetime_seconds: int | None = None,
        uses: int | None = None,
    ) -> Invitation:
        """Create an invitation to join ``contact_id`` (a broker with invitations).

        Args:
            contact_id: the Connect contact the invitee will join.
            display_name: the name the invitee gets; by default the invitee chooses one.
            role, video, screen_share: what the invitee gets, as for ``create_participant``.
            lifetime_seconds: how long it lasts; by default the broker's default lifetime.
            uses: how many people may redeem it; by default 1.

        A retried call (after a 5xx or no answer) may leave an extra invitation whose secret
        nobody received; it expires unused.
        """
        body = _participant_body(display_name, role, video, screen_share)
        if lifetime_seconds is not None:
            body["lifetimeSeconds"] = lifetime_seconds
        if uses is not None:
            body["uses"] = uses
        response = self._send("POST", _invitations_path(contact_id), body, None)
        payload = _payload(response, 201)
        return _built(
            response,
            lambda: Invitation(
                invitation_id=str(payload["invitationId"]),
                secret=str(payload["secret"]),
                expiry=datetime.fromisoformat(str(payload["expiry"])),
                uses=int(payload["uses"]),
                role=str(payload["role"]),
            ),
        )

    def list_invitations(self, contact_id: str) -> list[OpenInvitation]:
        """The invitations of ``contact_id`` that can still be redeemed (never their secrets)."""
        response = self._send("GET", _invitations_path(contact_id), None, None)
        payload = _payload(response, 200)
        return _built(
            response,
            lambda: [
                OpenInvitation(
                    invitation_id=str(entry["invitationId"]),
                    expiry=datetime.fromisoformat(str(entry["expiry"])),
                    uses=int(entry["uses"]),
                    uses_left=int(entry["usesLeft"]),
                    role=str(entry["role"]),
                    display_name=entry.get("displayName"),
                    capabilities=dict(entry.get("capabilities", {})),
                )
                for entry in payload["invitations"]
            ],
        )

    def revoke_invitation(self, contact_id: str, invitation_id: str) -> None:
        """Revoke an invitation of ``contact_id``; revoking it again is not an error.

        Raises:
            InvitationNotValid: the contact has no such invitation.
        """
        path = f"{_invitations_path(contact_id)}/{urllib.parse.quote(invitation_id, safe='')}"
        response = self._send("DELETE", path, None, None)
        if response.status != 204:
            raise _error(response, _parse_json(response.body))

    def redeem_invitation(
        self,
        secret: str,
        display_name: str | None = None,
        idempotency_key: str | None = None,
    ) -> Participant:
        """Join the invitation's contact: the participant's credentials, as for
        ``create_participant``. Sent without any authentication: the secret is the credential.

        Args:
            secret: the invitation secret, exactly as created.
            display_name: the invitee's name; required when the invitation sets none, refused
                when it sets one.
            idempotency_key: by default a new UUID, reused on this call's retries, so a retried
                redemption returns the same participant and consumes no second use.

        Raises:
            InvitationNotValid: unknown, expired, used up or revoked.
        """
        body: dict[str, Any] = {"secret": secret}
        if display_name is not None:
            body["displayName"] = display_name
        key = idempotency_key or str(uuid.uuid4())
        response = self._send("POST", "/invitations/redeem", body, key, authenticate=False)
        return _participant(response)

    # -- transport -------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        key: str | None,
        *,
        authenticate: bool = True,
    ) -> _Response:
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._once(method, self.url + path, data, key, authenticate)
            except (TimeoutError, OSError, HTTPException) as error:
                if attempt >= self.max_attempts:
                    raise BrokerUnreachable(
                        None, "The broker could not be reached", _describe(error)
                    ) from error
                _LOG.debug("broker unreachable (%s); retry %d", type(error).__name__, attempt)
                time.sleep(self._delay(attempt, None))
                continue
            if response.status not in _RETRY_STATUSES or attempt >= self.max_attempts:
                return response
            _LOG.debug("broker answered %d; retry %d", response.status, attempt)
            time.sleep(self._delay(attempt, response.headers.get("retry-after")))

    def _once(
        self, method: str, url: str, data: bytes | None, key: str | None, authenticate: bool
    ) -> _Response:
        headers = {
            "Accept": "application/json, application/problem+json",
            "User-Agent": _USER_AGENT,
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        if authenticate:
            headers.update(self._auth_headers(method, url, data or b"", headers))
        # The scheme was checked in __init__: only http(s) URLs reach urllib.
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return _Response(answer.status, _lower(answer.headers), answer.read())
        except urllib.error.HTTPError as answer:
            with answer:
                return _Response(answer.code, _lower(answer.headers), answer.read())
        except urllib.error.URLError as error:
            reason = error.reason
            raise (reason if isinstance(reason, OSError) else OSError(str(reason))) from error

    def _auth_headers(
        self, method: str, url: str, data: bytes, headers: Mapping[str, str]
    ) -> dict[str, str]:
        if self._authorization is not None:
            value = self._authorization
            return {"Authorization": value() if callable(value) else value}
        if not self._sign:
            return {}
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.exceptions import BotoCoreError
        from botocore.exceptions import ClientError as BotocoreClientError

        botocore_errors = (BotoCoreError, BotocoreClientError)
        try:
            credentials = self._frozen_credentials()
        except botocore_errors as error:
            raise CredentialsError(None, "No usable AWS credentials", str(error)) from error
        try:
            request = AWSRequest(method=method, url=url, data=data, headers=dict(headers))
            SigV4Auth(credentials, "execute-api", self._signing_region()).add_auth(request)
        except botocore_errors as error:
            raise SigningError(None, "The request could not be signed", str(error)) from error
        return {name: str(value) for name, value in request.headers.items()}

    def _get_session(self) -> Session:
        if self._session is None:
            import botocore.session

            self._session = botocore.session.get_session()
        return self._session

    def _frozen_credentials(self) -> Any:
        if self._credentials is None:
            credentials = self._get_session().get_credentials()
            if credentials is None:
                from botocore.exceptions import NoCredentialsError

                raise NoCredentialsError()
            self._credentials = credentials
        return self._credentials.get_frozen_credentials()

    def _signing_region(self) -> str:
        region = self._region or region_from_url(self.url)
        if region is None:
            configured = self._get_session().get_config_variable("region")
            region = str(configured) if configured else None
        if region is None:
            raise SigningError(
                None,
                "The request could not be signed",
                f"cannot tell the AWS region from {self.url!r}; pass region=, for example "
                "BrokerClient(url, region='eu-west-2')",
            )
        self._region = region
        return region

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next attempt: ``Retry-After`` or jittered backoff."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_retry_after)
            except ValueError:
                pass  # an HTTP date: fall back to backoff
        cap = min(self.backoff * 2 ** (attempt - 1), self.max_retry_after)
        return random.uniform(0, cap)  # noqa: S311 - jitter, not security


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out waiting for the broker"
    return f"{type(error).__name__}: {error}"


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _invitations_path(contact_id: str) -> str:
    return f"/contacts/{urllib.parse.quote(contact_id, safe='')}/invitations"


def _participant_body(
    display_name: str | None, role: str | None, video: bool, screen_share: bool
) -> dict[str, Any]:
    """The members a participant or an invitation request shares."""
    body: dict[str, Any] = {}
    if display_name is not None:
        body["displayName"] = display_name
    if role is not None:
        body["role"] = role
    capabilities = {
        name: "SEND" for name, wanted in (("video", video), ("screenShare", screen_share)) if wanted
    }
    if capabilities:
        body["capabilities"] = capabilities
    return body


def _payload(response: _Response, status: int) -> Any:
    """The JSON answer of a call that succeeds with ``status``; else its error, raised."""
    payload = _parse_json(response.body)
    if response.status != status:
        raise _error(response, payload)
    return payload


_T = TypeVar("_T")


def _built(response: _Response, build: Callable[[], _T]) -> _T:
    """``build()`` from a success answer, or a ``BrokerError`` when it breaks the contract."""
    try:
        return build()
    except (TypeError, KeyError, ValueError, AttributeError):
        raise BrokerError(
            response.status,
            "Unexpected response",
            f"the broker's {response.status} answer does not follow the contract",
            request_id=response.headers.get("x-amzn-requestid"),
        ) from None


def _participant(response: _Response) -> Participant:
    payload = _payload(response, 201)
    return _built(
        response,
        lambda: Participant(
            participant_id=str(payload["participantId"]),
            participant_token=str(payload["participantToken"]),
            expiry=datetime.fromisoformat(str(payload["expiry"])),
            role=payload["role"] if isinstance(payload.get("role"), str) else None,
        ),
    )


def _error(response: _Response, payload: Any) -> BrokerError:
    """The exception for an error response (a problem document, or anything else)."""
    problem = payload if isinstance(payload, dict) else {}
    problem_type = problem.get("type")
    cls = _BY_TYPE.get(problem_type) if isinstance(problem_type, str) else None
    if cls is None:
        cls = _BY_STATUS.get(response.status, BrokerError)
    title = problem.get("title") or problem.get("message") or f"HTTP {response.status}"
    raw_errors = problem.get("errors")
    errors = tuple(
        {"field": str(item.get("field", "")), "message": str(item.get("message", ""))}
        for item in (raw_errors if isinstance(raw_errors, list) else [])
        if isinstance(item, dict)
    )
    return cls(
        response.status,
        str(title),
        str(problem.get("detail") or ""),
        type=problem_type if isinstance(problem_type, str) else "about:blank",
        request_id=str(problem.get("requestId") or response.headers.get("x-amzn-requestid") or "")
        or None,
        errors=errors,
        retry_after=_seconds(response.headers.get("retry-after")),
    )


def _seconds(value: str | None) -> float | None:
    """A ``Retry-After`` given in seconds (``None`` when absent or an HTTP date)."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
