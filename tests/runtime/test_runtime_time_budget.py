"""The Connect client's time budget (``budget.py``) fits inside the function's timeout.

Backoff and retry-after bounds are botocore's standard retry mode (``ExponentialBackoff``):
a delay of at most ``base_scale * 2 ** i`` (1 s for throttling errors, 50 ms otherwise),
raised by ``x-amz-retry-after`` to at most that plus 5 s. API Gateway gives up on a Lambda
integration after 29 s ("Amazon API Gateway quotas"; the construct keeps the default).
"""

from __future__ import annotations

import pytest
from botocore.retries.standard import ExponentialBackoff
from runtime_support import FakeLambdaContext, api_gateway_event
from wire_stub import WireStubber

from constructs_lib import checks as _checks
from constructs_lib import defaults
from runtime.broker import budget, connect, handler

API_GATEWAY_LIMIT_SECONDS = 29
ATTEMPT = connect.CONNECT_TIMEOUT_SECONDS + connect.READ_TIMEOUT_SECONDS
RETRIES = range(connect.MAX_ATTEMPTS - 1)
BACKOFF = ExponentialBackoff._DEFAULT_BACKOFF_CONFIG
RETRY_AFTER_EXTRA = ExponentialBackoff._RETRY_AFTER_MAX_ADDITIONAL


def delays(base_scale: float, retry_after: bool) -> float:
    """The longest total delay between the attempts."""
    extra = RETRY_AFTER_EXTRA if retry_after else 0
    return sum(base_scale * 2**i + extra for i in RETRIES)


def test_the_client_uses_the_budget() -> None:
    client = connect.create_client("eu-west-1")
    assert (
        (client.connect_timeout, client.read_timeout)
        == (1, 2)
        == (
            budget.CONNECT_TIMEOUT_SECONDS,
            budget.READ_TIMEOUT_SECONDS,
        )
    )
    assert client.policy.max_attempts == budget.MAX_ATTEMPTS == 2


def test_every_attempt_timing_out_takes_at_most_6_05_s() -> None:
    worst = connect.MAX_ATTEMPTS * ATTEMPT + delays(BACKOFF["non_throttling_base_scale"], False)
    assert worst == pytest.approx(6.05)


def test_one_call_takes_at_most_its_attempts_at_their_timeouts_and_a_throttling_backoff() -> None:
    worst = connect.MAX_ATTEMPTS * ATTEMPT + delays(BACKOFF["throttling_base_scale"], False)
    assert worst == budget.call_seconds() == 7


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 3), (2, 7), (3, 12), (4, 19)])
def test_a_calls_worst_case_follows_botocore_for_any_number_of_attempts(
    monkeypatch: pytest.MonkeyPatch, attempts: int, seconds: float
) -> None:
    """Should the attempts change, the budget still adds botocore's throttling backoff."""
    monkeypatch.setattr(budget, "MAX_ATTEMPTS", attempts)
    backoff = sum(BACKOFF["throttling_base_scale"] * 2**i for i in range(attempts - 1))
    assert budget.call_seconds() == attempts * ATTEMPT + backoff == seconds


def test_three_calls_and_the_default_wait_fit_the_default_timeout() -> None:
    """DescribeContact, the wait, a last DescribeContact, CreateParticipant, and the margin:
    what the construct checks at synth."""
    worst = 3 * budget.call_seconds() + defaults.AGENT_WAIT.to_seconds() + budget.MARGIN_SECONDS
    assert worst == _checks.required_timeout_seconds(True, 3) == 25
    assert worst == defaults.TIMEOUT.to_seconds() < API_GATEWAY_LIMIT_SECONDS


def test_an_x_amz_retry_after_is_outside_the_bound_but_two_such_calls_still_fit() -> None:
    """Connect is not documented to send ``x-amz-retry-after``; if it did, one call could take
    12 s (each attempt its whole timeout, each delay the longest a throttling retry with the
    header can wait), and a request with no wait (two calls) 24 s plus the margin: still the
    default timeout. With a wait, the runtime cuts the wait to the time left."""
    worst = connect.MAX_ATTEMPTS * ATTEMPT + delays(BACKOFF["throttling_base_scale"], True)
    assert worst == 12
    assert 2 * worst + budget.MARGIN_SECONDS <= defaults.TIMEOUT.to_seconds()


@pytest.mark.parametrize(("remaining", "wait"), [(None, 3), (25, 3), (16.5, 1.5), (15, 0), (2, 0)])
def test_the_wait_is_cut_to_the_time_left(remaining: float | None, wait: float) -> None:
    # A last DescribeContact and CreateParticipant (7 s each) and the 1 s margin come first.
    assert budget.wait_seconds(3, remaining) == wait


def test_docstring_gives_the_bounds() -> None:
    doc = connect.__doc__ or ""
    assert "at most 7 s" in doc and "12 s" in doc


def test_default_timeout_is_one_the_construct_accepts() -> None:
    _checks.timeout(defaults.TIMEOUT)
    assert defaults.TIMEOUT.to_seconds() <= _checks.MAX_TIMEOUT_SECONDS
    assert _checks.MAX_TIMEOUT_SECONDS < API_GATEWAY_LIMIT_SECONDS


@pytest.mark.parametrize(("remaining_ms", "attempts"), [(20_000, 2), (2_900, 1)])
def test_a_retry_is_made_only_when_it_fits_in_the_time_left(
    stub: WireStubber, context: FakeLambdaContext, remaining_ms: int, attempts: int
) -> None:
    """A throttled CreateParticipant is retried (standard mode, 2 attempts) unless the backoff
    and another attempt (3 s) would outlast the invocation."""
    context.remaining_ms = remaining_ms
    stub.add_client_error("create_participant", "ThrottlingException", "slow", 400)
    response = handler.handler(api_gateway_event({"displayName": "Ana"}), context)
    assert response["statusCode"] == 429
    assert len(stub.sent) == attempts


def test_outside_lambda_there_is_no_bound() -> None:
    budget.start(None)
    assert budget.time_left() is None
    budget.start(10)
    assert 9 < (budget.time_left() or 0) <= 10
