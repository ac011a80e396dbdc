"""The transport against a local HTTPS server on 127.0.0.1 (aws_tls.py): certificate and host
name verification, kept-alive connections reused and reopened when the server dropped them,
the failures to get an answer, and the request on the wire byte for byte as botocore sends it
(through urllib3) to the same server."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import botocore.auth
import botocore.endpoint
import botocore.session
import pytest
from aws_oracle import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, environ, ids
from aws_tls import Received, Server, serve
from botocore.config import Config

from runtime.broker.aws import errors
from runtime.broker.aws.connect import ConnectClient
from runtime.broker.aws.dynamodb import DynamoDBClient
from runtime.broker.aws.transport import Transport, tls_context

NOW = datetime.datetime(2026, 3, 14, 15, 9, 26)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def fresh(server: Server) -> Server:
    server.received.clear()
    server.connections.clear()
    server.delay = 0.0
    server.answer = lambda _: (200, [("x-amzn-RequestId", "local-1")], b"{}")
    return server


def _trusting(server: Server) -> Transport:
    return Transport(tls_context({"AWS_CA_BUNDLE": str(server.ca)}))


def _send(transport: Transport, url: str, **overrides: Any) -> Any:
    request: dict[str, Any] = {
        "method": "POST",
        "url": url,
        "host": url.split("/")[2],
        "headers": [("Content-Length", "2")],
        "body": b"{}",
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
    }
    request.update(overrides)
    return transport.send(**request)


def test_a_certificate_no_trusted_authority_signed_is_refused(fresh: Server) -> None:
    """The default context trusts the system's authorities only: the server's certificate
    fails, and nothing is sent."""
    transport = Transport(tls_context({}))
    with pytest.raises(errors.SSLError) as raised:
        _send(transport, f"https://localhost:{fresh.port}/")
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)
    assert fresh.received == []


def test_a_certificate_for_another_host_name_is_refused(fresh: Server) -> None:
    """Trusted authority, but the certificate names ``localhost``, not ``127.0.0.1``."""
    with pytest.raises(errors.SSLError) as raised:
        _send(_trusting(fresh), f"https://127.0.0.1:{fresh.port}/")
    assert "IP address mismatch" in str(raised.value)
    assert fresh.received == []


def test_the_default_context_verifies_certificates_and_host_names() -> None:
    context = tls_context({})
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


def test_a_trusted_certificate_for_the_host_is_accepted(fresh: Server) -> None:
    answer = _send(_trusting(fresh), f"https://localhost:{fresh.port}/contacts/a%2Fb?x=1")
    assert (answer.status, answer.body) == (200, b"{}")
    assert answer.headers["x-amzn-requestid"] == "local-1"
    assert fresh.received[0].request_line == "POST /contacts/a%2Fb?x=1 HTTP/1.1"


def test_one_connection_serves_consecutive_requests(fresh: Server) -> None:
    """Kept alive between invocations: three requests, one connection, one handshake."""
    transport = _trusting(fresh)
    for _ in range(3):
        _send(transport, f"https://localhost:{fresh.port}/")
    assert transport.opened == 1
    assert len({received.connection for received in fresh.received}) == 1


def test_a_connection_the_server_dropped_is_replaced_before_sending(fresh: Server) -> None:
    """The server closes an idle kept-alive connection (as AWS does after a while, and as a
    frozen Lambda environment finds on thaw): the next request goes on a new connection,
    without an error and without losing the request."""
    transport = _trusting(fresh)
    _send(transport, f"https://localhost:{fresh.port}/")
    (idle,) = next(iter(transport._idle.values()))
    for server_end in fresh.connections:
        server_end.shutdown(socket.SHUT_RDWR)
    time.sleep(0.1)
    answer = _send(transport, f"https://localhost:{fresh.port}/")
    assert answer.status == 200
    assert transport.opened == 2
    assert len(fresh.received) == 2
    assert idle.sock is None


def test_an_answer_with_connection_close_is_not_kept(fresh: Server) -> None:
    fresh.answer = lambda _: (200, [("Connection", "close")], b"{}")
    transport = _trusting(fresh)
    _send(transport, f"https://localhost:{fresh.port}/")
    _send(transport, f"https://localhost:{fresh.port}/")
    assert transport.opened == 2


def test_no_answer_in_time_is_a_read_timeout(fresh: Server) -> None:
    fresh.delay = 0.5
    with pytest.raises(errors.ReadTimeoutError) as raised:
        _send(_trusting(fresh), f"https://localhost:{fresh.port}/x", read_timeout=0.1)
    assert str(raised.value) == f'Read timeout on endpoint URL: "https://localhost:{fresh.port}/x"'


def test_a_refused_connection_is_an_endpoint_connection_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(errors.EndpointConnectionError) as raised:
        _send(Transport(), f"http://127.0.0.1:{port}/")
    assert str(raised.value) == f'Could not connect to the endpoint URL: "http://127.0.0.1:{port}/"'


def test_a_connect_timeout_is_a_connect_timeout_error() -> None:
    with (
        mock.patch("socket.create_connection", side_effect=TimeoutError("timed out")),
        pytest.raises(errors.ConnectTimeoutError) as raised,
    ):
        _send(Transport(), "http://192.0.2.1:81/")
    assert str(raised.value) == 'Connect timeout on endpoint URL: "http://192.0.2.1:81/"'


def test_the_connect_timeout_bounds_a_connection_nobody_accepts() -> None:
    """A listener whose one-place backlog is taken never completes the next handshake (Linux
    drops the SYN): the connection attempt gives up after ``connect_timeout``, not the read
    timeout, and says so."""
    with socket.socket() as listener, socket.socket() as first:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        first.connect(("127.0.0.1", port))  # fills the backlog; never accepted
        start = time.monotonic()
        with pytest.raises(errors.ConnectTimeoutError) as raised:
            _send(Transport(), f"http://127.0.0.1:{port}/", connect_timeout=0.2, read_timeout=3)
        elapsed = time.monotonic() - start
    assert str(raised.value) == f'Connect timeout on endpoint URL: "http://127.0.0.1:{port}/"'
    assert 0.15 <= elapsed < 2, elapsed


def _wire(received: Received) -> tuple[str, list[tuple[str, str]], bytes]:
    return (
        received.request_line,
        [(n, v) for n, v in received.headers if n != "User-Agent"],
        received.body,
    )


@pytest.mark.parametrize(
    ("cls", "service", "method", "params"),
    [
        (ConnectClient, "connect", "describe_contact", {"InstanceId": "i/1", "ContactId": "c ü"}),
        (
            ConnectClient,
            "connect",
            "create_participant",
            {
                "InstanceId": "i",
                "ContactId": "c",
                "ParticipantDetails": {"DisplayName": "Zoë", "ParticipantRole": "CUSTOMER"},
            },
        ),
        (DynamoDBClient, "dynamodb", "put_item", {"TableName": "t", "Item": {"a": {"B": b"\0"}}}),
    ],
)
def test_the_request_arrives_as_botocores(
    fresh: Server, cls: Any, service: str, method: str, params: dict[str, Any]
) -> None:
    """Request line, every header in order (``Host`` and ``Accept-Encoding`` included;
    ``User-Agent`` aside) and body, as the server received them from each client."""
    url = f"https://localhost:{fresh.port}/"
    theirs = botocore.session.Session().create_client(
        service,
        region_name="eu-west-2",
        endpoint_url=url,
        verify=str(fresh.ca),
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}),
    )
    sequence = ids()
    with (
        mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: NOW),
        mock.patch.object(botocore.endpoint, "get_current_datetime", lambda *a, **k: NOW),
        mock.patch("uuid.uuid4", lambda: __import__("uuid").UUID(next(sequence))),
    ):
        getattr(theirs, method)(**dict(params))
    sequence = ids()
    ours = cls(
        region="eu-west-2",
        environ=environ(token=True, **{f"AWS_ENDPOINT_URL_{service.upper()}": url}),
        connect_timeout=2,
        read_timeout=2,
        max_attempts=2,
        transport=_trusting(fresh),
        clock=lambda: NOW,
        new_id=lambda: next(sequence),
    )
    getattr(ours, method)(**dict(params))
    assert [_wire(r) for r in fresh.received[1:]] == [_wire(r) for r in fresh.received[:1]]
    assert [n for n, _ in fresh.received[1].headers][:2] == ["Host", "Accept-Encoding"]


def test_close_closes_the_idle_connections(fresh: Server) -> None:
    transport = _trusting(fresh)
    _send(transport, f"https://localhost:{fresh.port}/")
    (connection,) = next(iter(transport._idle.values()))
    transport.close()
    assert connection.sock is None


class _PlainHandler(BaseHTTPRequestHandler):
    """Answers 200 with keep-alive over plain HTTP, counting what it served."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def plain_servers() -> Iterator[list[ThreadingHTTPServer]]:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _PlainHandler) for _ in range(2)]
    for server in servers:
        server.paths = []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def test_plain_http_endpoints_each_keep_their_own_connection(
    plain_servers: list[ThreadingHTTPServer],
) -> None:
    """An ``AWS_ENDPOINT_URL`` over plain HTTP (a local emulator): each host and port gets its
    own kept-alive connection."""
    first, second = (f"http://127.0.0.1:{s.server_address[1]}" for s in plain_servers)
    transport = Transport(tls_context({}))
    answers = [_send(transport, f"{url}/{n}") for n, url in enumerate([first, second, first])]
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert [server.paths for server in plain_servers] == [["/0", "/2"], ["/1"]]  # type: ignore[attr-defined]
    assert transport.opened == 2
