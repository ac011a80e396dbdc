"""One operation's call as a botocore client in standard retry mode makes it: each attempt
signed and sent with botocore's headers (``X-Amzn-Trace-Id`` in Lambda, ``amz-sdk-*``),
retried by :mod:`.retries`, the answer parsed by :mod:`.answers`."""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

from . import answers, endpoints, errors, retries, sigv4
from .answers import Operation
from .credentials import from_environ
from .transport import Response, Transport

Headers = list[tuple[str, str]]
Outcome = tuple[Response, dict[str, Any]] | errors.HTTPClientError
USER_AGENT = "connect-participant-broker/1 lang/python#{}.{}.{}".format(*sys.version_info[:3])


class Service(NamedTuple):
    name: str
    """botocore's service and signing name."""
    rest: bool
    """REST-JSON, else JSON 1.0."""
    scale: float = 0.05
    """The backoff base of errors that are not throttles."""
    crc32: bool = False
    """Retry an answer whose ``x-amz-crc32`` does not match."""


class Call(NamedTuple):
    """A finished call, for observers (X-Ray, metrics); ``status`` None: no answer."""

    operation: str
    region: str
    started: float
    status: int | None
    metadata: Mapping[str, Any] | None


def utc_now() -> datetime:
    """UTC without tzinfo, as botocore's clock."""
    return datetime.now(UTC).replace(tzinfo=None)


def jitter() -> float:
    """Uniform in [0, 1), from the system's source (importing ``random`` costs a cold start)."""
    return int.from_bytes(os.urandom(7), "big") / 2**56


