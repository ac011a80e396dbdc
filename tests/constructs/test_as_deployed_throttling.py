"""The routes that call Amazon Connect, at the rates API Gateway lets through to each method
(aws_rules.throttling), never call Connect faster than the account's quotas allow; a route
limit given explicitly that would is refused at synth."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_rules.throttling import CONNECT_DEFAULT_RATES, method_rate
from broker_support import Synthesized, methods, new_stack, synth_broker

from constructs_lib import ConnectInstance, InvitationOptions, ParticipantBroker

PARTICIPANTS = "/contacts/{contactId}/participants"
INVITATIONS = "/contacts/{contactId}/invitations"
INVITATION = "/contacts/{contactId}/invitations/{invitationId}"
REDEEM = "/invitations/redeem"
AGENT_WAIT_SECONDS = 3  # the default


def calls_per_request(route: tuple[str, str], props: dict[str, Any]) -> dict[str, int]:
    """The Connect calls one request of ``route`` makes at most (docs/contacts.md: the contact
    check, and one DescribeContact a second while waiting for the agent; the runtime's count is
    checked in tests/runtime/test_runtime_contacts.py)."""
    checks = props.get("contact_checks", True)
    bound = "caller_attribute" in props
    adding = {
        "CreateParticipant": 1,
        "DescribeContact": 1 + math.ceil(AGENT_WAIT_SECONDS) if checks else 0,
    }
    return {
        ("POST", PARTICIPANTS): adding,
        ("POST", REDEEM): adding,
        ("POST", INVITATIONS): {"DescribeContact": int(checks)},
        ("GET", INVITATIONS): {"DescribeContact": int(bound)},
        ("DELETE", INVITATION): {"DescribeContact": int(bound)},
    }.get(route, {})


CONFIGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "invitations": {"invitations": InvitationOptions()},
    "contact-bound": {"invitations": InvitationOptions(), "caller_attribute": "brokerCaller"},
    "no-contact-checks": {"invitations": InvitationOptions(), "contact_checks": False},
    "redeem-given": {"invitations": InvitationOptions(redeem_throttling_rate_limit=1)},
    "raised-quotas": {
        "invitations": InvitationOptions(),
        "create_participant_quota": 50,
        "describe_contact_quota": 100,
        "throttling_rate_limit": 100,
        "throttling_burst_limit": 100,
    },
}


@pytest.fixture(scope="module")
def synthesized(app_factory: Callable[..., cdk.App]) -> Callable[[str], Synthesized]:
    """The broker of a configuration of ``CONFIGS``, synthesized once."""
    built: dict[str, Synthesized] = {}

    def get(name: str) -> Synthesized:
        if name not in built:
            built[name] = synth_broker(app_factory, alarms=False, **CONFIGS[name])
        return built[name]

    return get


def connect_rates(props: dict[str, Any], synth: Synthesized) -> dict[str, float]:
    """Connect calls per second at most, every method at the rate API Gateway lets through."""
    settings = synth.only("AWS::ApiGateway::Stage")["MethodSettings"]
    rates = dict.fromkeys(CONNECT_DEFAULT_RATES, 0.0)
    for route in methods(synth):
        for api, calls in calls_per_request(route, props).items():
            rates[api] += calls * method_rate(settings, *route)
    return rates


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_routes_together_stay_within_connects_quotas(
    synthesized: Callable[[str], Synthesized], name: str
) -> None:
    props = CONFIGS[name]
    quotas = {
        "CreateParticipant": props.get("create_participant_quota", 5),
        "DescribeContact": props.get("describe_contact_quota", 10),
    }
    assert quotas == {**CONNECT_DEFAULT_RATES, **quotas}  # the defaults are Connect's
    rates = connect_rates(props, synthesized(name))
    assert all(rates[api] <= quotas[api] + 1e-9 for api in quotas), rates
    # ... and use them: the busier of the two is within a rounding step of its quota.
    assert max(rates[api] / quotas[api] for api in quotas) > 0.97, rates


@pytest.mark.parametrize(
    ("name", "rate"), [("defaults", 2.5), ("invitations", 1.42), ("raised-quotas", 14.28)]
)
def test_raised_quotas_raise_the_participants_routes_limit(
    synthesized: Callable[[str], Synthesized], name: str, rate: float
) -> None:
    settings = synthesized(name).only("AWS::ApiGateway::Stage")["MethodSettings"]
    assert method_rate(settings, "POST", PARTICIPANTS) == rate


# -- explicit limits that do not fit, and quota props that cannot be used --------------------

REFUSED = [
    (
        {"invitations": InvitationOptions(redeem_throttling_rate_limit=6)},
        "redeem_throttling_rate_limit=6 requests/s lets redemptions call CreateParticipant up to "
        "6 times a second (1 per request), above create_participant_quota=5; lower "
        "redeem_throttling_rate_limit to at most 5, or raise create_participant_quota once "
        "Amazon Connect has raised the account's quota",
    ),
    (
        {"invitations": InvitationOptions(redeem_throttling_rate_limit=3)},
        "redeem_throttling_rate_limit=3 requests/s lets redemptions call DescribeContact up to "
        "12 times a second (4 per request: the contact check, and one a second while it waits "
        "up to agent_wait=3 seconds for the agent), above describe_contact_quota=10; lower "
        "redeem_throttling_rate_limit to at most 2.5, or raise describe_contact_quota once "
        "Amazon Connect has raised the account's quota, or shorten agent_wait",
    ),
    (
        {
            "invitations": InvitationOptions(redeem_throttling_rate_limit=5),
            "contact_checks": False,
        },
        "redeem_throttling_rate_limit=5 requests/s leaves none of create_participant_quota=5 for "
        "the other routes that call CreateParticipant; lower redeem_throttling_rate_limit, or "
        "raise create_participant_quota once Amazon Connect has raised the account's quota",
    ),
    (
        {"create_participant_quota": 0.04},
        "create_participant_quota=0.04 is too small to share among the routes that call "
        "CreateParticipant (each needs at least 0.01 requests/s); pass the account's quota, "
        "'Rate of CreateParticipant API requests' in Service Quotas",
    ),
    (
        {"create_participant_quota": 0},
        "create_participant_quota must be greater than 0 (requests per second), got 0; the "
        "default is 5, Amazon Connect's default quota",
    ),
    (
        {"describe_contact_quota": -1},
        "describe_contact_quota must be greater than 0 (requests per second), got -1; the "
        "default is 10, Amazon Connect's default quota",
    ),
]


@pytest.mark.parametrize(("props", "message"), REFUSED)
def test_limits_beyond_the_quotas_are_refused_at_synth(
    app_factory: Callable[..., cdk.App], props: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(
            new_stack(app_factory),
            "Broker",
            instance=ConnectInstance.from_id("i-1"),
            **{"invitations": InvitationOptions(), **props},
        )
    assert str(raised.value) == message


def test_a_quota_must_be_known_at_synth(app_factory: Callable[..., cdk.App]) -> None:
    stack = new_stack(app_factory)
    quota = cdk.CfnParameter(stack, "Quota", type="Number").value_as_number
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(
            stack, "Broker", instance=ConnectInstance.from_id("i-1"), describe_contact_quota=quota
        )
    assert str(raised.value) == (
        "describe_contact_quota must be a number at synth (the routes' throttles are computed "
        "from it), got a token; pass the account's quota in requests per second"
    )
