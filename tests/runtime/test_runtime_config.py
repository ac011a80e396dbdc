"""The environment the construct sets, read into a Config."""

from __future__ import annotations

import json

import pytest
from runtime_support import PROBLEM_HEADERS, FakeLambdaContext, api_gateway_event, body_of, problem

from constructs_lib.local import load_runtime
from runtime.broker.config import Config, ConfigError, load

INSTANCE = "11111111-2222-3333-4444-555555555555"


def test_defaults_with_only_the_instance_id() -> None:
    assert load({"INSTANCE_ID": "i-1"}) == Config(instance_id="i-1")


def test_every_variable_is_read() -> None:
    env = {
        "INSTANCE_ID": " i-1 ",
        "ALLOWED_ROLES": "CUSTOMER, CUSTOM_BOT",
        "DEFAULT_ROLE": "CUSTOM_BOT",
        "ALLOW_VIDEO": "false",
        "ALLOW_SCREEN_SHARE": "FALSE",
        "LOG_LEVEL": "debug",
        "METRICS_NAMESPACE": "Team/Brokers",
        "AWS_LAMBDA_FUNCTION_NAME": "fn",
        "AWS_REGION": "eu-west-1",
        "AUTH_TYPE": "COGNITO_USER_POOLS",
        "CONTACT_CHECKS": "true",
        "CHANNEL_ROLES": "CHAT=CUSTOM_BOT; VOICE=CUSTOMER,SUPERVISOR",
        "AGENT_WAIT_MS": "2500",
        "CALLER_ATTRIBUTE": "brokerCaller",
    }
    assert load(env) == Config(
        instance_id="i-1",
        allowed_roles=frozenset({"CUSTOMER", "CUSTOM_BOT"}),
        default_role="CUSTOM_BOT",
        allow_video=False,
        allow_screen_share=False,
        log_level="DEBUG",
        metrics_namespace="Team/Brokers",
        function_name="fn",
        region="eu-west-1",
        auth_type="COGNITO_USER_POOLS",
        contact_checks=True,
        channel_roles={"CHAT": ("CUSTOM_BOT",), "VOICE": ("CUSTOMER", "SUPERVISOR")},
        agent_wait_seconds=2.5,
        caller_attribute="brokerCaller",
    )


def test_contact_checks_default_to_on_with_the_aws_channel_roles() -> None:
    config = load({"INSTANCE_ID": "i-1"})
    assert config.contact_checks is True
    assert config.channel_roles == {"CHAT": ("CUSTOM_BOT",), "VOICE": ("CUSTOMER",)}
    assert (config.agent_wait_seconds, config.caller_attribute) == (3.0, None)


def test_contact_checks_can_be_turned_off() -> None:
    assert load({"INSTANCE_ID": "i-1", "CONTACT_CHECKS": "false"}).contact_checks is False


