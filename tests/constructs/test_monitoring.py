"""BrokerMonitoring: alarms, alarm actions, the dashboard, prop validation, and the runtime's EMF.

Each synthesized template is built once per module and only read by the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template
from aws_rules.metrics import least_value_ms

from constructs_lib import ConnectInstance, ParticipantBroker, _contract
from constructs_lib.monitoring import BrokerMonitoring

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "runtime"
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
NAMESPACE = "ConnectParticipantBroker"
ALARM = "AWS::CloudWatch::Alarm"
DASHBOARD = "AWS::CloudWatch::Dashboard"


# --- Fixtures -------------------------------------------------------------------------------


class Fixture:
    """A stack with a function and a REST API in front of it, as the broker has."""

    def __init__(self, app: cdk.App) -> None:
        self.stack = cdk.Stack(app, "Stack")
        self.function = lambda_.Function(
            self.stack,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        )
        self.api = apigateway.LambdaRestApi(
            self.stack, "Api", handler=self.function, rest_api_name="broker-api-under-test"
        )
        self.topic = sns.Topic(self.stack, "Topic")

    def monitoring(self, **props: Any) -> BrokerMonitoring:
        """Add a BrokerMonitoring for the fixture's function and API."""
        return BrokerMonitoring(
            self.stack, "Monitoring", function=self.function, rest_api=self.api, **props
        )

    def resolve(self, value: Any) -> Any:
        """What CloudFormation sees for ``value`` (a Ref for a token)."""
        return self.stack.resolve(value)

    @property
    def function_ref(self) -> Any:
        return self.resolve(self.function.function_name)

    @property
    def stage_ref(self) -> Any:
        return self.resolve(self.api.deployment_stage.stage_name)


AppFactory = Callable[..., cdk.App]


def _built(app_factory: AppFactory, **props: Any) -> tuple[Fixture, Template]:
    """Synthesize a fixture stack with BrokerMonitoring(**props)."""
    fixture = Fixture(app_factory())
    fixture.monitoring(**props)
    return fixture, Template.from_stack(fixture.stack)


@pytest.fixture(scope="module")
def default(app_factory: AppFactory) -> tuple[Fixture, Template]:
    """Defaults, with an alarm topic."""
    fixture = Fixture(app_factory())
    fixture.monitoring(alarm_topic=fixture.topic)
    return fixture, Template.from_stack(fixture.stack)


@pytest.fixture(scope="module")
def custom(app_factory: AppFactory) -> tuple[Fixture, Template]:
    """Every threshold changed, another namespace, a topic plus a second action, a dashboard."""
    fixture = Fixture(app_factory())
    pager = sns.Topic(fixture.stack, "Pager")
    fixture.monitoring(
        metrics_namespace="Acme/Broker",
        alarm_topic=fixture.topic,
        alarm_actions=[cloudwatch_actions.SnsAction(pager)],
        lambda_errors_threshold=5,
        lambda_throttles_threshold=3,
        api_5xx_rate_threshold=0.2,
        latency_p99_threshold=cdk.Duration.millis(1500),
        connect_throttles_threshold=10,
        dashboard=True,
    )
    return fixture, Template.from_stack(fixture.stack)


@pytest.fixture(scope="module")
def dashboard_only(app_factory: AppFactory) -> tuple[Fixture, Template]:
    """alarms=False, dashboard=True."""
    return _built(app_factory, alarms=False, dashboard=True)


@pytest.fixture()
def unsynthesized(app_factory: AppFactory) -> Fixture:
    """A fresh stack for validation tests (never synthesized)."""
    return Fixture(app_factory())


# --- Reading templates ----------------------------------------------------------------------


def _metric_stat(
    namespace: str, metric_name: str, dimensions: dict[str, Any], stat: str
) -> dict[str, Any]:
    """The ``Metrics`` entry CloudFormation holds for an alarm on one metric."""
    return {
        "Metrics": [
            Match.object_like(
                {
                    "MetricStat": {
                        "Metric": {
                            "Namespace": namespace,
                            "MetricName": metric_name,
                            "Dimensions": [
                                {"Name": name, "Value": value} for name, value in dimensions.items()
                            ],
                        },
                        "Period": 300,
                        "Stat": stat,
                    }
                }
            )
        ]
    }


