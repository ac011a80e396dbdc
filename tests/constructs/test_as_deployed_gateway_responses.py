"""What callers receive from API Gateway itself, as AWS documents it (aws_rules.gateway_responses):
every response type's status, its problem body, and whether the client retries it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_rules.gateway_responses import DEFAULT_STATUS, FUNCTION_ERROR, answer
from broker_support import Synthesized, synth_broker

from constructs_lib import BrokerAuthorization, _contract, _openapi_invitations
from constructs_lib.client import _RETRY_STATUSES

#: type -> (status the caller gets, problem code, the client retries it). The statuses are
#: API Gateway's documented defaults: the broker changes bodies, never statuses. Types this
#: API cannot produce (no request validator, no API keys, a proxy integration) still get a
#: problem body through their fallback.
EXPECTED = {
    "ACCESS_DENIED": (403, "access-denied", False),
    "API_CONFIGURATION_ERROR": (500, "internal", False),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "internal", False),
    "AUTHORIZER_FAILURE": (500, "internal", False),
    "BAD_REQUEST_PARAMETERS": (400, "invalid-request", False),
    "BAD_REQUEST_BODY": (400, "invalid-request", False),
    "EXPIRED_TOKEN": (403, "access-denied", False),
    "INTEGRATION_FAILURE": (504, "bad-gateway", True),
    "INTEGRATION_TIMEOUT": (504, "timeout", True),
    "INVALID_API_KEY": (403, "invalid-request", False),
    "INVALID_SIGNATURE": (403, "access-denied", False),
    "MISSING_AUTHENTICATION_TOKEN": (403, "access-denied", False),
    "QUOTA_EXCEEDED": (429, "invalid-request", True),
    "REQUEST_TOO_LARGE": (413, "too-large", False),
    "RESOURCE_NOT_FOUND": (404, "not-found", False),
    "THROTTLED": (429, "throttled", True),
    "UNAUTHORIZED": (401, "unauthorized", False),
    "UNSUPPORTED_MEDIA_TYPE": (415, "invalid-request", False),
    "WAF_FILTERED": (403, "access-denied", False),
    FUNCTION_ERROR: (502, "bad-gateway", True),
}
#: Types whose answer comes from a fallback: the body cannot know the status, so it has none.
FALLBACK_ANSWERED = {
    "BAD_REQUEST_PARAMETERS",
    "BAD_REQUEST_BODY",
    "INTEGRATION_FAILURE",
    "INVALID_API_KEY",
    "QUOTA_EXCEEDED",
    "UNSUPPORTED_MEDIA_TYPE",
    FUNCTION_ERROR,
}
AUTHORIZER_ONLY = {"AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE"}


def responses(synth: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in synth.template.find_resources("AWS::ApiGateway::GatewayResponse").values()
    }


@pytest.fixture(scope="module")
def iam_broker(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory)


@pytest.fixture(scope="module")
def cognito_broker(app_factory: Callable[..., cdk.App]) -> Synthesized:
    def setup(stack: cdk.Stack) -> dict[str, Any]:
        pool = cognito.UserPool(stack, "Pool")
        return {"authorization": BrokerAuthorization.cognito(pool)}

    return synth_broker(app_factory, setup=setup)


def test_the_table_covers_every_response_type_aws_cdk_knows() -> None:
    known = {
        name.replace("_4_XX", "_4XX").replace("_5_XX", "_5XX")
        for name in apigateway.ResponseType.__dict__
        if name.isupper()
    }
    assert known == set(DEFAULT_STATUS)
    assert set(EXPECTED) == {t for t, s in DEFAULT_STATUS.items() if s is not None} | {
        FUNCTION_ERROR
    }


def test_the_openapi_document_names_every_problem_api_gateway_answers() -> None:
    # The invitation routes list these as API Gateway's own answers.
    assert set(_openapi_invitations._AUTHORIZED) == {code for _, code, _ in EXPECTED.values()}


def test_no_gateway_response_sets_a_status_code(
    iam_broker: Synthesized, cognito_broker: Synthesized
) -> None:
    # On a fallback it would change every type that falls back to it (the 502 of a failed
    # function, which the client retries, would become that status).
    for synth in (iam_broker, cognito_broker):
        assert all("StatusCode" not in r for r in responses(synth).values())


@pytest.mark.parametrize("response_type", sorted(EXPECTED))
def test_each_type_is_answered_with_its_documented_status_and_a_problem(
    iam_broker: Synthesized, cognito_broker: Synthesized, response_type: str
) -> None:
    status, code, retried = EXPECTED[response_type]
    synth = cognito_broker if response_type in AUTHORIZER_ONLY else iam_broker
    got = answer(responses(synth), response_type)
    problem = _contract.problem(code)
    assert got.template is not None
    body = json.loads(got.template)
    assert got.status == status
    assert (body["type"], body["title"]) == (problem["type"], problem["title"])
    assert body["requestId"] == "$context.requestId"
    if response_type in FALLBACK_ANSWERED:
        assert got.answered_by.startswith("DEFAULT_") and "status" not in body
    else:
        assert got.answered_by == response_type and body["status"] == status
    assert got.headers["Content-Type"] == "'application/problem+json'"
    assert (status in _RETRY_STATUSES) is retried
    # Retry-After: on throttling and on the 5XX fallback (a failed function may answer next
    # time); QUOTA_EXCEEDED needs API keys, which this API has none of.
    assert ("Retry-After" in got.headers) is (
        response_type == "THROTTLED" or got.answered_by == "DEFAULT_5XX"
    )


def test_authorizer_types_are_customized_only_where_an_authorizer_exists(
    iam_broker: Synthesized, cognito_broker: Synthesized
) -> None:
    assert AUTHORIZER_ONLY.isdisjoint(responses(iam_broker))
    assert set(responses(cognito_broker)) >= AUTHORIZER_ONLY


def test_no_gateway_response_embeds_api_gateway_messages(iam_broker: Synthesized) -> None:
    for response in responses(iam_broker).values():
        template = response["ResponseTemplates"]["application/json"]
        assert "$context.error" not in template
        assert json.loads(template)["detail"]