@pytest.mark.parametrize(
    "raw", ["", "CHAT", "CHAT=", "SMS=CUSTOMER", "CHAT=BOT", "CHAT=CUSTOM_BOT;CHAT=CUSTOMER"]
)
def test_invalid_channel_roles_are_refused(raw: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load({"INSTANCE_ID": "i", "CHANNEL_ROLES": raw})
    assert (
        str(raised.value)
        == f"CHANNEL_ROLES must be like CHAT=CUSTOM_BOT;VOICE=CUSTOMER, got {raw!r}"
    )


def test_a_role_session_is_its_role_unless_iam_session_identity_is_on() -> None:
    assert load({"INSTANCE_ID": "i-1"}).iam_sessions is False
    assert load({"INSTANCE_ID": "i-1", "IAM_SESSION_IDENTITY": "false"}).iam_sessions is False
    on = {"INSTANCE_ID": "i-1", "IAM_SESSION_IDENTITY": " True", "AUTH_TYPE": "AWS_IAM"}
    assert load(on).iam_sessions is True


@pytest.mark.parametrize("auth_type", ["COGNITO_USER_POOLS", "CUSTOM", "NONE"])
def test_iam_session_identity_needs_aws_iam(auth_type: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load({"INSTANCE_ID": "i", "IAM_SESSION_IDENTITY": "true", "AUTH_TYPE": auth_type})
    assert (
        str(raised.value) == f"IAM_SESSION_IDENTITY=true needs AUTH_TYPE=AWS_IAM, got {auth_type!r}"
    )


def test_iam_session_identity_is_true_or_false() -> None:
    with pytest.raises(ConfigError) as raised:
        load({"INSTANCE_ID": "i", "IAM_SESSION_IDENTITY": "yes"})
    assert str(raised.value) == "IAM_SESSION_IDENTITY must be 'true' or 'false', got 'yes'"


CALLER_NEEDS = "CALLER_ATTRIBUTE needs CONTACT_CHECKS=true and AUTH_TYPE other than NONE"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AGENT_WAIT_MS": "1.5"}, "AGENT_WAIT_MS must be whole milliseconds, got '1.5'"),
        ({"AGENT_WAIT_MS": "-1"}, "AGENT_WAIT_MS must be whole milliseconds, got '-1'"),
        ({"CALLER_ATTRIBUTE": "owner", "AUTH_TYPE": "NONE"}, CALLER_NEEDS),
        ({"CALLER_ATTRIBUTE": "owner", "CONTACT_CHECKS": "false"}, CALLER_NEEDS),
    ],
)
def test_invalid_contact_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load({"INSTANCE_ID": "i", **env})
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "INSTANCE_ID is not set"),
        (
            {"INSTANCE_ID": "i", "ALLOWED_ROLES": "CUSTOMER,ADMIN"},
            "ALLOWED_ROLES must list roles from AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT, SUPERVISOR, "
            "got 'CUSTOMER,ADMIN'",
        ),
        (
            {"INSTANCE_ID": "i", "DEFAULT_ROLE": "AGENT"},
            "DEFAULT_ROLE 'AGENT' must be one of ALLOWED_ROLES (CUSTOMER)",
        ),
        (
            {"INSTANCE_ID": "i", "ALLOWED_ROLES": "SYSTEM,CUSTOM_BOT", "DEFAULT_ROLE": "AGENT"},
            "DEFAULT_ROLE 'AGENT' must be one of ALLOWED_ROLES (CUSTOM_BOT, SYSTEM)",
        ),
        (
            {"INSTANCE_ID": "i", "ALLOW_VIDEO": "yes"},
            "ALLOW_VIDEO must be 'true' or 'false', got 'yes'",
        ),
        (
            {"INSTANCE_ID": "i", "LOG_LEVEL": "TRACE"},
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got 'TRACE'",
        ),
        (
            {"INSTANCE_ID": f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}"},
            f"INSTANCE_ID must be the Amazon Connect instance ID, not its ARN: set it to "
            f"'{INSTANCE}', the part after 'instance/' (the prop or SSM parameter it comes "
            "from must hold the ID)",
        ),
        (
            {"INSTANCE_ID": "arn:aws-us-gov:connect:us-gov-west-1:123456789012:other"},
            "INSTANCE_ID must be the Amazon Connect instance ID, not its ARN (the prop or SSM "
            "parameter it comes from must hold the ID)",
        ),
        (
            {"INSTANCE_ID": f"instance/{INSTANCE}"},
            "INSTANCE_ID must be the Amazon Connect instance ID, which has no ':' or '/', "
            f"got 'instance/{INSTANCE}'",
        ),
        (
            {"INSTANCE_ID": "connect:abc"},
            "INSTANCE_ID must be the Amazon Connect instance ID, which has no ':' or '/', "
            "got 'connect:abc'",
        ),
        (
            {"INSTANCE_ID": "i", "AUTH_TYPE": "IAM"},
            "AUTH_TYPE must be one of AWS_IAM, COGNITO_USER_POOLS, CUSTOM, NONE, got 'IAM'",
        ),
    ],
)
def test_invalid_environment_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(env)
    assert str(raised.value) == message


def test_instance_id_is_a_uuid_or_any_id_without_separators() -> None:
    assert load({"INSTANCE_ID": INSTANCE}).instance_id == INSTANCE


def test_instance_arn_is_reported_at_init_and_every_request_answers_500(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A fresh copy of the runtime, imported as Lambda's init phase imports it.
    arn = f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}"
    monkeypatch.setenv("INSTANCE_ID", arn)
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    serve = load_runtime().handler
    (init,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (init["level"], init["message"]) == ("ERROR", "configuration error")
    assert init["error"].startswith(
        f"INSTANCE_ID must be the Amazon Connect instance ID, not its ARN: set it to '{INSTANCE}'"
    )
    response = serve(api_gateway_event({"displayName": "Ana"}), FakeLambdaContext())
    assert (response["statusCode"], response["headers"]) == (500, PROBLEM_HEADERS)
    assert body_of(response) == problem(
        500, "internal", "Internal error", "The broker could not complete the request."
    )
    assert arn not in response["body"]


@pytest.mark.parametrize(
    ("env", "region"),
    [
        ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-1"),
        ({"AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-2"),
        ({"AWS_REGION": "", "AWS_DEFAULT_REGION": ""}, None),
        ({}, None),
    ],
)
def test_region_is_lambdas_then_the_default_region(env: dict[str, str], region: str | None) -> None:
    assert load({"INSTANCE_ID": "i", **env}).region == region
