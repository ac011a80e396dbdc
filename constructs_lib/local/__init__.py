"""A local ParticipantBroker for development. NOT FOR PRODUCTION: no authentication.

``participant-broker-local`` (or ``make serve``) serves the broker's HTTP contract on
``127.0.0.1`` from the real runtime code (``runtime/broker``, the same files the Lambda function
runs), backed by a simulated Amazon Connect (:class:`constructs_lib.local.fake_connect.FakeConnect`)
in the same process. Each HTTP request becomes an API Gateway REST proxy event and goes through
the runtime's ``handler(event, context)``; its proxy response becomes the HTTP response.

Only ``POST /contacts/{contactId}/participants`` reaches the runtime, and with
``invitations=True`` (``--invitations``) the invitation routes too, their table held by moto's
DynamoDB (:class:`constructs_lib.local.dynamodb.LocalDynamoDB`) in the same process, so the
runtime's own store code runs against it. What API Gateway answers by itself,
the local broker answers the same way (:mod:`constructs_lib.local._gateway`): a
method or path the API does not have is 403 ``access-denied`` (API Gateway's
MISSING_AUTHENTICATION_TOKEN), an encoded slash in the contact ID is such a path, ``OPTIONS``
is the CORS preflight when origins are configured, and a body over 10 MB is 413.

The contact checks run as deployed (on by default): any contact ID is an ongoing WebRTC call
whose agent has connected, unless its prefix (``chat-``, ``ended-``, ``task-``, ``email-``,
``phone-``, ``no-agent-``, ``agent-after-N-``) or a ``--contacts`` file says otherwise, and IDs
starting with ``notfound-``, ``conflict-``, ``quota-``, ``throttle-``, ``invalid-``, ``error-``
or ``slow-`` make the simulated Connect fail (see :mod:`constructs_lib.local.fake_connect`).

Contact-bound callers (``caller_attribute``): there is no authentication here, so the caller
says who it is in the ``X-Local-Caller`` header, which the local broker hands the runtime as a
custom authorizer's ``principalId`` (a request without it gets the gateway's 401; with CORS,
the preflight allows the header). This is a simulation for development, not authentication.

Standard library and botocore only: no aws_cdk, no Node.js. botocore comes with the package's
``client`` extra; the invitation routes also need moto, which the ``local`` extra brings and
which is imported only with invitations on. Without them, the command and :class:`LocalBroker`
fail at once and name the extra.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import importlib.util
import itertools
import json
import os
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from constructs_lib import _contract, _extras, _gateway_answers
from constructs_lib.local._gateway import (
    LocalGateway,
    ProblemFactory,
    Route,
    find_route,
    routes,
)
from constructs_lib.local._loopback import LoopbackRequestHandler, LoopbackServer, LoopbackService
from constructs_lib.local.fake_connect import (
    CONTACT_PREFIXES,
    MAGIC_PREFIXES,
    FakeConnect,
    SimulatedContact,
)

if TYPE_CHECKING:
    from constructs_lib.local.dynamodb import LocalDynamoDB

__all__ = ["BANNER", "LocalBroker", "LocalBrokerConfig", "main"]

ROUTE: Final = "/contacts/{contactId}/participants"
STAGE: Final = "local"
FUNCTION_NAME: Final = "participant-broker-local"
DEFAULT_PORT: Final = 8787
DEFAULT_INSTANCE_ID: Final = "00000000-0000-4000-8000-000000000000"
INVITATION_TABLE: Final = "participant-broker-local-invitations"
MAX_BODY: Final = _gateway_answers.MAX_PAYLOAD_BYTES
#: The header the local broker reads the (simulated) caller identity from.
CALLER_HEADER: Final = "X-Local-Caller"
CHANNEL_ROLES: Final = "CHAT=CUSTOM_BOT;VOICE=CUSTOMER"

BANNER: Final = """\
##########################################################################################
#  NOT FOR PRODUCTION: local development broker, no authentication, simulated Amazon    #
#  Connect. It mints fake participant tokens that no real Connect instance accepts.      #
##########################################################################################"""

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_counter = itertools.count(1)


