"""``ParticipantBroker.metric_*()``: the metrics the alarms watch, for an app's own alarms and
graphs, with or without the broker's monitoring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from broker_support import INSTANCE_ID

from constructs_lib import ConnectInstance, ParticipantBroker

#: Each method, and the alarm attribute watching the same metric.
WATCHED = {
    "metric_lambda_errors": "lambda_errors_alarm",
    "metric_api_5xx_rate": "api_5xx_alarm",
    "metric_connect_latency": "latency_p99_alarm",
    "metric_connect_throttles": "connect_throttles_alarm",
}


def _shape(stack: cdk.Stack, metric: cloudwatch.IMetric) -> dict[str, Any]:
    config = metric.to_metric_config().metric_stat
    assert config is not None
    return {
        "namespace": config.namespace,
        "name": config.metric_name,
        "statistic": config.statistic,
        "period": config.period.to_seconds(),
        "dimensions": {d.name: stack.resolve(d.value) for d in config.dimensions or []},
    }


@pytest.fixture(scope="module")
def brokers(
    app_factory: Callable[..., cdk.App],
) -> tuple[cdk.Stack, ParticipantBroker, ParticipantBroker]:
    stack = cdk.Stack(app_factory(), "Stack")
    instance = ConnectInstance.from_id(INSTANCE_ID)
    watched = ParticipantBroker(stack, "Watched", instance=instance)
    bare = ParticipantBroker(
        stack, "Bare", instance=instance, alarms=False, metrics_namespace="Own"
    )
    return stack, watched, bare


@pytest.mark.parametrize(("method", "alarm"), sorted(WATCHED.items()))
def test_each_metric_is_the_one_its_alarm_watches(
    brokers: tuple[cdk.Stack, ParticipantBroker, ParticipantBroker], method: str, alarm: str
) -> None:
    stack, broker, _ = brokers
    watched = getattr(broker, alarm)
    assert watched is not None
    assert _shape(stack, getattr(broker, method)()) == _shape(stack, watched.metric)


def test_a_broker_without_monitoring_has_the_same_metrics_in_its_namespace(
    brokers: tuple[cdk.Stack, ParticipantBroker, ParticipantBroker],
) -> None:
    stack, _, bare = brokers
    assert bare.monitoring is None
    assert _shape(stack, bare.metric_participants_created()) == {
        "namespace": "Own",
        "name": "ParticipantsCreated",
        "statistic": "Sum",
        "period": 300,
        "dimensions": {"FunctionName": stack.resolve(bare.lambda_function.function_name)},
    }
    assert _shape(stack, bare.metric_connect_latency("p50"))["statistic"] == "p50"
