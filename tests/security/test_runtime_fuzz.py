"""Property-based test: thousands of malformed or hostile API Gateway events to the runtime.

Connect is the runtime's own client with a ``WireStubber`` answering every call with success
(each request read at the wire and validated against botocore's full model), so well-formed
requests reach it.
Whatever the event, the handler answers within the contract: a JSON body of the contract's
shape, no stack trace, exception name, ARN or account ID in a body, and the participant token
never in a log line. Never a 5xx, except the one API Gateway cannot cause: a 500 for an event
without the caller identity its authorization type always carries, when the request has an
``Idempotency-Key`` (the broker cannot scope it).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from runtime_support import (
    API_REQUEST_ID,
    CONNECT_RESPONSE,
    CONTACT_ID,
    EXPIRY,
    LAMBDA_REQUEST_ID,
    PARTICIPANT_ID,
    TOKEN,
    FakeLambdaContext,
    api_gateway_event,
    default_config,
)
from wire_stub import WireStubber

from runtime.broker import connect, handler, logs
from runtime.broker.identity import MissingIdentity, caller_identity

EXAMPLES = 2000
#: What the handler may answer when Connect succeeds (500: see the module docstring).
STATUSES = {201, 400, 403, 415, 500}
PROBLEM_KEYS = {"type", "title", "status", "detail", "requestId"}
EXCEPTION_NAMES = (
    "Traceback",
    'File "',
    "Exception",
    "Error:",
    "KeyError",
    "TypeError",
    "ValueError",
    "AttributeError",
    "IndexError",
    "RecursionError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "JSONDecodeError",
    "BodyError",
    "ClientError",
    "ParamValidationError",
    "StubResponseError",
)
ARN = re.compile(r"arn:aws[\w-]*:[^\s\"]*")
ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
ROLES = ("CUSTOMER", "AGENT", "SYSTEM", "CUSTOM_BOT", "SUPERVISOR", "customer", "", "CUSTOMER ")


class SucceedingConnect:
    """The runtime's client; each call is answered by the WireStubber with a valid response."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.stubber = WireStubber(client)
        self.calls = 0

    def create_participant(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        self.stubber.add_response("create_participant", CONNECT_RESPONSE)
        result: dict[str, Any] = self.client.create_participant(**params)
        return result


class RecordText:
    """Keeps every line the runtime asks its logger for, its fields as ``repr``, as text."""

    def __init__(self, write: Callable[[str, str, Mapping[str, Any] | None], None]) -> None:
        self.original = write
        self.text = io.StringIO()

    def write(self, level: str, message: str, fields: Mapping[str, Any] | None) -> None:
        self.text.write(f"{level} {message} {fields!r}\n")
        self.original(level, message, fields)


@pytest.fixture(scope="module")
def records() -> Iterator[RecordText]:
    """Every line of the runtime's logger, whether or not it could be printed."""
    capture = RecordText(logs.LOGGER.write)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(logs.LOGGER, "write", capture.write)
        yield capture


@pytest.fixture(scope="module")
def fake_connect() -> Iterator[SucceedingConnect]:
    """Hermetic AWS settings, the stubbed client and a DEBUG configuration for the module."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CONNECT"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTESTTEST")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        fake = SucceedingConnect(connect.create_client("eu-west-1"))
        handler.set_config(default_config(log_level="DEBUG"))
        connect.set_client(fake)
        with fake.stubber:
            yield fake
        connect.set_client(None)
        handler.set_config(None)
        logs.clear()


# --- strategies -------------------------------------------------------------------------------
def _repeated(alphabet: st.SearchStrategy[str], low: int, high: int) -> st.SearchStrategy[str]:
    """A long string made of one drawn piece repeated (cheap to generate)."""
    return st.builds(lambda piece, count: piece * count, alphabet, st.integers(low, high))


controls = st.text(
    st.characters(max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    min_size=1,
    max_size=8,
)
texts = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30),
    controls,
    st.builds("{}{}{}".format, st.text(max_size=5), controls, st.text(max_size=5)),
    _repeated(st.text(min_size=1, max_size=3), 80, 3000),
    st.sampled_from(
        [
            *("", " ", "\n", "abc\n", "\u202e", "\ufeff", "\U0001f600" * 257, "null", "{}"),
            "%00",
            # Lone surrogates: JSON can escape them, UTF-8 cannot hold them.
            *("\ud800", "a\udfffb"),
        ]
    ),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), texts
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=4,
)
capabilities = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "video": st.sampled_from(["SEND", "send", "RECEIVE", ""]) | json_values,
            "screenShare": st.sampled_from(["SEND", "NONE"]) | json_values,
        },
    ),
    json_values,
)
request_bodies = st.fixed_dictionaries(
    {},
    optional={
        "displayName": st.one_of(st.text(min_size=1, max_size=40), texts, json_values),
        "role": st.sampled_from(ROLES) | json_values,
        "capabilities": capabilities,
        "unknown": json_values,
    },
)
printable_names = st.text(
    st.characters(min_codepoint=0x20, exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40
)
idempotency_keys = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=64
)
valid_bodies = st.fixed_dictionaries(
    {"displayName": printable_names},
    optional={"role": st.just("CUSTOMER"), "capabilities": st.just({"video": "SEND"})},
)


def _raw_json_bodies() -> st.SearchStrategy[str]:
    """Bodies a JSON encoder would never write: duplicates, NaN, huge numbers, deep nesting."""
    return st.one_of(
        st.builds('{{"displayName":"a","displayName":{}}}'.format, st.sampled_from(['"b"', "1"])),
        st.sampled_from(
            [
                '{"displayName": NaN}',
                '{"displayName": -Infinity}',
                "[]",
                "1",
                '"x"',
                "{",
                '{"displayName":"a"',
                "{'displayName': 'a'}",
                "\x00",
                "\ufeff{}",
            ]
        ),
        st.builds(lambda n: '{"displayName": ' + "9" * n + "}", st.integers(4000, 8000)),
        st.builds(lambda n: "1" * n, st.integers(4290, 8192)),
        st.builds(lambda n: "[" * n + "]" * n, st.integers(500, 4096)),
        st.builds(lambda n: '{"a":' * n + "1" + "}" * n, st.integers(500, 1600)),
        st.builds(lambda n: '{"displayName":"' + "a" * n + '"}', st.integers(8170, 9000)),
    )


def _bodies() -> st.SearchStrategy[tuple[object, object]]:
    """(body, isBase64Encoded) pairs."""
    encoded = st.builds(json.dumps, request_bodies | valid_bodies | json_values)
    text = st.one_of(encoded, _raw_json_bodies(), texts)
    as_base64 = st.builds(
        lambda s: base64.b64encode(s.encode("utf-8", "surrogatepass")).decode(), text
    )
    garbage = st.one_of(
        st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode()),
        texts,
        st.builds(lambda s: s + "=", st.text("ABCDEFabcdef0123456789+/", max_size=30)),
    )
    return st.one_of(
        st.tuples(text, st.sampled_from([False, None, "true", 0])),
        st.tuples(as_base64 | garbage, st.just(True)),
        st.tuples(st.none() | json_values.filter(lambda v: not isinstance(v, str)), st.booleans()),
    )


#: Built once: a strategy built afresh for every draw loses Hypothesis's caches (most of
#: this module's time went there).
BODIES = _bodies()


keys = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40), texts
)
key_names = st.sampled_from(
    ["Idempotency-Key", "idempotency-key", "IDEMPOTENCY-KEY", "Idempotency-key"]
)
content_type_names = st.sampled_from(["Content-Type", "content-type", "CONTENT-TYPE"])
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            'APPLICATION/JSON;CHARSET="UTF-8"',
            "application/json;",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin-1",
            "application/json; q=1",
            "application/json, text/plain",
            "",
        ]
    ),
    texts,
)
header_parts = st.one_of(
    st.dictionaries(key_names, keys | json_values, max_size=3),
    st.dictionaries(content_type_names | key_names, content_types | keys, max_size=3),
    st.none(),
    json_values,
)
multi_value_parts = st.one_of(
    st.dictionaries(key_names, st.lists(keys | json_values, max_size=3) | json_values, max_size=3),
    st.builds(lambda a, b: {"Idempotency-Key": [a, b]}, keys, keys),
    st.builds(lambda a, b: {"Content-Type": [a, b]}, content_types, content_types),
    st.builds(lambda a: {"content-type": [a]}, content_types),
    st.builds(lambda a, b: {"Idempotency-Key": [a], "idempotency-key": [b]}, keys, keys),
    st.none(),
    json_values,
)
path_parameters = st.one_of(
    st.just({"contactId": CONTACT_ID}),
    st.fixed_dictionaries({"contactId": texts | json_values}),
    st.just({}),
    st.none(),
    json_values,
)
request_contexts = st.one_of(
    st.just({"requestId": API_REQUEST_ID}),
    st.fixed_dictionaries({"requestId": scalars.filter(lambda v: not isinstance(v, str))}),
    st.none(),
    json_values,
)
EVENT_PARTS = (
    "headers",
    "multiValueHeaders",
    "pathParameters",
    "requestContext",
    "body",
    "isBase64Encoded",
)


@st.composite
def hostile_events(draw: st.DrawFn) -> dict[str, Any]:
    """An API Gateway proxy event with any of its parts replaced, removed or malformed."""
    event = api_gateway_event({"displayName": "Ana Silva"})
    body, is_base64 = draw(BODIES)
    event["body"], event["isBase64Encoded"] = body, is_base64
    if draw(st.booleans()):
        key = draw(keys)
        event["headers"]["Idempotency-Key"] = key
        event["multiValueHeaders"]["Idempotency-Key"] = [key]
    if draw(st.integers(0, 3)) == 0:
        content_type = draw(content_types)
        event["headers"]["Content-Type"] = content_type
        event["multiValueHeaders"]["Content-Type"] = [content_type]
    if draw(st.booleans()):
        event["headers"] = draw(header_parts)
    if draw(st.booleans()):
        event["multiValueHeaders"] = draw(multi_value_parts)
    if draw(st.integers(0, 3)) == 0:
        event["pathParameters"] = draw(path_parameters)
    if draw(st.integers(0, 3)) == 0:
        event["requestContext"] = draw(request_contexts)
    for part in draw(st.sets(st.sampled_from(EVENT_PARTS), max_size=2)):
        del event[part]
    return event


@st.composite
def well_formed_events(draw: st.DrawFn) -> dict[str, Any]:
    """A request API Gateway would pass on: it reaches Connect unless the policy forbids it."""
    body = {"displayName": draw(printable_names)}
    role = draw(st.sampled_from([None, "CUSTOMER", "CUSTOMER", "AGENT", "SUPERVISOR"]))
    if role is not None:
        body["role"] = role
    if draw(st.booleans()):
        body["capabilities"] = {"video": "SEND", "screenShare": "SEND"}
    headers = {"Idempotency-Key": draw(idempotency_keys)} if draw(st.booleans()) else None
    return api_gateway_event(body, headers=headers, base64_body=draw(st.booleans()))


# --- checks -----------------------------------------------------------------------------------
def caller_text(event: dict[str, Any]) -> str:
    """What the caller controls (body, decoded too; headers; path), where a body may echo
    a field name back."""
    parts: list[object] = [
        event.get(name) for name in ("headers", "multiValueHeaders", "pathParameters")
    ]
    body = event.get("body")
    parts.append(body)
    if isinstance(body, str):
        with contextlib.suppress(ValueError):
            parts.append(base64.b64decode(body).decode("utf-8", "replace"))
    return json.dumps(parts, ensure_ascii=False, default=str) + repr(parts)


def leaks(body: str, event: dict[str, Any]) -> list[str]:
    """Internals in a response body that the caller did not send themselves."""
    echoed = caller_text(event)
    found = [name for name in EXCEPTION_NAMES if name in body]
    found += ARN.findall(body) + ACCOUNT_ID.findall(body)
    return [item for item in found if item not in echoed]


def has_identity(event: dict[str, Any]) -> bool:
    """Whether the event carries the IAM caller identity API Gateway always fills in."""
    try:
        caller_identity(event, "AWS_IAM")
    except MissingIdentity:
        return False
    return True


def check_response(response: dict[str, Any], event: dict[str, Any], calls: int) -> None:
    """The contract's answer to a request Connect would accept."""
    status = response["statusCode"]
    assert status in STATUSES, (status, response["body"])
    assert status != 500 or not has_identity(event), response["body"]
    assert response["isBase64Encoded"] is False
    response["body"].encode("utf-8")  # what API Gateway sends on must be UTF-8
    assert response["headers"]["Cache-Control"] == "no-store"
    assert response["headers"]["X-Content-Type-Options"] == "nosniff"
    body = json.loads(response["body"])
    assert calls == (1 if status == 201 else 0)
    if status == 201:
        assert response["headers"]["Content-Type"] == "application/json"
        assert body == {
            "participantId": PARTICIPANT_ID,
            "participantToken": TOKEN,
            "expiry": EXPIRY,
            "role": "CUSTOMER",
        }
        return
    assert response["headers"]["Content-Type"] == "application/problem+json"
    assert PROBLEM_KEYS <= set(body) <= PROBLEM_KEYS | {"errors"}, body
    assert body["status"] == status
    assert body["type"].startswith("urn:connect-participant-broker:problem:")
    assert body["requestId"] in (API_REQUEST_ID, LAMBDA_REQUEST_ID)
    if status == 500:
        assert body["type"].endswith(":internal") and "errors" not in body, body
        return
    assert body["errors"] and all(set(e) == {"field", "message"} for e in body["errors"])
    assert all(
        isinstance(e["field"], str) and isinstance(e["message"], str) for e in body["errors"]
    )
    assert TOKEN not in response["body"]
    assert leaks(response["body"], event) == []


def test_hostile_events_get_contract_answers(
    fake_connect: SucceedingConnect, records: RecordText
) -> None:
    statuses: Counter[int] = Counter()
    context = FakeLambdaContext()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(event=st.one_of(well_formed_events(), hostile_events()))
    @example(event=api_gateway_event('{"displayName": "Ana", "\\ud800": 1}'))
    @example(event=api_gateway_event('{"capabilities": {"a\\udfffb": "SEND"}}'))
    def serve(event: dict[str, Any]) -> None:
        captured = io.StringIO()
        before = fake_connect.calls
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            response = handler.handler(event, context)
        check_response(response, event, fake_connect.calls - before)
        assert TOKEN not in captured.getvalue()
        assert TOKEN not in records.text.getvalue()
        statuses[response["statusCode"]] += 1

    serve()
    assert "participant created" in records.text.getvalue()  # the capture sees the runtime
    assert statuses.total() >= 2000, statuses
    assert statuses[201] >= 300 and statuses[400] >= 600 and statuses[403] >= 100, statuses
    assert statuses[415] >= 100, statuses
