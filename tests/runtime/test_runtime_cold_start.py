"""The function's init phase as Lambda runs it: configuration read from the environment and the
Connect client created once, before the first request; a broken environment is said once and
answered with 500s; logging set up so each record is one line, once."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from runtime_support import CONNECT_RESPONSE, api_gateway_event, body_of, contact_description

from constructs_lib.local.runtime import load_runtime
from runtime.broker import connect, handler, logs
from runtime.broker.config import load

CAPTURE = pytest.CaptureFixture[str]
ENVIRONMENT = {
    "INSTANCE_ID": "11111111-2222-3333-4444-555555555555",
    "ALLOWED_ROLES": "CUSTOMER",
    "DEFAULT_ROLE": "CUSTOMER",
    "LOG_LEVEL": "INFO",
    "AWS_LAMBDA_FUNCTION_NAME": "Broker",
    "AWS_REGION": "eu-west-1",
}


class FakeClient:
    """Connect as the contact checks (on unless the environment turns them off) find it: an
    ongoing WebRTC call whose agent has connected."""

    def describe_contact(self, **_: Any) -> dict[str, Any]:
        return contact_description()

    def create_participant(self, **_: Any) -> dict[str, Any]:
        return CONNECT_RESPONSE


@pytest.fixture
def created_clients(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Record the region of every client the runtime creates (each one a ``FakeClient``)."""
    regions: list[str | None] = []

    def create(region: str | None) -> FakeClient:
        regions.append(region)
        return FakeClient()

    monkeypatch.setattr(connect, "create_client", create)
    return regions


