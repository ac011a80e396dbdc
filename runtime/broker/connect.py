"""The Amazon Connect client: created once per execution environment, injectable for tests.

The client is built through a botocore session whose ``data_path`` is this package's
``data/`` directory, which holds Connect's service model reduced to the operations the broker
calls (``scripts/reduce_connect_model.py``). Whatever botocore the Lambda runtime ships, the
client therefore knows ``ParticipantCapabilities`` and a contact's ``Attributes``, and it loads a
few kilobytes of model instead of Connect's whole one. Signing, retries, endpoints and error
parsing stay botocore's.

Timeouts and retries come from :mod:`.budget`: a call takes at most 7 s (12 s if Connect sent
botocore's longest ``x-amz-retry-after``, which it is not documented to do), so the broker
answers ``504`` itself, before the function's timeout and API Gateway's 29 s.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from . import budget, tracing
from .problems import INTERNAL_DETAIL

#: The botocore data path shipped in the asset (``connect/2017-08-08/service-2.json``).
DATA_PATH = Path(__file__).resolve().parent / "data"
CONNECT_TIMEOUT_SECONDS = budget.CONNECT_TIMEOUT_SECONDS
READ_TIMEOUT_SECONDS = budget.READ_TIMEOUT_SECONDS
MAX_ATTEMPTS = budget.MAX_ATTEMPTS
CREATE_PARTICIPANT = "CreateParticipant"
DESCRIBE_CONTACT = "DescribeContact"
USER_AGENT_EXTRA = "connect-participant-broker/1"

_TIMEOUTS = (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError)
_SAFE_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")


class ConnectClient(Protocol):
    """The part of botocore's Connect client the broker uses."""

    def create_participant(self, **kwargs: Any) -> dict[str, Any]:
        """Call Connect's CreateParticipant."""
        ...

    def describe_contact(self, **kwargs: Any) -> dict[str, Any]:
        """Call Connect's DescribeContact."""
        ...


@dataclass(frozen=True)
class Failure:
    """How a failed Connect call is answered and counted."""

    problem: str
    """The ``problems.json`` code of the response."""
    error_code: str
    """The ``ErrorCode`` metric dimension: Connect's exception name, ``Timeout`` or ``Unknown``."""
    detail: str
    """The problem's ``detail``: fixed text, never Connect's message."""


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
#: DescribeContact on the broker's instance with a contact ID the contract allows: a contact
#: Connect cannot find, or an ID it calls invalid, is no such contact in this instance.
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


def client_config() -> Config:
    """Return the botocore ``Config`` of the broker's client (see the module docstring)."""
    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        user_agent_extra=USER_AGENT_EXTRA,
    )


@functools.cache
def session() -> botocore.session.Session:
    """The function's one botocore session: its endpoint data loads once for every client."""
    created = botocore.session.Session()
    created.set_config_variable("data_path", str(DATA_PATH))
    return created


def create_client(region: str | None) -> ConnectClient:
    """Create a Connect client that loads its model from :data:`DATA_PATH`.

    The endpoint can be overridden with botocore's ``AWS_ENDPOINT_URL_CONNECT``. Every call is
    traced in AWS X-Ray when the invocation is sampled (:mod:`.tracing`).
    """
    client = session().create_client("connect", region_name=region, config=client_config())
    tracing.instrument(client.meta.events)
    return cast(ConnectClient, client)


def get_client(region: str | None) -> ConnectClient:
    """Return the module's client, creating it on first use."""
    global _client
    if _client is None:
        _client = create_client(region)
    return _client


def set_client(client: ConnectClient | None) -> None:
    """Inject a client (tests, local runs); ``None`` makes the next call create one."""
    global _client
    _client = client


def _error_code(code: object) -> str:
    """Return a Connect error code fit for a metric dimension, else ``Unknown``."""
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
