"""The contact-check props: what reaches the function, the IAM they add, and every validation
error with its exact message (both edges of each bound); unresolved tokens are not checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from broker_support import INSTANCE_ID, Synthesized, new_stack, synth_broker

from constructs_lib import (
    BrokerAuthorization,
    ConnectInstance,
    ParticipantBroker,
    defaults,
)
from constructs_lib import checks as _checks
from runtime.broker import config, settings

ROLES = "AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT, SUPERVISOR"
BUDGET = "each call up to 7 seconds with retries, plus 1 second"
FULL = "DescribeContact, the wait, a last DescribeContact and CreateParticipant"


def variables(synth: Synthesized) -> dict[str, Any]:
    result: dict[str, Any] = synth.only("AWS::Lambda::Function")["Environment"]["Variables"]
    return result


def statements(synth: Synthesized) -> list[dict[str, Any]]:
    roles = synth.template.find_resources("AWS::IAM::Role")
    (role,) = [r for name, r in roles.items() if name.startswith("BrokerFunctionRole")]
    result: list[dict[str, Any]] = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    return result


def describe_statements(synth: Synthesized) -> list[dict[str, Any]]:
    found = []
    for statement in statements(synth):
        actions = statement["Action"]
        if "connect:DescribeContact" in (actions if isinstance(actions, list) else [actions]):
            found.append(statement)
    return found


def test_defaults_follow_aws_and_the_runtime() -> None:
    assert defaults.CONTACT_CHECKS is True
    assert defaults.CHANNEL_ROLES == settings.CHANNEL_ROLES
    assert defaults.AGENT_WAIT.to_milliseconds() == settings.DEFAULT_AGENT_WAIT_MS
    assert defaults.CHANNELS == settings.CHANNELS
    # The default wait is the longest the default timeout leaves room for.
    seconds = defaults.TIMEOUT.to_seconds()
    assert defaults.AGENT_WAIT.to_seconds() == _checks.max_agent_wait_seconds(seconds) == 3


def test_without_contact_checks_the_function_gets_neither_the_action_nor_the_settings(
    app_factory: Callable[..., cdk.App],
) -> None:
    synth = synth_broker(app_factory, contact_checks=False)
    assert variables(synth)["CONTACT_CHECKS"] == "false"
    assert not {"CHANNEL_ROLES", "AGENT_WAIT_MS", "CALLER_ATTRIBUTE"} & set(variables(synth))
    assert describe_statements(synth) == []


def test_describe_contact_is_allowed_on_this_instances_contacts_only(
    app_factory: Callable[..., cdk.App],
) -> None:
    synth = synth_broker(app_factory)
    (statement,) = describe_statements(synth)
    assert statement["Action"] == "connect:DescribeContact"
    arn = synth.resolve(
        synth.stack.format_arn(
            service="connect", resource="instance", resource_name=f"{INSTANCE_ID}/contact/*"
        )
    )
    assert statement["Resource"] == arn
    assert "arn:aws:" not in str(arn)  # partition-aware: AWS::Partition, not a literal


def test_custom_settings_reach_the_function(app_factory: Callable[..., cdk.App]) -> None:
    synth = synth_broker(
        app_factory,
        allowed_roles=["CUSTOMER", "SUPERVISOR"],
        channel_roles={"VOICE": ["CUSTOMER", "SUPERVISOR", "CUSTOMER"], "TASK": ["CUSTOMER"]},
        agent_wait=Duration.millis(1500),
        caller_attribute="brokerCaller",
        authorization=BrokerAuthorization.iam(session_identity=True),
    )
    env = variables(synth)
    assert (env["CHANNEL_ROLES"], env["AGENT_WAIT_MS"], env["CALLER_ATTRIBUTE"]) == (
        "VOICE=CUSTOMER,SUPERVISOR;TASK=CUSTOMER",
        "1500",
        "brokerCaller",
    )
    assert env["IAM_SESSION_IDENTITY"] == "true"
    loaded = config.load({"INSTANCE_ID": "i", **env})
    assert loaded.channel_roles == {"VOICE": ("CUSTOMER", "SUPERVISOR"), "TASK": ("CUSTOMER",)}
    assert loaded.iam_sessions is True


def test_caller_attribute_works_with_a_cognito_api(app_factory: Callable[..., cdk.App]) -> None:
    def pool(stack: cdk.Stack) -> dict[str, Any]:
        pool = cdk.aws_cognito.UserPool(stack, "Pool")
        return {"authorization": BrokerAuthorization.cognito(pool)}

    env = variables(synth_broker(app_factory, setup=pool, caller_attribute="owner"))
    assert (env["AUTH_TYPE"], env["CALLER_ATTRIBUTE"]) == ("COGNITO_USER_POOLS", "owner")
    # The role of an assumed-role session is the caller unless session_identity says not.
    assert "IAM_SESSION_IDENTITY" not in env
    assert defaults.IAM_SESSION_IDENTITY is False


@pytest.mark.parametrize(
    ("checks", "wait", "needed"),
    [(False, 3, 8), (True, 0, 15), (True, 3, 25), (True, 6, 28), (True, 0.5, 22.5)],
)
def test_required_timeout(checks: bool, wait: float, needed: float) -> None:
    assert _checks.required_timeout_seconds(checks, wait) == needed


@pytest.mark.parametrize(("timeout", "wait"), [(25, 3), (28, 6), (22.5, 0.5), (22, 0), (10, 0)])
def test_longest_wait_a_timeout_leaves(timeout: float, wait: float) -> None:
    assert _checks.max_agent_wait_seconds(timeout) == wait


def test_the_widest_wait_the_longest_timeout_allows(app_factory: Callable[..., cdk.App]) -> None:
    synth = synth_broker(app_factory, timeout=Duration.seconds(28), agent_wait=Duration.seconds(6))
    assert variables(synth)["AGENT_WAIT_MS"] == "6000"


@pytest.mark.parametrize(
    ("timeout", "wait"),
    [(25, Duration.seconds(3)), (15, Duration.seconds(0)), (23, Duration.seconds(1))],
    ids=["default", "no-wait", "one-second"],
)
def test_waits_that_fit_their_timeout(
    app_factory: Callable[..., cdk.App], timeout: int, wait: Duration
) -> None:
    synth_broker(app_factory, timeout=Duration.seconds(timeout), agent_wait=wait)


def test_without_contact_checks_a_short_timeout_is_fine(
    app_factory: Callable[..., cdk.App],
) -> None:
    synth_broker(app_factory, timeout=Duration.seconds(5), contact_checks=False)


CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "channels-empty",
        {"channel_roles": {}},
        "channel_roles must map at least one channel to its roles, got {}; for example "
        "{'CHAT': ['CUSTOM_BOT'], 'VOICE': ['CUSTOMER']} (the default)",
    ),
    (
        "channel-unknown",
        {"channel_roles": {"SMS": ["CUSTOMER"]}},
        "channel_roles has the channel 'SMS', which is not an Amazon Connect channel; use "
        "VOICE, CHAT, TASK, EMAIL",
    ),
    (
        "channel-roles-string",
        {"channel_roles": {"CHAT": "CUSTOM_BOT"}},
        "channel_roles['CHAT'] must be a non-empty list of roles, got 'CUSTOM_BOT'; write "
        "'CHAT': ['CUSTOM_BOT']",
    ),
    (
        "channel-roles-empty",
        {"channel_roles": {"CHAT": []}},
        "channel_roles['CHAT'] must be a non-empty list of roles, got []; write "
        "'CHAT': ['CUSTOMER']",
    ),
    (
        "channel-role-unknown",
        {"channel_roles": {"CHAT": ["BOT"]}},
        f"channel_roles['CHAT'] contains 'BOT', which is not a participant role; valid roles: "
        f"{ROLES}",
    ),
    (
        "no-allowed-role-fits",
        {"allowed_roles": ["AGENT"]},
        "allowed_roles ['AGENT'] has no role any channel takes (channel_roles {'CHAT': "
        "('CUSTOM_BOT',), 'VOICE': ('CUSTOMER',)}), so the contact checks would refuse every "
        "request; allow one of CUSTOMER, CUSTOM_BOT, or change channel_roles",
    ),
    (
        "wait-just-over-the-default-timeout",
        {"agent_wait": Duration.millis(3001)},
        f"timeout=25 seconds is too short for the contact checks with agent_wait=3.001 seconds: "
        f"the function may need 25.001 seconds ({FULL}, {BUDGET}); lower agent_wait to at most "
        "3 seconds, or raise timeout to 25.001 seconds, or pass contact_checks=False",
    ),
    (
        "timeout-just-under-the-default-wait",
        {"timeout": Duration.seconds(24)},
        f"timeout=24 seconds is too short for the contact checks with agent_wait=3 seconds: "
        f"the function may need 25 seconds ({FULL}, {BUDGET}); lower agent_wait to at most "
        "2 seconds, or raise timeout to 25 seconds, or pass contact_checks=False",
    ),
    (
        "wait-past-the-longest-timeout",
        {"timeout": Duration.seconds(28), "agent_wait": Duration.millis(6001)},
        f"timeout=28 seconds is too short for the contact checks with agent_wait=6.001 seconds: "
        f"the function may need 28.001 seconds ({FULL}, {BUDGET}); lower agent_wait to at most "
        "6 seconds, or pass contact_checks=False",
    ),
    (
        "no-room-to-wait",
        {"timeout": Duration.seconds(20)},
        f"timeout=20 seconds is too short for the contact checks with agent_wait=3 seconds: "
        f"the function may need 25 seconds ({FULL}, {BUDGET}); pass "
        "agent_wait=Duration.seconds(0), or raise timeout to 25 seconds, or pass "
        "contact_checks=False",
    ),
    (
        "timeout-too-short-even-without-a-wait",
        {"timeout": Duration.seconds(14), "agent_wait": Duration.seconds(0)},
        "timeout=14 seconds is too short for the contact checks with agent_wait=0 seconds: the "
        f"function may need 15 seconds (DescribeContact and CreateParticipant, {BUDGET}); raise "
        "timeout to 15 seconds, or pass contact_checks=False",
    ),
    (
        "caller-attribute-characters",
        {"caller_attribute": "broker caller"},
        "caller_attribute must be a contact attribute name of 1-128 letters, digits, '-' and '_' "
        "(the characters Amazon Connect allows in attribute keys), got 'broker caller'; for "
        "example 'brokerCaller'",
    ),
    (
        "caller-attribute-too-long",
        {"caller_attribute": "a" * 129},
        "caller_attribute must be a contact attribute name of 1-128 letters, digits, '-' and '_' "
        f"(the characters Amazon Connect allows in attribute keys), got {'a' * 129!r}; for "
        "example 'brokerCaller'",
    ),
    (
        "caller-attribute-without-checks",
        {"caller_attribute": "owner", "contact_checks": False},
        "caller_attribute='owner' needs the contact checks (it is read from DescribeContact), "
        "got contact_checks=False; drop one of the two",
    ),
    (
        "caller-attribute-without-callers",
        {
            "caller_attribute": "owner",
            "authorization": BrokerAuthorization.allow_unauthenticated_access(),
        },
        "caller_attribute='owner' binds contacts to the caller's identity, and "
        "BrokerAuthorization.allow_unauthenticated_access() gives callers none; use "
        "BrokerAuthorization.iam(), .cognito(...) or .authorizer(...), or drop caller_attribute",
    ),
]


@pytest.mark.parametrize(("props", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_contact_props_are_rejected_with_the_fix(
    app_factory: Callable[..., cdk.App], props: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(
            new_stack(app_factory), "Broker", instance=ConnectInstance.from_id(INSTANCE_ID), **props
        )
    assert str(raised.value) == message


def test_caller_attribute_of_128_characters_is_accepted(
    app_factory: Callable[..., cdk.App],
) -> None:
    assert variables(synth_broker(app_factory, caller_attribute="a" * 128))["CALLER_ATTRIBUTE"]


def test_roles_need_not_meet_channels_without_the_checks(
    app_factory: Callable[..., cdk.App],
) -> None:
    synth_broker(app_factory, allowed_roles=["AGENT"], contact_checks=False)


def test_unresolved_tokens_are_not_validated(app_factory: Callable[..., cdk.App]) -> None:
    stack = new_stack(app_factory)
    millis = cdk.CfnParameter(stack, "Wait", type="Number").value_as_number
    attribute = cdk.CfnParameter(stack, "Attribute").value_as_string
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        timeout=Duration.seconds(cdk.CfnParameter(stack, "Timeout", type="Number").value_as_number),
        agent_wait=Duration.millis(millis),
        caller_attribute=attribute,
    )
    template = cdk.assertions.Template.from_stack(stack)
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    env = function["Properties"]["Environment"]["Variables"]
    assert env["CALLER_ATTRIBUTE"] == {"Ref": "Attribute"}
    assert env["AGENT_WAIT_MS"] == {"Ref": "Wait"}
    assert broker.lambda_function.timeout is not None