def _expected_alarms(fixture: Fixture, namespace: str = NAMESPACE) -> dict[str, dict[str, Any]]:
    """Each alarm's metric, keyed by the BrokerMonitoring attribute that exposes it."""
    function = {"FunctionName": fixture.function_ref}
    api = {"ApiName": "broker-api-under-test", "Stage": fixture.stage_ref}
    return {
        "lambda_errors_alarm": _metric_stat("AWS/Lambda", "Errors", function, "Sum"),
        "lambda_throttles_alarm": _metric_stat("AWS/Lambda", "Throttles", function, "Sum"),
        "api_5xx_alarm": _metric_stat("AWS/ApiGateway", "5XXError", api, "Average"),
        "latency_p99_alarm": _metric_stat(namespace, "ConnectLatency", function, "p99"),
        "connect_throttles_alarm": _metric_stat(namespace, "ConnectThrottles", function, "Sum"),
    }


DEFAULT_SHAPE = {
    "lambda_errors_alarm": {"Threshold": 1, "EvaluationPeriods": 1},
    "lambda_throttles_alarm": {"Threshold": 1, "EvaluationPeriods": 1},
    "api_5xx_alarm": {"Threshold": 0.05, "EvaluationPeriods": 3, "DatapointsToAlarm": 2},
    "latency_p99_alarm": {"Threshold": 3000, "EvaluationPeriods": 3},
    "connect_throttles_alarm": {"Threshold": 1, "EvaluationPeriods": 1},
}
CUSTOM_THRESHOLDS = {
    "lambda_errors_alarm": 5,
    "lambda_throttles_alarm": 3,
    "api_5xx_alarm": 0.2,
    "latency_p99_alarm": 1500,
    "connect_throttles_alarm": 10,
}


def _dashboard_body(fixture: Fixture, template: Template) -> dict[str, Any]:
    """The dashboard's JSON body, with each ``Ref`` written as ``${LogicalId}``."""
    (dashboard,) = template.find_resources(DASHBOARD).values()
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    return dict(json.loads("".join(_ref_text(part) for part in parts)))


def _ref_text(part: Any) -> str:
    """A Fn::Join part as text: strings as they are, ``Ref``/``Fn::GetAtt`` as ``${...}``."""
    if isinstance(part, str):
        return part
    if "Ref" in part:
        return "${" + part["Ref"] + "}"
    return "${" + ".".join(part["Fn::GetAtt"]) + "}"


def _graphed_metrics(body: dict[str, Any]) -> list[list[Any]]:
    """Every metric row of every metric widget."""
    return [
        row
        for widget in body["widgets"]
        if widget["type"] == "metric"
        for row in widget["properties"].get("metrics", [])
    ]


# --- Alarms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", sorted(DEFAULT_SHAPE))
def test_alarm_watches_its_metric_with_default_threshold_and_periods(
    default: tuple[Fixture, Template], attribute: str
) -> None:
    fixture, template = default
    template.has_resource_properties(
        ALARM,
        {
            **_expected_alarms(fixture)[attribute],
            **DEFAULT_SHAPE[attribute],
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        },
    )


def test_exactly_five_alarms_by_default(default: tuple[Fixture, Template]) -> None:
    _, template = default
    template.resource_count_is(ALARM, 5)


def test_alarms_leave_names_to_cloudformation(default: tuple[Fixture, Template]) -> None:
    _, template = default
    alarms = template.find_resources(ALARM)
    assert [props for props in alarms.values() if "AlarmName" in props["Properties"]] == []


def test_every_alarm_description_tells_on_call_where_the_runbook_is(
    default: tuple[Fixture, Template],
) -> None:
    _, template = default
    descriptions = [
        alarm["Properties"]["AlarmDescription"] for alarm in template.find_resources(ALARM).values()
    ]
    assert len(descriptions) == 5
    assert all(
        text.endswith("Runbook: 'Operating it' (docs/operating.md) of connect-participant-broker.")
        for text in descriptions
    )


def test_alarm_topic_receives_alarm_and_ok_of_every_alarm(
    default: tuple[Fixture, Template],
) -> None:
    fixture, template = default
    topic = [fixture.resolve(fixture.topic.topic_arn)]
    alarms = template.find_resources(
        ALARM, {"Properties": {"AlarmActions": topic, "OKActions": topic}}
    )
    assert len(alarms) == 5


