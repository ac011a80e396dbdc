"""Each operation the client calls, as ``answers.operation`` builds it (at import, for the
modules that call it), held to botocore's full service model read here: the operation's own
errors and those botocore retries (and whether as a throttle), the service's modeled errors
with their members, and where the answer holds timestamps."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.parsers import JSONParser, RestJSONParser

from runtime.broker.aws import answers

OPERATIONS = [
    ("connect", "DescribeContact"),
    ("connect", "CreateParticipant"),
    ("dynamodb", "PutItem"),
    ("dynamodb", "UpdateItem"),
    ("dynamodb", "Query"),
]


def _timestamps(
    shape: Any, path: tuple[str, ...] = (), seen: frozenset[str] = frozenset()
) -> set[tuple[str, ...]]:
    """The paths of the timestamps under ``shape`` (a segment ending ``[]``: a list's members,
    ``{}``: a map's values); a shape met again on its own path (DynamoDB's attribute values) is
    not followed again."""
    if shape.type_name == "timestamp":
        return {path}
    if shape.name in seen:
        return set()
    inner = seen | {shape.name}
    if shape.type_name == "list":
        return _timestamps(shape.member, _marked(path, "[]"), inner)
    if shape.type_name == "map":
        return _timestamps(shape.value, _marked(path, "{}"), inner)
    found: set[tuple[str, ...]] = set()
    for name, member in getattr(shape, "members", {}).items():
        found |= _timestamps(member, (*path, name), inner)
    return found


def _marked(path: tuple[str, ...], mark: str) -> tuple[str, ...]:
    return (*path[:-1], path[-1] + mark) if path else (mark,)


@pytest.mark.parametrize(("service", "name"), OPERATIONS)
def test_an_operation_is_what_botocores_model_says(service: str, name: str) -> None:
    model = botocore.session.get_session().get_service_model(service)
    expected = model.operation_model(name)
    built = answers.operation(service, name)
    assert built.name == name
    assert built.rules.modeled == {shape.name for shape in expected.error_shapes}
    assert dict(built.rules.retryable) == {
        shape.name: bool(shape.metadata["retryable"].get("throttling"))
        for shape in expected.error_shapes
        if shape.metadata.get("retryable") is not None
    }
    assert {code: set(fields) for code, fields in built.errors.items()} == {
        shape.name: set(shape.members) for shape in model.error_shapes
    }
    output = expected.output_shape
    assert set(built.timestamps) == (set() if output is None else _timestamps(output))
    assert built.convert is None


def test_an_operation_keeps_its_converter() -> None:
    def convert(answer: dict[str, Any]) -> dict[str, Any]:
        return answer

    assert answers.operation("dynamodb", "Query", convert).convert is convert


def test_describe_contact_has_its_timestamps_where_connect_answers_them() -> None:
    paths = answers.operation("connect", "DescribeContact").timestamps
    assert ("Contact", "InitiationTimestamp") in paths
    assert ("Contact", "AgentInfo", "ConnectedToAgentTimestamp") in paths
    assert all(isinstance(path, tuple) for path in paths)


@pytest.mark.parametrize(
    "value",
    [
        1773500966,
        1773500966.123,
        "1773500966.5",
        "2026-03-14T15:09:26Z",
        "2026-03-14T15:09:26.123+01:00",
    ],
)
def test_a_timestamp_is_the_instant_botocore_reads(value: object) -> None:
    """Epoch seconds (a number or its text) or ISO 8601 text, as botocore's parser reads them."""
    from botocore.utils import parse_timestamp

    parsed = answers.timestamp(value)
    assert parsed == parse_timestamp(value)
    assert parsed.utcoffset() is not None


def test_an_error_body_that_is_not_utf8_is_its_message_with_replacement_characters() -> None:
    """A proxy's error page in another encoding is read, not a crash in the client: its text
    (undecodable bytes as U+FFFD) is the message, its status the code."""
    found = answers.error(403, {}, b"Zugriff verweigert: \xe4", rest=True)
    assert found["Error"] == {"Code": "403", "Message": "Zugriff verweigert: \ufffd"}


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, b'{"__type":"com.amazon#inner#ThrottlingException:http://x","message":"m"}'),
        ({"x-amzn-errortype": "a#b#ConflictException:http://y"}, b"{}"),
    ],
)
@pytest.mark.parametrize("rest", [True, False])
def test_an_error_code_is_what_follows_its_last_hash_as_botocore_reads_it(
    headers: dict[str, str], body: bytes, rest: bool
) -> None:
    """``ns#inner#Code:url`` is ``Code`` (botocore's parsers: ``rsplit('#', 1)``)."""
    parser = RestJSONParser() if rest else JSONParser()
    theirs = parser.parse({"status_code": 400, "headers": headers, "body": body}, None)
    assert answers.error(400, headers, body, rest=rest)["Error"] == theirs["Error"]


@pytest.mark.parametrize(("status", "body"), [(599, b""), (503, b"  "), (502, b"<html>bad</html>")])
@pytest.mark.parametrize("rest", [True, False])
def test_a_server_error_without_a_body_is_its_status_as_botocore_reads_it(
    status: int, body: bytes, rest: bool
) -> None:
    """Its code the status, its message the status's reason phrase (none for 599)."""
    parser = RestJSONParser() if rest else JSONParser()
    theirs = parser.parse({"status_code": status, "headers": {}, "body": body}, None)
    assert answers.error(status, {}, body, rest=rest)["Error"] == theirs["Error"]
