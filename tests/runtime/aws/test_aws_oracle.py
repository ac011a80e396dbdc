"""The runtime's AWS client against botocore with its full service models.

For a thousand generated calls per operation (unicode display names and attribute values,
every optional member, odd contact and instance IDs, with and without a session token, with an
endpoint URL override, inside Lambda with a trace ID and outside), the client sends every
attempt exactly as botocore does (method, URL, every header in order with its value, the
``Authorization`` signature included, and the body's bytes) and returns or raises exactly
what botocore returns or raises for the same answers: generated successes of the operation's
output shape, modeled errors of its error shapes in each form a service writes the code,
unmodeled and generic errors, bodies that are not JSON, and failures to get any answer, alone
or before a second answer (so retries, their delays and ``amz-sdk-request`` are compared too).

``User-Agent`` is the one header left out: botocore's names botocore and its version.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import zlib
from typing import Any

import pytest
from aws_oracle import (
    Answer,
    Exchange,
    botocore_client,
    environ,
    our_client,
    run_botocore,
    run_ours,
)
from aws_shapes import NAMES, ODD_IDS, TABLES, operation_model, sample, service_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.broker.aws.connect import ConnectClient
from runtime.broker.aws.dynamodb import DynamoDBClient

#: Generated calls per operation: EXAMPLES examples of BATCH calls each. Hypothesis draws the
#: odd strings (IDs, names, table, trace) once per example; a seeded source draws the rest of
#: each call (members, answers, setting), so hypothesis's cost is per example, not per call.
EXAMPLES = 100
BATCH = 10
REGION = "eu-west-2"
#: A local or VPC endpoint: a port, and a base path the request path joins.
ENDPOINT_URL = "http://localhost:4566/base/"
TRACE_IDS = st.one_of(
    st.just("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20),
)
UNMODELED = [
    "AccessDeniedException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "SlowDown",
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceUnavailable",
]
FAILURES = ["connect-timeout", "read-timeout", "connection", "closed"]
OPERATIONS = {
    "describe_contact": ("connect", "DescribeContact", ConnectClient),
    "create_participant": ("connect", "CreateParticipant", ConnectClient),
    "put_item": ("dynamodb", "PutItem", DynamoDBClient),
    "update_item": ("dynamodb", "UpdateItem", DynamoDBClient),
    "query": ("dynamodb", "Query", DynamoDBClient),
}
#: A seeded source for the bulk of parameters and for answers (one choice for hypothesis).
RANDOMS = st.integers(0, 2**64).map(random.Random)
#: The members hypothesis draws itself, wherever they are in the parameters.
FIXED = {
    "connect": st.fixed_dictionaries(
        {"InstanceId": ODD_IDS, "ContactId": ODD_IDS, "DisplayName": NAMES}
    ),
    "dynamodb": st.fixed_dictionaries({"TableName": TABLES}),
}
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _code(rng: random.Random, code: str) -> str:
    """An error code in one of the forms services write it."""
    return rng.choice([code, f"com.amazonaws.service#{code}", f"{code}:http://internal/", code])


def _error(rng: random.Random, service: str, operation: str) -> Answer:
    """An error answer: modeled (members generated), unmodeled, generic, or not JSON."""
    rest = service_model(service).protocol == "rest-json"
    kind = rng.choice(["modeled", "modeled", "unmodeled", "generic", "text"])
    if kind == "generic":
        body = rng.choice([b"", b"  ", b"<html><body>busy</body></html>"])
        return Answer(rng.choice([500, 502, 503, 504]), {}, body)
    if kind == "text":
        return Answer(rng.choice([400, 403, 500]), {}, b"not JSON at all")
    headers = {"x-amzn-RequestId": f"{rng.getrandbits(128):032x}"}
    if kind == "modeled":
        shape = rng.choice(operation_model(service, operation).error_shapes)
        body = sample(shape, rng, wire=True)
        code = shape.name
        status = shape.metadata.get("error", {}).get("httpStatusCode") or 400
    else:
        code = rng.choice(UNMODELED)
        body = {rng.choice(["message", "Message"]): rng.choice(["", "Denied", "Zoë"])}
        status = rng.choice([400, 403, 429, 500, 503])
    if rng.random() < 0.3:  # both casings of the message: botocore prefers "message"
        body["message" if "Message" in body else "Message"] = "the other message"
    where = rng.choice(["__type", "header", "code"] if rest else ["__type"])
    if where == "header":
        headers["x-amzn-ErrorType"] = _code(rng, code)
    else:
        body[where] = _code(rng, code)
    if rng.random() < 0.5:
        headers["x-amz-retry-after"] = rng.choice(["1500", "0", "-5", "soon"])
    return Answer(rng.choice([status, status, 429, 500]), headers, json.dumps(body).encode())


def _success(rng: random.Random, service: str, operation: str) -> Answer:
    """A success: the operation's output shape, generated."""
    output = operation_model(service, operation).output_shape
    body = json.dumps(sample(output, rng, wire=True)).encode()
    headers = {rng.choice(["x-amzn-RequestId", "x-amz-request-id"]): "req-1"}
    if rng.random() < 0.5:
        headers["Date"] = "Sat, 14 Mar 2026 15:09:20 GMT"
    if service == "dynamodb" and rng.random() < 0.5:
        crc = zlib.crc32(body) & 0xFFFFFFFF
        headers["x-amz-crc32"] = str(crc if rng.random() < 0.5 else crc + 1)
    return Answer(200, headers, body)


