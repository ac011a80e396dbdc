"""What one more broker costs in calls from Python into the CDK's JavaScript (jsii round trips).

Each call is a request and an answer between two processes, 0.1-0.4 ms of CPU (more on a busy
machine), and an app or a test suite with many brokers pays them for every broker
(docs/performance.md). ``python -m benchmarks.synthprofile`` shows where they go.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from broker_support import INSTANCE_ID
from jsii._kernel.providers import process as jsii_process

from constructs_lib import ConnectInstance, ParticipantBroker

#: Round trips of a default broker added to a stack that already holds one. Lower it when a
#: change saves some; raising it needs a reason worth that cost in every app.
ROUND_TRIPS_PER_BROKER = 64


def _describe(request: Any) -> str:
    """``CreateRequest aws-cdk-lib.aws_iam.Role``, ``InvokeRequest addMethod``, ..."""
    names = (getattr(request, attribute, None) for attribute in ("fqn", "method", "property"))
    return " ".join([type(request).__name__, *(str(name) for name in names if name)])


def test_a_further_default_broker_stays_within_its_round_trip_budget(
    app_factory: Callable[..., cdk.App], monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = cdk.Stack(app_factory(), "Stack")
    instance = ConnectInstance.from_id(INSTANCE_ID)
    ParticipantBroker(stack, "First", instance=instance)  # what is paid once per process
    requests: Counter[str] = Counter()
    send = jsii_process._NodeProcess.send

    def counting_send(self: Any, request: Any, response_type: Any) -> Any:
        requests[_describe(request)] += 1
        return send(self, request, response_type)

    monkeypatch.setattr(jsii_process._NodeProcess, "send", counting_send)
    ParticipantBroker(stack, "Second", instance=instance)
    monkeypatch.undo()
    total = sum(requests.values())
    assert total <= ROUND_TRIPS_PER_BROKER, (
        f"a further broker makes {total} round trips, over the budget of "
        f"{ROUND_TRIPS_PER_BROKER}: {requests.most_common()}"
    )
