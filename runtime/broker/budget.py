"""The Connect calls' time budget (docs/contract.md, "Time budget and retries"); standard
library only: the construct loads this file to check ``timeout`` and ``agent_wait``."""

from __future__ import annotations

import time
from contextvars import ContextVar

CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
MAX_ATTEMPTS = 2
#: Standard retry mode's longest backoff before retry ``i`` (from 1), throttled: ``2 ** (i - 1)`` s.
THROTTLING_BACKOFF_BASE_SECONDS = 1
MARGIN_SECONDS = 1
AGENT_POLL_SECONDS = 1.0
_deadline: ContextVar[float | None] = ContextVar("deadline", default=None)


def start(remaining_seconds: float | None) -> None:
    """Note when the invocation ends (``None``: not in Lambda); the clients retry only within."""
    _deadline.set(None if remaining_seconds is None else time.monotonic() + remaining_seconds)


def time_left() -> float | None:
    """Seconds left of the invocation (``None``: no bound)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


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
