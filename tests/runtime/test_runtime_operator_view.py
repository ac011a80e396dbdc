"""What an operator reads: every field of the log lines (docs/operating.md, "Logs and the log level"
and "Following one request" query them) and the EMF values and units CloudWatch stores.

A fake clock makes each Connect call take exactly 12.3456 ms, so latencies are exact.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from runtime_support import (
    API_REQUEST_ID,
    CONNECT_RESPONSE,
    CONTACT_ID,
    FUNCTION_NAME,
    LOG_IDS,
    PARTICIPANT_ID,
    api_gateway_event,
    log_line,
    printed,
)

from runtime.broker import connect, logs, metrics
from runtime.broker.aws.errors import ClientError

Invoke = Any
CAPTURE = pytest.CaptureFixture[str]
CALL_SECONDS = 0.0123456
LATENCY_MS = 12.346


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``perf_counter`` advances by ``CALL_SECONDS`` between the handler's two readings."""
    readings = iter([1000.0, 1000.0 + CALL_SECONDS])
    monkeypatch.setattr(time, "perf_counter", lambda: next(readings))
    yield


class Answering:
    """A Connect client answering ``result`` (or raising it)."""

    def __init__(self, result: dict[str, Any] | Exception) -> None:
        self.result = result

    def create_participant(self, **_: Any) -> dict[str, Any]:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def connect_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "CreateParticipant")


