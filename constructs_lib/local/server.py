"""``LocalBroker``: the broker's contract on localhost, served by the real runtime."""

from __future__ import annotations

import sys
import threading
import traceback
import uuid
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from constructs_lib import _extras, _gateway_answers
from constructs_lib.local._gateway import LocalGateway, ProblemFactory, Route, find_route, routes
from constructs_lib.local._loopback import LoopbackRequestHandler, LoopbackServer, LoopbackService
from constructs_lib.local.fake_connect import FakeConnect

from .events import LambdaContext, build_event, proxy_response
from .runtime import Runtime, environment, load_runtime
from .settings import CALLER_HEADER, INVITATION_TABLE, MAX_BODY, LocalBrokerConfig

if TYPE_CHECKING:
    from constructs_lib.local.dynamodb import LocalDynamoDB


class LocalBroker(LoopbackService):
    """The broker's contract on localhost, served by the real runtime. NOT FOR PRODUCTION.

    While it runs, the process environment carries the runtime's variables (``INSTANCE_ID``,
    ``AWS_ENDPOINT_URL_CONNECT`` aimed at the simulated Connect, dummy credentials, ...);
    ``stop()`` restores the previous values.

    Args:
        host: interface to bind, ``127.0.0.1`` by default.
        port: TCP port; ``0`` (the default) picks a free one, see ``url``.
        config: the broker configuration (roles, capabilities, instance ID).
        connect: the simulated Connect to use; by default one is started and stopped with
            the broker.
        dynamodb: the :class:`~constructs_lib.local.dynamodb.LocalDynamoDB` holding the
            invitation table (only with ``config.invitations``; its region must be
            ``config.region``); by default one is started and stopped with the broker. The
            broker creates its table (``INVITATION_TABLE``) in it, empty, when it starts.
    """

    service_name = "local broker"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        config: LocalBrokerConfig | None = None,
        connect: FakeConnect | None = None,
        dynamodb: LocalDynamoDB | None = None,
    ) -> None:
        _extras.require("botocore", feature="the local broker")
        self.host = host
        self.port = port
        self.config = config or LocalBrokerConfig()
        self._owns_connect = connect is None
        self.connect = connect or FakeConnect()
        self._owns_dynamodb = dynamodb is None and self.config.invitations
        if self._owns_dynamodb:
            from constructs_lib.local.dynamodb import LocalDynamoDB

            dynamodb = LocalDynamoDB(region=self.config.region)
        if dynamodb is not None and dynamodb.region != self.config.region:
            raise ValueError(
                f"dynamodb serves region {dynamodb.region!r} but config.region is "
                f"{self.config.region!r}; create it with LocalDynamoDB(region="
                f"{self.config.region!r})"
            )
        self.dynamodb: LocalDynamoDB | None = dynamodb
        self._env: Any = None
        self._runtime: Runtime | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LocalBroker:
        """Start the simulated Connect (if owned), load the runtime and serve in a thread."""
        self.bind()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True, name="broker")
        self._thread.start()
        return self

    def bind(self) -> None:
        """Prepare everything and bind the socket, without serving yet."""
        if self._server is not None:
            raise RuntimeError("local broker is already running; call stop() first")
        if self._owns_connect:
            self.connect.start()
        try:
            dynamodb_url = self._start_table()
            self._env = environment(self.config.environment(self.connect.url, dynamodb_url))
            self._env.__enter__()
            self._runtime = load_runtime(
                read_timeout=self.config.connect_read_timeout,
                max_attempts=self.config.connect_max_attempts,
            )
            server = LoopbackServer((self.host, self.port), _make_request_handler(self))
        except BaseException:
            self.stop()
            raise
        server.daemon_threads = True
        self._server = server

    def _start_table(self) -> str | None:
        """Start the owned DynamoDB and create the invitation table; its URL (with one)."""
        if self.dynamodb is None:
            return None
        if self._owns_dynamodb:
            self.dynamodb.start()
        if self.config.invitations:
            self.dynamodb.create_invitation_table(INVITATION_TABLE)
        return self.dynamodb.url

    def serve_forever(self) -> None:
        """Serve requests until ``stop()`` (from another thread) or KeyboardInterrupt."""
        if self._server is None:
            raise RuntimeError("local broker is not bound; call bind() or start() first")
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop serving, stop the owned simulated Connect, restore the environment."""
        server, thread, env = self._server, self._thread, self._env
        self._server, self._thread, self._env = None, None, None
        if server is not None:
            if thread is not None:
                server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if self._owns_connect:
            self.connect.stop()
        if self._owns_dynamodb and self.dynamodb is not None:
            self.dynamodb.stop()
        if env is not None:
            env.__exit__(None, None, None)

    def invoke(
        self,
        method: str,
        raw_path: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        source_ip: str,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Serve one HTTP request; the response carries ``x-amzn-RequestId`` like API Gateway's."""
        request_id = str(uuid.uuid4())
        status, response_headers, data = self._invoke(
            method, raw_path, headers, body, source_ip, request_id
        )
        if not any(name.lower() == "x-amzn-requestid" for name, _ in response_headers):
            response_headers.append(("x-amzn-RequestId", request_id))
        return status, response_headers, data

    def _invoke(
        self,
        method: str,
        raw_path: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        source_ip: str,
        request_id: str,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer as API Gateway would, or run the runtime handler; return the response."""
        runtime = self._runtime
        if runtime is None:
            raise RuntimeError("local broker is not running")
        gateway = _Gateway(self.config, runtime.problem)
        answer = gateway.answer(method, raw_path, headers, len(body), request_id)
        if answer is not None:
            return proxy_response(answer)
        principal = _caller(headers) if self.config.caller_attribute else None
        matched = find_route(raw_path, routes(self.config.invitations))
        open_route = matched is not None and matched[0].resource == _gateway_answers.REDEEM_PATH
        if self.config.caller_attribute and not principal and not open_route:
            detail = f"The request is not authenticated ({CALLER_HEADER})."
            return proxy_response(gateway.problem("unauthorized", detail, request_id))
        event = build_event(
            method,
            raw_path,
            headers,
            body,
            source_ip=source_ip,
            request_id=request_id,
            principal_id=None if open_route else principal,
            invitations=self.config.invitations,
        )
        try:
            response = runtime.handler(event, LambdaContext(timeout=self.config.function_timeout))
        except Exception:
            traceback.print_exc()  # API Gateway logs nothing of it; Lambda's log would
            response = gateway.function_failed(request_id)
        return proxy_response(response)


class _Gateway(LocalGateway):
    """API Gateway's own answers for ``config``; with simulated callers (``caller_attribute``),
    the preflight also allows ``X-Local-Caller``, as a deployed preflight allows the header its
    authorizer reads (``Authorization``)."""

    def __init__(self, config: LocalBrokerConfig, problem: ProblemFactory) -> None:
        super().__init__(config.cors_allowed_origins, problem, routes(config.invitations))
        self.caller_header = bool(config.caller_attribute)

    def preflight(self, headers: Sequence[tuple[str, str]], route: Route) -> dict[str, Any]:
        answer = super().preflight(headers, route)
        if self.caller_header:
            allowed = answer["headers"]["Access-Control-Allow-Headers"]
            answer["headers"]["Access-Control-Allow-Headers"] = f"{allowed},{CALLER_HEADER}"
        return answer


def _caller(headers: Sequence[tuple[str, str]]) -> str | None:
    """The simulated caller identity: the one ``X-Local-Caller`` header, if any."""
    values = [value for name, value in headers if name.lower() == CALLER_HEADER.lower()]
    return values[0] if len(values) == 1 and values[0] else None


def _make_request_handler(broker: LocalBroker) -> type[BaseHTTPRequestHandler]:
    """An HTTP request handler class that serves through ``broker``."""

    class RequestHandler(LoopbackRequestHandler):
        def version_string(self) -> str:
            return "participant-broker-local"

        def log_message(self, format: str, *args: Any) -> None:
            """One access-log line per request on stderr."""
            sys.stderr.write(f"local broker: {self.command} {self.path} -> {args[1]}\n")

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            self.log_message("%s %s %s", self.requestline, str(code), str(size))

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, MAX_BODY + 1)) if length > 0 else b""
            if length > MAX_BODY:
                self.close_connection = True
            status, headers, data = broker.invoke(
                self.command, self.path, list(self.headers.items()), body, self.client_address[0]
            )
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

    return RequestHandler
