"""Retries: the same decisions as botocore's standard mode for the same sequences of answers,
and the bound of the time left that the client adds.

botocore and the client, each fresh (a full retry quota), get the same calls in the same order,
each call a sequence of answers: retryable codes (transient, throttling, modeled retryable),
HTTP 429 with a modeled and an unmodeled code, 5xx with and without a body, connection errors,
connect and read timeouts, ``x-amz-retry-after``, DynamoDB's ``x-amz-crc32``, for 1 to 5
attempts. After each call: the same requests (``amz-sdk-request``'s attempt, maximum and
``ttl``), the same delays (one seeded random source), the same result and metadata
(``RetryAttempts``, ``MaxAttemptsReached``, ``RetryQuotaReached``), and the same quota left.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from aws_oracle import (
    Answer,
    Exchange,
    botocore_client,
    botocore_quota,
    environ,
    our_client,
    run_botocore,
    run_ours,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.broker.aws import retries
from runtime.broker.aws.connect import ConnectClient
from runtime.broker.aws.dynamodb import DynamoDBClient

DATE = {"Date": "Sat, 14 Mar 2026 15:09:21 GMT"}


def _error(code: str, status: int, **headers: str) -> Answer:
    body = json.dumps({"__type": f"com.amazon#{code}", "message": "m"}).encode()
    return Answer(status, {"x-amzn-RequestId": "r", **headers}, body)


def _crc(good: bool) -> Answer:
    body = b"{}"
    crc = zlib.crc32(body) & 0xFFFFFFFF
    return Answer(200, {"x-amz-crc32": str(crc if good else crc + 1)}, body)


OK = Answer(200, {"x-amzn-RequestId": "ok", **DATE}, b"{}")
ANSWERS = {
    "ok": OK,
    "500": Answer(500, DATE, b""),
    "502 html": Answer(502, {}, b"<html>bad gateway</html>"),
    "503 json": _error("ServiceUnavailable", 503),
    "504": Answer(504, {}, b""),
    "501": Answer(501, {}, b""),
    "400 RequestTimeout": _error("RequestTimeout", 400),
    "400 RequestTimeoutException": _error("RequestTimeoutException", 400),
    "400 PriorRequestNotComplete": _error("PriorRequestNotComplete", 400),
    "400 Throttling": _error("Throttling", 400),
    "400 ThrottlingException": _error("ThrottlingException", 400, **DATE),
    "400 SlowDown retry-after": _error("SlowDown", 400, **{"x-amz-retry-after": "2500"}),
    "400 TooManyRequests retry-after bad": _error(
        "TooManyRequestsException", 400, **{"x-amz-retry-after": "x"}
    ),
    "400 ProvisionedThroughputExceeded": _error("ProvisionedThroughputExceededException", 400),
    "400 ReplicatedWriteConflict": _error("ReplicatedWriteConflictException", 400),
    "400 ConditionalCheckFailed": _error("ConditionalCheckFailedException", 400),
    "400 AccessDenied": _error("AccessDeniedException", 400),
    "429 modeled ThrottlingException": _error("ThrottlingException", 429),
    "429 modeled InvalidRequest": _error("InvalidRequestException", 429),
    "429 unmodeled": _error("SomethingElse", 429),
    "429 empty": Answer(429, {}, b""),
    "crc ok": _crc(True),
    "crc bad": _crc(False),
    "connect-timeout": Answer(failure="connect-timeout"),
    "read-timeout": Answer(failure="read-timeout"),
    "connection": Answer(failure="connection"),
    "closed": Answer(failure="closed"),
}
OPERATIONS = [
    ("connect", ConnectClient, "describe_contact", {"InstanceId": "i", "ContactId": "c"}),
    ("dynamodb", DynamoDBClient, "query", {"TableName": "t"}),
]
Sequence = list[str]


def _compare(operation: int, attempts: int, calls: list[Sequence]) -> None:
    service, cls, method, params = OPERATIONS[operation]
    theirs = botocore_client(service, "eu-west-2", token=True, attempts=attempts)
    ours = our_client(cls, "eu-west-2", environ(token=True), attempts)
    for call in calls:
        sent = [ANSWERS[name] for name in call]
        expected = Exchange(sent)
        outcome = run_botocore(theirs, method, dict(params), expected)
        actual = Exchange(sent)
        assert run_ours(ours, method, dict(params), actual) == outcome, call
        assert actual.sent == expected.sent, call
        assert actual.slept == expected.slept, call
        assert ours.policy.quota.available == botocore_quota(theirs), call


@pytest.mark.parametrize("attempts", [1, 3])
@pytest.mark.parametrize("operation", [0, 1], ids=["connect", "dynamodb"])
def test_each_answer_twice_then_a_success(operation: int, attempts: int) -> None:
    """Each kind of answer, on one pair of clients (their quotas follow each other)."""
    _compare(operation, attempts, [[name, name, "ok"] for name in sorted(ANSWERS)])


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    operation=st.sampled_from([0, 1]),
    attempts=st.integers(1, 5),
    calls=st.lists(st.lists(st.sampled_from(sorted(ANSWERS)), min_size=1, max_size=5), max_size=8),
)
def test_sequences_of_calls_decide_as_botocore(
    operation: int, attempts: int, calls: list[Sequence]
) -> None:
    _compare(operation, attempts, calls)


def test_the_quota_runs_out_and_refills_as_botocores() -> None:
    """Thirty-six failed calls of 2 retries each take the whole quota (14 per retry); then no
    retry (``RetryQuotaReached``) until successes give capacity back."""
    _compare(0, 3, [["500"]] * 40 + [["ok"]] * 20 + [["500", "ok"]] * 3)
    _compare(1, 3, [["400 Throttling"]] * 60 + [["ok"]] * 5)


# -- the time budget --------------------------------------------------------------------------


def _budgeted(left: Callable[[], float | None], answers: list[Answer]) -> tuple[Any, Exchange]:
    ours = our_client(ConnectClient, "eu-west-2", environ(token=True))
    ours.time_left = left
    exchange = Exchange(answers)
    return ours, exchange


@pytest.mark.parametrize(
    ("left", "tries"),
    [
        (None, 2),  # outside Lambda: botocore's decision
        (3.0 + 0.05, 2),  # the retry's delay (at most 50 ms) and a whole attempt (1 + 2 s) fit
        (3.0 + 0.0, 1),  # a whole attempt fits, the delay does not
        (2.9, 1),  # not even an attempt
    ],
)
def test_a_retry_starts_only_if_its_delay_and_a_whole_attempt_fit_in_the_time_left(
    left: float | None, tries: int
) -> None:
    """Connect's attempt takes at most 3 s (1 s to connect, 2 s to read); random() is 0.99, so
    a 500's retry waits 0.0495 s."""
    ours, exchange = _budgeted(lambda: left, [ANSWERS["500"], OK])
    ours.random = lambda: 0.99
    outcome = run_ours(ours, "describe_contact", {"InstanceId": "i", "ContactId": "c"}, exchange)
    assert len(exchange.sent) == tries
    assert outcome[0] == ("ok" if tries == 2 else "error")


def test_a_retry_refused_for_time_gives_its_quota_back() -> None:
    ours, exchange = _budgeted(lambda: 1.0, [ANSWERS["500"]])
    run_ours(ours, "describe_contact", {"InstanceId": "i", "ContactId": "c"}, exchange)
    assert ours.policy.quota.available == retries.CAPACITY
    assert exchange.slept == []


def test_the_time_left_is_read_before_each_retry() -> None:
    """A throttled call in a shrinking budget: retried while it fits, then stops."""
    budget = iter([100.0, 100.0, 3.5, 3.5])
    ours, exchange = _budgeted(lambda: next(budget), [ANSWERS["400 Throttling"]])
    ours.policy.max_attempts = 5
    ours.random = lambda: 0.5
    run_ours(ours, "describe_contact", {"InstanceId": "i", "ContactId": "c"}, exchange)
    assert exchange.slept == [0.5, 1.0]
    assert len(exchange.sent) == 3
