"""What the integration test apps (``integ_*.py``) share: the Connect instance ID, the probe
function that calls a broker with ``BrokerClient``, and the assertions every broker gets.

Each app is a CDK app in integ-runner's layout: a test stack holding a broker, an assertion stack
of ``aws-cdk.integ-tests-alpha`` custom resources that call the deployed broker through API
Gateway, and one ``IntegTest`` tying them together. ``make integ`` deploys both stacks, reads
each assertion's ``AssertionResults<Name>`` output and destroys them (docs/integration.md).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.integ_tests_alpha import (
    AwsApiCall,
    ExpectedResult,
    FetchOptions,
    HttpApiCall,
    IntegTest,
    LambdaInvokeFunction,
    Match,
)
from constructs import Construct

import constructs_lib
from constructs_lib import ParticipantBroker, _contract, _nag, defaults

HERE = Path(__file__).resolve().parent
#: Where the user names their Connect instance (or ``-c instanceId=<id>``, as for app.py).
INSTANCE_ID_VARIABLE = "CONNECT_INSTANCE_ID"
#: The instance ID in the committed snapshots (and wherever no real one is deployed).
PLACEHOLDER_INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
#: integ-runner synthesizes snapshots with ``CDK_INTEG_ACCOUNT`` set to this dummy, which no
#: real (12-digit) account ID equals: the apps then use the placeholder.
INTEG_RUNNER_SNAPSHOT_ACCOUNT = "12345678"
#: A contact no instance has (the nil UUID): every call about it answers 404.
MISSING_CONTACT_ID = "00000000-0000-0000-0000-000000000000"
#: Alarm states an idle, freshly deployed broker may be in.
QUIET_ALARM_STATES = "^(OK|INSUFFICIENT_DATA)$"
#: The client library files the probe's asset carries (no CDK import among them).
_CLIENT_FILES = ("__init__.py", "_extras.py", "client/__init__.py")
#: Why the probe functions, which exist only while a test runs, differ from a production
#: caller (cdk-nag findings, acknowledged on each probe). Their role is their own, with no
#: managed policy: logs to their own log group, and the broker's grants.
PROBE_GRANT_REASON = (
    "execute-api:Invoke on the broker's methods as grant_invoke and grant_invite give it to "
    "every caller: the wildcards are the {contactId} and {invitationId} path parameters, so "
    "the probe may call the route of any contact, as a calling service does."
)
PROBE_DLQ_REASON = (
    "The probe is invoked synchronously by the integration test's assertion (Lambda Invoke, "
    "RequestResponse), which reads its answer from the broker; a dead-letter queue only "
    "receives failed asynchronous invocations."
)
PROBE_TRACING_REASON = (
    "The probe calls the broker a few times per test run and its answer is the assertion's "
    "result; the broker's own function traces each of these requests with X-Ray."
)


def instance_id(app: cdk.App) -> str:
    """The Connect instance the apps deploy against: ``-c instanceId=<id>`` or
    ``CONNECT_INSTANCE_ID``; the placeholder when integ-runner synthesizes a snapshot."""
    if os.environ.get("CDK_INTEG_ACCOUNT") == INTEG_RUNNER_SNAPSHOT_ACCOUNT:
        return PLACEHOLDER_INSTANCE_ID
    value = app.node.try_get_context("instanceId") or os.environ.get(INSTANCE_ID_VARIABLE)
    if not value:
        raise SystemExit(
            f"no Connect instance: set {INSTANCE_ID_VARIABLE}=<instance-id> (the ID of an "
            "Amazon Connect instance in the Region you deploy to), or pass -c instanceId=<id>"
        )
    return str(value)


def problem(code: str) -> dict[str, Any]:
    """The contract's problem of ``code`` (problems.json): its type, title and status."""
    return dict(_contract.problem(code))


def probe_code() -> lambda_.Code:
    """The probe's asset, built without Docker: a directory holding ``probe.py`` and the
    package's client (``constructs_lib/client`` and the two modules it imports), copied from
    the installed package. A new ``Code`` per function (one cannot serve two stacks)."""
    return lambda_.Code.from_asset(str(_probe_directory()))


@functools.cache
def _probe_directory() -> Path:
    staging = Path(tempfile.mkdtemp(prefix="broker-probe-"))
    atexit.register(shutil.rmtree, staging, ignore_errors=True)
    package = Path(constructs_lib.__file__).parent
    for name in _CLIENT_FILES:
        (staging / "constructs_lib" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package / name, staging / "constructs_lib" / name)
    shutil.copyfile(HERE / "probe" / "probe.py", staging / "probe.py")
    return staging


