"""The Connect client's time budget fits inside the function's timeout, as ``connect.py`` says.

Backoff and retry-after bounds are botocore's standard retry mode (``ExponentialBackoff``):
a delay of at most ``base_scale * 2 ** i`` (1 s for throttling errors, 50 ms otherwise),
raised by ``x-amz-retry-after`` to at most that plus 5 s.
"""

from __future__ import annotations

import pytest
from botocore.retries.standard import ExponentialBackoff

from constructs_lib import _validation, defaults
from runtime.broker import connect

API_GATEWAY_LIMIT_SECONDS = 29
ATTEMPT = connect.CONNECT_TIMEOUT_SECONDS + connect.READ_TIMEOUT_SECONDS
RETRIES = range(connect.MAX_ATTEMPTS - 1)
BACKOFF = ExponentialBackoff._DEFAULT_BACKOFF_CONFIG
RETRY_AFTER_EXTRA = ExponentialBackoff._RETRY_AFTER_MAX_ADDITIONAL


def delays(base_scale: float, retry_after: bool) -> float:
    """The longest total delay between the attempts."""
    extra = RETRY_AFTER_EXTRA if retry_after else 0
    return sum(base_scale * 2**i + extra for i in RETRIES)


def test_every_attempt_timing_out_takes_at_most_12_15_s() -> None:
    worst = connect.MAX_ATTEMPTS * ATTEMPT + delays(BACKOFF["non_throttling_base_scale"], False)
    assert worst == pytest.approx(12.15)


def test_throttled_with_retry_after_then_timed_out_takes_at_most_17_s() -> None:
    worst = delays(BACKOFF["throttling_base_scale"], True) + ATTEMPT
    assert worst == 17


def test_function_timeout_covers_the_budget_below_api_gateways_limit() -> None:
    timeout = defaults.TIMEOUT.to_seconds()
    assert 17 < timeout < API_GATEWAY_LIMIT_SECONDS


def test_docstring_names_the_constructs_default_timeout() -> None:
    doc = connect.__doc__ or ""
    assert f"default Lambda timeout, {defaults.TIMEOUT.to_seconds():g} s" in doc
    assert "12.15 s" in doc and "= 17 s" in doc


def test_slow_throttled_attempts_reach_exactly_the_default_timeout() -> None:
    """The docstring's last bound: each attempt takes its full 4 s and is still throttled."""
    worst = connect.MAX_ATTEMPTS * ATTEMPT + delays(BACKOFF["throttling_base_scale"], True)
    assert worst == 25 == defaults.TIMEOUT.to_seconds()


def test_default_timeout_is_one_the_construct_accepts() -> None:
    _validation.check_timeout(defaults.TIMEOUT)
    assert defaults.TIMEOUT.to_seconds() <= _validation._MAX_TIMEOUT_SECONDS
    assert _validation._MAX_TIMEOUT_SECONDS < API_GATEWAY_LIMIT_SECONDS
