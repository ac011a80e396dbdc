"""Contact checks at their edges: what a refusal tells the caller and the operator, the wait
when the first DescribeContact took time or the broker runs outside Lambda, and which checks
need the caller's identity."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from runtime_support import (
    API_REQUEST_ID,
    CONNECT_RESPONSE,
    FakeLambdaContext,
    api_gateway_event,
    body_of,
    contact_description,
    describe_params,
    expected_params,
)
from wire_stub import WireStubber

from runtime.broker import connect, contacts, handler

Invoke = Any
CAPTURE = pytest.CaptureFixture[str]
BODY = {"displayName": "Ana Silva"}
CHAT = {"channel": "CHAT", "subtype": "connect:Chat", "initiation": "API"}


@pytest.fixture(autouse=True)
def _real_clock_after() -> Any:
    yield
    contacts.set_clock()


def checks_on(configure: Any, **overrides: Any) -> Any:
    overrides.setdefault("agent_wait_seconds", 0.0)
    return configure(contact_checks=True, **overrides)


def records(capsys: CAPTURE) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (emf,) = [line for line in lines if "_aws" in line]
    return [line for line in lines if "_aws" not in line], emf


def test_a_channel_taking_several_roles_lists_them_all(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    checks_on(configure, channel_roles={"CHAT": ("CUSTOM_BOT", "SUPERVISOR")})
    stub.add_response("describe_contact", contact_description(**CHAT), describe_params())
    response = invoke(api_gateway_event({**BODY, "role": "CUSTOMER"}))
    assert response["statusCode"] == 409
    assert body_of(response)["errors"] == [
        {"field": "role", "message": "must be CUSTOM_BOT or SUPERVISOR for a chat"}
    ]


def test_a_channel_the_map_adds_is_named_in_the_refusal(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    checks_on(
        configure,
        allowed_roles=frozenset({"CUSTOMER", "AGENT"}),
        channel_roles={"TASK": ("CUSTOMER",)},
    )
    task = {"channel": "TASK", "subtype": None, "initiation": "API"}
    stub.add_response("describe_contact", contact_description(**task), describe_params())
    body = body_of(invoke(api_gateway_event({**BODY, "role": "AGENT"})))
    assert body["detail"] == "A TASK contact takes another role; see errors."
    assert body["errors"] == [{"field": "role", "message": "must be CUSTOMER for a TASK contact"}]


def test_a_refusal_names_its_check_in_the_log_and_the_metric(
    stub: WireStubber, invoke: Invoke, configure: Any, capsys: CAPTURE, monkeypatch: Any
) -> None:
    """The channel's roles are none this broker allows: 403, counted as role-not-allowed."""
    readings = iter([50.0, 50.0021234])
    monkeypatch.setattr(time, "perf_counter", lambda: next(readings))
    checks_on(configure)
    stub.add_response("describe_contact", contact_description(**CHAT), describe_params())
    assert invoke(api_gateway_event(BODY))["statusCode"] == 403
    (line,), emf = records(capsys)
    assert {k: line[k] for k in ("message", "status", "contactCheck", "latencyMs")} == {
        "message": "contact refused",
        "status": 403,
        "contactCheck": "role-not-allowed",
        "latencyMs": 2.123,
    }
    assert (emf["ContactCheck"], emf["ContactRejections"]) == ("role-not-allowed", 1)
    assert emf["_aws"]["CloudWatchMetrics"][-1] == {
        "Namespace": "ConnectParticipantBroker",
        "Dimensions": [["FunctionName", "ContactCheck"]],
        "Metrics": [{"Name": "ContactRejections", "Unit": "Count"}],
    }


def test_without_contact_bound_callers_the_checks_need_no_identity(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    """An IAM event without its principal (no Idempotency-Key, no caller attribute): the
    contact is checked and the participant added."""
    checks_on(configure)
    stub.add_response("describe_contact", contact_description(), describe_params())
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    event = api_gateway_event(BODY)
    del event["requestContext"]["identity"]["userArn"]
    assert invoke(event)["statusCode"] == 201


def test_contact_bound_caller_without_an_identity_is_a_500_with_the_request_id(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    checks_on(configure, caller_attribute="brokerCaller")
    event = api_gateway_event(BODY)
    del event["requestContext"]["identity"]["userArn"]
    response = invoke(event)
    assert response["statusCode"] == 500
    assert body_of(response)["requestId"] == API_REQUEST_ID


class SlowConnect:
    """Connect whose DescribeContact takes ``seconds`` on the clock and answers a call whose
    agent has not connected (until ``connected_after`` answers)."""

    def __init__(self, clock: list[float], seconds: float, connected_after: int = 99) -> None:
        self.clock, self.seconds, self.connected_after = clock, seconds, connected_after
        self.calls = 0

    def describe_contact(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        self.clock[0] += self.seconds
        return contact_description(agent_connected=self.calls > self.connected_after)

    def create_participant(self, **_: Any) -> dict[str, Any]:
        return CONNECT_RESPONSE


def fake_clock(start: float) -> tuple[list[float], list[float]]:
    """A monotonic clock at ``start`` that moves on sleeps (recorded) and slow calls."""
    now, sleeps = [start], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    contacts.set_clock(lambda: now[0], sleep)
    return now, sleeps


def test_the_wait_left_counts_the_time_the_first_lookup_took(configure: Any) -> None:
    """17.5 s left, the first DescribeContact takes 1 s: a last DescribeContact (7 s),
    CreateParticipant (7 s) and the margin (1 s) leave 1.5 s to wait."""
    now, sleeps = fake_clock(100.0)
    checks_on(configure, agent_wait_seconds=3.0)
    connect.set_client(SlowConnect(now, 1.0))  # type: ignore[arg-type]
    response = handler.handler(api_gateway_event(BODY), FakeLambdaContext(remaining_ms=17_500))
    assert response["statusCode"] == 409
    assert sleeps == [1.0]


def test_outside_lambda_the_broker_waits_as_configured(configure: Any) -> None:
    """A context with no remaining time (the local broker): the whole agent wait."""
    now, sleeps = fake_clock(0.0)
    checks_on(configure, agent_wait_seconds=3.0)
    client = SlowConnect(now, 0.0, connected_after=3)
    connect.set_client(client)  # type: ignore[arg-type]
    response = handler.handler(api_gateway_event(BODY), None)
    assert response["statusCode"] == 201
    assert (sleeps, client.calls) == ([1.0, 1.0, 1.0], 4)
