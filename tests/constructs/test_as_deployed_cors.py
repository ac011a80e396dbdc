"""What a browser needs for a cross-origin POST (aws_rules.cors), against the synthesized
preflight, the gateway responses and the function's own answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_rules.cors import Preflight, header_readable, preflight_passes, readable
from broker_support import Synthesized, new_stack, synth_broker

from constructs_lib import ConnectInstance, ParticipantBroker

ORIGIN = "https://app.example.com"
#: What a browser app signing with SigV4 sends (Content-Type: application/json is not
#: CORS-safelisted either).
SIGNED_POST = Preflight(
    ORIGIN,
    "POST",
    (
        "authorization",
        "content-type",
        "idempotency-key",
        "x-amz-content-sha256",
        "x-amz-date",
        "x-amz-security-token",
    ),
)


def preflight_answer(synth: Synthesized) -> tuple[int, dict[str, str]]:
    """The status and headers of the OPTIONS method's mock integration response."""
    options = next(
        m["Properties"]
        for m in synth.template.find_resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    )
    assert options["AuthorizationType"] == "NONE"
    (response,) = options["Integration"]["IntegrationResponses"]
    prefix = "method.response.header."
    headers = {
        name[len(prefix) :]: value.strip("'")
        for name, value in response["ResponseParameters"].items()
    }
    return int(response["StatusCode"]), headers


@pytest.fixture(scope="module")
def cors(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, cors_allowed_origins=[ORIGIN])


def test_preflight_lets_a_signed_browser_post_through(cors: Synthesized) -> None:
    assert preflight_passes(SIGNED_POST, *preflight_answer(cors)) == []


def test_preflight_does_not_answer_another_origin(cors: Synthesized) -> None:
    stranger = Preflight("https://evil.example", "POST", ("content-type",))
    assert preflight_passes(stranger, *preflight_answer(cors)) == [
        f"Access-Control-Allow-Origin is {ORIGIN!r}"
    ]


def gateway_headers(synth: Synthesized) -> dict[str, dict[str, Any]]:
    """Each gateway response's headers (values unquoted), by response type."""
    return {
        r["Properties"]["ResponseType"]: {
            name.removeprefix("gatewayresponse.header."): value.strip("'")
            for name, value in r["Properties"]["ResponseParameters"].items()
        }
        for r in synth.template.find_resources("AWS::ApiGateway::GatewayResponse").values()
    }


def test_api_gateway_errors_are_readable_by_the_page(cors: Synthesized) -> None:
    assert readable(ORIGIN, gateway_headers(cors)["THROTTLED"]) == []


def test_retry_after_of_api_gateway_answers_is_readable_by_the_page(cors: Synthesized) -> None:
    # THROTTLED (429) and DEFAULT_5XX (502 and the other 5xx) carry Retry-After; a page reads
    # it only when Access-Control-Expose-Headers names it, as the function's answers do.
    retrying = {t: h for t, h in gateway_headers(cors).items() if "Retry-After" in h}
    assert sorted(retrying) == ["DEFAULT_5XX", "THROTTLED"]
    for headers in retrying.values():
        assert readable(ORIGIN, headers, ["Retry-After"]) == []
        assert headers["Access-Control-Expose-Headers"] == "Retry-After"


def test_only_retry_after_is_exposed(cors: Synthesized) -> None:
    # x-amzn-RequestId stays unexposed: the body's requestId carries the same ID.
    for headers in gateway_headers(cors).values():
        assert not header_readable("x-amzn-RequestId", headers)


def test_wildcard_origin_is_refused_at_synth(app_factory: Callable[..., cdk.App]) -> None:
    # A preflight answering `*` would let any site drive a signed-in user's browser to mint
    # tokens, and the function would not echo `*` anyway.
    with pytest.raises(ValueError, match=r"cors_allowed_origins contains '\*'"):
        ParticipantBroker(
            new_stack(app_factory),
            "Broker",
            instance=ConnectInstance.from_id("i-1"),
            cors_allowed_origins=["*"],
        )
