"""The client's exceptions: one :class:`BrokerError` subclass per problem type, and the one an
error answer maps to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

URN: Final = "urn:connect-participant-broker:problem:"


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
    problem_type = URN + "invalid-request"


class Unauthorized(BrokerError):
    """401: the authorizer found no valid credentials."""

    status_code = 401
    problem_type = URN + "unauthorized"


class AccessDenied(BrokerError):
    """403 from the gateway: the caller's identity may not invoke this API."""

    status_code = 403
    problem_type = URN + "access-denied"


class NotAllowed(BrokerError):
    """403 from the broker: the role or a capability is not allowed by its configuration."""

    status_code = 403
    problem_type = URN + "not-allowed"


class ContactNotFound(BrokerError):
    """404: Connect has no such contact in the broker's instance (or, with contact-bound
    callers, it is not this caller's contact)."""

    status_code = 404
    problem_type = URN + "contact-not-found"


class NotFound(BrokerError):
    """404 from the gateway: no such resource (check the broker URL and its stage)."""

    status_code = 404
    problem_type = URN + "not-found"


class Conflict(BrokerError):
    """409: the contact cannot take this participant now (for example, the call is full).

    The contact checks' answers are subclasses, so ``except Conflict`` catches every 409.
    """

    status_code = 409
    problem_type = URN + "conflict"


class ContactEnded(Conflict):
    """409: the contact has ended; start a new one."""

    problem_type = URN + "contact-ended"


class ChannelNotSupported(Conflict):
    """409: the contact is a task, an email or a voice call that is not WebRTC."""

    problem_type = URN + "channel-not-supported"


class AgentNotConnected(Conflict):
    """409: the WebRTC call's agent has not connected yet; ``retry_after`` says when to retry
    (or pass ``wait_for_agent`` to :meth:`BrokerClient.create_participant`)."""

    problem_type = URN + "agent-not-connected"


class RoleNotValidForChannel(Conflict):
    """409: the contact's channel takes other roles than the one asked for (see ``errors``)."""

    problem_type = URN + "role-not-valid-for-channel"


class InvitationNotValid(BrokerError):
    """404: no such invitation, or it has expired, been used up or been revoked (one answer for
    all four, by design)."""

    status_code = 404
    problem_type = URN + "invitation-not-valid"


class PayloadTooLarge(BrokerError):
    """413: the request body is too large."""

    status_code = 413
    problem_type = URN + "too-large"


class UnsupportedMediaType(BrokerError):
    """415: the request body is not JSON."""

    status_code = 415
    problem_type = URN + "unsupported-media-type"


class Throttled(BrokerError):
    """429: too many requests, still throttled after this client's retries."""

    status_code = 429
    problem_type = URN + "throttled"


class InternalError(BrokerError):
    """500: something unexpected happened inside the broker."""

    status_code = 500
    problem_type = URN + "internal"


class BadGateway(BrokerError):
    """502: the broker's function failed to answer (API Gateway's own answer), still after this
    client's retries."""

    status_code = 502
    problem_type = URN + "bad-gateway"


class Unavailable(BrokerError):
    """503: Amazon Connect is unavailable, still after this client's retries."""

    status_code = 503
    problem_type = URN + "unavailable"


class InvitationStoreUnavailable(Unavailable):
    """503: the broker's invitation table could not answer, still after this client's retries."""

    problem_type = URN + "invitations-unavailable"


class GatewayTimeout(BrokerError):
    """504: Amazon Connect did not answer within the broker's time budget."""

    status_code = 504
    problem_type = URN + "timeout"


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


BY_TYPE: Final[dict[str, type[BrokerError]]] = {
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
BY_STATUS: Final[dict[int, type[BrokerError]]] = {
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


def error_for(status: int, headers: Mapping[str, str], payload: Any) -> BrokerError:
    """The exception for an error response (a problem document, or anything else)."""
    problem = payload if isinstance(payload, dict) else {}
    problem_type = problem.get("type")
    cls = BY_TYPE.get(problem_type) if isinstance(problem_type, str) else None
    if cls is None:
        cls = BY_STATUS.get(status, BrokerError)
    title = problem.get("title") or problem.get("message") or f"HTTP {status}"
    raw_errors = problem.get("errors")
    errors = tuple(
        {"field": str(item.get("field", "")), "message": str(item.get("message", ""))}
        for item in (raw_errors if isinstance(raw_errors, list) else [])
        if isinstance(item, dict)
    )
    return cls(
        status,
        str(title),
        str(problem.get("detail") or ""),
        type=problem_type if isinstance(problem_type, str) else "about:blank",
        request_id=str(problem.get("requestId") or headers.get("x-amzn-requestid") or "") or None,
        errors=errors,
        retry_after=seconds(headers.get("retry-after")),
    )


def seconds(value: str | None) -> float | None:
    """A ``Retry-After`` given in seconds (``None`` when absent or an HTTP date)."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