@dataclass(frozen=True)
class LocalBrokerConfig:
    """The broker configuration the runtime sees, as the construct would set it."""

    instance_id: str = DEFAULT_INSTANCE_ID
    allowed_roles: tuple[str, ...] = ("CUSTOMER",)
    default_role: str = "CUSTOMER"
    allow_video: bool = True
    allow_screen_share: bool = True
    log_level: str = "INFO"
    region: str = "us-east-1"
    function_timeout: float = 25.0
    """Seconds of the simulated Lambda timeout: the construct's default."""
    contact_checks: bool = True
    channel_roles: str = CHANNEL_ROLES
    """``CHANNEL=ROLE[,ROLE]`` pairs separated by ``;``, as the construct writes them."""
    agent_wait: float = 3.0
    """Seconds the broker waits for a WebRTC call's agent (the construct's default)."""
    caller_attribute: str | None = None
    """Contact-bound callers: the contact attribute that must hold ``X-Local-Caller``."""
    connect_read_timeout: float | None = None
    """Seconds the runtime waits for Connect per attempt; ``None``: the runtime's own."""
    connect_max_attempts: int | None = None
    """Attempts per Connect call (first included); ``None``: the runtime's own."""
    cors_allowed_origins: tuple[str, ...] = ()
    """Origins browsers may call from (``cors_allowed_origins`` of the construct); none: no
    CORS, and OPTIONS is a method the API does not have."""
    invitations: bool = False
    """Serve the invitation routes, their table in moto's DynamoDB in the same process (the
    ``local`` extra)."""
    invitation_lifetime_seconds: int = 900
    invitation_max_lifetime_seconds: int = 3600
    invitation_max_uses: int = 5

    def __post_init__(self) -> None:
        if "*" in self.cors_allowed_origins:
            raise ValueError(
                "cors_allowed_origins cannot contain '*' (the construct refuses it too); list "
                "the origins, for example ('http://localhost:3000',)"
            )

    def environment(self, connect_url: str, dynamodb_url: str | None = None) -> dict[str, str]:
        """The Lambda environment for this configuration, aimed at ``connect_url`` (and, with
        invitations, at ``dynamodb_url``)."""
        cors = {"CORS_ALLOWED_ORIGINS": ",".join(self.cors_allowed_origins)}
        invitations = {
            "INVITATIONS_TABLE": INVITATION_TABLE,
            "INVITATION_LIFETIME_SECONDS": str(self.invitation_lifetime_seconds),
            "INVITATION_MAX_LIFETIME_SECONDS": str(self.invitation_max_lifetime_seconds),
            "INVITATION_MAX_USES": str(self.invitation_max_uses),
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url or "",
        }
        return {
            **(cors if self.cors_allowed_origins else {}),
            **(invitations if self.invitations else {}),
            "INSTANCE_ID": self.instance_id,
            "ALLOWED_ROLES": ",".join(self.allowed_roles),
            "DEFAULT_ROLE": self.default_role,
            "ALLOW_VIDEO": str(self.allow_video).lower(),
            "ALLOW_SCREEN_SHARE": str(self.allow_screen_share).lower(),
            "LOG_LEVEL": self.log_level,
            "METRICS_NAMESPACE": "ConnectParticipantBrokerLocal",
            # The local broker authenticates no one: every caller shares one identity, unless
            # contact-bound callers are simulated (X-Local-Caller, as a custom authorizer's).
            "AUTH_TYPE": "CUSTOM" if self.caller_attribute else "NONE",
            "CONTACT_CHECKS": str(self.contact_checks).lower(),
            "CHANNEL_ROLES": self.channel_roles,
            "AGENT_WAIT_MS": str(round(self.agent_wait * 1000)),
            "CALLER_ATTRIBUTE": self.caller_attribute or "",
            "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL_CONNECT": connect_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }


@dataclass
class LambdaContext:
    """The parts of Lambda's context object a handler uses."""

    timeout: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = FUNCTION_NAME
    function_version: str = "$LATEST"
    invoked_function_arn: str = f"arn:aws:lambda:us-east-1:000000000000:function:{FUNCTION_NAME}"
    memory_limit_in_mb: int = 256
    log_group_name: str = f"/aws/lambda/{FUNCTION_NAME}"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (simulated) function timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {name: os.environ.get(name) for name in (*values, "AWS_SESSION_TOKEN", "AWS_PROFILE")}
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass(frozen=True)
class Runtime:
    """One private copy of the broker runtime: its handler and its problem serializer."""

    handler: Handler
    problem: ProblemFactory