def new_uuid() -> str:
    """A random (version 4) UUID."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _blob(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot serialize {type(value).__name__} as JSON")


def json_bytes(params: Mapping[str, Any]) -> bytes:
    """A body as botocore serializes it (members in the order given, blobs in base64)."""
    return json.dumps(params, default=_blob).encode("utf-8")


def join_url(endpoint_url: str, path: str) -> str:
    """``path`` on an endpoint URL that may have a path of its own, as botocore joins them."""
    parts = urlsplit(endpoint_url)
    if not path or path == "/":
        full = parts.path or "/"
    elif parts.path.endswith("/") and path.startswith("/"):
        full = parts.path[:-1] + path
    else:
        full = parts.path + path
    return urlunsplit((parts.scheme, parts.netloc, full, parts.query, parts.fragment))


class Client:
    """Calls :attr:`SERVICE` in one Region; one per execution environment (the arguments after
    ``max_attempts`` are for tests)."""

    SERVICE: Service

    def __init__(
        self,
        *,
        region: str | None = None,
        connect_timeout: float,
        read_timeout: float,
        max_attempts: int,
        user_agent: str = USER_AGENT,
        environ: Mapping[str, str] | None = None,
        transport: Transport | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] | None = None,
        new_id: Callable[[], str] = new_uuid,
        time_left: Callable[[], float | None] = lambda: None,
    ) -> None:
        service = self.service = self.SERVICE
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        region = region or self.environ.get("AWS_REGION") or self.environ.get("AWS_DEFAULT_REGION")
        self.endpoint = endpoints.resolve(service.name, region, self.environ)
        self.region: str = region or ""
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.policy = retries.Policy(max_attempts, service.scale, service.crc32)
        self.user_agent = user_agent
        self.transport = transport or Transport()
        self.clock, self.sleep, self.new_id = clock, sleep, new_id
        self.random = random or jitter
        self.time_left = time_left
        """Seconds the caller has left (None: no bound), read before each retry."""
        self.observers: list[Callable[[Call], None]] = []

    def _trace_header(self) -> Headers:
        """botocore's recursion detection: Lambda's trace ID on every request."""
        trace = self.environ.get("_X_AMZN_TRACE_ID")
        if "AWS_LAMBDA_FUNCTION_NAME" not in self.environ or not trace:
            return []
        return [("X-Amzn-Trace-Id", quote(trace, safe="-=;:+&[]{}\"',"))]

    def _headers(
        self, method: str, url: str, base: Headers, body: bytes | None, context: dict[str, Any]
    ) -> Headers:
        headers = list(base)
        sigv4.sign(
            method=method,
            url=url,
            headers=headers,
            body=body,
            credentials=from_environ(self.environ),
            region=self.endpoint.signing_region,
            service=self.service.name,
            now=self.clock(),
        )
        retry = [f"{key}={context[key]}" for key in ("ttl", "attempt", "max") if key in context]
        headers += [("amz-sdk-invocation-id", context["id"]), ("amz-sdk-request", "; ".join(retry))]
        if body:
            headers.append(("Content-Length", str(len(body))))
        elif method not in ("GET", "HEAD", "OPTIONS"):
            headers.append(("Content-Length", "0"))
        return headers

    def _ttl(self, response: Response) -> str | None:
        """botocore's ``ttl``: when, by the answer's clock, the next attempt times out."""
        try:
            date = datetime.strptime(response.headers["date"], "%a, %d %b %Y %H:%M:%S %Z")
        except (KeyError, ValueError):
            return None
        received = self.clock()
        ttl = self.clock() + timedelta(seconds=self.read_timeout) + (date - received)
        return ttl.strftime(sigv4.TIMESTAMP)

    def _attempt(
        self, operation: Operation, method: str, url: str, headers: Headers, body: bytes | None
    ) -> Outcome:
        try:
            response = self.transport.send(
                method=method,
                url=url,
                host=sigv4.host_of(url),
                headers=headers,
                body=body,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
            )
        except errors.HTTPClientError as failure:
            return failure
        status, received = response.status, response.headers
        parsed = answers.parse(operation, status, received, response.body, rest=self.service.rest)
        return response, parsed

    def call(
        self, operation: Operation, *, method: str, path: str, headers: Headers, body: bytes | None
    ) -> dict[str, Any]:
        """The answer; :class:`~.errors.ClientError` for an error status, the last
        :class:`~.errors.HTTPClientError` if no attempt was answered."""
        started = time.time()
        url = join_url(self.endpoint.url, path)
        base = [*headers, ("User-Agent", self.user_agent), *self._trace_header()]
        context: dict[str, Any] = {"id": self.new_id(), "attempt": 1}
        state = retries.CallState()
        while True:
            context["max"] = self.policy.max_attempts
            outcome = self._attempt(
                operation, method, url, self._headers(method, url, base, body, context), body
            )
            attempt = retries.Attempt(context["attempt"])
            if isinstance(outcome, tuple):
                response, parsed = outcome
                code = parsed.get("Error", {}).get("Code")
                attempt = retries.Attempt(
                    attempt.number, response.status, code, response.headers, response.body
                )
            left = self.time_left()
            room = None if left is None else left - self.connect_timeout - self.read_timeout
            wait = self.policy.next_delay(attempt, operation.rules, state, self.random, room)
            if wait is None:
                return self._finish(operation, started, attempt.number, state, outcome)
            self.sleep(wait)
            context["attempt"] += 1
            if isinstance(outcome, tuple) and (ttl := self._ttl(outcome[0])) is not None:
                context["ttl"] = ttl

    def _finish(
        self,
        operation: Operation,
        started: float,
        attempts: int,
        state: retries.CallState,
        outcome: Outcome,
    ) -> dict[str, Any]:
        """Complete the metadata, give back quota, tell the observers; return or raise."""
        if not isinstance(outcome, tuple):
            for observer in self.observers:
                observer(Call(operation.name, self.region, started, None, None))
            raise outcome
        response, parsed = outcome
        metadata = parsed["ResponseMetadata"]
        metadata.update(state.metadata, RetryAttempts=attempts - 1)
        self.policy.after_call(response.status, state)
        for observer in self.observers:
            observer(Call(operation.name, self.region, started, response.status, metadata))
        if response.status >= 300:
            raise errors.ClientError(parsed, operation.name)
        return parsed
