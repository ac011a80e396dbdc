"""CloudWatch metrics in the Embedded Metric Format: one JSON line per invocation.

Dimension ``FunctionName`` on every metric; ``ConnectErrors`` also by
``[FunctionName, ErrorCode]``. The counters ``ParticipantsCreated``, ``ValidationRejections``,
``PolicyRejections`` and ``ConnectThrottles`` are in every record (0 or 1), so alarms on
them see data whenever the function runs; ``ConnectLatency`` is present when Connect was
called, and ``ConnectErrors`` (1) when that call failed. Never the contact ID or display name.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from typing import Any

COUNT = "Count"
MILLISECONDS = "Milliseconds"
COUNTERS = ("ParticipantsCreated", "ValidationRejections", "PolicyRejections", "ConnectThrottles")


@dataclass
class Invocation:
    """What one invocation did, in metric terms."""

    participants_created: int = 0
    validation_rejections: int = 0
    policy_rejections: int = 0
    connect_throttles: int = 0
    connect_latency_ms: float | None = None
    connect_error_code: str | None = None

    def counters(self) -> dict[str, int]:
        """Return the counter metrics by name."""
        return {
            "ParticipantsCreated": self.participants_created,
            "ValidationRejections": self.validation_rejections,
            "PolicyRejections": self.policy_rejections,
            "ConnectThrottles": self.connect_throttles,
        }


def _directives(invocation: Invocation, namespace: str) -> list[dict[str, Any]]:
    """Return the ``CloudWatchMetrics`` directives of a record."""
    metrics = [{"Name": name, "Unit": COUNT} for name in COUNTERS]
    if invocation.connect_latency_ms is not None:
        metrics.append({"Name": "ConnectLatency", "Unit": MILLISECONDS})
    directives: list[dict[str, Any]] = [
        {"Namespace": namespace, "Dimensions": [["FunctionName"]], "Metrics": metrics}
    ]
    if invocation.connect_error_code is not None:
        directives.append(
            {
                "Namespace": namespace,
                "Dimensions": [["FunctionName"], ["FunctionName", "ErrorCode"]],
                "Metrics": [{"Name": "ConnectErrors", "Unit": COUNT}],
            }
        )
    return directives


def record(
    invocation: Invocation,
    *,
    namespace: str,
    function_name: str,
    properties: dict[str, str | None],
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """Return the EMF record of an invocation; ``properties`` are extra searchable members."""
    document: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000) if timestamp_ms is None else timestamp_ms,
            "CloudWatchMetrics": _directives(invocation, namespace),
        },
        "FunctionName": function_name,
        **invocation.counters(),
    }
    if invocation.connect_latency_ms is not None:
        document["ConnectLatency"] = round(invocation.connect_latency_ms, 3)
    if invocation.connect_error_code is not None:
        document["ErrorCode"] = invocation.connect_error_code
        document["ConnectErrors"] = 1
    document.update({key: value for key, value in properties.items() if value is not None})
    return document


def emit(document: dict[str, Any]) -> None:
    """Print an EMF record as one line on standard output."""
    sys.stdout.write(json.dumps(document, separators=(",", ":")) + "\n")
    sys.stdout.flush()
