"""The local broker answers what the synthesized API answers by itself: the CORS preflight
(aws_rules.mock_integration) and the gateway responses for unknown methods and paths and for
oversized bodies (aws_rules.gateway_responses), for the same configuration."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import aws_cdk as cdk
import pytest
from aws_rules import gateway_responses, mock_integration
from broker_support import Synthesized, synth_broker

from constructs_lib import InvitationOptions
from constructs_lib._gateway_answers import MAX_PAYLOAD_BYTES
from constructs_lib.local import LocalBroker, LocalBrokerConfig

APP = "https://app.example.com"
OTHER_APP = "https://admin.example.com"
ROUTE = "/contacts/contact-1/participants"


@pytest.fixture(scope="module", params=[(APP,), (APP, OTHER_APP)], ids=["one-origin", "two"])
def pair(
    request: pytest.FixtureRequest, app_factory: Callable[..., cdk.App]
) -> Iterator[tuple[Synthesized, LocalBroker]]:
    origins: tuple[str, ...] = request.param
    synth = synth_broker(app_factory, cors_allowed_origins=list(origins))
    config = LocalBrokerConfig(cors_allowed_origins=origins, log_level="ERROR")
    with LocalBroker(config=config) as local:
        yield synth, local


def options_method(synth: Synthesized) -> dict[str, Any]:
    return next(
        m["Properties"]
        for m in synth.template.find_resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    )


def deployed_problem(synth: Synthesized, response_type: str, request_id: str) -> dict[str, Any]:
    """Status, headers and body API Gateway sends for ``response_type``."""
    found = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in synth.template.find_resources("AWS::ApiGateway::GatewayResponse").values()
    }
    deployed = gateway_responses.answer(found, response_type)
    assert deployed.template is not None
    return {
        "status": deployed.status,
        "headers": {name: value.strip("'") for name, value in deployed.headers.items()},
        "body": json.loads(deployed.template.replace("$context.requestId", request_id)),
    }


def local_answer(local: LocalBroker, method: str, path: str, body: bytes = b"") -> dict[str, Any]:
    status, headers, data = local.invoke(method, path, [], body, "127.0.0.1")
    found = dict(headers)
    return {
        "status": status,
        "headers": {k: v for k, v in found.items() if k != "x-amzn-RequestId"},
        "body": json.loads(data),
        "request_id": found["x-amzn-RequestId"],
    }


@pytest.mark.parametrize("origin", [APP, OTHER_APP, "https://evil.example", None])
def test_preflight_matches_the_deployed_mock_integration(
    pair: tuple[Synthesized, LocalBroker], origin: str | None
) -> None:
    synth, local = pair
    sent = {"Origin": origin} if origin else {}
    status, headers, data = local.invoke("OPTIONS", ROUTE, list(sent.items()), b"", "127.0.0.1")
    local_headers = {k: v for k, v in headers if k != "x-amzn-RequestId"}
    assert (status, local_headers, data) == (
        *mock_integration.answer(options_method(synth), sent),
        b"",
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "response_type"),
    [
        ("GET", ROUTE, b"", "MISSING_AUTHENTICATION_TOKEN"),
        ("HEAD", ROUTE, b"", "MISSING_AUTHENTICATION_TOKEN"),
        ("POST", "/contacts/a%2Fb/participants", b"{}", "MISSING_AUTHENTICATION_TOKEN"),
        ("POST", "/nowhere", b"{}", "MISSING_AUTHENTICATION_TOKEN"),
        ("POST", ROUTE, b"x" * (MAX_PAYLOAD_BYTES + 1), "REQUEST_TOO_LARGE"),
    ],
    ids=["get", "head", "encoded-slash", "unknown-path", "too-large"],
)
def test_gateway_problems_match_the_deployed_gateway_responses(
    pair: tuple[Synthesized, LocalBroker], method: str, path: str, body: bytes, response_type: str
) -> None:
    synth, local = pair
    answer = local_answer(local, method, path, body)
    assert {k: answer[k] for k in ("status", "headers", "body")} == deployed_problem(
        synth, response_type, answer["request_id"]
    )


def test_the_401_without_a_caller_matches_the_deployed_unauthorized_response(
    pair: tuple[Synthesized, LocalBroker],
) -> None:
    # The same origins, with contact-bound callers simulated (X-Local-Caller).
    synth, local = pair
    config = dataclasses.replace(local.config, caller_attribute="brokerCaller")
    with LocalBroker(config=config, connect=local.connect) as bound:
        answer = local_answer(bound, "POST", ROUTE, b"{}")
    deployed = deployed_problem(synth, "UNAUTHORIZED", answer["request_id"])
    # Only the detail differs: the local one names the header to send.
    assert answer["body"].pop("detail") == "The request is not authenticated (X-Local-Caller)."
    assert deployed["body"].pop("detail") == "The request is not authenticated."
    assert {k: answer[k] for k in ("status", "headers", "body")} == deployed


INVITATION_PREFLIGHTS = {
    "/contacts/contact-1/invitations": "invitations",
    "/contacts/contact-1/invitations/Vh2kQ9xW1mZr8TfA": "{invitationId}",
    "/invitations/redeem": "redeem",
}


@pytest.fixture(scope="module")
def inviting_pair(app_factory: Callable[..., cdk.App]) -> Iterator[tuple[Synthesized, LocalBroker]]:
    synth = synth_broker(app_factory, cors_allowed_origins=[APP], invitations=InvitationOptions())
    config = LocalBrokerConfig(cors_allowed_origins=(APP,), log_level="ERROR", invitations=True)
    with LocalBroker(config=config) as local:
        yield synth, local


def options_method_of(synth: Synthesized, path_part: str) -> dict[str, Any]:
    """The OPTIONS method of the resource whose last path part is ``path_part``."""
    resources = synth.template.find_resources("AWS::ApiGateway::Resource")
    return next(
        m["Properties"]
        for m in synth.template.find_resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
        and resources.get(m["Properties"]["ResourceId"].get("Ref", ""), {})
        .get("Properties", {})
        .get("PathPart")
        == path_part
    )


@pytest.mark.parametrize("path", sorted(INVITATION_PREFLIGHTS))
def test_invitation_preflights_match_the_deployed_mock_integrations(
    inviting_pair: tuple[Synthesized, LocalBroker], path: str
) -> None:
    synth, local = inviting_pair
    sent = {"Origin": APP}
    status, headers, data = local.invoke("OPTIONS", path, list(sent.items()), b"", "127.0.0.1")
    local_headers = {k: v for k, v in headers if k != "x-amzn-RequestId"}
    deployed = mock_integration.answer(options_method_of(synth, INVITATION_PREFLIGHTS[path]), sent)
    assert (status, local_headers, data) == (*deployed, b"")


def test_a_failed_function_gets_the_deployed_502(
    pair: tuple[Synthesized, LocalBroker], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A function that raises is answered by API Gateway with 502 through the 5XX fallback
    (aws_rules.gateway_responses.FUNCTION_ERROR), not with the function's own 500."""
    synth, local = pair
    runtime = local._runtime
    assert runtime is not None

    def crash(event: dict[str, Any], context: object) -> dict[str, Any]:
        raise RuntimeError("the function failed")

    monkeypatch.setattr(local, "_runtime", dataclasses.replace(runtime, handler=crash))
    answer = local_answer(local, "POST", ROUTE, b'{"displayName": "Ana"}')
    deployed = deployed_problem(synth, gateway_responses.FUNCTION_ERROR, answer["request_id"])
    assert {k: answer[k] for k in ("status", "headers", "body")} == deployed
    assert answer["status"] == 502 and "status" not in answer["body"]
