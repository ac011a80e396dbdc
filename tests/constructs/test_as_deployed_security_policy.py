"""Moving a deployed broker to an enhanced security policy, as API Gateway says to do it
(aws_rules.security_policy): never straight to STRICT endpoint access mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_rules.security_policy import update_problems
from broker_support import INSTANCE_ID, Synthesized, new_stack, synth_broker

from constructs_lib import ConnectInstance, ParticipantBroker

TLS13 = "SecurityPolicy_TLS13_1_3_2025_09"


def rest_api(app_factory: Callable[..., cdk.App], **props: Any) -> dict[str, Any]:
    return synth_broker(app_factory, **props).only("AWS::ApiGateway::RestApi")


@pytest.fixture(scope="module")
def default(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory)


@pytest.fixture(scope="module")
def deployed(default: Synthesized) -> dict[str, Any]:
    """The API of a broker deployed with the default (legacy) policy."""
    return default.only("AWS::ApiGateway::RestApi")


def test_an_enhanced_policy_alone_is_refused_rather_than_made_strict(
    app_factory: Callable[..., cdk.App],
) -> None:
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(
            new_stack(app_factory),
            "Broker",
            instance=ConnectInstance.from_id(INSTANCE_ID),
            security_policy=TLS13,
        )
    assert str(raised.value) == (
        "security_policy='SecurityPolicy_TLS13_1_3_2025_09' needs an endpoint_access_mode, got "
        "none; pass endpoint_access_mode='BASIC' for an API deployed with a legacy policy (then "
        "'STRICT' once its access logs show that callers still get through), or 'STRICT' for a "
        'new API (docs/security.md, "Endpoint access mode")'
    )


def test_a_deployed_broker_moves_to_strict_through_basic(
    app_factory: Callable[..., cdk.App], deployed: dict[str, Any]
) -> None:
    basic = rest_api(app_factory, security_policy=TLS13, endpoint_access_mode="BASIC")
    strict = rest_api(app_factory, security_policy=TLS13, endpoint_access_mode="STRICT")
    assert (basic["SecurityPolicy"], basic["EndpointAccessMode"]) == (TLS13, "BASIC")
    assert update_problems(deployed, basic) == []
    assert update_problems(basic, strict) == []
    assert update_problems(deployed, strict) == [
        "a deployed API reaches STRICT through BASIC, after checking its traffic"
    ]


def test_the_access_log_shows_each_callers_tls_version_and_cipher(default: Synthesized) -> None:
    # "To monitor which TLS protocol and ciphers clients used ... use the $context.tlsVersion
    # and $context.cipherSuite context variables in your access logs" (same page): what to
    # look at before a TLS 1.3-only policy and before STRICT.
    log_format = default.only("AWS::ApiGateway::Stage")["AccessLogSetting"]["Format"]
    assert '"tlsVersion":"$context.tlsVersion"' in log_format
    assert '"cipherSuite":"$context.cipherSuite"' in log_format