def environment(monkeypatch: pytest.MonkeyPatch, **changes: str | None) -> None:
    for name, value in {**ENVIRONMENT, **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def lines(capsys: CAPTURE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_healthy_cold_start_reads_the_environment_and_creates_the_client_once(
    monkeypatch: pytest.MonkeyPatch, created_clients: list[str | None], capsys: CAPTURE
) -> None:
    environment(monkeypatch)
    handler._initialize()
    assert lines(capsys) == []
    assert handler.get_config() == load(ENVIRONMENT)
    assert created_clients == ["eu-west-1"]
    response = handler.handler(api_gateway_event({"displayName": "Ana Silva"}), None)
    assert response["statusCode"] == 201
    assert created_clients == ["eu-west-1"]


def test_cold_start_sets_the_log_level_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, created_clients: list[str | None], capsys: CAPTURE
) -> None:
    environment(monkeypatch, LOG_LEVEL="WARNING")
    handler._initialize()
    handler.handler(api_gateway_event({"displayName": "Ana Silva"}), None)
    assert [line for line in lines(capsys) if "_aws" not in line] == []
    environment(monkeypatch, LOG_LEVEL="DEBUG")
    handler._initialize()
    handler.handler(api_gateway_event({"displayName": "Ana Silva"}), None)
    messages = [line["message"] for line in lines(capsys) if "_aws" not in line]
    assert messages == ["request received", "participant created"]


def test_broken_environment_is_logged_once_and_answered_with_500s(
    monkeypatch: pytest.MonkeyPatch, created_clients: list[str | None], capsys: CAPTURE
) -> None:
    environment(monkeypatch, INSTANCE_ID=None)
    handler._initialize()
    (line,) = lines(capsys)
    assert (line["level"], line["message"]) == ("ERROR", "configuration error")
    assert line["error"] == "INSTANCE_ID is not set"
    assert created_clients == []
    for _ in range(2):
        response = handler.handler(api_gateway_event({"displayName": "Ana Silva"}), None)
        assert response["statusCode"] == 500
        assert body_of(response)["type"].endswith(":internal")
    failures = [line for line in lines(capsys) if "_aws" not in line]
    assert [(f["level"], f["message"], f["errorType"]) for f in failures] == [
        ("ERROR", "unexpected error", "ConfigError")
    ] * 2
    assert created_clients == []


@pytest.mark.parametrize("contact_checks", ["true", "false"])
def test_client_that_cannot_be_created_at_init_is_a_warning_and_retried_on_a_request(
    monkeypatch: pytest.MonkeyPatch, capsys: CAPTURE, contact_checks: str
) -> None:
    """Retried in the function's Region by the first Connect call, whichever it is."""
    environment(monkeypatch, CONTACT_CHECKS=contact_checks)
    attempts: list[str | None] = []

    def create(region: str | None) -> FakeClient:
        attempts.append(region)
        if len(attempts) == 1:
            raise RuntimeError("no endpoint")
        return FakeClient()

    monkeypatch.setattr(connect, "create_client", create)
    handler._initialize()
    (line,) = lines(capsys)
    assert (line["level"], line["message"]) == ("WARNING", "connect client not created")
    assert line["errorType"] == "RuntimeError"
    response = handler.handler(api_gateway_event({"displayName": "Ana Silva"}), None)
    assert response["statusCode"] == 201
    assert attempts == ["eu-west-1", "eu-west-1"]


def test_records_do_not_propagate_to_the_root_logger(
    stub: Any, capsys: CAPTURE, configure: Any
) -> None:
    """Lambda's runtime gives the root logger a handler of its own: a record reaching it too
    would be written twice, once as plain text."""
    configure(log_level="DEBUG")
    received: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            received.append(record)

    root_handler = Collect()
    logging.getLogger().addHandler(root_handler)
    try:
        handler.handler(api_gateway_event("not json"), None)
    finally:
        logging.getLogger().removeHandler(root_handler)
    assert received == []
    captured = capsys.readouterr()
    assert len([line for line in captured.out.splitlines() if "_aws" not in line]) == 2
    assert captured.err == ""


def test_a_fresh_execution_environment_writes_each_line_once(
    monkeypatch: pytest.MonkeyPatch, capsys: CAPTURE
) -> None:
    """A new copy of the runtime, imported as Lambda's init phase imports it."""
    environment(monkeypatch, INSTANCE_ID=None)
    load_runtime()
    captured = capsys.readouterr()
    (line,) = [json.loads(text) for text in captured.out.splitlines()]
    assert (line["level"], line["message"]) == ("ERROR", "configuration error")
    assert line["logger"].startswith("_participant_broker_local_")
    assert captured.err == ""


def test_configuring_again_adds_no_second_writer(capsys: CAPTURE) -> None:
    for level in ("INFO", "DEBUG", "INFO"):
        logger = logs.configure(level)
    logger.debug("below the level")
    logger.info("once")
    assert [line["message"] for line in lines(capsys)] == ["once"]


def test_a_new_logger_writes_info_and_above_under_its_name(capsys: CAPTURE) -> None:
    """The module's logger is built at import; a logger built later starts at INFO too."""
    logger = logs.Logger("other")
    logger.debug("below the level")
    logger.info("written")
    assert [(line["logger"], line["message"]) for line in lines(capsys)] == [("other", "written")]


@pytest.mark.parametrize(
    ("level", "written"),
    [
        ("DEBUG", ["DEBUG", "INFO", "WARNING", "ERROR"]),
        ("INFO", ["INFO", "WARNING", "ERROR"]),
        ("WARNING", ["WARNING", "ERROR"]),
        ("ERROR", ["ERROR"]),
    ],
)
def test_a_level_writes_its_lines_and_those_above(
    capsys: CAPTURE, level: str, written: list[str]
) -> None:
    logger = logs.configure(level)
    try:
        for write in (logger.debug, logger.info, logger.warning, logger.error):
            write("m", {"n": 1})
    finally:
        logs.configure("INFO")
    assert [(line["level"], line["n"]) for line in lines(capsys)] == [(n, 1) for n in written]


def test_invocation_context_is_forgotten_after_the_response(stub: Any) -> None:
    handler.handler(api_gateway_event({"displayName": ""}), None)
    assert logs.context() == {"apiRequestId": None, "lambdaRequestId": None, "contactId": None}


def test_a_contact_left_by_an_earlier_invocation_is_not_carried_on(
    stub: Any, capsys: CAPTURE
) -> None:
    logs.bind_contact("c-from-before")  # as if the last invocation never reached its end
    handler.handler(api_gateway_event({"displayName": "Ana"}, contact_id="bad/id"), None)
    (line,) = [line for line in lines(capsys) if "_aws" not in line]
    assert line["contactId"] is None


class AsciiStream:
    """A stream that cannot write what is not ASCII (a terminal under ``LANG=C``)."""

    def __init__(self, encoding: str | None) -> None:
        if encoding is not None:
            self.encoding = encoding
        self.written: list[str] = []

    def write(self, text: str) -> int:
        text.encode("ascii")
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(
    ("encoding", "message"), [("ascii", "\u5c71\udc80"), (None, "a\udc80b")], ids=["ascii", "none"]
)
def test_a_line_the_stream_cannot_encode_is_written_as_json_escapes(
    monkeypatch: pytest.MonkeyPatch, encoding: str | None, message: str
) -> None:
    """Escaped with the stream's own encoding (UTF-8 when it names none), the line stays
    one JSON object that reads back as the message."""
    stream = AsciiStream(encoding)
    monkeypatch.setattr("sys.stdout", stream)
    logs.LOGGER.warning(message)
    (text,) = stream.written
    assert json.loads(text)["message"] == message


def test_the_stream_is_the_one_in_place_at_write_time(
    monkeypatch: pytest.MonkeyPatch, capsys: CAPTURE
) -> None:
    """As the Lambda runtime and the local broker swap ``sys.stdout``: nothing is kept of the
    stream at import, and each line is flushed at once."""
    logs.configure("INFO").info("first")
    stream = AsciiStream("utf-8")
    monkeypatch.setattr("sys.stdout", stream)
    logs.LOGGER.info("second")
    monkeypatch.undo()
    assert [line["message"] for line in lines(capsys)] == ["first"]
    assert [json.loads(text)["message"] for text in stream.written] == ["second"]


def test_a_field_json_cannot_hold_is_written_as_text(capsys: CAPTURE) -> None:
    logs.LOGGER.warning("m", {"odd": {1, 2}})
    (line,) = lines(capsys)
    assert line["odd"] == "{1, 2}"


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")


def test_a_line_that_cannot_be_written_is_reported_on_stderr_and_the_request_goes_on(
    capsys: CAPTURE,
) -> None:
    logs.LOGGER.warning("m", {"odd": Unprintable()})
    logs.LOGGER.info("next")
    captured = capsys.readouterr()
    assert [json.loads(line)["message"] for line in captured.out.splitlines()] == ["next"]
    assert captured.err.startswith("--- Logging error ---\nTraceback")
    assert "RuntimeError: no text" in captured.err
