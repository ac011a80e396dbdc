"""Alarms and an optional dashboard for a participant broker (:class:`BrokerMonitoring`), over
the metrics of ``metrics`` (which ``ParticipantBroker.metric_*()`` return too)."""

from __future__ import annotations

from .construct import BrokerMonitoring
from .metrics import (
    CONNECT_ERROR_CODES,
    DEFAULT_API_5XX_RATE_THRESHOLD,
    DEFAULT_CONNECT_THROTTLES_THRESHOLD,
    DEFAULT_FAILED_REDEMPTIONS_THRESHOLD,
    DEFAULT_LAMBDA_ERRORS_THRESHOLD,
    DEFAULT_LAMBDA_THROTTLES_THRESHOLD,
    DEFAULT_LATENCY_P99_THRESHOLD_MS,
    DEFAULT_METRICS_NAMESPACE,
)

__all__ = [
    "CONNECT_ERROR_CODES",
    "DEFAULT_API_5XX_RATE_THRESHOLD",
    "DEFAULT_CONNECT_THROTTLES_THRESHOLD",
    "DEFAULT_FAILED_REDEMPTIONS_THRESHOLD",
    "DEFAULT_LAMBDA_ERRORS_THRESHOLD",
    "DEFAULT_LAMBDA_THROTTLES_THRESHOLD",
    "DEFAULT_LATENCY_P99_THRESHOLD_MS",
    "DEFAULT_METRICS_NAMESPACE",
    "BrokerMonitoring",
]
