"""The props checks at both edges of every bound, for every origin, and skipping every token.

``test_broker_validation`` holds the exact message of one bad value per prop, through the
construct; here the checks are called directly, so each edge costs no synth. A rejection must
name the prop and the value received (what a user reads to fix it); the rest of the wording
is pinned once, there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration

from constructs_lib import _checks, defaults
from constructs_lib.props import ConnectInstance


def rejects(check: Callable[..., None], prop: str, shown: str, *args: Any) -> None:
    """``check(*args)`` raises a message that starts with ``prop`` and shows ``shown``."""
    with pytest.raises(ValueError) as raised:
        check(*args)
    message = str(raised.value)
    assert message.startswith(f"{prop} "), message
    assert f"got {shown}" in message or f"contains {shown}" in message, message


@pytest.fixture(scope="module")
def stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Tokens")


@pytest.fixture(scope="module")
def text_token(stack: cdk.Stack) -> str:
    return cdk.CfnParameter(stack, "Text").value_as_string


@pytest.fixture(scope="module")
def number_token(stack: cdk.Stack) -> float:
    return cdk.CfnParameter(stack, "Number", type="Number").value_as_number


# --- numbers: both edges ---------------------------------------------------------------------


@pytest.mark.parametrize("memory", [128, 512, 10240])
def test_memory_size_inside_lambdas_range_is_accepted(memory: int) -> None:
    _checks.memory_size(memory)


@pytest.mark.parametrize("memory", [127, 10241, 0, -512])
def test_memory_size_outside_lambdas_range_is_rejected(memory: int) -> None:
    rejects(_checks.memory_size, "memory_size", repr(memory), memory)


@pytest.mark.parametrize("seconds", [1, 25, 28])
def test_timeout_that_answers_before_api_gateway_is_accepted(seconds: int) -> None:
    _checks.timeout(Duration.seconds(seconds))


@pytest.mark.parametrize("seconds", [0, 29, 900])
def test_timeout_api_gateway_would_cut_or_zero_is_rejected(seconds: int) -> None:
    rejects(_checks.timeout, "timeout", f"{seconds} seconds", Duration.seconds(seconds))


def test_timeout_under_a_second_is_rejected_with_the_value_received() -> None:
    with pytest.raises(ValueError) as raised:
        _checks.timeout(Duration.millis(500))
    assert str(raised.value) == (
        "timeout must be between 1 and 28 seconds so the function answers before API Gateway's "
        "29 s integration timeout, got 0.5 seconds; the default is 25 seconds"
    )


@pytest.mark.parametrize("concurrency", [None, 1, 1000])
def test_reserved_concurrency_of_at_least_one_is_accepted(concurrency: int | None) -> None:
    _checks.reserved_concurrency(concurrency)


@pytest.mark.parametrize("concurrency", [0, -1])
def test_reserved_concurrency_that_stops_the_function_is_rejected(concurrency: int) -> None:
    rejects(
        _checks.reserved_concurrency,
        "reserved_concurrency",
        repr(concurrency),
        concurrency,
    )


@pytest.mark.parametrize(("rate", "burst"), [(0.5, 1), (1, 1), (5, 10), (10000, 5000)])
def test_positive_rate_and_burst_are_accepted(rate: float, burst: int) -> None:
    _checks.throttling(rate, burst)


@pytest.mark.parametrize("rate", [0, 0.0, -1])
def test_rate_of_zero_or_less_is_rejected(rate: float) -> None:
    rejects(_checks.throttling, "throttling_rate_limit", repr(rate), rate, 10)


@pytest.mark.parametrize("burst", [0, -1, 2.5])
def test_burst_below_one_or_fractional_is_rejected(burst: Any) -> None:
    rejects(_checks.throttling, "throttling_burst_limit", repr(burst), 5, burst)


# --- strings: both edges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "namespace", ["A", "n" * 255, "Team/Brokers", "a.b-c_d/e#f:g h", "AWS", "AWSome/x", "aws/x"]
)
def test_custom_namespace_is_accepted(namespace: str) -> None:
    _checks.metrics_namespace(namespace)


@pytest.mark.parametrize("namespace", ["", "n" * 256, "AWS/Lambda", "Team|Brokers", "Team\n"])
def test_namespace_cloudwatch_refuses_is_rejected(namespace: str) -> None:
    rejects(_checks.metrics_namespace, "metrics_namespace", repr(namespace), namespace)


@pytest.mark.parametrize("level", defaults.LOG_LEVELS)
def test_every_runtime_log_level_is_accepted(level: str) -> None:
    _checks.log_level(level)


@pytest.mark.parametrize("level", ["info", "TRACE", "", "INFO "])
def test_log_level_the_runtime_refuses_is_rejected(level: str) -> None:
    rejects(_checks.log_level, "log_level", repr(level), level)


REGIONAL_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/a1b2c3"


@pytest.mark.parametrize(
    "arn",
    [
        None,
        REGIONAL_ACL,
        "arn:aws-us-gov:wafv2:us-gov-west-1:123456789012:regional/webacl/api/a1b2c3",
        "arn:aws-cn:wafv2:cn-north-1:123456789012:regional/webacl/api/a1b2c3",
    ],
)
def test_regional_web_acl_in_any_partition_is_accepted(arn: str | None) -> None:
    _checks.web_acl_arn(arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api/a1b2c3",
        "arn:aws:wafv2:eu-west-1:12345678901:regional/webacl/api/a1b2c3",
        "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api",
        "arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/api/a1b2c3",
        "arn:aws:waf-regional:eu-west-1:123456789012:webacl/a1b2c3",
        REGIONAL_ACL + "/extra",
        " " + REGIONAL_ACL,
        "",
    ],
)
def test_web_acl_that_cannot_attach_to_a_rest_api_stage_is_rejected(arn: str) -> None:
    rejects(_checks.web_acl_arn, "web_acl_arn", repr(arn), arn)


# --- CORS origins: every one is checked ------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.com",
        "http://localhost",
        "http://localhost:3000",
        "https://a.example:1",
        "https://a.example:65535",
        "https://xn--bcher-kva.example",
    ],
)
def test_origin_is_accepted(origin: str) -> None:
    _checks.cors_origins([origin])


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.com/",
        "https://app.example.com/path",
        "app.example.com",
        "ftp://app.example.com",
        "https://app.example.com:",
        "https://app.example.com:123456",
        "https://user@app.example.com",
        "https://",
        "",
    ],
)
def test_what_is_not_an_origin_is_rejected(origin: str) -> None:
    rejects(_checks.cors_origins, "cors_allowed_origins", repr(origin), [origin])


@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_bad_origin_is_found_wherever_it_is_in_the_list(position: int) -> None:
    origins = ["https://a.example", "https://b.example", "https://c.example"]
    origins[position] = "https://bad.example/"
    rejects(_checks.cors_origins, "cors_allowed_origins", "'https://bad.example/'", origins)


def test_any_origin_is_refused_wherever_it_is_in_the_list() -> None:
    """A broker that mints participant tokens names the sites that may read them."""
    for origins in (["*"], ["https://a.example", "*"]):
        with pytest.raises(ValueError, match=r"^cors_allowed_origins contains '\*', which would"):
            _checks.cors_origins(origins)


@pytest.mark.parametrize("origins", [(), "https://app.example.com"])
def test_empty_or_bare_string_origins_are_rejected(origins: Any) -> None:
    rejects(_checks.cors_origins, "cors_allowed_origins", repr(origins), origins)


def test_no_origins_means_no_cors() -> None:
    _checks.cors_origins(None)


# --- instance, TLS ---------------------------------------------------------------------------

INSTANCE = "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize("given", [INSTANCE, "a", "i" * 100])
def test_instance_id_is_accepted(given: str) -> None:
    assert ConnectInstance.from_id(given).instance_id == given


@pytest.mark.parametrize(
    "given",
    [
        f"arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE}",
        f"arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/{INSTANCE}",
        f"arn:aws-cn:connect:cn-north-1:123456789012:instance/{INSTANCE}",
    ],
)
def test_instance_arn_in_any_partition_gives_the_id(given: str) -> None:
    assert ConnectInstance.from_arn(given).instance_id == INSTANCE


@pytest.mark.parametrize(
    "given",
    [
        "",
        "i" * 101,
        "abc_def",
        f"instance/{INSTANCE}",
        f"arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE}",
    ],
)
def test_what_is_not_an_instance_id_is_rejected(given: str) -> None:
    rejects(ConnectInstance.from_id, "instance_id", repr(given), given)


@pytest.mark.parametrize(
    "given",
    [
        INSTANCE,
        f"arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE}/contact/c-1",
        f"arn:aws:connect:eu-west-1:1234567890:instance/{INSTANCE}",
        f"arn:aws:sts:eu-west-1:123456789012:instance/{INSTANCE}",
        "arn:aws:connect:eu-west-1:123456789012:instance/abc_def",
        f"instance/{INSTANCE}",
    ],
)
def test_what_is_not_an_instance_arn_is_rejected(given: str) -> None:
    rejects(ConnectInstance.from_arn, "instance_arn", repr(given), given)


@pytest.mark.parametrize(
    "policy", ["SecurityPolicy_TLS13_1_3_2025_09", "SecurityPolicy_TLS13_1_2_PQ_2025_09"]
)
def test_an_enhanced_regional_policy_is_accepted(policy: str) -> None:
    _checks.security_policy(policy)


@pytest.mark.parametrize(
    "policy",
    ["TLS_1_0", "TLS_1_2", "TLS_1_3", "SecurityPolicy_TLS13_2025_EDGE", "TLS_1_2_EDGE", ""],
)
def test_a_policy_that_is_not_enhanced_for_regional_apis_is_rejected(policy: str) -> None:
    rejects(_checks.security_policy, "security_policy", repr(policy), policy)


# --- the contact checks' time budget: which fixes the error offers ---------------------------


def offered_fixes(timeout: float, wait: float) -> list[str]:
    with pytest.raises(ValueError) as raised:
        _checks.time_budget(Duration.millis(timeout * 1000), True, Duration.millis(wait * 1000))
    return str(raised.value).rpartition("; ")[2].split(", or ")


@pytest.mark.parametrize(
    ("timeout", "wait", "fixes"),
    [
        # Two calls and the margin (15 s) fit: the wait can shrink, to 0.5 s or to nothing.
        (22.5, 3, ["lower agent_wait to at most 0.5 seconds", "raise timeout to 25 seconds"]),
        (15, 1, ["pass agent_wait=Duration.seconds(0)", "raise timeout to 23 seconds"]),
        (22, 0.5, ["pass agent_wait=Duration.seconds(0)", "raise timeout to 22.5 seconds"]),
        (27, 6, ["lower agent_wait to at most 5 seconds", "raise timeout to 28 seconds"]),
        # They do not: no wait would fit, so the error does not offer one.
        (10, 3, ["raise timeout to 25 seconds"]),
        (14, 0, ["raise timeout to 15 seconds"]),
    ],
)
def test_a_timeout_too_short_for_the_checks_offers_the_fixes_that_work(
    timeout: float, wait: float, fixes: list[str]
) -> None:
    assert offered_fixes(timeout, wait) == [*fixes, "pass contact_checks=False"]


def test_the_time_budget_is_not_checked_for_tokens_or_without_the_checks(
    number_token: float,
) -> None:
    short, token = Duration.seconds(5), Duration.seconds(number_token)
    _checks.time_budget(short, True, token)
    _checks.time_budget(token, True, Duration.seconds(3))
    _checks.time_budget(short, False, Duration.seconds(3))


# --- roles -----------------------------------------------------------------------------------


def test_allowed_roles_are_deduplicated_in_order() -> None:
    roles = ["CUSTOM_BOT", "CUSTOMER", "CUSTOM_BOT", "AGENT", "CUSTOMER"]
    assert _checks.allowed_roles(roles) == ("CUSTOM_BOT", "CUSTOMER", "AGENT")


def test_every_connect_role_is_accepted() -> None:
    roles = list(defaults.VALID_ROLES)
    assert _checks.allowed_roles(roles) == defaults.VALID_ROLES


@pytest.mark.parametrize("roles", [["customer"], ["CUSTOMER", "ADMIN"], ["ADMIN", "CUSTOMER"]])
def test_a_role_connect_does_not_know_is_rejected(roles: list[str]) -> None:
    bad = next(role for role in roles if role not in defaults.VALID_ROLES)
    rejects(_checks.allowed_roles, "allowed_roles", repr(bad), roles)


@pytest.mark.parametrize(
    ("default_role", "allowed", "expected"),
    [
        (None, ("CUSTOMER",), "CUSTOMER"),
        (None, ("AGENT", "CUSTOMER"), "CUSTOMER"),
        (None, ("CUSTOM_BOT",), "CUSTOM_BOT"),
        ("AGENT", ("AGENT", "CUSTOMER"), "AGENT"),
        ("CUSTOMER", ("AGENT", "CUSTOMER"), "CUSTOMER"),
    ],
)
def test_default_role(default_role: str | None, allowed: tuple[str, ...], expected: str) -> None:
    assert _checks.default_role(default_role, allowed) == expected


def test_default_role_outside_the_allowed_roles_is_rejected() -> None:
    rejects(_checks.default_role, "default_role", "'AGENT'", "AGENT", ("CUSTOMER", "SYSTEM"))


def test_default_role_is_required_when_the_allowed_roles_leave_a_choice() -> None:
    with pytest.raises(ValueError, match=r"^default_role is required .*\['AGENT', 'SYSTEM'\]"):
        _checks.default_role(None, ("AGENT", "SYSTEM"))


# --- tokens: resolved at deploy time, never checked at synth ---------------------------------


def test_string_tokens_are_not_checked(text_token: str) -> None:
    _checks.log_level(text_token)
    _checks.metrics_namespace(text_token)
    _checks.web_acl_arn(text_token)
    _checks.cors_origins([text_token])
    _checks.cors_origins(["https://app.example.com", text_token])


def test_tls_tokens_are_not_checked(text_token: str) -> None:
    _checks.security_policy(text_token)


@pytest.mark.parametrize("factory", [ConnectInstance.from_id, ConnectInstance.from_arn])
def test_an_instance_token_is_resolved_by_cloudformation(
    stack: cdk.Stack, text_token: str, factory: Callable[[str], ConnectInstance]
) -> None:
    """Joined to itself with '/' and split on '/', an ID or an ARN has the ID at index 1."""
    assert stack.resolve(factory(text_token).instance_id) == {
        "Fn::Select": [
            1,
            {"Fn::Split": ["/", {"Fn::Join": ["", [{"Ref": "Text"}, "/", {"Ref": "Text"}]]}]},
        ]
    }


def test_number_tokens_are_not_checked(number_token: float) -> None:
    _checks.memory_size(number_token)  # type: ignore[arg-type]
    _checks.reserved_concurrency(number_token)  # type: ignore[arg-type]
    _checks.throttling(number_token, number_token)  # type: ignore[arg-type]
    _checks.timeout(Duration.seconds(number_token))


def test_a_token_rate_does_not_hide_a_bad_burst(number_token: float) -> None:
    rejects(_checks.throttling, "throttling_burst_limit", "0", number_token, 0)


def test_a_token_burst_does_not_hide_a_bad_rate(number_token: float) -> None:
    rejects(_checks.throttling, "throttling_rate_limit", "0", 0, number_token)


def test_a_token_origin_does_not_hide_a_bad_one(text_token: str) -> None:
    rejects(
        _checks.cors_origins,
        "cors_allowed_origins",
        "'https://bad.example/'",
        [text_token, "https://bad.example/"],
    )
