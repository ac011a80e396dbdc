"""ParticipantBroker authentication options: AWS_IAM (default), Cognito, any authorizer, none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match
from broker_support import Synthesized, synth_broker

from constructs_lib import BrokerAuthorization

WARNING_ID = "connect-participant-broker:unauthenticated"


def with_user_pool(stack: cdk.Stack) -> dict[str, Any]:
    pool = cognito.UserPool(stack, "Pool")
    return {"authorization": BrokerAuthorization.cognito(pool, scopes=["broker/participants"])}


def with_token_authorizer(stack: cdk.Stack) -> dict[str, Any]:
    function = lambda_.Function(
        stack,
        "AuthFunction",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
    )
    authorizer = apigateway.TokenAuthorizer(stack, "Authorizer", handler=function)
    return {"authorization": BrokerAuthorization.authorizer(authorizer)}


@pytest.fixture(scope="module")
def cognito_synth(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, setup=with_user_pool)


@pytest.fixture(scope="module")
def custom_synth(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, setup=with_token_authorizer)


@pytest.fixture(scope="module")
def open_synth(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(
        app_factory, authorization=BrokerAuthorization.allow_unauthenticated_access()
    )


def test_cognito_method_uses_the_user_pool_authorizer_and_scopes(
    cognito_synth: Synthesized,
) -> None:
    method = cognito_synth.only("AWS::ApiGateway::Method")
    assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert method["AuthorizationScopes"] == ["broker/participants"]
    authorizer = cognito_synth.broker.node.find_child("Authorizer")
    assert isinstance(authorizer, apigateway.CognitoUserPoolsAuthorizer)
    assert method["AuthorizerId"] == cognito_synth.resolve(authorizer.authorizer_id)


def test_cognito_authorizer_points_at_the_pool(cognito_synth: Synthesized) -> None:
    authorizer = cognito_synth.only("AWS::ApiGateway::Authorizer")
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    pool = cognito_synth.stack.node.find_child("Pool")
    assert isinstance(pool, cognito.UserPool)
    assert authorizer["ProviderARNs"] == [cognito_synth.resolve(pool.user_pool_arn)]


def test_custom_authorizer_is_used_as_given(custom_synth: Synthesized) -> None:
    method = custom_synth.only("AWS::ApiGateway::Method")
    assert method["AuthorizationType"] == "CUSTOM"
    authorizer = custom_synth.stack.node.find_child("Authorizer")
    assert isinstance(authorizer, apigateway.TokenAuthorizer)
    assert method["AuthorizerId"] == custom_synth.resolve(authorizer.authorizer_id)
    custom_synth.template.has_resource_properties("AWS::ApiGateway::Authorizer", {"Type": "TOKEN"})


def test_unauthenticated_method_has_no_authorization(open_synth: Synthesized) -> None:
    assert open_synth.only("AWS::ApiGateway::Method")["AuthorizationType"] == "NONE"


def test_unauthenticated_access_adds_a_warning(open_synth: Synthesized) -> None:
    Annotations.from_stack(open_synth.stack).has_warning(
        "/Stack/Broker",
        Match.string_like_regexp(
            r"^BrokerAuthorization.allow_unauthenticated_access\(\): anyone who can reach this "
            r"API can add participants.* \[ack: connect-participant-broker:unauthenticated\]$"
        ),
    )


def test_function_is_told_where_the_caller_identity_is(
    cognito_synth: Synthesized, custom_synth: Synthesized, open_synth: Synthesized
) -> None:
    # The method's authorization type and the runtime's AUTH_TYPE must agree: the runtime
    # reads the caller identity (idempotency scope, contact-bound callers) from that place.
    for synth, expected in (
        (cognito_synth, "COGNITO_USER_POOLS"),
        (custom_synth, "CUSTOM"),
        (open_synth, "NONE"),
    ):
        method_types = {
            m["Properties"]["HttpMethod"]: m["Properties"]["AuthorizationType"]
            for m in synth.template.find_resources("AWS::ApiGateway::Method").values()
        }
        function = synth.stack.resolve(synth.broker.lambda_function.function_name)["Ref"]
        resources = synth.template.to_json()["Resources"]
        variables = resources[function]["Properties"]["Environment"]["Variables"]
        assert variables["AUTH_TYPE"] == method_types["POST"] == expected
