"""botocore's ``Stubber``, at the wire: a transport for the runtime's AWS clients
(``runtime.broker.aws``) that reads each request as sent (signed, serialized), checks its
parameters against botocore's full service model and the expected ones, and answers with what
the service would send (status, headers, JSON body) for the client to parse.

Its API is the Stubber's (``add_response``, ``add_client_error``,
``assert_no_pending_responses``), plus ``add_exception`` for a call that gets no answer. One
queued answer serves one call: a retried attempt (``amz-sdk-request: attempt=2``) gets the same
answer again, so the client's retries run as in Lambda (without sleeping, see :func:`client`).
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.session
from botocore.model import OperationModel, ServiceModel
from botocore.validate import validate_parameters

from runtime.broker import connect, dynamodb
from runtime.broker.aws import client as aws_client
from runtime.broker.aws import errors
from runtime.broker.aws.transport import Response

REQUEST_ID = "wire-stub-request-1"
DYNAMODB_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
_DESCRIBE = re.compile(r"/contacts/([^/]+)/([^/]+)")


@functools.cache
def service_model(name: str) -> ServiceModel:
    """botocore's full model of ``name`` (``connect`` or ``dynamodb``)."""
    return botocore.session.get_session().get_service_model(name)


@functools.cache
def operation_names(name: str) -> dict[str, str]:
    """``describe_contact`` -> ``DescribeContact``."""
    model = service_model(name)
    return {botocore.xform_name(op): op for op in model.operation_names}


@dataclass
class IdSource:
    """The client's UUIDs, remembered: a ``ClientToken`` it generated is told from the broker's."""

    made: list[str] = field(default_factory=list)

    def __call__(self) -> str:
        made = str(uuid.uuid4())
        self.made.append(made)
        return made


def client(service: str, region: str = "eu-west-1") -> Any:
    """The runtime's own client of ``service`` (its timeouts and attempts), without sleeping
    between attempts; its ``new_id`` is an :class:`IdSource`."""
    create = connect.create_client if service == "connect" else dynamodb.create_client
    return create(region, sleep=lambda seconds: None, new_id=IdSource())


def _encode(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot answer {type(value).__name__} in JSON")


@dataclass
class Answer:
    operation: str
    expected: dict[str, Any] | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    raises: Callable[[str], Exception] | None = None


class WireStubber:
    """Queue answers for the calls of one runtime client; see the module docstring."""

    def __init__(self, client: aws_client.Client) -> None:
        self.client = client
        self.service = client.service.name
        self.queue: list[Answer] = []
        self.sent: list[tuple[str, str, dict[str, str], bytes | None]] = []
        """Every attempt: method, URL, headers, body."""
        self.failures: list[str] = []
        self._current: Answer | None = None
        self._saved: Any = None

    def __enter__(self) -> WireStubber:
        self.activate()
        return self

    def __exit__(self, *exc: object) -> None:
        self.deactivate()

    def activate(self) -> None:
        self._saved, self.client.transport = self.client.transport, self  # type: ignore[assignment]

    def deactivate(self) -> None:
        self.client.transport = self._saved

    def _operation(self, method: str) -> str:
        try:
            return operation_names(self.service)[method]
        except KeyError:
            raise AssertionError(f"{self.service} has no operation {method!r}") from None

    def add_response(
        self,
        method: str,
        service_response: dict[str, Any],
        expected_params: dict[str, Any] | None = None,
    ) -> None:
        body = dict(service_response)
        meta = body.pop("ResponseMetadata", {})
        answer = Answer(self._operation(method), expected_params, body=body)
        answer.status = meta.get("HTTPStatusCode", 200)
        answer.headers["x-amzn-RequestId"] = meta.get("RequestId", REQUEST_ID)
        self.queue.append(answer)

    def add_client_error(
        self,
        method: str,
        service_error_code: str = "",
        service_message: str = "",
        http_status_code: int = 400,
        service_error_meta: dict[str, Any] | None = None,
        expected_params: dict[str, Any] | None = None,
        response_meta: dict[str, Any] | None = None,
        modeled_fields: dict[str, Any] | None = None,
    ) -> None:
        operation = self._operation(method)
        body: dict[str, Any] = {"message": service_message, **(modeled_fields or {})}
        headers = {"x-amzn-RequestId": (response_meta or {}).get("RequestId", REQUEST_ID)}
        if self.service == "connect":
            headers["x-amzn-ErrorType"] = f"{service_error_code}:http://internal.amazon.com/"
        else:
            body["__type"] = DYNAMODB_ERROR_PREFIX + service_error_code
        body.update(service_error_meta or {})
        self.queue.append(Answer(operation, expected_params, http_status_code, headers, body))

    def add_exception(
        self,
        method: str,
        error: Callable[[str], Exception] = errors.ReadTimeoutError,
        expected_params: dict[str, Any] | None = None,
    ) -> None:
        """No answer to any attempt of the call: ``error(url)`` is raised."""
        self.queue.append(Answer(self._operation(method), expected_params, raises=error))

    def assert_no_pending_responses(self) -> None:
        assert self.failures == [], self.failures
        assert self.queue == [], f"answers never asked for: {[a.operation for a in self.queue]}"

    def _params(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Any:
        """The operation and parameters a request carries, read from the wire."""
        path = urlsplit(url).path
        if self.service == "dynamodb":
            target = headers["X-Amz-Target"].removeprefix("DynamoDB_20120810.")
            return target, json.loads(body or b"{}")
        found = _DESCRIBE.fullmatch(path)
        if method == "GET" and found:
            return "DescribeContact", {
                "InstanceId": unquote(found[1]),
                "ContactId": unquote(found[2]),
            }
        if method == "POST" and path == "/contact/create-participant":
            return "CreateParticipant", json.loads(body or b"{}")
        return f"{method} {path}", {}

    def _check(self, answer: Answer, operation: str, params: dict[str, Any]) -> None:
        if operation != answer.operation:
            raise AssertionError(f"sent {operation}, expected {answer.operation}")
        model: OperationModel = service_model(self.service).operation_model(operation)
        validate_parameters(params, model.input_shape)
        if answer.expected is None:
            return
        compared = dict(params)
        if "ClientToken" in compared and "ClientToken" not in answer.expected:
            made = getattr(self.client.new_id, "made", [])
            if compared.pop("ClientToken") not in made:
                raise AssertionError("a ClientToken the client did not generate was sent")
        if compared != answer.expected:
            raise AssertionError(f"{operation} parameters {compared} != {answer.expected}")

    def send(
        self,
        *,
        method: str,
        url: str,
        host: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        connect_timeout: float,
        read_timeout: float,
    ) -> Response:
        named = dict(headers)
        self.sent.append((method, url, named, body))
        assert named["Authorization"].startswith("AWS4-HMAC-SHA256 Credential="), named
        retried = not named.get("amz-sdk-request", "").startswith("attempt=1;")
        try:
            if retried and self._current is not None:
                answer = self._current
            else:
                if not self.queue:
                    raise AssertionError(f"unexpected request: {method} {url}")
                answer = self._current = self.queue.pop(0)
                self._check(answer, *self._params(method, url, named, body))
        except Exception as failure:
            self.failures.append(str(failure))
            raise
        if answer.raises is not None:
            raise answer.raises(url)
        payload = json.dumps(answer.body, default=_encode).encode()
        received = {name.lower(): value for name, value in answer.headers.items()}
        return Response(answer.status, received, payload)


def stubbed(client: aws_client.Client) -> Iterator[WireStubber]:
    """A fixture body: the stubber on ``client``; asserts every queued answer was used."""
    with WireStubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()