def test_alarm_actions_are_added_to_the_topic(custom: tuple[Fixture, Template]) -> None:
    fixture, template = custom
    pager = fixture.stack.node.find_child("Pager")
    assert isinstance(pager, sns.Topic)
    both = [fixture.resolve(fixture.topic.topic_arn), fixture.resolve(pager.topic_arn)]
    alarms = template.find_resources(
        ALARM, {"Properties": {"AlarmActions": both, "OKActions": both}}
    )
    assert len(alarms) == 5


def test_no_actions_without_topic_or_actions(app_factory: AppFactory) -> None:
    _, template = _built(app_factory)
    alarms = template.find_resources(ALARM).values()
    assert len(alarms) == 5
    assert [a for a in alarms if {"AlarmActions", "OKActions"} & set(a["Properties"])] == []


@pytest.mark.parametrize("attribute", sorted(CUSTOM_THRESHOLDS))
def test_threshold_props_change_thresholds(
    custom: tuple[Fixture, Template], attribute: str
) -> None:
    fixture, template = custom
    template.has_resource_properties(
        ALARM,
        {
            **_expected_alarms(fixture, namespace="Acme/Broker")[attribute],
            "Threshold": CUSTOM_THRESHOLDS[attribute],
        },
    )


def test_alarms_false_creates_no_alarm(dashboard_only: tuple[Fixture, Template]) -> None:
    _, template = dashboard_only
    template.resource_count_is(ALARM, 0)


def test_alarms_false_leaves_the_attributes_none(unsynthesized: Fixture) -> None:
    monitoring = unsynthesized.monitoring(alarms=False)
    attributes = [getattr(monitoring, name) for name in sorted(DEFAULT_SHAPE)]
    assert (attributes, monitoring.alarm_list, monitoring.dashboard) == ([None] * 5, [], None)


def test_attributes_expose_the_alarms(unsynthesized: Fixture) -> None:
    monitoring = unsynthesized.monitoring()
    ids = {name: getattr(monitoring, name).node.id for name in sorted(DEFAULT_SHAPE)}
    assert ids == {
        "api_5xx_alarm": "Api5xxAlarm",
        "connect_throttles_alarm": "ConnectThrottlesAlarm",
        "lambda_errors_alarm": "LambdaErrorsAlarm",
        "lambda_throttles_alarm": "LambdaThrottlesAlarm",
        "latency_p99_alarm": "LatencyP99Alarm",
    }
    assert len(monitoring.alarm_list) == 5


def test_explicit_stage_is_watched(app_factory: AppFactory) -> None:
    fixture = Fixture(app_factory())
    api = apigateway.RestApi.from_rest_api_attributes(
        fixture.stack, "Imported", rest_api_id="abc123", root_resource_id="root1"
    )
    stage = apigateway.Stage.from_stage_attributes(
        fixture.stack, "Live", rest_api=api, stage_name="live"
    )
    BrokerMonitoring(
        fixture.stack, "Monitoring", function=fixture.function, rest_api=api, stage=stage
    )
    Template.from_stack(fixture.stack).has_resource_properties(
        ALARM,
        _metric_stat(
            "AWS/ApiGateway",
            "5XXError",
            {"ApiName": fixture.resolve(api.rest_api_name), "Stage": "live"},
            "Average",
        ),
    )


# --- Dashboard ------------------------------------------------------------------------------


def test_no_dashboard_by_default(default: tuple[Fixture, Template]) -> None:
    _, template = default
    template.resource_count_is(DASHBOARD, 0)


def test_dashboard_true_creates_one_dashboard_with_a_generated_name(
    dashboard_only: tuple[Fixture, Template],
) -> None:
    _, template = dashboard_only
    template.resource_count_is(DASHBOARD, 1)
    template.has_resource_properties(DASHBOARD, {"DashboardName": Match.absent()})


