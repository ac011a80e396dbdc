"""The invitation routes' counters, printed as an EMF record of their own beside the handler's
(every counter by ``FunctionName``, a refused redemption also by ``[FunctionName, Reason]``;
never a secret, a key or a contact ID), and the answer to a failed store call."""

from __future__ import annotations

import functools
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from . import logs, metrics
from .config import Config
from .context import Route, current
from .dynamodb import StoreFailure
from .logs import LOGGER
from .problems import INTERNAL_DETAIL, Problem
from .settings import INVITATION_COUNTERS

STORE_DETAIL = "The invitation store could not complete the request; retry after Retry-After."
#: The counters of an invitation route's EMF record.
COUNTERS = INVITATION_COUNTERS


@dataclass
class Tally:
    """One invocation's invitation counters (0 or 1 each) and a refused redemption's reason."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    reason: str | None = None


_tally: ContextVar[Tally] = ContextVar("tally")


def count(name: str, reason: str | None = None) -> None:
    """Set one counter of this invocation to 1 (a refusal also gives its reason)."""
    tally = _tally.get()
    if name not in tally.counts:
        raise KeyError(f"no invitation counter {name!r}")
    tally.counts[name] = 1
    tally.reason = reason or tally.reason


def emit(tally: Tally, config: Config) -> None:
    """Print the tally's EMF record."""
    dimensions = [["FunctionName"], *([["FunctionName", "Reason"]] if tally.reason else [])]
    context = logs.context()
    record: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": config.metrics_namespace,
                    "Dimensions": dimensions,
                    "Metrics": [{"Name": name, "Unit": metrics.COUNT} for name in COUNTERS],
                }
            ],
        },
        "FunctionName": config.function_name,
        **tally.counts,
        **({"Reason": tally.reason} if tally.reason else {}),
        "apiRequestId": context["apiRequestId"],
    }
    metrics.emit(record)


def store_failure(failure: StoreFailure) -> Problem:
    """Count and log a failed DynamoDB call; return its answer."""
    count("InvitationStoreErrors")
    detail = INTERNAL_DETAIL if failure.problem == "internal" else STORE_DETAIL
    problem = Problem(failure.problem, detail)
    fields: dict[str, Any] = {
        "status": problem.status,
        "operation": failure.operation,
        "errorCode": failure.code,
    }
    if problem.status == 500:
        fields.update(logs.exception_fields(failure.error))
    LOGGER.warning("invitation store call failed", fields)
    return problem


def tallied(route: Route) -> Route:
    """``route`` with its own tally, printed when it ends; a failed store call answered."""

    @functools.wraps(route)
    def counted() -> dict[str, Any]:
        tally = Tally()
        token = _tally.set(tally)
        try:
            return route()
        except StoreFailure as failure:
            raise store_failure(failure) from None
        finally:
            _tally.reset(token)
            emit(tally, current().config)

    return counted
