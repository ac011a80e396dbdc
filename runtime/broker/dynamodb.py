"""The DynamoDB client of the invitation table (:mod:`.aws.dynamodb`): created by the first
invitation request of an execution environment (the participants route never creates it),
injectable for tests and the local broker. The store calls through :func:`call`, which raises
:class:`StoreFailure` (or :class:`ConditionFailed`, with the item as it was).

Time budget: each attempt gets a 0.5 s connect and a 1 s read timeout, at most 2 attempts
(backoff at most 1 s after throttling): at most 4 s per call (:func:`call_seconds`). A
redemption makes one call before the participants route's calls and, when it gives a use back,
one after: it hands the contact checks the time left minus one call (``docs/invitations.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, cast

from . import budget
from .aws import dynamodb as aws_dynamodb
from .aws.errors import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
MAX_ATTEMPTS = 2
#: DynamoDB's throttling errors (after the SDK's retries).
THROTTLING_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException"}
)
TIMEOUTS = (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError)
CONDITION_FAILED = "ConditionalCheckFailedException"
_METHODS = {"PutItem": "put_item", "UpdateItem": "update_item", "Query": "query"}


class DynamoDBClient(Protocol):
    def put_item(self, **kwargs: Any) -> dict[str, Any]: ...

    def update_item(self, **kwargs: Any) -> dict[str, Any]: ...

    def query(self, **kwargs: Any) -> dict[str, Any]: ...


_client: DynamoDBClient | None = None


def call_seconds() -> float:
    """A call's worst case: every attempt at its timeouts, plus the longest backoff (4 s)."""
    return MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + (MAX_ATTEMPTS - 1)


def create_client(region: str | None, **options: Any) -> aws_dynamodb.DynamoDBClient:
    """A client with the time budget (``options``: the client's test seams)."""
    return aws_dynamodb.DynamoDBClient(
        region=region,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        max_attempts=MAX_ATTEMPTS,
        time_left=budget.time_left,
        **options,
    )


def get_client(region: str | None) -> DynamoDBClient:
    """Return the module's client, creating it on first use."""
    global _client
    if _client is None:
        _client = create_client(region)
    return _client


def set_client(client: DynamoDBClient | None) -> None:
    """Inject a client (tests, local runs); ``None`` makes the next call create one."""
    global _client
    _client = client


def error_code(error: Exception) -> str | None:
    """DynamoDB's error code of a ``ClientError``, else ``None``."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code")
        return code if isinstance(code, str) else None
    return None


class StoreFailure(Exception):
    """A failed call: ``problem`` is the ``problems.json`` code of its answer, ``code`` names the
    error in the log (DynamoDB's code, else the exception's type), ``error`` is what was raised."""

    def __init__(self, operation: str, error: Exception) -> None:
        self.operation, self.error = operation, error
        code = error_code(error)
        self.code = code or type(error).__name__
        if code in THROTTLING_CODES:
            self.problem = "throttled"
        elif isinstance(error, TIMEOUTS) or code == "InternalServerError":
            self.problem = "invitations-unavailable"
        else:
            self.problem = "internal"


class ConditionFailed(StoreFailure):
    """A conditional write whose condition was false; ``item``: the item as it was, when asked
    for (``ReturnValuesOnConditionCheckFailure``) and there."""

    @property
    def item(self) -> Mapping[str, Any] | None:
        if not isinstance(self.error, ClientError):
            return None  # pragma: no mutate (only ClientError has a code)
        return cast("Mapping[str, Any] | None", self.error.response.get("Item"))


def call(client: DynamoDBClient, operation: str, **params: Any) -> dict[str, Any]:
    """Call ``operation`` (``PutItem``, ``UpdateItem`` or ``Query``); raise
    :class:`ConditionFailed` or :class:`StoreFailure` when it fails."""
    try:
        result: dict[str, Any] = getattr(client, _METHODS[operation])(**params)
    except Exception as error:
        failure = ConditionFailed if error_code(error) == CONDITION_FAILED else StoreFailure
        raise failure(operation, error) from error
    return result