def test_dashboard_graphs_the_runtime_metrics(dashboard_only: tuple[Fixture, Template]) -> None:
    fixture, template = dashboard_only
    rows = _graphed_metrics(_dashboard_body(fixture, template))
    function = _ref_text(fixture.function_ref)
    runtime = {
        row[1] for row in rows if row[0] == NAMESPACE and row[2:4] == ["FunctionName", function]
    }
    assert runtime == {
        "ParticipantsCreated",
        "ConnectErrors",
        "ConnectThrottles",
        "ConnectLatency",
        "ValidationRejections",
        "PolicyRejections",
    }


def test_dashboard_graphs_the_alarm_signals(dashboard_only: tuple[Fixture, Template]) -> None:
    fixture, template = dashboard_only
    rows = _graphed_metrics(_dashboard_body(fixture, template))
    named = {(row[0], row[1]) for row in rows if isinstance(row[0], str) and len(row) > 2}
    assert {
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/ApiGateway", "IntegrationLatency"),
        (NAMESPACE, "ConnectThrottles"),
    } <= named


def test_dashboard_searches_connect_errors_by_error_code(
    dashboard_only: tuple[Fixture, Template],
) -> None:
    fixture, template = dashboard_only
    rows = _graphed_metrics(_dashboard_body(fixture, template))
    expressions = [row[0]["expression"] for row in rows if "expression" in row[0]]
    function = _ref_text(fixture.function_ref)
    assert expressions == [
        f'SEARCH(\'{{"{NAMESPACE}",ErrorCode,FunctionName}} '
        f'MetricName="ConnectErrors" FunctionName="{function}"\', \'Sum\', 300)'
    ]


def test_dashboard_uses_the_metrics_namespace_prop(custom: tuple[Fixture, Template]) -> None:
    fixture, template = custom
    rows = _graphed_metrics(_dashboard_body(fixture, template))
    namespaces = {row[0] for row in rows if isinstance(row[0], str)}
    assert namespaces == {"AWS/ApiGateway", "AWS/Lambda", "Acme/Broker"}


def test_dashboard_shows_alarm_status_when_alarms_exist(custom: tuple[Fixture, Template]) -> None:
    fixture, template = custom
    widgets = _dashboard_body(fixture, template)["widgets"]
    (status,) = [w for w in widgets if w["type"] == "alarm"]
    assert len(status["properties"]["alarms"]) == 5


def test_dashboard_without_alarms_has_no_alarm_status(
    dashboard_only: tuple[Fixture, Template],
) -> None:
    fixture, template = dashboard_only
    widgets = _dashboard_body(fixture, template)["widgets"]
    assert [w for w in widgets if w["type"] == "alarm"] == []


# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "value", "shown"),
    [
        ("lambda_errors_threshold", 0, "0"),
        ("lambda_throttles_threshold", -1, "-1"),
        ("connect_throttles_threshold", 1.5, "1.5"),
    ],
)
def test_count_threshold_below_one_or_fractional_is_rejected(
    unsynthesized: Fixture, prop: str, value: float, shown: str
) -> None:
    expected = (
        f"{prop} must be a whole number of at least 1 (a count per five minutes), got {shown}; "
        "pass 1 to alarm on the first occurrence, or alarms=False to turn the alarms off"
    )
    with pytest.raises(ValueError) as raised:
        unsynthesized.monitoring(**{prop: value})
    assert str(raised.value) == expected


@pytest.mark.parametrize("value", [0, 1.5, 5])
def test_5xx_rate_outside_zero_to_one_is_rejected(unsynthesized: Fixture, value: float) -> None:
    with pytest.raises(ValueError) as raised:
        unsynthesized.monitoring(api_5xx_rate_threshold=value)
    assert str(raised.value) == (
        "api_5xx_rate_threshold must be a fraction greater than 0 and at most 1 (the share of "
        f"requests answered with a 5xx), got {value}; pass 0.05 for 5%"
    )


def test_zero_latency_threshold_is_rejected(unsynthesized: Fixture) -> None:
    with pytest.raises(ValueError) as raised:
        unsynthesized.monitoring(latency_p99_threshold=cdk.Duration.millis(0))
    assert str(raised.value) == (
        "latency_p99_threshold must be longer than 0 ms, got 0 millis; pass a Duration such as "
        "Duration.seconds(3)"
    )


