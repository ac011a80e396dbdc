"""botocore's standard retry mode (``botocore/retries/standard.py``, ``quota.py``,
``special.py``): which failures, the backoff with jitter, the client's retry quota; and beyond
botocore, no retry whose delay and worst-case attempt exceed the time left."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import NamedTuple

TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
MAX_BACKOFF = 20.0
RETRY_AFTER_MAX_ADDITIONAL = 5.0
THROTTLING_SCALE = 1.0
CAPACITY = 500
RETRY_COST = 14
THROTTLING_RETRY_COST = 5
NO_RETRY_INCREMENT = 1


class Rules(NamedTuple):
    """What the retry decision needs to know of an operation."""

    modeled: frozenset[str]
    """The operation's modeled error codes."""
    retryable: Mapping[str, bool] = {}
    """Modeled errors marked retryable, and whether each is a throttle."""


class Attempt(NamedTuple):
    """One attempt's outcome: an answer (``status``) or none (``status`` is None)."""

    number: int
    status: int | None = None
    code: str | None = None
    headers: Mapping[str, str] = {}
    body: bytes = b""


class Quota:
    """A client's retry quota (thread-safe)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.maximum = self.available = capacity
        self._lock = threading.Lock()

    def acquire(self, amount: int) -> bool:
        with self._lock:
            if amount > self.available:
                return False
            self.available -= amount
            return True

    def release(self, amount: int) -> None:
        with self._lock:
            self.available = min(self.maximum, self.available + amount)


def is_throttle(attempt: Attempt, rules: Rules) -> bool:
    if attempt.code in THROTTLING_CODES:
        return True
    if attempt.code is not None and attempt.code in rules.retryable:
        return rules.retryable[attempt.code]
    return attempt.status == 429 and attempt.code not in rules.modeled


def _crc32_mismatch(attempt: Attempt) -> bool:
    expected = attempt.headers.get("x-amz-crc32")
    if attempt.status is None or expected is None or not expected.isdigit():
        return False
    import zlib  # DynamoDB's answers alone

    return int(expected) != zlib.crc32(attempt.body) & 0xFFFFFFFF


def is_retryable(attempt: Attempt, rules: Rules, crc32: bool = False) -> bool:
    """Whether to retry, attempts aside (``crc32``: check DynamoDB's ``x-amz-crc32``)."""
    if attempt.status is None or attempt.status in TRANSIENT_STATUSES:
        return True
    return (
        attempt.code in TRANSIENT_CODES
        or attempt.code in THROTTLING_CODES
        or (attempt.status == 429 and attempt.code not in rules.modeled)
        or attempt.code in rules.retryable
        or (crc32 and _crc32_mismatch(attempt))
    )


def delay(attempt: Attempt, rules: Rules, random: Callable[[], float], scale: float) -> float:
    """Seconds before the next attempt (``scale``: the base of errors not throttles)."""
    scale = THROTTLING_SCALE if is_throttle(attempt, rules) else scale
    backoff: float = random() * min(scale * 2.0 ** (attempt.number - 1), MAX_BACKOFF)
    try:
        after = int(attempt.headers["x-amz-retry-after"]) / 1000.0
    except (KeyError, ValueError, OverflowError):
        return backoff
    return backoff if after < 0 else max(backoff, min(after, RETRY_AFTER_MAX_ADDITIONAL + backoff))


class CallState:
    """What one call's attempts share: ``metadata`` (``MaxAttemptsReached`` or
    ``RetryQuotaReached`` when the last attempt stopped so), ``capacity`` (the quota the last
    retry took)."""

    def __init__(self) -> None:
        self.metadata: dict[str, bool] = {}
        self.capacity: int | None = None


class Policy:
    """The retry decisions of one client."""

    def __init__(self, max_attempts: int, scale: float = 0.05, crc32: bool = False) -> None:
        self.max_attempts, self.scale, self.crc32 = max_attempts, scale, crc32
        self.quota = Quota()

    def next_delay(
        self,
        attempt: Attempt,
        rules: Rules,
        state: CallState,
        random: Callable[[], float],
        room: float | None = None,
    ) -> float | None:
        """The delay before retrying, or None; ``room``: seconds for it and a retry (None: any)."""
        if attempt.number >= self.max_attempts:
            state.metadata["MaxAttemptsReached"] = True
            return None
        if not is_retryable(attempt, rules, self.crc32):
            return None
        cost = THROTTLING_RETRY_COST if is_throttle(attempt, rules) else RETRY_COST
        if not self.quota.acquire(cost):
            state.metadata["RetryQuotaReached"] = True
            return None
        wait = delay(attempt, rules, random, self.scale)
        if room is not None and wait > room:
            self.quota.release(cost)
            return None
        state.capacity = cost
        return wait

    def after_call(self, status: int | None, state: CallState) -> None:
        """Give back quota after a call that ends in a success."""
        if status is not None and 200 <= status < 300:
            self.quota.release(NO_RETRY_INCREMENT if state.capacity is None else state.capacity)
