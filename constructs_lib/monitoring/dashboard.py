"""The broker's CloudWatch dashboard: the alarms' signals and the runtime's metrics."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from .metrics import (
    AVERAGE,
    P50,
    P99,
    PERIOD,
    SUM,
    BrokerMetrics,
    connect_errors_search,
    metric_search,
)


def build_dashboard(
    scope: Construct,
    metrics: BrokerMetrics,
    alarms: Sequence[cloudwatch.Alarm],
    *,
    api_5xx_rate_threshold: float,
    latency_threshold_ms: float,
    invitations: bool,
) -> cloudwatch.Dashboard:
    """A dashboard with the alarms' signals and the runtime's metrics."""
    board = cloudwatch.Dashboard(scope, "Dashboard")
    board.add_widgets(*_api_widgets(metrics, api_5xx_rate_threshold))
    board.add_widgets(*_lambda_widgets(metrics))
    board.add_widgets(*_connect_widgets(metrics))
    board.add_widgets(*_rejection_widgets(metrics, latency_threshold_ms))
    if invitations:
        board.add_widgets(*_invitation_widgets(metrics))
    if alarms:
        board.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms), width=24)
        )
    return board


def _api_widgets(metrics: BrokerMetrics, api_5xx_rate_threshold: float) -> list[cloudwatch.IWidget]:
    """Requests, 5xx/4xx rate and latency of the API stage."""
    return [
        _graph("API requests", [metrics.api("Count", SUM, "Requests")]),
        _graph(
            "API error rate (fraction of requests)",
            [
                metrics.api("5XXError", AVERAGE, "5xx rate"),
                metrics.api("4XXError", AVERAGE, "4xx rate"),
            ],
            threshold=api_5xx_rate_threshold,
        ),
        _graph(
            "API latency (ms, with the agent wait)",
            [
                metrics.api("Latency", P99, "Latency p99"),
                metrics.api("Latency", P50, "Latency p50"),
                metrics.api("IntegrationLatency", P99, "IntegrationLatency p99"),
            ],
        ),
    ]


def _lambda_widgets(metrics: BrokerMetrics) -> list[cloudwatch.IWidget]:
    """Invocations, errors, throttles and duration of the function."""
    return [
        _graph(
            "Lambda invocations, errors, throttles",
            [
                metrics.lambda_("Invocations", SUM, "Invocations"),
                metrics.lambda_("Errors", SUM, "Errors"),
                metrics.lambda_("Throttles", SUM, "Throttles"),
            ],
        ),
        _graph(
            "Lambda duration (ms)",
            [
                metrics.lambda_("Duration", P99, "Duration p99"),
                metrics.lambda_("Duration", P50, "Duration p50"),
            ],
        ),
        _graph(
            "Participants created",
            [metrics.runtime("ParticipantsCreated", SUM, "Created")],
        ),
    ]


def _connect_widgets(metrics: BrokerMetrics) -> list[cloudwatch.IWidget]:
    """Connect errors by exception name, throttles and call latency."""
    by_code = cloudwatch.SearchExpression(
        expression=connect_errors_search(metrics.namespace, metrics.function_name),
        label="",
        period=PERIOD,
    )
    return [
        _graph("Connect errors by ErrorCode", [by_code], width=12),
        _graph(
            "Connect throttles and errors",
            [
                metrics.runtime("ConnectThrottles", SUM, "Throttles"),
                metrics.runtime("ConnectErrors", SUM, "All errors"),
            ],
            width=12,
        ),
    ]


def _rejection_widgets(
    metrics: BrokerMetrics, latency_threshold_ms: float
) -> list[cloudwatch.IWidget]:
    """The broker's own rejections and Connect's call latency."""
    return [
        _graph(
            "Validation and policy rejections",
            [
                metrics.runtime("ValidationRejections", SUM, "400s"),
                metrics.runtime("PolicyRejections", SUM, "403s"),
            ],
            width=12,
        ),
        _graph(
            "Connect latency (ms)",
            [
                metrics.runtime("ConnectLatency", P99, "p99"),
                metrics.runtime("ConnectLatency", P50, "p50"),
            ],
            threshold=latency_threshold_ms,
            width=12,
        ),
    ]


def _invitation_widgets(metrics: BrokerMetrics) -> list[cloudwatch.IWidget]:
    """What happens to invitations, and why redemptions are refused."""
    by_reason = cloudwatch.SearchExpression(
        expression=metric_search(
            metrics.namespace,
            metrics.function_name,
            "InvitationRedemptionsRefused",
            "Reason",
        ),
        label="",
        period=PERIOD,
    )
    return [
        _graph(
            "Invitations",
            [
                metrics.runtime("InvitationsCreated", SUM, "Created"),
                metrics.runtime("InvitationsRedeemed", SUM, "Redeemed"),
                metrics.runtime("InvitationsRevoked", SUM, "Revoked"),
                metrics.runtime("InvitationStoreErrors", SUM, "Store errors"),
            ],
            width=12,
        ),
        _graph("Refused redemptions by Reason", [by_reason], width=12),
    ]


def _graph(
    title: str,
    metrics: Sequence[cloudwatch.IMetric],
    *,
    threshold: float | None = None,
    width: int = 8,
) -> cloudwatch.GraphWidget:
    """A time-series graph, with the alarm threshold drawn when there is one."""
    annotations = (
        []
        if threshold is None
        else [cloudwatch.HorizontalAnnotation(value=threshold, label="Alarm threshold")]
    )
    return cloudwatch.GraphWidget(
        title=title, left=list(metrics), left_annotations=annotations, width=width, height=6
    )
