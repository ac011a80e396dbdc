"""One X-Ray subsegment per Connect call, sent to the daemon over UDP when the request is sampled.

What the daemon receives follows the X-Ray developer guide: "Sending trace data to AWS X-Ray"
(the daemon header ``{"format": "json", "version": 1}``, a newline, then the segment document;
UDP) and "AWS X-Ray segment documents" (a subsegment sent on its own carries ``type``
``subsegment``, ``trace_id`` and ``parent_id``; ``namespace`` ``aws`` and the ``aws`` object for
AWS SDK calls; ``error``, ``throttle`` and ``fault``; ``http.response.status``). How Lambda
passes the trace: the Lambda developer guide, "Visualize Lambda function invocations using AWS
X-Ray" (``_X_AMZN_TRACE_ID`` and ``AWS_XRAY_DAEMON_ADDRESS``).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from runtime_support import (
    CONNECT_RESPONSE,
    CONTACT_ID,
    INSTANCE_ID,
    TOKEN,
    api_gateway_event,
    client_token,
    expected_params,
)
from wire_stub import WireStubber

from runtime.broker import tracing
from runtime.broker.aws.errors import ReadTimeoutError

Invoke = Any
ROOT = "1-6745a6a0-0123456789abcdef01234567"
PARENT = "53995c3f42cd8ad8"
SAMPLED = f"Root={ROOT};Parent={PARENT};Sampled=1;Lineage=a87bd80c:0"
KEY = "order-42"
REQUEST_ID = "connect-request-1"
META = {"RequestId": REQUEST_ID, "HTTPStatusCode": 200, "RetryAttempts": 0}


@pytest.fixture
def daemon(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A UDP socket on 127.0.0.1 standing in for the X-Ray daemon, named in the environment."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(2.0)
    monkeypatch.setenv(tracing.DAEMON_ADDRESS_ENV, f"127.0.0.1:{listener.getsockname()[1]}")
    monkeypatch.setenv(tracing.TRACE_HEADER_ENV, SAMPLED)
    yield listener
    listener.close()


def received(daemon: socket.socket) -> tuple[bytes, dict[str, Any]]:
    """The next datagram: its daemon header line and its segment document."""
    data = daemon.recv(65536)
    header, _, document = data.partition(b"\n")
    return header, json.loads(document)


def nothing_sent(daemon: socket.socket) -> bool:
    daemon.settimeout(0.1)
    try:
        daemon.recv(65536)
    except TimeoutError:
        return True
    return False


def created(stub: WireStubber, invoke: Invoke, **event: Any) -> None:
    stub.add_response("create_participant", {**CONNECT_RESPONSE, "ResponseMetadata": META})
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}, **event))["statusCode"] == 201


def test_sampled_call_sends_one_subsegment(
    stub: WireStubber, invoke: Invoke, daemon: socket.socket
) -> None:
    created(stub, invoke)
    header, document = received(daemon)
    assert json.loads(header) == {"format": "json", "version": 1}
    start, end = document.pop("start_time"), document.pop("end_time")
    assert isinstance(start, float) and start <= end
    segment_id = document.pop("id")
    assert len(segment_id) == 16 and int(segment_id, 16) >= 0
    assert document == {
        "name": "Connect",
        "namespace": "aws",
        "type": "subsegment",
        "trace_id": ROOT,
        "parent_id": PARENT,
        "aws": {
            "operation": "CreateParticipant",
            "region": "eu-west-1",
            "request_id": REQUEST_ID,
            "retries": 0,
        },
        "http": {"response": {"status": 200}},
    }
    assert nothing_sent(daemon)


def test_subsegment_holds_no_parameter_value(
    stub: WireStubber, invoke: Invoke, daemon: socket.socket
) -> None:
    stub.add_response(
        "create_participant",
        {**CONNECT_RESPONSE, "ResponseMetadata": META},
        expected_params(client_token=client_token(KEY)),
    )
    invoke(api_gateway_event({"displayName": "Ana Silva"}, headers={"Idempotency-Key": KEY}))
    text = daemon.recv(65536).decode("utf-8")
    for value in (CONTACT_ID, INSTANCE_ID, "Ana Silva", KEY, client_token(KEY), TOKEN):
        assert value not in text


@pytest.mark.parametrize(
    ("code", "status", "flags", "retries"),
    [
        ("ThrottlingException", 429, {"error": True, "throttle": True}, 1),
        ("ResourceNotFoundException", 404, {"error": True}, 0),
        ("InvalidRequestException", 400, {"error": True}, 0),
        ("InternalServiceException", 500, {"fault": True}, 1),
    ],
)
def test_failed_call_is_flagged_by_status(
    stub: WireStubber,
    invoke: Invoke,
    daemon: socket.socket,
    code: str,
    status: int,
    flags: dict[str, bool],
    retries: int,
) -> None:
    """One subsegment per call, its retries included (throttles and 5xx are retried once)."""
    stub.add_client_error(
        "create_participant",
        service_error_code=code,
        http_status_code=status,
        response_meta={"RequestId": REQUEST_ID},
    )
    invoke(api_gateway_event({"displayName": "Ana Silva"}))
    _, document = received(daemon)
    assert {name: document.get(name) for name in ("error", "throttle", "fault")} == {
        "error": flags.get("error"),
        "throttle": flags.get("throttle"),
        "fault": flags.get("fault"),
    }
    assert document["http"] == {"response": {"status": status}}
    assert (document["aws"]["request_id"], document["aws"]["retries"]) == (REQUEST_ID, retries)
    assert nothing_sent(daemon)


def test_call_without_an_answer_is_a_fault(
    stub: WireStubber, invoke: Invoke, daemon: socket.socket
) -> None:
    stub.add_exception("create_participant", ReadTimeoutError)
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}))
    assert response["statusCode"] == 504
    _, document = received(daemon)
    assert (document["fault"], "http" in document, document["aws"]) == (
        True,
        False,
        {"operation": "CreateParticipant", "region": "eu-west-1"},
    )


@pytest.mark.parametrize(
    "header",
    [
        f"Root={ROOT};Parent={PARENT};Sampled=0",
        f"Root={ROOT};Parent={PARENT}",
        f"Root={ROOT};Sampled=1",
        f"Root=1-bad;Parent={PARENT};Sampled=1",
        f"Root={ROOT};Parent=not-hex-0000000;Sampled=1",
        "",
        "garbage",
    ],
)
def test_unsampled_or_malformed_trace_sends_nothing(
    stub: WireStubber,
    invoke: Invoke,
    daemon: socket.socket,
    monkeypatch: pytest.MonkeyPatch,
    header: str,
) -> None:
    monkeypatch.setenv(tracing.TRACE_HEADER_ENV, header)
    created(stub, invoke)
    assert nothing_sent(daemon)


def test_no_trace_header_sends_nothing(
    stub: WireStubber, invoke: Invoke, daemon: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tracing.TRACE_HEADER_ENV)
    created(stub, invoke)
    assert nothing_sent(daemon)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "localhost:2000",  # a name would need a DNS lookup on the request path
        "127.0.0.1",
        "127.0.0.1:0",
        "127.0.0.1:http",
        "tcp:127.0.0.1:2000",
        "1.2.3.4:2000 5.6.7.8:2000",
    ],
)
def test_unusable_daemon_address_sends_nothing_and_the_call_succeeds(
    stub: WireStubber,
    invoke: Invoke,
    daemon: socket.socket,
    monkeypatch: pytest.MonkeyPatch,
    address: str,
) -> None:
    monkeypatch.setenv(tracing.DAEMON_ADDRESS_ENV, address)
    created(stub, invoke)
    assert nothing_sent(daemon)


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("169.254.79.129:2000", ("169.254.79.129", 2000)),
        ("tcp:127.0.0.1:2000 udp:127.0.0.2:2001", ("127.0.0.2", 2001)),
        ("udp:127.0.0.2:2001 tcp:127.0.0.1:2000", ("127.0.0.2", 2001)),
        ("tcp:127.0.0.1:2000 127.0.0.2:2001", ("127.0.0.2", 2001)),  # a TCP entry is skipped
    ],
)
def test_daemon_address_forms(value: str, address: tuple[str, int]) -> None:
    assert tracing.daemon_address(value) == address


@pytest.mark.parametrize(("port", "usable"), [(0, False), (1, True), (65535, True), (65536, False)])
def test_daemon_port_is_a_udp_port(port: int, usable: bool) -> None:
    expected = ("127.0.0.1", port) if usable else None
    assert tracing.daemon_address(f"127.0.0.1:{port}") == expected


def test_the_runtimes_client_sends_one_subsegment_per_call(
    stub: WireStubber, invoke: Invoke, daemon: socket.socket, client: Any
) -> None:
    assert client.observers == [tracing.record]
    created(stub, invoke)
    received(daemon)
    assert nothing_sent(daemon)


def test_a_failing_socket_never_breaks_the_call(
    stub: WireStubber, invoke: Invoke, daemon: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise OSError("no buffer space")

    monkeypatch.setattr(tracing, "_send", refuse)
    created(stub, invoke)


def test_send_never_blocks(daemon: socket.socket) -> None:
    tracing._send({"name": "x"}, daemon.getsockname())
    assert tracing._socket is not None and tracing._socket.getblocking() is False
