"""What the local broker answers in API Gateway's place: unknown methods and paths, encoded
slashes, the CORS preflight and oversized bodies, serialized as the function serializes problems.
(``test_local_parity`` checks the same answers against the synthesized API.)"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator

import pytest
from aws_rules.cors import readable
from local_http import JSON, Answer, send

from constructs_lib._gateway_answers import (
    CORS_ALLOW_HEADERS,
    MAX_PAYLOAD_BYTES,
    REQUEST_TOO_LARGE_DETAIL,
    UNKNOWN_ROUTE_DETAIL,
)
from constructs_lib.local import LocalBroker, LocalBrokerConfig, Runtime, load_runtime
from constructs_lib.local._gateway import LocalGateway
from constructs_lib.local.fake_connect import FakeConnect

URN = "urn:connect-participant-broker:problem:"
ROUTE = "/contacts/contact-1/participants"
APP = "https://app.example.com"
OTHER_APP = "https://admin.example.com"
PREFLIGHT_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "vary",
)


def config(*origins: str) -> LocalBrokerConfig:
    return LocalBrokerConfig(
        connect_read_timeout=1.0,  # below the slow contacts' 2 s; room for a loaded machine
        connect_max_attempts=1,
        log_level="ERROR",
        cors_allowed_origins=origins,
    )


@pytest.fixture(scope="module")
def broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    with LocalBroker(config=config(), connect=fake_connect) as running:
        yield running


@pytest.fixture(scope="module")
def cors_broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    with LocalBroker(config=config(APP, OTHER_APP), connect=fake_connect) as running:
        yield running


@pytest.fixture(scope="module")
def one_origin_broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    with LocalBroker(config=config(APP), connect=fake_connect) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(fake: FakeConnect) -> None:
    """Every test starts from an empty fake Connect."""


@functools.cache
def runtime() -> Runtime:
    return load_runtime()


def runtime_body(code: str, detail: str, answer: Answer) -> bytes:
    """The body the runtime's own problems module writes for this problem and request ID."""
    request_id = answer.header("x-amzn-requestid")
    assert request_id
    problem = runtime().problem(code, detail, request_id)
    return str(problem["body"]).encode()


def assert_unknown_route(answer: Answer) -> None:
    assert (answer.status, answer.header("content-type")) == (403, "application/problem+json")
    assert answer.raw == runtime_body("access-denied", UNKNOWN_ROUTE_DETAIL, answer)
    assert json.loads(answer.raw)["type"] == URN + "access-denied"


