"""The runtime's Connect time budget against the function's timeout and API Gateway's.

API Gateway gives up on a Lambda integration after its integration timeout, 29 s by default
for a REST API ("Amazon API Gateway quotas"; the construct keeps the default), so the
function's timeout must end before that, and the runtime's Connect client must give up before
the function's timeout, so the caller gets the broker's own 504 problem instead of API
Gateway's generic error.

botocore's standard retry mode ("Retries" in the Boto3 guide; ``botocore.retries.standard``):
the random delay before retry ``n`` (0-based) is at most ``min(scale * 2**n, 20)`` seconds,
with ``scale`` 1 s after a throttling error and 50 ms otherwise; when the response carries
``x-amz-retry-after`` the delay may grow by up to 5 s more.
"""

from __future__ import annotations

from constructs_lib import _validation, defaults
from runtime.broker import connect

API_GATEWAY_TIMEOUT_SECONDS = 29
THROTTLING_SCALE_SECONDS = 1.0
OTHER_SCALE_SECONDS = 0.05
RETRY_AFTER_EXTRA_SECONDS = 5.0
MAX_DELAY_SECONDS = 20.0


def attempts_seconds() -> float:
    """Every attempt runs into its connect and read timeouts."""
    return connect.MAX_ATTEMPTS * (connect.CONNECT_TIMEOUT_SECONDS + connect.READ_TIMEOUT_SECONDS)


def delays_seconds(scale: float, extra: float) -> float:
    return sum(
        min(scale * 2**n, MAX_DELAY_SECONDS) + extra for n in range(connect.MAX_ATTEMPTS - 1)
    )


def test_every_attempt_timing_out_ends_well_inside_the_default_timeout() -> None:
    worst = attempts_seconds() + delays_seconds(OTHER_SCALE_SECONDS, 0)
    assert worst == 12.15
    assert worst < defaults.TIMEOUT.to_seconds() / 2


def test_slow_throttled_attempts_with_retry_after_still_end_by_the_default_timeout() -> None:
    """The bound no attempt order can exceed: each attempt takes its whole timeout and each
    delay is the longest a throttling retry with ``x-amz-retry-after`` can wait."""
    worst = attempts_seconds() + delays_seconds(THROTTLING_SCALE_SECONDS, RETRY_AFTER_EXTRA_SECONDS)
    assert worst == 25
    assert worst <= defaults.TIMEOUT.to_seconds()


def test_default_timeout_is_accepted_and_below_api_gateways() -> None:
    _validation.check_timeout(defaults.TIMEOUT)
    assert defaults.TIMEOUT.to_seconds() == 25
    assert defaults.TIMEOUT.to_seconds() <= _validation._MAX_TIMEOUT_SECONDS
    assert _validation._MAX_TIMEOUT_SECONDS < API_GATEWAY_TIMEOUT_SECONDS