@pytest.mark.parametrize("value", ["", "AWS/Lambda", "bad'quote"])
def test_unusable_metrics_namespace_is_rejected(unsynthesized: Fixture, value: str) -> None:
    with pytest.raises(ValueError) as raised:
        unsynthesized.monitoring(metrics_namespace=value)
    assert str(raised.value) == (
        "metrics_namespace must be a CloudWatch custom namespace (1-255 letters, digits and "
        f". - _ / # : space, not starting with 'AWS/'), got {value!r}; for example "
        "'ConnectParticipantBroker'"
    )


def test_alarm_topic_with_alarms_false_is_rejected(unsynthesized: Fixture) -> None:
    with pytest.raises(ValueError) as raised:
        unsynthesized.monitoring(alarms=False, alarm_topic=unsynthesized.topic)
    assert str(raised.value) == (
        "alarm_topic and alarm_actions need alarms, got alarms=False with an alarm "
        "destination; drop alarm_topic and alarm_actions, or set alarms=True"
    )


def test_token_thresholds_skip_validation(unsynthesized: Fixture) -> None:
    stack = unsynthesized.stack
    errors = cdk.CfnParameter(stack, "Errors", type="Number")
    rate = cdk.CfnParameter(stack, "Rate", type="Number")
    latency = cdk.CfnParameter(stack, "Latency", type="Number")
    namespace = cdk.CfnParameter(stack, "Namespace")
    monitoring = unsynthesized.monitoring(
        lambda_errors_threshold=errors.value_as_number,
        api_5xx_rate_threshold=rate.value_as_number,
        latency_p99_threshold=cdk.Duration.millis(latency.value_as_number),
        metrics_namespace=namespace.value_as_string,
    )
    assert len(monitoring.alarm_list) == 5


# --- The runtime's EMF lines reach the alarms ------------------------------------------------


def _cloudwatch_view(line: str) -> dict[tuple[str, frozenset[tuple[str, str]], str], float]:
    """Read one EMF log line as CloudWatch does: {(namespace, dimensions, metric): value}."""
    document = json.loads(line)
    found: dict[tuple[str, frozenset[tuple[str, str]], str], float] = {}
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            dimensions = frozenset((name, document[name]) for name in dimension_set)
            for metric in directive["Metrics"]:
                key = (directive["Namespace"], dimensions, metric["Name"])
                found[key] = float(document[metric["Name"]])
    return found


def _alarm_metric(template: Template, metric_name: str) -> tuple[str, list[str], Any]:
    """(namespace, dimension names, FunctionName value) of the alarm on ``metric_name``."""
    (alarm,) = [
        a
        for a in template.find_resources(ALARM).values()
        if a["Properties"]["Metrics"][0]["MetricStat"]["Metric"]["MetricName"] == metric_name
    ]
    metric = alarm["Properties"]["Metrics"][0]["MetricStat"]["Metric"]
    names = [d["Name"] for d in metric["Dimensions"]]
    function = {d["Name"]: d["Value"] for d in metric["Dimensions"]}.get("FunctionName")
    return metric["Namespace"], names, function


