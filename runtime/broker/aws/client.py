"""The engine of the service clients: sign, send, retry and parse one operation's call, with
the headers, metadata and errors of a botocore client in standard retry mode.

Each attempt sends the operation's headers, ``User-Agent``, ``X-Amzn-Trace-Id`` (in Lambda,
botocore's recursion detection), the SigV4 headers, ``amz-sdk-invocation-id`` and
``amz-sdk-request`` (attempt, maximum, and after an answer with a ``Date`` the ``ttl``), then
``Content-Length``. The answer is parsed as botocore parses it with the full service model:
``ResponseMetadata`` (request ID, status, lowercased headers, retries), a modeled error's
members beside ``Error``, timestamps and blobs converted by the operation.
"""

from __future__ import annotations

import base64
import json
import os
import random
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from . import endpoints, errors, retries, sigv4
from .credentials import from_environ
from .operations import Operation
from .transport import Response, Transport

Headers = list[tuple[str, str]]
USER_AGENT = "connect-participant-broker/1 lang/python#{}.{}.{}".format(*sys.version_info[:3])
_DATE = "%a, %d %b %Y %H:%M:%S %Z"


@dataclass(frozen=True)
class Service:
    name: str
    """botocore's service and signing name: ``connect``, ``dynamodb``."""
    rest: bool
    """REST-JSON; else JSON 1.0."""
    scale: float = 0.05
    """The retry backoff base of errors that are not throttles."""
    crc32: bool = False
    """Retry an answer whose ``x-amz-crc32`` does not match (DynamoDB)."""


@dataclass(frozen=True)
class Call:
    """What an observer learns of a finished call (X-Ray, metrics)."""

    operation: str
    region: str
    started: float
    status: int | None
    metadata: Mapping[str, Any] | None


def utc_now() -> datetime:
    """The current UTC time without tzinfo, as botocore's clock."""
    return datetime.now(UTC).replace(tzinfo=None)


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
    """A JSON body as botocore serializes it (members in the order given, blobs as base64)."""
    return json.dumps(params, default=_blob).encode("utf-8")


def join_url(endpoint_url: str, path: str) -> str:
    """The request URL of ``path`` on an endpoint that may have a path (botocore's join)."""
    parts = urlsplit(endpoint_url)
    if not path or path == "/":
        full = parts.path or "/"
    elif parts.path.endswith("/") and path.startswith("/"):
        full = parts.path[:-1] + path
    else:
        full = parts.path + path
    return urlunsplit((parts.scheme, parts.netloc, full, parts.query, parts.fragment))


def _without_nulls(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def success_body(body: bytes, default: Any = None) -> dict[str, Any]:
    """An answer's members, without null ones as botocore; ``default`` (or ``{}``) when the
    body is not a JSON object."""
    try:
        parsed = json.loads(body.decode("utf-8"), object_pairs_hook=_without_nulls) if body else {}
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else ({} if default is None else default)


class Client:
    """Calls one service (:attr:`SERVICE`) in one Region; build it once per execution
    environment. Options beyond the timeouts and attempts are for tests."""

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
        random: Callable[[], float] = random.random,
        new_id: Callable[[], str] = new_uuid,
        time_left: Callable[[], float | None] = lambda: None,
    ) -> None:
        service = self.service = self.SERVICE
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        region = region or self.environ.get("AWS_REGION") or self.environ.get("AWS_DEFAULT_REGION")
        self.endpoint = endpoints.resolve(service.name, region, self.environ)
        self.region: str = region or ""
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.policy = retries.Policy(max_attempts, service.scale, service.crc32)
        self.user_agent = user_agent
        self.transport = transport or Transport()
        self.clock, self.sleep, self.random, self.new_id = clock, sleep, random, new_id
        self.time_left = time_left
        self.observers: list[Callable[[Call], None]] = []

    def _trace_header(self) -> list[tuple[str, str]]:
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
        """botocore's ``ttl``: when the answer's clock says the next attempt times out."""
        try:
            date = datetime.strptime(response.headers["date"], _DATE)
        except (KeyError, ValueError):
            return None
        received = self.clock()
        ttl = self.clock() + timedelta(seconds=self.read_timeout) + (date - received)
        return ttl.strftime(sigv4.TIMESTAMP)

    def parse(self, operation: Operation, response: Response) -> dict[str, Any]:
        """The answer as botocore parses it (without ``RetryAttempts``)."""
        metadata: dict[str, Any]
        if response.status >= 301:
            parsed = errors.parse_error(
                response.status, response.headers, response.body, rest=self.service.rest
            )
            members = operation.errors.get(parsed["Error"]["Code"], ())
            if members:
                body = success_body(response.body, default=errors.json_body(response.body))
                parsed.update((name, body[name]) for name in members if name in body)
            metadata = parsed["ResponseMetadata"]
        else:
            parsed = success_body(response.body)
            metadata = {}
            if "x-amzn-requestid" in response.headers:
                metadata["RequestId"] = response.headers["x-amzn-requestid"]
            elif self.service.rest and "x-amz-request-id" in response.headers:
                metadata["RequestId"] = response.headers["x-amz-request-id"]
                metadata["HostId"] = response.headers.get("x-amz-id-2", "")
        parsed = operation.parse(parsed)
        metadata.update(HTTPStatusCode=response.status, HTTPHeaders=dict(response.headers))
        parsed["ResponseMetadata"] = metadata
        return parsed

    def _attempt(
        self, operation: Operation, method: str, url: str, headers: Headers, body: bytes | None
    ) -> tuple[Response, dict[str, Any]] | errors.HTTPClientError:
        """One attempt: the answer and its parse, or the failure to get one."""
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
        return response, self.parse(operation, response)

    def call(
        self, operation: Operation, *, method: str, path: str, headers: Headers, body: bytes | None
    ) -> dict[str, Any]:
        """Make the call; its answer, or :class:`~.errors.ClientError` for an error status, or
        the last :class:`~.errors.HTTPClientError` when no attempt was answered."""
        started = time.time()
        url = join_url(self.endpoint.url, path)
        base = [*headers, ("User-Agent", self.user_agent), *self._trace_header()]
        context: dict[str, Any] = {"id": self.new_id(), "attempt": 1}
        state = retries.CallState()
        while True:
            context["max"] = self.policy.max_attempts
            signed = self._headers(method, url, base, body, context)
            outcome = self._attempt(operation, method, url, signed, body)
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
        outcome: tuple[Response, dict[str, Any]] | errors.HTTPClientError,
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
