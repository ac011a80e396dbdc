"""JSON logs with request and contact IDs, EMF metrics as CloudWatch parses them, no secrets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from runtime_support import (
    API_REQUEST_ID,
    CONNECT_RESPONSE,
    CONTACT_ID,
    FUNCTION_NAME,
    LAMBDA_REQUEST_ID,
    TOKEN,
    api_gateway_event,
    expected_params,
)
from wire_stub import WireStubber

from runtime.broker import connect, logs

Invoke = Any
DISPLAY_NAME = "Ana Silva"
CAPTURE = pytest.CaptureFixture[str]


def output_lines(capsys: CAPTURE) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Split captured stdout into log records and EMF records (every line must be JSON)."""
    return output_lines_of(capsys.readouterr().out)


def output_lines_of(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Split stdout text into log records and EMF records (every line must be JSON)."""
    records = [json.loads(line) for line in text.splitlines()]
    emf = [record for record in records if "_aws" in record]
    logs = [record for record in records if "_aws" not in record]
    return logs, emf, text


def emf_metrics(record: dict[str, Any]) -> dict[str, tuple[str, Any, list[list[str]]]]:
    """Read an EMF record as CloudWatch does: metric name -> (unit, value, dimension sets).

    Fails when a metric or dimension it declares has no top-level value, or when a value
    is not a number/string as EMF requires.
    """
    metadata = record["_aws"]
    assert isinstance(metadata["Timestamp"], int)
    result: dict[str, tuple[str, Any, list[list[str]]]] = {}
    for directive in metadata["CloudWatchMetrics"]:
        assert directive["Namespace"] == "ConnectParticipantBroker"
        for dimension_set in directive["Dimensions"]:
            for dimension in dimension_set:
                assert isinstance(record[dimension], str)
        for metric in directive["Metrics"]:
            value = record[metric["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool)
            result[metric["Name"]] = (metric["Unit"], value, directive["Dimensions"])
    return result


def created(stub: WireStubber, invoke: Invoke, **event: Any) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    assert invoke(api_gateway_event({"displayName": DISPLAY_NAME}, **event))["statusCode"] == 201


def test_every_log_line_carries_request_and_contact_ids(
    stub: WireStubber, invoke: Invoke, configure: Any, capsys: CAPTURE
) -> None:
    configure(log_level="DEBUG")
    created(stub, invoke)
    logs, _, _ = output_lines(capsys)
    assert [line["message"] for line in logs] == ["request received", "participant created"]
    assert logs[1]["contactId"] == CONTACT_ID
    for line in logs:
        assert line["apiRequestId"] == API_REQUEST_ID
        assert line["lambdaRequestId"] == LAMBDA_REQUEST_ID


def test_success_log_line_describes_the_outcome(
    stub: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    created(stub, invoke)
    (line,), _, _ = output_lines(capsys)
    assert line["level"] == "INFO"
    assert line["status"] == 201
    assert line["participantId"] == CONNECT_RESPONSE["ParticipantId"]
    assert line["role"] == "CUSTOMER"


def test_no_token_display_name_or_body_in_output(
    stub: WireStubber, invoke: Invoke, configure: Any, capsys: CAPTURE
) -> None:
    configure(log_level="DEBUG")
    created(stub, invoke)
    _, _, text = output_lines(capsys)
    for secret in (TOKEN, DISPLAY_NAME, "displayName"):
        assert secret not in text


def test_log_level_warning_hides_info_lines(
    stub: WireStubber, invoke: Invoke, configure: Any, capsys: CAPTURE
) -> None:
    configure(log_level="WARNING")
    created(stub, invoke)
    logs, emf, _ = output_lines(capsys)
    assert logs == []
    assert len(emf) == 1


def test_invalid_contact_id_is_logged_as_null(invoke: Invoke, capsys: CAPTURE) -> None:
    invoke(api_gateway_event({"displayName": DISPLAY_NAME}, contact_id="abc\ninjected"))
    (line,), _, text = output_lines(capsys)
    assert line["contactId"] is None
    assert line["errorFields"] == ["contactId"]
    assert "injected" not in text


def test_a_body_member_named_contact_id_leaves_the_valid_path_contact_logged(
    invoke: Invoke, capsys: CAPTURE
) -> None:
    """The contact ID logged is the path's, once valid, whatever the body's errors are named
    (as on the invitation routes)."""
    event = api_gateway_event({"displayName": DISPLAY_NAME, "contactId": "x"})
    assert invoke(event)["statusCode"] == 400
    (line,), _, _ = output_lines(capsys)
    assert (line["contactId"], line["errorFields"]) == (CONTACT_ID, ["contactId"])


def test_rejection_log_names_fields_not_values(invoke: Invoke, capsys: CAPTURE) -> None:
    invoke(api_gateway_event({"displayName": "Ana\u0007Silva"}))
    (line,), _, text = output_lines(capsys)
    assert line["message"] == "request rejected"
    assert line["status"] == 400
    assert line["errorFields"] == ["displayName"]
    assert "Silva" not in text


def test_lone_surrogate_member_name_keeps_the_log_line(invoke: Invoke, capsys: CAPTURE) -> None:
    # Captured stdout is strict UTF-8, as Lambda's is: a lone surrogate would lose the line.
    invoke(api_gateway_event('{"displayName": "Ana", "\\ud800": 1}'))
    captured = capsys.readouterr()
    (line,), (_,), _ = output_lines_of(captured.out)
    assert (line["message"], line["errorFields"]) == ("request rejected", ["\\ud800"])
    assert captured.err == ""


def test_text_stdout_cannot_encode_is_written_escaped(capsys: CAPTURE) -> None:
    logger = logs.configure("INFO")
    logger.info("odd", {"value": "a\ud800b"})
    captured = capsys.readouterr()
    (line,), _, _ = output_lines_of(captured.out)
    assert (line["message"], line["value"]) == ("odd", "a\ud800b")
    assert captured.err == ""


class Exploding:
    def create_participant(self, **_: Any) -> dict[str, Any]:
        raise ValueError(f"secret {TOKEN} for {DISPLAY_NAME}")


def test_unexpected_error_is_logged_without_its_message(invoke: Invoke, capsys: CAPTURE) -> None:
    connect.set_client(Exploding())
    invoke(api_gateway_event({"displayName": DISPLAY_NAME}))
    (line,), _, text = output_lines(capsys)
    assert line["level"] == "WARNING"
    assert line["errorType"] == "ValueError"
    assert "create_participant" in line["traceback"]
    assert line["contactId"] == CONTACT_ID
    assert TOKEN not in text
    assert DISPLAY_NAME not in text


def test_emf_record_for_a_created_participant(
    stub: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    created(stub, invoke)
    _, (record,), _ = output_lines(capsys)
    metrics = emf_metrics(record)
    latency_unit, latency, latency_dims = metrics.pop("ConnectLatency")
    assert (latency_unit, latency_dims) == ("Milliseconds", [["FunctionName"]])
    assert latency >= 0
    assert metrics == {
        "ParticipantsCreated": ("Count", 1, [["FunctionName"]]),
        "ValidationRejections": ("Count", 0, [["FunctionName"]]),
        "PolicyRejections": ("Count", 0, [["FunctionName"]]),
        "ContactRejections": ("Count", 0, [["FunctionName"]]),
        "ConnectThrottles": ("Count", 0, [["FunctionName"]]),
    }
    assert record["FunctionName"] == FUNCTION_NAME
    assert record["apiRequestId"] == API_REQUEST_ID


def test_emf_record_for_a_throttled_call(
    stub: WireStubber, invoke: Invoke, capsys: CAPTURE
) -> None:
    stub.add_client_error(
        "create_participant", service_error_code="ThrottlingException", http_status_code=429
    )
    invoke(api_gateway_event({"displayName": DISPLAY_NAME}))
    _, (record,), _ = output_lines(capsys)
    metrics = emf_metrics(record)
    assert metrics["ConnectErrors"] == (
        "Count",
        1,
        [
            ["FunctionName"],
            ["FunctionName", "ErrorCode"],
            ["FunctionName", "Operation", "ErrorCode"],
        ],
    )
    assert record["ErrorCode"] == "ThrottlingException"
    assert record["Operation"] == "CreateParticipant"
    assert metrics["ConnectThrottles"][1] == 1
    assert metrics["ParticipantsCreated"][1] == 0
    assert "ConnectLatency" in metrics


@pytest.mark.parametrize(
    ("code", "dimension"),
    [("ResourceNotFoundException", "ResourceNotFoundException"), ("Weird Code!", "Unknown")],
)
def test_emf_error_code_dimension(
    stub: WireStubber, invoke: Invoke, capsys: CAPTURE, code: str, dimension: str
) -> None:
    stub.add_client_error("create_participant", service_error_code=code, http_status_code=404)
    invoke(api_gateway_event({"displayName": DISPLAY_NAME}))
    _, (record,), _ = output_lines(capsys)
    assert record["ErrorCode"] == dimension
    assert emf_metrics(record)["ConnectThrottles"][1] == 0


def test_emf_record_for_a_validation_rejection(invoke: Invoke, capsys: CAPTURE) -> None:
    invoke(api_gateway_event("not json"))
    _, (record,), _ = output_lines(capsys)
    metrics = emf_metrics(record)
    assert metrics["ValidationRejections"][1] == 1
    assert "ConnectLatency" not in metrics
    assert "ConnectErrors" not in metrics


def test_emf_record_for_a_policy_rejection(invoke: Invoke, capsys: CAPTURE) -> None:
    invoke(api_gateway_event({"displayName": DISPLAY_NAME, "role": "AGENT"}))
    _, (record,), _ = output_lines(capsys)
    metrics = emf_metrics(record)
    assert metrics["PolicyRejections"][1] == 1
    assert metrics["ValidationRejections"][1] == 0


def test_emf_namespace_comes_from_the_configuration(
    invoke: Invoke, configure: Any, capsys: CAPTURE
) -> None:
    configure(metrics_namespace="Team/Brokers")
    invoke(api_gateway_event("not json"))
    _, (record,), _ = output_lines(capsys)
    assert {d["Namespace"] for d in record["_aws"]["CloudWatchMetrics"]} == {"Team/Brokers"}


def test_emf_never_holds_the_contact_id(stub: WireStubber, invoke: Invoke, capsys: CAPTURE) -> None:
    created(stub, invoke)
    _, (record,), _ = output_lines(capsys)
    assert CONTACT_ID not in json.dumps(record)