def output(capsys: CAPTURE) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The log lines (timestamps checked, then dropped) and the one EMF record."""
    log_lines, (emf,) = printed(capsys.readouterr().out)
    return log_lines, emf


def test_created_participant_lines(
    invoke: Invoke, configure: Any, clock: None, capsys: CAPTURE
) -> None:
    configure(log_level="DEBUG")
    connect.set_client(Answering(CONNECT_RESPONSE))
    body = {"displayName": "Ana Silva", "capabilities": {"video": "SEND", "screenShare": "SEND"}}
    assert invoke(api_gateway_event(body))["statusCode"] == 201
    log_lines, _ = output(capsys)
    assert log_lines == [
        log_line("DEBUG", "request received", None),
        log_line(
            "INFO",
            "participant created",
            CONTACT_ID,
            status=201,
            participantId=PARTICIPANT_ID,
            role="CUSTOMER",
            capabilities=["screenShare", "video"],
            latencyMs=LATENCY_MS,
        ),
    ]


def test_rejected_request_line(invoke: Invoke, capsys: CAPTURE) -> None:
    invoke(api_gateway_event({"displayName": "", "role": "ADMIN"}))
    log_lines, _ = output(capsys)
    assert log_lines == [
        log_line(
            "INFO", "request rejected", CONTACT_ID, status=400, errorFields=["displayName", "role"]
        )
    ]


def test_failed_connect_call_line(invoke: Invoke, clock: None, capsys: CAPTURE) -> None:
    connect.set_client(Answering(connect_error("ResourceNotFoundException")))
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}))["statusCode"] == 404
    log_lines, _ = output(capsys)
    assert log_lines == [
        log_line(
            "WARNING",
            "connect call failed",
            CONTACT_ID,
            status=404,
            operation="CreateParticipant",
            errorCode="ResourceNotFoundException",
            latencyMs=LATENCY_MS,
        )
    ]


def test_unexpected_error_line_has_the_type_and_the_frames(
    invoke: Invoke, clock: None, capsys: CAPTURE
) -> None:
    connect.set_client(Answering({"ParticipantId": PARTICIPANT_ID}))
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}))["statusCode"] == 500
    (line,), _ = output(capsys)
    frames = line.pop("traceback")
    assert line == log_line("ERROR", "unexpected error", CONTACT_ID, errorType="KeyError")
    assert frames.startswith('  File "')
    assert all(row.startswith(("  File ", "    ")) for row in frames.splitlines()), frames
    assert 'handler.py", line' in frames
    assert "create_participant" in frames
    assert 'result["ParticipantCredentials"]' in frames


def test_timestamp_is_utc_with_milliseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    try:
        moments = (1795657288.0725, 1795657288.5, 1795657288.9996, 1795657289.0)
        written = [logs.timestamp(now) for now in moments]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert written == [
        "2026-11-26T01:41:28.072Z",
        "2026-11-26T01:41:28.500Z",
        "2026-11-26T01:41:28.999Z",  # milliseconds are cut, never rounded up to the next second
        "2026-11-26T01:41:29.000Z",
    ]


# --- EMF, read as CloudWatch reads it --------------------------------------------------------


def directives(record: dict[str, Any]) -> list[tuple[list[list[str]], dict[str, str]]]:
    """(dimension sets, metric name -> unit) of each directive."""
    return [
        (d["Dimensions"], {m["Name"]: m["Unit"] for m in d["Metrics"]})
        for d in record["_aws"]["CloudWatchMetrics"]
    ]


def test_latency_is_stored_in_milliseconds(invoke: Invoke, clock: None, capsys: CAPTURE) -> None:
    connect.set_client(Answering(CONNECT_RESPONSE))
    invoke(api_gateway_event({"displayName": "Ana Silva"}))
    _, record = output(capsys)
    assert record["ConnectLatency"] == LATENCY_MS
    ((dimensions, units),) = directives(record)
    assert dimensions == [["FunctionName"]]
    assert units["ConnectLatency"] == "Milliseconds"


def test_failed_call_record_counts_the_error_by_code(
    invoke: Invoke, clock: None, capsys: CAPTURE
) -> None:
    connect.set_client(Answering(connect_error("ConflictException")))
    invoke(api_gateway_event({"displayName": "Ana Silva"}))
    _, record = output(capsys)
    assert directives(record) == [
        (
            [["FunctionName"]],
            {
                "ParticipantsCreated": "Count",
                "ValidationRejections": "Count",
                "PolicyRejections": "Count",
                "ContactRejections": "Count",
                "ConnectThrottles": "Count",
                "ConnectLatency": "Milliseconds",
            },
        ),
        (
            [
                ["FunctionName"],
                ["FunctionName", "ErrorCode"],
                ["FunctionName", "Operation", "ErrorCode"],
            ],
            {"ConnectErrors": "Count"},
        ),
    ]
    assert {k: v for k, v in record.items() if k != "_aws"} == {
        "FunctionName": FUNCTION_NAME,
        "ParticipantsCreated": 0,
        "ValidationRejections": 0,
        "PolicyRejections": 0,
        "ContactRejections": 0,
        "ConnectThrottles": 0,
        "ConnectLatency": LATENCY_MS,
        "ErrorCode": "ConflictException",
        "Operation": "CreateParticipant",
        "ConnectErrors": 1,
        **LOG_IDS,
    }


def test_record_timestamp_is_now_in_epoch_milliseconds(invoke: Invoke, capsys: CAPTURE) -> None:
    before = time.time() * 1000
    invoke(api_gateway_event("not json"))
    after = time.time() * 1000
    _, record = output(capsys)
    timestamp = record["_aws"]["Timestamp"]
    assert isinstance(timestamp, int)
    assert before - 1 <= timestamp <= after


def test_record_leaves_out_an_unknown_request_id(capsys: CAPTURE) -> None:
    from runtime.broker import handler

    handler.handler(api_gateway_event("not json"), object())
    _, record = output(capsys)
    assert record["apiRequestId"] == API_REQUEST_ID
    assert "lambdaRequestId" not in record


def test_record_without_a_configuration_uses_the_defaults(
    monkeypatch: pytest.MonkeyPatch, capsys: CAPTURE
) -> None:
    from runtime.broker import handler

    monkeypatch.delenv("INSTANCE_ID", raising=False)
    handler.set_config(None)
    handler.handler(api_gateway_event("not json"), object())
    _, record = output(capsys)
    assert {d["Namespace"] for d in record["_aws"]["CloudWatchMetrics"]} == {
        "ConnectParticipantBroker"
    }
    assert record["FunctionName"] == "unknown"


def test_an_invocation_names_every_field_it_does_not_have() -> None:
    with pytest.raises(TypeError) as raised:
        metrics.Invocation(participants_created=1, retries=2, colour="red")
    assert str(raised.value) == "Invocation has no colour, retries"


def test_a_counter_settings_json_lists_without_a_value_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A counter added to settings.json but not to ``Invocation.counters`` is an error, not a
    metric silently left out of every record."""
    monkeypatch.setattr(metrics, "COUNTERS", (*metrics.COUNTERS, "NewCounter"))
    with pytest.raises(ValueError, match="zip"):
        metrics.Invocation().counters()


