#!/usr/bin/env python3
"""Example app: one ParticipantBroker in an environment-agnostic stack.

``cdk synth -c instanceId=<id>`` bakes that Connect instance ID in; without it the stack takes a
CloudFormation parameter, so ``cdk deploy --parameters InstanceId=<id>`` deploys.
"""

from __future__ import annotations

from aws_cdk import App, CfnParameter, Stack
from constructs import Construct

from constructs_lib import ConnectInstance, ParticipantBroker
from constructs_lib.openapi import write_openapi


class ParticipantBrokerStack(Stack):
    """A stack holding one broker; the instance ID comes from context or a parameter."""

    def __init__(self, scope: Construct, construct_id: str, *, instance_id: str | None) -> None:
        """Create the stack; ``instance_id=None`` adds the ``InstanceId`` parameter."""
        super().__init__(
            scope, construct_id, description="Amazon Connect participant broker (example app)"
        )
        if instance_id is None:
            instance_id = CfnParameter(
                self,
                "InstanceId",
                type="String",
                description="Amazon Connect instance ID",
                allowed_pattern="[A-Za-z0-9-]{1,100}",
            ).value_as_string
        self.broker = ParticipantBroker(
            self, "Broker", instance=ConnectInstance.from_id(instance_id)
        )


def build_app(app: App | None = None) -> tuple[App, ParticipantBrokerStack]:
    """Compose the example app; the ``instanceId`` context value, when set, is the instance ID."""
    app = app or App()
    instance_id = app.node.try_get_context("instanceId")
    stack = ParticipantBrokerStack(
        app, "ParticipantBroker", instance_id=str(instance_id) if instance_id else None
    )
    return app, stack


if __name__ == "__main__":
    example_app, _ = build_app()
    example_app.synth()
    write_openapi(example_app.outdir)  # cdk.out/openapi.json: the contract, for client teams
