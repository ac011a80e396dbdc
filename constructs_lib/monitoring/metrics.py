"""The broker's metrics: the constants the alarms and the runtime agree on, and
:class:`BrokerMetrics`, which ``ParticipantBroker.metric_*()``, the alarms and the dashboard
share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

from .. import _contract, checks, defaults

if TYPE_CHECKING:
    from aws_cdk import aws_lambda as lambda_

DEFAULT_METRICS_NAMESPACE: Final = defaults.METRICS_NAMESPACE

# CloudWatch statistics, as ``cloudwatch.Stats`` spells them: plain strings here, because
# reading ``cloudwatch.Stats`` costs a call into the CDK's JavaScript every time.
SUM: Final = "Sum"
AVERAGE: Final = "Average"
P99: Final = "p99"
P50: Final = "p50"
DEFAULT_LAMBDA_ERRORS_THRESHOLD: Final = 1
DEFAULT_LAMBDA_THROTTLES_THRESHOLD: Final = 1
DEFAULT_API_5XX_RATE_THRESHOLD: Final = 0.05
_BUDGET = _contract.budget()
#: One attempt of a Connect call at its timeouts (connect + read, ``runtime/broker/budget.py``):
#: a p99 ``ConnectLatency`` at or above it means calls are timing out or being retried.
DEFAULT_LATENCY_P99_THRESHOLD_MS: Final[int] = 1000 * int(
    _BUDGET.CONNECT_TIMEOUT_SECONDS + _BUDGET.READ_TIMEOUT_SECONDS
)
DEFAULT_CONNECT_THROTTLES_THRESHOLD: Final = 1
#: Refused redemptions in five minutes: a few mistyped or stale links are normal; more is
#: someone trying secrets, or a front end sending used-up links.
DEFAULT_FAILED_REDEMPTIONS_THRESHOLD: Final = 10

#: The Amazon Connect exceptions CreateParticipant raises that the runtime maps to an answer.
#: The runtime also reports ``Timeout`` and ``Unknown`` as an ``ErrorCode``.
CONNECT_ERROR_CODES: Final = (
    "InvalidRequestException",
    "ResourceNotFoundException",
    "ConflictException",
    "ServiceQuotaExceededException",
    "ThrottlingException",
    "InternalServiceException",
)

#: Every alarm and graph aggregates over five minutes.
PERIOD: Final = Duration.minutes(5)
PERIOD_SECONDS: Final = 300
#: How many consecutive five-minute periods must breach before each alarm fires.
LAMBDA_ERRORS_EVALUATION_PERIODS: Final = 1
LAMBDA_THROTTLES_EVALUATION_PERIODS: Final = 1
API_5XX_EVALUATION_PERIODS: Final = 3
API_5XX_DATAPOINTS_TO_ALARM: Final = 2
LATENCY_P99_EVALUATION_PERIODS: Final = 3
CONNECT_THROTTLES_EVALUATION_PERIODS: Final = 1
FAILED_REDEMPTIONS_EVALUATION_PERIODS: Final = 1

_NAMES = _contract.settings()["metrics"]
#: Every metric the runtime emits (``runtime/broker/settings.json``).
RUNTIME_METRICS: Final = frozenset(
    [*_NAMES["counters"], _NAMES["latency"], _NAMES["errors"], *_NAMES["invitationCounters"]]
)
API_NAMESPACE: Final = "AWS/ApiGateway"
RUNBOOK: Final = "Runbook: 'Operating it' (docs/operating.md) of connect-participant-broker."


@dataclass(frozen=True)
class BrokerMetrics:
    """The metrics of one broker: its API stage's, its function's and the runtime's."""

    function: lambda_.IFunction
    function_name: str
    api_name: str
    stage_name: str
    namespace: str

    def api(self, metric_name: str, statistic: str, label: str) -> cloudwatch.Metric:
        """An API Gateway metric of this broker's stage."""
        return cloudwatch.Metric(
            namespace=API_NAMESPACE,
            metric_name=metric_name,
            dimensions_map={"ApiName": self.api_name, "Stage": self.stage_name},
            statistic=statistic,
            period=PERIOD,
            label=label,
        )

    def runtime(self, metric_name: str, statistic: str, label: str) -> cloudwatch.Metric:
        """A metric the runtime emits in Embedded Metric Format."""
        return cloudwatch.Metric(
            namespace=self.namespace,
            metric_name=checks.runtime_metric(metric_name, RUNTIME_METRICS),
            dimensions_map={"FunctionName": self.function_name},
            statistic=statistic,
            period=PERIOD,
            label=label,
        )

    def lambda_(self, metric_name: str, statistic: str, label: str) -> cloudwatch.Metric:
        """A metric Lambda publishes for this broker's function."""
        return self.function.metric(metric_name, statistic=statistic, period=PERIOD, label=label)

    # The metrics the alarms watch, which ``ParticipantBroker.metric_*()`` return too.

    def lambda_errors(self) -> cloudwatch.Metric:
        """The function's errors (unhandled exceptions, timeouts, out of memory), summed."""
        return self.lambda_("Errors", SUM, "Errors")

    def lambda_throttles(self) -> cloudwatch.Metric:
        """The function's throttled invocations, summed."""
        return self.lambda_("Throttles", SUM, "Throttles")

    def api_5xx_rate(self) -> cloudwatch.Metric:
        """The share of the stage's requests answered with a 5xx (0 to 1)."""
        return self.api("5XXError", AVERAGE, "5xx rate")

    def connect_latency(self, statistic: str = P99) -> cloudwatch.Metric:
        """CreateParticipant's latency (ms, without the agent wait), p99 by default."""
        return self.runtime("ConnectLatency", statistic, f"Connect latency {statistic}")

    def connect_throttles(self) -> cloudwatch.Metric:
        """Requests Amazon Connect throttled after the SDK's retries, summed."""
        return self.runtime("ConnectThrottles", SUM, "Connect throttles")

    def participants_created(self) -> cloudwatch.Metric:
        """Participants the broker added, summed."""
        return self.runtime("ParticipantsCreated", SUM, "Created")

    def redemptions_refused(self) -> cloudwatch.Metric:
        """Invitation redemptions refused (unknown, expired, used up or revoked), summed."""
        return self.runtime("InvitationRedemptionsRefused", SUM, "Refused redemptions")


def connect_errors_search(namespace: str, function_name: str) -> str:
    """A SEARCH expression: one ``ConnectErrors`` series per ``ErrorCode`` of one function."""
    return metric_search(namespace, function_name, _NAMES["errors"], "ErrorCode")


def metric_search(namespace: str, function_name: str, metric: str, dimension: str) -> str:
    """A SEARCH expression: one series of ``metric`` per value of ``dimension``."""
    schema = f'{{"{namespace}",{dimension},FunctionName}}'
    terms = f'MetricName="{metric}" FunctionName="{function_name}"'
    return f"SEARCH('{schema} {terms}', 'Sum', {PERIOD_SECONDS})"