@pytest.fixture(scope="module")
def runtime_lines() -> list[str]:
    """Lines the real runtime prints for one rejected request, run as Lambda loads it."""
    event = {
        "resource": "/contacts/{contactId}/participants",
        "httpMethod": "POST",
        "pathParameters": {"contactId": "c-1"},
        "headers": {"content-type": "application/json"},
        "body": "not json",
        "isBase64Encoded": False,
        "requestContext": {"requestId": "api-req-1"},
    }
    env = {
        "PATH": "/usr/bin:/bin",
        "INSTANCE_ID": "11111111-2222-3333-4444-555555555555",
        "AWS_LAMBDA_FUNCTION_NAME": "broker-function",
        "AWS_REGION": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    code = "\n".join(
        [
            "import json, sys",
            "from broker.handler import handler",
            "handler(json.loads(sys.argv[1]), None)",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(event)],
        cwd=RUNTIME_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.splitlines()


@pytest.fixture()
def emf_line(runtime_lines: list[str]) -> str:
    """The one EMF record among the runtime's lines."""
    (line,) = [line for line in runtime_lines if '"_aws"' in line]
    return line


def test_runtime_connect_throttles_line_is_what_the_alarm_reads(
    default: tuple[Fixture, Template], emf_line: str
) -> None:
    _, template = default
    namespace, dimension_names, _ = _alarm_metric(template, "ConnectThrottles")
    key = (namespace, frozenset({("FunctionName", "broker-function")}), "ConnectThrottles")
    assert (dimension_names, key in _cloudwatch_view(emf_line)) == (["FunctionName"], True)


def test_alarm_function_dimension_is_the_lambda_function_name(
    default: tuple[Fixture, Template],
) -> None:
    fixture, template = default
    # Lambda sets AWS_LAMBDA_FUNCTION_NAME, which the runtime writes as FunctionName, to this.
    assert _alarm_metric(template, "ConnectThrottles")[2] == fixture.function_ref


def test_runtime_throttle_record_counts_one_for_the_alarm(
    default: tuple[Fixture, Template],
) -> None:
    from runtime.broker import metrics

    _, template = default
    namespace, _, _ = _alarm_metric(template, "ConnectThrottles")
    document = metrics.record(
        metrics.Invocation(connect_throttles=1, connect_error_code="ThrottlingException"),
        namespace=namespace,
        function_name="broker-function",
        properties={},
    )
    view = _cloudwatch_view(json.dumps(document))
    function = frozenset({("FunctionName", "broker-function")})
    by_code = function | {("ErrorCode", "ThrottlingException")}
    assert (
        view[(namespace, function, "ConnectThrottles")],
        view[(namespace, by_code, "ConnectErrors")],
    ) == (1.0, 1.0)


def test_search_expression_schema_matches_the_runtime_error_dimensions(
    dashboard_only: tuple[Fixture, Template],
) -> None:
    from runtime.broker import metrics

    document = metrics.record(
        metrics.Invocation(connect_error_code="Timeout"),
        namespace=NAMESPACE,
        function_name="broker-function",
        properties={},
    )
    with_code = {
        frozenset(name for name, _ in dims)
        for (_, dims, metric) in _cloudwatch_view(json.dumps(document))
        if metric == "ConnectErrors"
    }
    fixture, template = dashboard_only
    rows = _graphed_metrics(_dashboard_body(fixture, template))
    (expression,) = [row[0]["expression"] for row in rows if "expression" in row[0]]
    schema = expression.split("{", 1)[1].split("}", 1)[0].split(",")
    assert frozenset(schema[1:]) in with_code


# --- Wired into ParticipantBroker -----------------------------------------------------------

ALARM_ATTRIBUTES = sorted(DEFAULT_SHAPE)


@pytest.fixture(scope="module")
def broker_built(app_factory: AppFactory) -> tuple[cdk.Stack, ParticipantBroker, Template]:
    """A broker with a topic, a dashboard, another namespace and one threshold changed."""
    stack = cdk.Stack(app_factory(), "Stack")
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        metrics_namespace="Acme/Broker",
        alarm_topic=sns.Topic(stack, "Topic"),
        dashboard=True,
        api_5xx_rate_threshold=0.1,
    )
    return stack, broker, Template.from_stack(stack)


def test_broker_exposes_the_monitoring_alarms_and_dashboard(
    broker_built: tuple[cdk.Stack, ParticipantBroker, Template],
) -> None:
    _, broker, _ = broker_built
    monitoring = broker.monitoring
    assert monitoring is not None and monitoring.node.id == "Monitoring"
    exposed = [getattr(broker, name) for name in ALARM_ATTRIBUTES] + [broker.dashboard]
    expected = [getattr(monitoring, name) for name in ALARM_ATTRIBUTES] + [monitoring.dashboard]
    assert exposed == expected and None not in exposed


def test_broker_alarm_reads_the_namespace_its_function_writes_to(
    broker_built: tuple[cdk.Stack, ParticipantBroker, Template],
) -> None:
    stack, broker, template = broker_built
    function = stack.resolve(broker.lambda_function.function_name)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": Match.object_like({"METRICS_NAMESPACE": "Acme/Broker"})}},
    )
    template.has_resource_properties(
        ALARM,
        _metric_stat("Acme/Broker", "ConnectThrottles", {"FunctionName": function}, "Sum"),
    )


