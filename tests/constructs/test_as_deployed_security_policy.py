"""Moving a deployed broker to an enhanced security policy, as API Gateway says to do it
(aws_rules.security_policy): never straight to STRICT endpoint access mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_rules.security_policy import update_problems
from broker_support import Synthesized, synth_broker

from constructs_lib import BrokerEndpoint, BrokerSecurityPolicy

TLS13 = "SecurityPolicy_TLS13_1_3_2025_09"


def rest_api(
    app_factory: Callable[..., cdk.App], mode: apigateway.EndpointAccessMode
) -> dict[str, Any]:
    policy = BrokerSecurityPolicy.enhanced(TLS13, endpoint_access_mode=mode)
    endpoint = BrokerEndpoint.regional(security_policy=policy)
    return synth_broker(app_factory, endpoint=endpoint).only("AWS::ApiGateway::RestApi")


@pytest.fixture(scope="module")
def default(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory)


@pytest.fixture(scope="module")
def deployed(default: Synthesized) -> dict[str, Any]:
    """The API of a broker deployed with the default (legacy) policy."""
    return default.only("AWS::ApiGateway::RestApi")


def test_a_deployed_broker_moves_to_strict_through_basic(
    app_factory: Callable[..., cdk.App], deployed: dict[str, Any]
) -> None:
    basic = rest_api(app_factory, apigateway.EndpointAccessMode.BASIC)
    strict = rest_api(app_factory, apigateway.EndpointAccessMode.STRICT)
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