def answers(rng: random.Random, service: str, operation: str) -> list[Answer]:
    """One or two answers: successes, errors, or failures to answer."""
    made = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(["success", "success", "error", "failure"])
        if kind == "failure":
            made.append(Answer(failure=rng.choice(FAILURES)))
        else:
            made.append((_success if kind == "success" else _error)(rng, service, operation))
    return made


@pytest.fixture(scope="module")
def clients() -> dict[tuple[str, str], tuple[Any, Any, dict[str, str]]]:
    """For each service and setting: botocore's client, the runtime's, and its environment."""
    made: dict[tuple[str, str], tuple[Any, Any, dict[str, str]]] = {}
    for service, cls in (("connect", ConnectClient), ("dynamodb", DynamoDBClient)):
        for setting in ("token", "no-token", "endpoint-url"):
            token = setting != "no-token"
            env = environ(token=token)
            url = ENDPOINT_URL if setting == "endpoint-url" else None
            if url:
                env[f"AWS_ENDPOINT_URL_{service.upper()}"] = url
            ours = our_client(cls, REGION, env)
            theirs = botocore_client(service, REGION, token=token, endpoint_url=url)
            made[(service, setting)] = (theirs, ours, env)
    return made


Case = tuple[dict[str, Any], list[Answer], str, str | None]
"""Parameters, answers, a setting of :func:`clients`, and Lambda's trace ID (None: not Lambda)."""


def _case(
    method: str, rng: random.Random, fixed: dict[str, Any], setting: str, trace: str | None
) -> Case:
    service, operation, _ = OPERATIONS[method]
    input_shape = operation_model(service, operation).input_shape
    params = sample(input_shape, rng, wire=False, fixed=fixed)
    return params, answers(rng, service, operation), setting, trace


def _batch(method: str, rng: random.Random, fixed: dict[str, Any], trace: str) -> list[Case]:
    """BATCH calls sharing hypothesis's strings, each with its own parameters, answers, setting
    and trace (hypothesis's, or none)."""
    made = []
    for _ in range(BATCH):
        setting = rng.choice(["token", "no-token", "endpoint-url"])
        made.append(_case(method, rng, fixed, setting, rng.choice([None, trace])))
    return made


def cases(method: str) -> st.SearchStrategy[list[Case]]:
    """BATCH generated calls of ``method``, with the answers they get."""
    return st.builds(
        functools.partial(_batch, method), RANDOMS, FIXED[OPERATIONS[method][0]], TRACE_IDS
    )


def test_a_thousand_calls_per_operation_are_generated() -> None:
    assert EXAMPLES * BATCH >= 1000


def _check(
    clients: dict[tuple[str, str], tuple[Any, Any, dict[str, str]]], method: str, case: Case
) -> None:
    params, sent, setting, trace = case
    theirs, ours, env = clients[(OPERATIONS[method][0], setting)]
    lambda_env = {"AWS_LAMBDA_FUNCTION_NAME": "broker", "_X_AMZN_TRACE_ID": trace or ""}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in lambda_env.items():
            if trace is not None:
                patch.setenv(name, value)
                env[name] = value
            else:
                patch.delenv(name, raising=False)
                env.pop(name, None)
        expected = Exchange(sent)
        outcome = run_botocore(theirs, method, copy.deepcopy(params), expected)
        actual = Exchange(sent)
        assert run_ours(ours, method, copy.deepcopy(params), actual) == outcome
    assert actual.sent == expected.sent
    assert actual.slept == expected.slept


@SETTINGS
@given(batch=cases("describe_contact"))
def test_describe_contact_as_botocore(clients: Any, batch: list[Case]) -> None:
    for case in batch:
        _check(clients, "describe_contact", case)


@SETTINGS
@given(batch=cases("create_participant"))
def test_create_participant_as_botocore(clients: Any, batch: list[Case]) -> None:
    for case in batch:
        _check(clients, "create_participant", case)


@SETTINGS
@given(batch=cases("put_item"))
def test_put_item_as_botocore(clients: Any, batch: list[Case]) -> None:
    for case in batch:
        _check(clients, "put_item", case)


@SETTINGS
@given(batch=cases("update_item"))
def test_update_item_as_botocore(clients: Any, batch: list[Case]) -> None:
    for case in batch:
        _check(clients, "update_item", case)


@SETTINGS
@given(batch=cases("query"))
def test_query_as_botocore(clients: Any, batch: list[Case]) -> None:
    for case in batch:
        _check(clients, "query", case)