class Probe(Construct):
    """A function in the test stack that calls a broker with ``BrokerClient`` (SigV4, as its
    role), so an assertion proves IAM authorization, the resource policy, the function and
    Connect's answer in one call. Point it at a broker with :meth:`calls`."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_WEEK,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={
                "WriteOwnLogs": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[log_group.log_group_arn],
                        )
                    ]
                )
            },
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=defaults.RUNTIME,
            architecture=defaults.ARCHITECTURE,
            handler="probe.handler",
            code=probe_code(),
            memory_size=256,
            timeout=cdk.Duration.seconds(60),
            role=self.role,
            log_group=log_group,
        )
        _nag._acknowledge(
            self.function,
            ("Serverless-LambdaDLQ", PROBE_DLQ_REASON),
            ("Serverless-LambdaTracing", PROBE_TRACING_REASON),
        )

    def calls(self, broker: ParticipantBroker, *, invite: bool = False) -> None:
        """Call ``broker``: its URL in the function's environment, ``grant_invoke`` (and
        ``grant_invite`` when ``invite``)."""
        self.function.add_environment("BROKER_URL", broker.url)
        methods = [broker.create_participant_method]
        broker.grant_invoke(self.function)
        if invite:
            broker.grant_invite(self.function)
            assert broker.invitation_methods is not None
            methods += broker.invitation_methods.authenticated
        _nag._acknowledge(
            self.role,
            *(
                (_nag._wildcard_finding(self.role, method.method_arn), PROBE_GRANT_REASON)
                for method in methods
            ),
        )

    def expect(
        self, scope: Construct, name: str, action: str, status: int, code: str
    ) -> LambdaInvokeFunction:
        """Assertion ``name``: the probe's ``action`` for a missing contact answers ``status``
        with the problem ``code``."""
        call = LambdaInvokeFunction(
            scope,
            name,
            function_name=self.function.function_name,
            payload=json.dumps({"action": action, "contactId": MISSING_CONTACT_ID}),
        )
        call.expect(
            ExpectedResult.object_like(
                {
                    "StatusCode": 200,
                    "Payload": Match.serialized_json(
                        {"status": status, "type": problem(code)["type"]}
                    ),
                }
            )
        )
        return call


def new_integ_test(app: cdk.App, test_stack: cdk.Stack) -> tuple[IntegTest, cdk.Stack]:
    """The ``IntegTest`` of ``test_stack`` and its assertion stack (``<test stack>Assertions``).

    Everything in the test stack is deleted with it (log groups included). No update workflow:
    a run deploys the current app only, and the snapshot keeps no asset files.
    """
    cdk.RemovalPolicies.of(test_stack).destroy()
    assertions = cdk.Stack(
        app,
        f"{test_stack.stack_name}Assertions",
        description=f"Assertions against {test_stack.stack_name} (integration test)",
    )
    integ = IntegTest(
        app,
        test_stack.stack_name.removeprefix("ParticipantBroker"),
        test_cases=[test_stack],
        assertion_stack=assertions,
        stack_update_workflow=False,
    )
    return integ, assertions


def expect_http(
    scope: Construct,
    name: str,
    url: str,
    expected: Mapping[str, Any],
    *,
    method: str,
    headers: Mapping[str, str] | None = None,
    body: Mapping[str, Any] | None = None,
) -> HttpApiCall:
    """Assertion ``name``: an unsigned HTTP request (from the assertion function, outside the
    broker's account principals) whose answer is like ``expected`` (``status``, ``headers``
    as lists of values, ``body`` parsed from JSON)."""
    call = HttpApiCall(
        scope,
        name,
        url=url,
        fetch_options=FetchOptions(
            method=method,
            headers=dict(headers or {}),
            body=None if body is None else json.dumps(body),
        ),
    )
    call.expect(ExpectedResult.object_like(dict(expected)))
    return call


def problem_answer(
    code: str, status: int | None = None, headers: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """What a problem answer looks like to ``expect_http``: the status, the problem's type,
    title and status, and ``application/problem+json`` (plus ``headers``)."""
    found = problem(code)
    status = status or int(found["status"])
    return {
        "status": status,
        "headers": {"content-type": ["application/problem+json"], **(headers or {})},
        "body": {"type": found["type"], "title": found["title"], "status": status},
    }


def participants_url(broker: ParticipantBroker) -> str:
    """The participants route of the missing contact."""
    return f"{broker.url}contacts/{MISSING_CONTACT_ID}/participants"


def expect_broker_basics(
    scope: Construct, broker: ParticipantBroker, instance: str, caller: Probe
) -> None:
    """The assertions every broker gets (names in docs/integration.md)."""
    expect_http(
        scope,
        "UnsignedCallRefused",
        participants_url(broker),
        problem_answer("access-denied"),
        method="POST",
        headers={"Content-Type": "application/json"},
        body={"displayName": "Integration probe"},
    )
    caller.expect(scope, "SignedCallReachesConnect", "create_participant", 404, "contact-not-found")
    AwsApiCall(
        scope,
        "ParameterHoldsInstanceId",
        service="SSM",
        api="getParameter",
        parameters={"Name": broker.instance_id_parameter.parameter_name},
    ).assert_at_path("Parameter.Value", ExpectedResult.exact(instance))
    assert broker.monitoring is not None
    for alarm in broker.monitoring.alarm_list:
        AwsApiCall(
            scope,
            f"{alarm.node.id}Quiet",
            service="CloudWatch",
            api="describeAlarms",
            parameters={"AlarmNames": [alarm.alarm_name]},
        ).assert_at_path(
            "MetricAlarms.0.StateValue", ExpectedResult.string_like_regexp(QUIET_ALARM_STATES)
        )