def load_runtime(
    runtime_dir: Path | None = None,
    *,
    read_timeout: float | None = None,
    max_attempts: int | None = None,
) -> Runtime:
    """Import a fresh copy of the runtime's ``broker`` package: its handler and problems.

    ``runtime_dir``: the directory holding ``broker``; by default the Lambda asset root the
    construct deploys (``runtime/`` in a checkout, ``constructs_lib/_runtime/`` when installed).

    The package is loaded under a private name (the runtime uses relative imports only), so its
    module-scope state (configuration, Connect client) comes from the current environment and
    is not shared with any other copy imported in this process.
    """
    package_dir = (runtime_dir or _contract.runtime_dir()) / "broker"
    name = f"_participant_broker_local_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(
        name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the broker runtime from {package_dir}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    module: ModuleType = importlib.import_module(f"{name}.handler")
    if read_timeout is not None or max_attempts is not None:
        _tune_connect_client(importlib.import_module(f"{name}.connect"), read_timeout, max_attempts)
    problems: ModuleType = importlib.import_module(f"{name}.problems")
    return Runtime(handler=module.handler, problem=problems.problem)


def _tune_connect_client(
    connect: ModuleType, read_timeout: float | None, max_attempts: int | None
) -> None:
    """Change this private copy's Connect time budget; its client is rebuilt on first use."""
    for attribute, value in (
        ("READ_TIMEOUT_SECONDS", read_timeout),
        ("MAX_ATTEMPTS", max_attempts),
    ):
        if value is None:
            continue
        if not hasattr(connect, attribute):
            raise RuntimeError(f"the broker runtime has no connect.{attribute} to tune")
        setattr(connect, attribute, value)
    connect.set_client(None)