def test_encoded_slash_in_the_contact_id_matches_no_resource(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    # Decoded once, as API Gateway does, the path has five segments: no resource matches.
    answer = send(f"{broker.url}/contacts/a%2Fb/participants", {"displayName": "Ana"})
    assert_unknown_route(answer)
    assert fake.requests == []


def test_lower_case_encoded_slash_is_the_same(broker: LocalBroker, fake: FakeConnect) -> None:
    assert_unknown_route(send(f"{broker.url}/contacts/a%2fb/participants", {"displayName": "A"}))
    assert fake.requests == []


def test_double_encoded_slash_reaches_the_function_which_refuses_it(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    answer = send(f"{broker.url}/contacts/a%252Fb/participants", {"displayName": "Ana"})
    assert (answer.status, [e["field"] for e in answer.json()["errors"]]) == (400, ["contactId"])
    assert fake.requests == []


def test_encoded_letters_are_decoded_like_api_gateway(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    assert send(f"{broker.url}/contacts/c%2D1/participants", {"displayName": "Ana"}).status == 201
    assert fake.requests_for("CreateParticipant")[0].json()["ContactId"] == "c-1"


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "TRACE", "OPTIONS", "FOO"])
def test_a_method_the_api_does_not_have_is_missing_authentication_token(
    broker: LocalBroker, method: str
) -> None:
    assert_unknown_route(send(broker.url + ROUTE, b"", headers=[], method=method))


def test_head_answers_the_same_without_a_body(broker: LocalBroker) -> None:
    answer = send(broker.url + ROUTE, b"", headers=[], method="HEAD")
    assert (answer.status, answer.header("content-type"), answer.raw) == (
        403,
        "application/problem+json",
        b"",
    )


@pytest.mark.parametrize(
    "path", ["/", "/contacts/contact-1", "/contacts//participants", "/v1" + ROUTE, ROUTE + "/x"]
)
def test_a_path_the_api_does_not_have_is_missing_authentication_token(
    broker: LocalBroker, path: str
) -> None:
    assert_unknown_route(send(broker.url + path, {"displayName": "Ana"}))


def test_a_body_over_the_payload_quota_is_413(broker: LocalBroker, fake: FakeConnect) -> None:
    answer = send(broker.url + ROUTE, b"x" * (MAX_PAYLOAD_BYTES + 1))
    assert (answer.status, answer.header("content-type")) == (413, "application/problem+json")
    assert answer.raw == runtime_body("too-large", REQUEST_TOO_LARGE_DETAIL, answer)
    assert fake.requests == []


def test_a_body_at_the_payload_quota_reaches_the_function(broker: LocalBroker) -> None:
    answer = send(broker.url + ROUTE, b"x" * MAX_PAYLOAD_BYTES)
    assert (answer.status, answer.json()["errors"]) == (
        400,
        [{"field": "body", "message": "must be at most 8192 bytes"}],
    )


def test_preflight_answers_the_first_origin_by_default(cors_broker: LocalBroker) -> None:
    answer = send(cors_broker.url + ROUTE, b"", headers=[("Origin", APP)], method="OPTIONS")
    assert (answer.status, answer.raw) == (204, b"")
    assert {name: answer.header(name) for name in PREFLIGHT_HEADERS} == {
        "access-control-allow-origin": APP,
        "access-control-allow-methods": "POST,OPTIONS",
        "access-control-allow-headers": ",".join(CORS_ALLOW_HEADERS),
        "access-control-max-age": "600",
        "vary": "Origin",
    }


def test_preflight_answers_another_listed_origin_with_itself(cors_broker: LocalBroker) -> None:
    answer = send(cors_broker.url + ROUTE, b"", headers=[("Origin", OTHER_APP)], method="OPTIONS")
    assert answer.header("access-control-allow-origin") == OTHER_APP


def test_preflight_answers_an_unlisted_origin_with_the_first(cors_broker: LocalBroker) -> None:
    stranger = [("Origin", "https://evil.example")]
    answer = send(cors_broker.url + ROUTE, b"", headers=stranger, method="OPTIONS")
    assert (answer.status, answer.header("access-control-allow-origin")) == (204, APP)


def test_preflight_exists_only_on_the_route(cors_broker: LocalBroker) -> None:
    answer = send(cors_broker.url + "/contacts", b"", headers=[("Origin", APP)], method="OPTIONS")
    assert_unknown_route(answer)


def test_the_function_answers_a_listed_origin(cors_broker: LocalBroker) -> None:
    answer = send(cors_broker.url + ROUTE, {"displayName": "Ana"}, headers=[*JSON, ("Origin", APP)])
    assert (answer.status, answer.header("access-control-allow-origin")) == (201, APP)


def test_gateway_problems_carry_the_only_origin(one_origin_broker: LocalBroker) -> None:
    answer = send(one_origin_broker.url + "/nowhere", b"", headers=[], method="GET")
    assert (answer.status, answer.header("access-control-allow-origin"), answer.header("vary")) == (
        403,
        APP,
        "Origin",
    )


def test_gateway_problems_carry_no_origin_when_several_are_allowed(
    cors_broker: LocalBroker,
) -> None:
    answer = send(cors_broker.url + "/nowhere", b"", headers=[], method="GET")
    assert (answer.status, answer.header("access-control-allow-origin")) == (403, None)


def test_gateway_problems_with_retry_after_let_the_only_origin_read_it() -> None:
    # As the deployed THROTTLED and DEFAULT_5XX responses do.
    gateway = LocalGateway((APP,), runtime().problem)
    headers = gateway.problem("throttled", "Too many requests.", "r-1")["headers"]
    assert headers == {
        "Content-Type": "application/problem+json",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Retry-After": "2",
        "Access-Control-Allow-Origin": APP,
        "Vary": "Origin",
        "Access-Control-Expose-Headers": "Retry-After",
    }
    assert readable(APP, headers, ["Retry-After"]) == []


def test_wildcard_origin_is_refused() -> None:
    with pytest.raises(ValueError, match=r"cors_allowed_origins cannot contain '\*'"):
        LocalBrokerConfig(cors_allowed_origins=("*",))


# --- Contact-bound callers from a browser -------------------------------------------------------


@pytest.fixture(scope="module")
def bound_broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    bound = dataclasses.replace(config(APP), caller_attribute="brokerCaller")
    with LocalBroker(config=bound, connect=fake_connect) as running:
        yield running


def test_preflight_allows_the_caller_header_when_the_broker_reads_it(
    bound_broker: LocalBroker,
) -> None:
    asks = [
        ("Origin", APP),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type,x-local-caller"),
    ]
    answer = send(bound_broker.url + ROUTE, b"", headers=asks, method="OPTIONS")
    assert (answer.status, answer.raw) == (204, b"")
    assert {name: answer.header(name) for name in PREFLIGHT_HEADERS} == {
        "access-control-allow-origin": APP,
        "access-control-allow-methods": "POST,OPTIONS",
        "access-control-allow-headers": ",".join((*CORS_ALLOW_HEADERS, "X-Local-Caller")),
        "access-control-max-age": "600",
        "vary": "Origin",
    }


def test_a_request_without_a_caller_gets_a_401_a_browser_can_read(
    bound_broker: LocalBroker, fake: FakeConnect
) -> None:
    answer = send(
        bound_broker.url + ROUTE, {"displayName": "Ana"}, headers=[*JSON, ("Origin", APP)]
    )
    request_id = answer.header("x-amzn-requestid")
    body = {
        "type": URN + "unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "The request is not authenticated (X-Local-Caller).",
        "requestId": request_id,
    }
    headers = {
        "content-type": "application/problem+json",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "access-control-allow-origin": APP,
        "vary": "Origin",
        "x-amzn-requestid": request_id,
        "content-length": str(len(answer.raw)),
    }
    served = {k: v for k, v in answer.headers.items() if k not in ("date", "server")}
    assert (answer.status, served, answer.json()) == (401, headers, body)
    assert fake.requests == []
