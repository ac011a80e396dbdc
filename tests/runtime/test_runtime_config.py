"""The environment the construct sets, read into a Config."""

from __future__ import annotations

import pytest

from runtime.broker.config import Config, ConfigError, load


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
    )


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
            {"INSTANCE_ID": "i", "ALLOW_VIDEO": "yes"},
            "ALLOW_VIDEO must be 'true' or 'false', got 'yes'",
        ),
        (
            {"INSTANCE_ID": "i", "LOG_LEVEL": "TRACE"},
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got 'TRACE'",
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
