"""The Amazon Connect client (:mod:`.aws.connect`): created once per execution environment,
injectable for tests. Timeouts and attempts come from :mod:`.budget`: a call takes at most 7 s
(12 s after the longest ``x-amz-retry-after``, which Connect is not documented to send), so the
broker answers ``504`` itself, before the function's timeout and API Gateway's 29 s.
Every call is traced in X-Ray when sampled (:mod:`.tracing`)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple, Protocol

from . import budget, tracing
from .aws import connect as aws_connect
from .aws.errors import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from .problems import INTERNAL_DETAIL

CONNECT_TIMEOUT_SECONDS = budget.CONNECT_TIMEOUT_SECONDS
READ_TIMEOUT_SECONDS = budget.READ_TIMEOUT_SECONDS
MAX_ATTEMPTS = budget.MAX_ATTEMPTS
CREATE_PARTICIPANT = "CreateParticipant"
DESCRIBE_CONTACT = "DescribeContact"

_TIMEOUTS = (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError)
_SAFE_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")


class ConnectClient(Protocol):
    def create_participant(self, **kwargs: Any) -> dict[str, Any]: ...

    def describe_contact(self, *, InstanceId: str, ContactId: str) -> dict[str, Any]: ...


class Failure(NamedTuple):
    """How a failed call is answered (``problem``) and counted (``error_code``: Connect's
    exception name, ``Timeout`` or ``Unknown``); ``detail``: fixed text, never Connect's."""

    problem: str
    error_code: str
    detail: str


_CLIENT_ERRORS: dict[str, tuple[str, str]] = {
    "InvalidRequestException": (
        "invalid-request",
        "Amazon Connect rejected the request, for example because the agent has not "
        "joined the call yet.",
    ),
    "ResourceNotFoundException": (
        "contact-not-found",
        "Amazon Connect has no such contact in this broker's instance.",
    ),
    "ConflictException": (
        "conflict",
        "The contact cannot take this participant now.",
    ),
    "ServiceQuotaExceededException": (
        "conflict",
        "The contact cannot take this participant now, for example because the call is full.",
    ),
    "ThrottlingException": (
        "throttled",
        "Amazon Connect is throttling requests; retry after the delay in Retry-After.",
    ),
    "InternalServiceException": (
        "unavailable",
        "Amazon Connect could not process the request; retry after the delay in Retry-After.",
    ),
}
#: DescribeContact with a contact ID the contract allows: not found or invalid is no such contact.
_DESCRIBE_ERRORS: dict[str, tuple[str, str]] = {
    "InvalidRequestException": _CLIENT_ERRORS["ResourceNotFoundException"],
    "InvalidParameterException": _CLIENT_ERRORS["ResourceNotFoundException"],
    "ResourceNotFoundException": _CLIENT_ERRORS["ResourceNotFoundException"],
    "ThrottlingException": _CLIENT_ERRORS["ThrottlingException"],
    "InternalServiceException": _CLIENT_ERRORS["InternalServiceException"],
}
_ERRORS_BY_OPERATION = {CREATE_PARTICIPANT: _CLIENT_ERRORS, DESCRIBE_CONTACT: _DESCRIBE_ERRORS}
TIMEOUT = Failure(
    "timeout", "Timeout", "Amazon Connect did not answer within the broker's time budget."
)

_client: ConnectClient | None = None


def create_client(region: str | None, **options: Any) -> aws_connect.ConnectClient:
    """A traced client with the time budget (``options``: the client's test seams)."""
    client = aws_connect.ConnectClient(
        region=region,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        max_attempts=MAX_ATTEMPTS,
        time_left=budget.time_left,
        **options,
    )
    client.observers.append(tracing.record)
    return client


def get_client(region: str | None) -> ConnectClient:
    """The module's client, created on first use."""
    global _client
    if _client is None:
        _client = create_client(region)
    return _client


def set_client(client: ConnectClient | None) -> None:
    """Inject a client (tests, local runs); ``None`` makes the next call create one."""
    global _client
    _client = client


def _error_code(code: object) -> str:
    """A Connect error code fit for a metric dimension, else ``Unknown``."""
    if isinstance(code, str) and _SAFE_CODE.fullmatch(code):
        return code
    return "Unknown"


def classify(error: Exception, operation: str = CREATE_PARTICIPANT) -> Failure:
    """Map an exception raised by the ``operation`` call to the contract's answer."""
    if isinstance(error, _TIMEOUTS):
        return TIMEOUT
    if isinstance(error, ClientError):
        code = _error_code(error.response.get("Error", {}).get("Code"))
        known = _ERRORS_BY_OPERATION[operation]
        if code in known:
            problem, detail = known[code]
            return Failure(problem, code, detail)
        return Failure("internal", code, INTERNAL_DETAIL)
    return Failure("internal", "Unknown", INTERNAL_DETAIL)