def test_a_failed_call_without_an_operation_counts_as_create_participant() -> None:
    failed = metrics.Invocation(connect_error_code="ConflictException")
    document = metrics.record(failed, namespace="N", function_name="f", properties={})
    assert (document["Operation"], document["ErrorCode"]) == (
        "CreateParticipant",
        "ConflictException",
    )


def test_given_timestamp_is_kept() -> None:
    document = metrics.record(
        metrics.Invocation(), namespace="N", function_name="f", properties={}, timestamp_ms=7
    )
    assert document["_aws"]["Timestamp"] == 7


@pytest.mark.parametrize(
    "invocation",
    [
        metrics.Invocation(),
        metrics.Invocation(participants_created=1, connect_latency_ms=12.3456),
        metrics.Invocation(connect_latency_ms=3.0, connect_error_code="Timeout"),
        metrics.Invocation(contact_rejection="contact-ended", validation_rejections=1),
        metrics.Invocation(
            connect_latency_ms=1.5,
            connect_error_code="ThrottlingException",
            connect_error_operation="DescribeContact",
            connect_throttles=1,
            contact_rejection="agent-not-connected",
        ),
    ],
)
def test_a_record_is_written_as_the_json_of_its_document(
    invocation: metrics.Invocation, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each kind of record (its directives built once) is written as its document's JSON."""
    properties = {"apiRequestId": "a\u00e9", "lambdaRequestId": None}
    for _ in range(2):
        document = metrics.record(
            invocation, namespace="N\u00e9", function_name="f", properties=properties
        )
        metrics.emit(document)
        assert capsys.readouterr().out == json.dumps(document, separators=(",", ":")) + "\n"


def test_a_records_directives_are_written_as_encoded_for_its_kind() -> None:
    """A record's shared directives are written as they were encoded when built, not encoded
    again for each record (the other members are)."""
    document = metrics.record(metrics.Invocation(), namespace="N", function_name="f", properties={})
    built = document["_aws"]["CloudWatchMetrics"]
    assert built.encoded == json.dumps(list(built), separators=(",", ":"))
    marked = metrics.Directives(built)
    marked.encoded = '"as encoded"'
    document["_aws"] = {**document["_aws"], "CloudWatchMetrics": marked}
    assert metrics.line(document).startswith('{"_aws":{"Timestamp":')
    assert '"CloudWatchMetrics":"as encoded"},"FunctionName":"f",' in metrics.line(document)


def test_a_records_shared_directives_cannot_grow() -> None:
    """Records of one kind share their directives (built once): none can add to them."""
    first = metrics.record(metrics.Invocation(), namespace="N", function_name="f", properties={})
    with pytest.raises(AttributeError):
        first["_aws"]["CloudWatchMetrics"].append({"Namespace": "other"})
    again = metrics.record(metrics.Invocation(), namespace="N", function_name="f", properties={})
    assert len(again["_aws"]["CloudWatchMetrics"]) == 1


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"participants_created": 1}, "ParticipantsCreated"),
        ({"validation_rejections": 1}, "ValidationRejections"),
        ({"policy_rejections": 1}, "PolicyRejections"),
        ({"contact_rejection": "contact-ended"}, "ContactRejections"),
        ({"connect_throttles": 1}, "ConnectThrottles"),
    ],
)
def test_each_counter_is_written_under_its_own_name(values: dict[str, Any], name: str) -> None:
    """The counters' names come from settings.json in order: each value lands on its name."""
    counters = metrics.Invocation(**values).counters()
    assert {key for key, value in counters.items() if value} == {name}
