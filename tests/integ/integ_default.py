"""Integration test: a broker with the default props (AWS_IAM, contact checks, five alarms),
called through API Gateway in the user's account.

Assertions (docs/integration.md says what each proves): ``UnsignedCallRefused``,
``SignedCallReachesConnect``, ``ParameterHoldsInstanceId`` and ``<Alarm>Quiet`` per alarm.
Run by ``make integ``; synthesizing it needs the Connect instance ID (``CONNECT_INSTANCE_ID``).
"""

from __future__ import annotations

import aws_cdk as cdk
import harness
from aws_cdk.integ_tests_alpha import IntegTest

from constructs_lib import ConnectInstance, ParticipantBroker

STACK_NAME = "ParticipantBrokerIntegDefault"


def build(app: cdk.App, instance_id: str) -> IntegTest:
    """Add the test stack, its assertion stack and the ``IntegTest`` to ``app``."""
    stack = cdk.Stack(
        app, STACK_NAME, description="Participant broker, default props (integration test)"
    )
    caller = harness.Probe(stack, "Caller")
    broker = ParticipantBroker(stack, "Broker", instance=ConnectInstance.from_id(instance_id))
    caller.calls(broker)
    integ, assertions = harness.new_integ_test(app, stack)
    harness.expect_broker_basics(assertions, broker, instance_id, caller)
    return integ


if __name__ == "__main__":
    integ_app = cdk.App()
    build(integ_app, harness.instance_id(integ_app))
    integ_app.synth()
