"""What Lambda hands a function behind API Gateway: a REST proxy (payload 1.0) event and a
context object. One builder for the local broker, the tests and the benchmarks."""

from __future__ import annotations

import base64
import time
import urllib.parse
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.local._gateway import find_route, routes

from .settings import FUNCTION_NAME, ROUTE, STAGE


@dataclass
class LambdaContext:
    """The parts of Lambda's context object a handler reads. The time left counts down from
    ``timeout`` seconds, or is ``remaining_ms`` when that is set (a test's fixed budget)."""

    timeout: float = 30.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = FUNCTION_NAME
    function_version: str = "$LATEST"
    invoked_function_arn: str = f"arn:aws:lambda:us-east-1:000000000000:function:{FUNCTION_NAME}"
    memory_limit_in_mb: int = 256
    log_group_name: str = f"/aws/lambda/{FUNCTION_NAME}"
    log_stream_name: str = "local"
    remaining_ms: int | None = None
    identity: Any = None
    client_context: Any = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (simulated) function timeout."""
        if self.remaining_ms is not None:
            return self.remaining_ms
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def proxy_event(
    method: str,
    resource: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    multi_value_headers: Mapping[str, list[str]] | None = None,
    query: Mapping[str, list[str]] | None = None,
    path_parameters: Mapping[str, str | None] | None = None,
    body: str | None = None,
    base64_encoded: bool = False,
    request_id: str | None = None,
    stage: str = STAGE,
    identity: Mapping[str, Any] | None = None,
    authorizer: Mapping[str, Any] | None = None,
    request_context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy (payload 1.0) event as API Gateway sends it to the function.

    ``multi_value_headers`` defaults to ``headers``, one value each; ``request_context`` adds
    or replaces members of ``requestContext`` (an account, an API ID, a request time)."""
    request_id = request_id or str(uuid.uuid4())
    single = dict(headers or {})
    multi = multi_value_headers
    if multi is None:
        multi = {name: [value] for name, value in single.items()}
    context: dict[str, Any] = {
        "requestId": request_id,
        "extendedRequestId": request_id,
        "resourcePath": resource,
        "httpMethod": method,
        "path": f"/{stage}{path}",
        "stage": stage,
        "protocol": "HTTP/1.1",
        "accountId": "000000000000",
        "apiId": "local",
        "requestTimeEpoch": int(time.time() * 1000),
        "identity": dict(identity or {}),
    }
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    context.update(request_context or {})
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": dict(multi) or None,
        "queryStringParameters": {k: v[-1] for k, v in (query or {}).items()} or None,
        "multiValueQueryStringParameters": dict(query or {}) or None,
        "pathParameters": dict(path_parameters or {}) or None,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": base64_encoded,
    }


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
    matched = find_route(raw_path, routes(invitations))
    resource, parameters = (
        (ROUTE, {"contactId": None}) if matched is None else (matched[0].resource, matched[1])
    )
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    text, encoded = _body_text(body)
    return proxy_event(
        method,
        resource,
        urllib.parse.unquote(split.path),
        headers=single,
        multi_value_headers=multi,
        query=urllib.parse.parse_qs(split.query, keep_blank_values=True),
        path_parameters=parameters,
        body=text,
        base64_encoded=encoded,
        request_id=request_id,
        identity={"sourceIp": source_ip, "userAgent": single.get("User-Agent")},
        authorizer={"principalId": principal_id} if principal_id else None,
    )


def _body_text(body: bytes) -> tuple[str | None, bool]:
    """The event's ``body`` and ``isBase64Encoded`` for raw request bytes."""
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def proxy_response(response: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body bytes of an API Gateway proxy response dict."""
    headers: list[tuple[str, str]] = [
        (str(k), str(v)) for k, v in (response.get("headers") or {}).items()
    ]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(value)) for value in values)
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
    return int(response["statusCode"]), headers, data
