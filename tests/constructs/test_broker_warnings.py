"""Synth warnings for valid props a reviewer would question: each with a stable ID, each exact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Annotations, Match
from broker_support import INSTANCE_ID, synth_broker

from constructs_lib import BrokerEndpoint, BrokerSecurityPolicy, ConnectInstance, ParticipantBroker


def warnings(app_factory: Callable[..., cdk.App], **props: Any) -> list[str]:
    """The warning messages on the broker construct."""
    synth = synth_broker(app_factory, **props)
    found = Annotations.from_stack(synth.stack).find_warning("/Stack/Broker", Match.any_value())
    return [str(message.entry.data) for message in found]


def test_duplicate_roles_warn(app_factory: Callable[..., cdk.App]) -> None:
    assert warnings(app_factory, allowed_roles=["CUSTOMER", "CUSTOM_BOT", "CUSTOMER"]) == [
        "allowed_roles lists CUSTOMER more than once (got ['CUSTOMER', 'CUSTOM_BOT', 'CUSTOMER']);"
        " the broker allows each role once, so the repeat changes nothing: remove it, or check "
        "whether another role was meant "
        "[ack: connect-participant-broker:duplicate-allowed-roles]"
    ]


def test_every_repeated_role_is_named_once(app_factory: Callable[..., cdk.App]) -> None:
    [message] = warnings(
        app_factory,
        allowed_roles=["SUPERVISOR", "AGENT", "SUPERVISOR", "AGENT", "AGENT"],
        default_role="AGENT",
        contact_checks=False,  # no channel takes these roles by default
    )
    assert message.startswith("allowed_roles lists AGENT, SUPERVISOR more than once")


def test_burst_below_rate_warns(app_factory: Callable[..., cdk.App]) -> None:
    assert warnings(app_factory, throttling_rate_limit=20, throttling_burst_limit=5) == [
        "throttling_burst_limit (5) is below throttling_rate_limit (20 requests/s): API "
        "Gateway's token bucket then holds at most 5 requests, so callers are throttled (429) "
        "whenever more than 5 arrive together, below the rate you set; set the burst to at "
        "least the rate [ack: connect-participant-broker:burst-below-rate]"
    ]


def test_strict_on_a_private_api_warns(app_factory: Callable[..., cdk.App]) -> None:
    def endpoint(stack: cdk.Stack) -> dict[str, Any]:
        vpc_endpoint = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
            stack, "Endpoint", vpc_endpoint_id="vpce-0123456789abcdef0", port=443
        )
        policy = BrokerSecurityPolicy.enhanced(
            "SecurityPolicy_TLS13_1_3_2025_09",
            endpoint_access_mode=apigateway.EndpointAccessMode.STRICT,
        )
        return {"endpoint": BrokerEndpoint.private([vpc_endpoint], security_policy=policy)}

    synth = synth_broker(app_factory, setup=endpoint)
    found = Annotations.from_stack(synth.stack).find_warning("/Stack/Broker", Match.any_value())
    assert [str(message.entry.data) for message in found] == [
        "endpoint_access_mode=STRICT on a private API: API Gateway then refuses a request "
        "whose Host header differs from the TLS server name, so callers must use the VPC "
        "endpoint's private DNS name (private DNS on) or a private custom domain name, not the "
        "endpoint-specific vpce-... names; use BASIC if they do "
        "[ack: connect-participant-broker:strict-private-api]"
    ]


@pytest.mark.parametrize(
    "props",
    [
        {},
        {"allowed_roles": ["CUSTOMER", "CUSTOM_BOT"]},
        {"throttling_rate_limit": 10, "throttling_burst_limit": 10},
        {"throttling_rate_limit": 2.5, "throttling_burst_limit": 3},
    ],
    ids=["defaults", "distinct-roles", "burst-equals-rate", "burst-above-fractional-rate"],
)
def test_props_a_reviewer_would_accept_do_not_warn(
    app_factory: Callable[..., cdk.App], props: dict[str, Any]
) -> None:
    assert warnings(app_factory, **props) == []


def test_fractional_rate_above_burst_warns(app_factory: Callable[..., cdk.App]) -> None:
    [message] = warnings(app_factory, throttling_rate_limit=3.5, throttling_burst_limit=3)
    assert message.startswith("throttling_burst_limit (3) is below throttling_rate_limit (3.5 ")


def test_unresolved_limits_are_not_compared(app_factory: Callable[..., cdk.App]) -> None:
    app = app_factory()
    stack = cdk.Stack(app, "Stack")
    burst = cdk.CfnParameter(stack, "Burst", type="Number").value_as_number
    ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        throttling_rate_limit=50,
        throttling_burst_limit=burst,
    )
    Annotations.from_stack(stack).has_no_warning("/Stack/Broker", Match.any_value())


def test_an_acknowledged_warning_is_silent(app_factory: Callable[..., cdk.App]) -> None:
    app = app_factory()
    stack = cdk.Stack(app, "Stack")
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        throttling_rate_limit=20,
        throttling_burst_limit=5,
    )
    cdk.Annotations.of(broker).acknowledge_warning(
        "connect-participant-broker:burst-below-rate", "a burst of 5 protects the backend"
    )
    Annotations.from_stack(stack).has_no_warning("/Stack/Broker", Match.any_value())