def test_broker_alarm_watches_its_api_stage_with_the_threshold_prop(
    broker_built: tuple[cdk.Stack, ParticipantBroker, Template],
) -> None:
    stack, broker, template = broker_built
    api = {
        "ApiName": stack.resolve(broker.rest_api.rest_api_name),
        "Stage": stack.resolve(broker.rest_api.deployment_stage.stage_name),
    }
    template.has_resource_properties(
        ALARM,
        {**_metric_stat("AWS/ApiGateway", "5XXError", api, "Average"), "Threshold": 0.1},
    )


def test_a_normal_wait_for_the_agent_cannot_reach_the_latency_alarm(
    broker_built: tuple[cdk.Stack, ParticipantBroker, Template],
) -> None:
    # A WebRTC call's agent may take the whole agent_wait to connect, and the answer (201, or
    # 409 agent-not-connected) is normal operation; a Connect call that needs no retry ends
    # within one attempt's connect and read timeouts.
    stack, broker, template = broker_built
    assert broker.latency_p99_alarm is not None
    resource = broker.latency_p99_alarm.node.default_child
    assert isinstance(resource, cdk.CfnElement)
    alarm = template.to_json()["Resources"][stack.get_logical_id(resource)]["Properties"]
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    wait_ms = int(function["Properties"]["Environment"]["Variables"]["AGENT_WAIT_MS"])
    budget = _contract.budget()
    call_ms = 1000 * (budget.CONNECT_TIMEOUT_SECONDS + budget.READ_TIMEOUT_SECONDS) - 1

    def reading_ms(namespace: str, metric: str) -> float:
        if (namespace, metric) == ("Acme/Broker", "ConnectLatency"):
            return call_ms  # CreateParticipant alone (tests/runtime/test_runtime_contacts.py)
        return least_value_ms(namespace, metric, wait_ms + call_ms)

    assert wait_ms == 3000
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    (watched,) = alarm["Metrics"]
    metric = watched["MetricStat"]["Metric"]
    assert reading_ms(metric["Namespace"], metric["MetricName"]) < alarm["Threshold"]


def test_broker_wires_its_alarm_topic_to_every_alarm(
    broker_built: tuple[cdk.Stack, ParticipantBroker, Template],
) -> None:
    stack, _, template = broker_built
    topic = stack.node.find_child("Topic")
    assert isinstance(topic, sns.Topic)
    arn = [stack.resolve(topic.topic_arn)]
    alarms = template.find_resources(ALARM, {"Properties": {"AlarmActions": arn, "OKActions": arn}})
    assert len(alarms) == 5


def test_broker_has_alarms_and_no_dashboard_by_default(app_factory: AppFactory) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    broker = ParticipantBroker(stack, "Broker", instance=ConnectInstance.from_id(INSTANCE_ID))
    template = Template.from_stack(stack)
    template.resource_count_is(ALARM, 5)
    template.resource_count_is(DASHBOARD, 0)
    assert broker.dashboard is None


def test_broker_without_alarms_or_dashboard_has_no_monitoring(app_factory: AppFactory) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        alarms=False,
        dashboard=False,
    )
    template = Template.from_stack(stack)
    template.resource_count_is(ALARM, 0)
    template.resource_count_is(DASHBOARD, 0)
    attributes = [getattr(broker, name) for name in ALARM_ATTRIBUTES]
    assert (broker.monitoring, broker.node.try_find_child("Monitoring"), attributes) == (
        None,
        None,
        [None] * 5,
    )


def test_broker_passes_threshold_validation_through(app_factory: AppFactory) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(
            stack,
            "Broker",
            instance=ConnectInstance.from_id(INSTANCE_ID),
            lambda_errors_threshold=0,
        )
    assert str(raised.value).startswith("lambda_errors_threshold must be a whole number")


def test_statistic_spellings_match_the_cdk() -> None:
    from aws_cdk import aws_cloudwatch as cloudwatch

    from constructs_lib import monitoring

    expected = (
        cloudwatch.Stats.SUM,
        cloudwatch.Stats.AVERAGE,
        cloudwatch.Stats.p(99),
        cloudwatch.Stats.p(50),
    )
    assert expected == (monitoring._SUM, monitoring._AVERAGE, monitoring._P99, monitoring._P50)
