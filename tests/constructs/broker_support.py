"""Helpers for the ParticipantBroker tests: build a stack with one broker and read its template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from constructs_lib import ConnectInstance, ParticipantBroker

INSTANCE_ID = "11111111-2222-3333-4444-555555555555"


@dataclass
class Synthesized:
    """A stack holding one broker (id ``Broker``), and its template."""

    stack: cdk.Stack
    broker: ParticipantBroker
    template: Template

    def resolve(self, value: Any) -> Any:
        """What CloudFormation sees for ``value`` (a token becomes a Ref/GetAtt)."""
        return self.stack.resolve(value)

    def only(self, resource_type: str) -> dict[str, Any]:
        """The properties of the only resource of ``resource_type``."""
        found = self.template.find_resources(resource_type)
        assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
        properties: dict[str, Any] = next(iter(found.values())).get("Properties", {})
        return properties


def synth_broker(
    app_factory: Callable[..., cdk.App],
    *,
    setup: Callable[[cdk.Stack], dict[str, Any]] | None = None,
    **props: Any,
) -> Synthesized:
    """Synthesize ``ParticipantBroker(stack, "Broker", instance=..., **props)``, the instance
    ``ConnectInstance.from_id(INSTANCE_ID)`` unless ``props`` has one.

    ``setup(stack)`` may create supporting resources and return more props.
    """
    app = app_factory()
    stack = cdk.Stack(app, "Stack")
    extra = setup(stack) if setup else {}
    merged: dict[str, Any] = {"instance": ConnectInstance.from_id(INSTANCE_ID), **props, **extra}
    broker = ParticipantBroker(stack, "Broker", **merged)
    return Synthesized(stack, broker, Template.from_stack(stack))


def new_stack(app_factory: Callable[..., cdk.App]) -> cdk.Stack:
    """An empty stack in a fresh app (for tests that expect the constructor to raise)."""
    return cdk.Stack(app_factory(), "Stack")


def methods(synth: Synthesized) -> dict[tuple[str, str], dict[str, Any]]:
    """(HTTP method, resource path) -> the method's properties."""
    resources = synth.template.find_resources("AWS::ApiGateway::Resource")

    def path(ref: dict[str, Any]) -> str:
        if "Fn::GetAtt" in ref:
            return ""
        resource = resources[ref["Ref"]]["Properties"]
        return f"{path(resource['ParentId'])}/{resource['PathPart']}"

    return {
        (m["Properties"]["HttpMethod"], path(m["Properties"]["ResourceId"])): m["Properties"]
        for m in synth.template.find_resources("AWS::ApiGateway::Method").values()
    }
