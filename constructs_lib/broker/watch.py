"""The broker's monitoring (``constructs_lib/monitoring/``) and the metrics its ``metric_*()``
methods return, the same ones the alarms watch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs import Construct

from ..monitoring import BrokerMonitoring
from ..monitoring.metrics import BrokerMetrics

if TYPE_CHECKING:
    from aws_cdk import aws_apigateway as apigateway
    from aws_cdk import aws_lambda as lambda_

    from .props import ParticipantBrokerProps


def build_monitoring(
    scope: Construct,
    props: ParticipantBrokerProps,
    function: lambda_.Function,
    api: apigateway.RestApi,
    stage: apigateway.Stage,
) -> BrokerMonitoring | None:
    """The alarms and dashboard (constructs_lib/monitoring/) of ``api``'s deployment
    ``stage``, unless both are off."""
    if not (props.alarms or props.dashboard):
        return None
    return BrokerMonitoring(
        scope,
        "Monitoring",
        function=function,
        rest_api=api,
        stage=stage,
        metrics_namespace=props.metrics_namespace,
        alarms=props.alarms,
        dashboard=props.dashboard,
        alarm_topic=props.alarm_topic,
        alarm_actions=props.alarm_actions,
        lambda_errors_threshold=props.lambda_errors_threshold,
        lambda_throttles_threshold=props.lambda_throttles_threshold,
        api_5xx_rate_threshold=props.api_5xx_rate_threshold,
        latency_p99_threshold=props.latency_p99_threshold,
        connect_throttles_threshold=props.connect_throttles_threshold,
        invitations=props.invitations is not None,
        failed_redemptions_threshold=(
            None if props.invitations is None else props.invitations.failed_redemptions_threshold
        ),
    )


def broker_metrics(
    monitoring: BrokerMonitoring | None,
    function: lambda_.Function,
    api: apigateway.RestApi,
    namespace: str,
) -> BrokerMetrics:
    """The monitoring's metrics, or (without monitoring) the same metrics built here."""
    if monitoring is not None:
        return monitoring.metrics
    return BrokerMetrics(
        function=function,
        function_name=function.function_name,
        api_name=api.rest_api_name,
        stage_name=api.deployment_stage.stage_name,
        namespace=namespace,
    )
