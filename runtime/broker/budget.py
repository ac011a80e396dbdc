"""The Connect calls' time budget (docs/contract.md, "Time budget and retries"); standard
library only: the construct loads this file to check ``timeout`` and ``agent_wait``."""

from __future__ import annotations

CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
MAX_ATTEMPTS = 2
#: botocore's longest backoff before retry ``i`` (from 1) after throttling: ``2 ** (i - 1)`` s.
THROTTLING_BACKOFF_BASE_SECONDS = 1
MARGIN_SECONDS = 1
AGENT_POLL_SECONDS = 1.0


def call_seconds() -> float:
    """A call's worst case: every attempt at its timeouts, plus the backoff (7 s)."""
    backoff = sum(THROTTLING_BACKOFF_BASE_SECONDS << retry for retry in range(MAX_ATTEMPTS - 1))
    return MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + backoff


def wait_seconds(agent_wait_seconds: float, remaining_seconds: float | None) -> float:
    """The agent wait, cut so that a last DescribeContact and CreateParticipant still fit in
    ``remaining_seconds`` (``None``: not in Lambda)."""
    if remaining_seconds is None:
        return agent_wait_seconds
    room = remaining_seconds - 2 * call_seconds() - MARGIN_SECONDS
    return max(0.0, min(agent_wait_seconds, room))