def build_event(
    method: str,
    raw_path: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    *,
    source_ip: str = "127.0.0.1",
    request_id: str | None = None,
    principal_id: str | None = None,
    invitations: bool = False,
) -> dict[str, Any]:
    """Turn an HTTP request into an API Gateway REST proxy (v1) event for its route (``ROUTE``,
    or with ``invitations`` one of the invitation routes); ``principal_id`` is what a custom
    authorizer would have put in ``requestContext``."""
    split = urllib.parse.urlsplit(raw_path)
    path = urllib.parse.unquote(split.path)
    matched = find_route(raw_path, routes(invitations))
    resource, parameters = (
        (ROUTE, {"contactId": None})
        if matched is None
        else (
            matched[0].resource,
            matched[1],
        )
    )
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
    text, encoded = _body_text(body)
    request_id = request_id or str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": parameters or None,
        "stageVariables": None,
        "requestContext": {
            "requestId": request_id,
            "extendedRequestId": request_id,
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{STAGE}{path}",
            "stage": STAGE,
            "protocol": "HTTP/1.1",
            "accountId": "000000000000",
            "apiId": "local",
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": single.get("User-Agent")},
            **({"authorizer": {"principalId": principal_id}} if principal_id else {}),
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


def _body_text(body: bytes) -> tuple[str | None, bool]:
    """The event's ``body`` and ``isBase64Encoded`` for raw request bytes."""
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def _proxy_response(response: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body bytes of an API Gateway proxy response dict."""
    headers: list[tuple[str, str]] = [
        (str(k), str(v)) for k, v in (response.get("headers") or {}).items()
    ]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(value)) for value in values)
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
    return int(response["statusCode"]), headers, data


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
            self._env = _environment(self.config.environment(self.connect.url, dynamodb_url))
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
            return _proxy_response(answer)
        principal = _caller(headers) if self.config.caller_attribute else None
        matched = find_route(raw_path, routes(self.config.invitations))
        open_route = matched is not None and matched[0].resource == _gateway_answers.REDEEM_PATH
        if self.config.caller_attribute and not principal and not open_route:
            detail = f"The request is not authenticated ({CALLER_HEADER})."
            return _proxy_response(gateway.problem("unauthorized", detail, request_id))
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
            traceback.print_exc()
            response = gateway.problem(
                "internal", "the broker failed; see the local broker's output", request_id
            )
        return _proxy_response(response)


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


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="participant-broker-local",
        description="Serve the ParticipantBroker HTTP contract on localhost from the real "
        "runtime, backed by a simulated Amazon Connect. NOT FOR PRODUCTION: no authentication.",
        epilog="Any contact ID is an ongoing WebRTC call whose agent has connected, unless "
        "it starts with "
        + ", ".join([*CONTACT_PREFIXES, "agent-after-N-"])
        + " (other channels and states) or "
        + ", ".join(MAGIC_PREFIXES)
        + " (the simulated Connect fails or, for slow-, answers late).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    parser.add_argument("--instance-id", default=DEFAULT_INSTANCE_ID, help="Connect instance ID")
    parser.add_argument(
        "--allowed-roles", default="CUSTOMER", help="comma-separated roles (default CUSTOMER)"
    )
    parser.add_argument(
        "--default-role", default=None, help="default: CUSTOMER when allowed, else the first role"
    )
    parser.add_argument("--no-video", action="store_true", help="refuse the video capability")
    parser.add_argument(
        "--no-screen-share", action="store_true", help="refuse the screen-share capability"
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=35.0,
        help="how long a slow- contact keeps Connect busy (default 35)",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    parser.add_argument(
        "--invitations",
        action="store_true",
        help="serve the invitation routes (moto's DynamoDB holds them in memory; needs the "
        "'local' extra)",
    )
    parser.add_argument(
        "--cors-allowed-origins",
        default="",
        help="comma-separated origins browsers may call from (default: no CORS)",
    )
    parser.add_argument(
        "--no-contact-checks", action="store_true", help="call CreateParticipant blind"
    )
    parser.add_argument(
        "--channel-roles",
        default=CHANNEL_ROLES,
        help="roles each channel takes (default %(default)s)",
    )
    parser.add_argument(
        "--agent-wait",
        type=float,
        default=3.0,
        help="seconds to wait for a WebRTC call's agent (default %(default)s)",
    )
    parser.add_argument(
        "--caller-attribute",
        default=None,
        help=f"contact-bound callers: the contact attribute that must equal {CALLER_HEADER}",
    )
    parser.add_argument(
        "--contacts",
        type=Path,
        default=None,
        help='a JSON file of simulated contacts: {"ID": {"channel": "VOICE", "ended": false, '
        '"agentAfter": 2, "attributes": {"name": "value"}}}',
    )
    return parser.parse_args(argv)


def contacts_from_file(path: Path) -> dict[str, SimulatedContact]:
    """Read a ``--contacts`` file: contact ID -> settings (see ``SimulatedContact.from_json``)."""
    raw = json.loads(path.read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path} must hold a JSON object of contact ID -> settings")
    return {str(contact_id): SimulatedContact.from_json(value) for contact_id, value in raw.items()}


def _default_role(roles: Sequence[str]) -> str:
    """CUSTOMER when allowed, else the first allowed role (as the construct chooses)."""
    return "CUSTOMER" if "CUSTOMER" in roles or not roles else roles[0]


def config_from_args(args: argparse.Namespace) -> LocalBrokerConfig:
    """The broker configuration the command-line arguments describe."""
    roles = tuple(role.strip().upper() for role in args.allowed_roles.split(",") if role.strip())
    return LocalBrokerConfig(
        instance_id=args.instance_id,
        allowed_roles=roles,
        default_role=(args.default_role or _default_role(roles)).upper(),
        allow_video=not args.no_video,
        allow_screen_share=not args.no_screen_share,
        log_level=args.log_level,
        cors_allowed_origins=tuple(
            origin.strip() for origin in args.cors_allowed_origins.split(",") if origin.strip()
        ),
        contact_checks=not args.no_contact_checks,
        channel_roles=args.channel_roles,
        agent_wait=args.agent_wait,
        caller_attribute=args.caller_attribute,
        invitations=args.invitations,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The ``participant-broker-local`` console script."""
    args = _parse_args(argv)
    try:
        _extras.require("botocore", feature="participant-broker-local")
    except _extras.MissingExtraError as error:
        print(f"participant-broker-local: {error}", file=sys.stderr)
        return 1
    contacts = contacts_from_file(args.contacts) if args.contacts else None
    connect = FakeConnect(
        instance_id=args.instance_id, slow_seconds=args.slow_seconds, contacts=contacts
    )
    try:
        broker = LocalBroker(args.host, args.port, config=config_from_args(args), connect=connect)
    except _extras.MissingExtraError as error:
        print(f"participant-broker-local: {error}", file=sys.stderr)
        return 1
    print(BANNER, file=sys.stderr)
    connect.start()
    try:
        broker.bind()
        url = broker.url
        invitations = (
            f"  invitations: POST {url}/contacts/{{contactId}}/invitations, then POST "
            f"{url}/invitations/redeem with the secret\n"
            if args.invitations
            else ""
        )
        print(
            f"local broker: POST {url}/contacts/{{contactId}}/participants\n"
            f"{invitations}"
            f"  try: curl -s -X POST {url}/contacts/demo-contact/participants "
            "-H 'Content-Type: application/json' -d '{\"displayName\": \"Ana\"}'\n"
            f"  other contacts: {', '.join(p + '...' for p in CONTACT_PREFIXES)}, "
            "agent-after-N-...\n"
            f"  failing contacts: {', '.join(p + '...' for p in MAGIC_PREFIXES)}\n"
            "  Ctrl-C stops it.",
            file=sys.stderr,
            flush=True,
        )
        broker.serve_forever()
    except KeyboardInterrupt:
        print("\nlocal broker: stopped", file=sys.stderr)
    finally:
        broker.stop()
        connect.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
