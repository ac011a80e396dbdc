"""botocore as the oracle of the runtime's AWS client.

A botocore client with the installed full service model and a client of
``runtime.broker.aws`` are set up alike (Region, credentials, timeouts, standard retry mode
with the same attempts) and run under one frozen clock, one sequence of UUIDs and one seeded
random source. Neither reaches the network: botocore's prepared request is taken at its
``before-send`` event, which answers it; the client's at its transport. Both get the same
answers, so their requests (every attempt) and results can be compared as they are.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import botocore.auth
import botocore.endpoint
import botocore.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError as BotocoreClientError

from runtime.broker.aws import client as aws_client
from runtime.broker.aws import errors
from runtime.broker.aws.transport import Response

NOW = datetime.datetime(2026, 3, 14, 15, 9, 26)
ACCESS_KEY = "ASIAEXAMPLEEXAMPLE00"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token=="
#: Connect's time budget, and DynamoDB's (runtime/broker/budget.py, broker/dynamodb.py).
TIMEOUTS = {"connect": (1.0, 2.0, 2), "dynamodb": (0.5, 1.0, 2)}
ROOT = Path(__file__).resolve().parents[3]
Wire = tuple[str, str, list[tuple[str, str]], bytes]
"""A request as sent: method, URL, headers in order (``User-Agent`` left out), body."""


def environ(*, token: bool, **extra: str) -> dict[str, str]:
    """A Lambda-like environment with the fixed credentials."""
    values = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, **extra}
    if token:
        values["AWS_SESSION_TOKEN"] = SESSION_TOKEN
    return values


_session: botocore.session.Session | None = None


def botocore_client(
    service: str,
    region: str,
    *,
    token: bool,
    endpoint_url: str | None = None,
    attempts: int | None = None,
) -> Any:
    """A botocore client with the full model, configured as the runtime's client (or with
    another number of ``attempts``)."""
    global _session
    if _session is None:
        _session = botocore.session.Session()
    connect_timeout, read_timeout, default_attempts = TIMEOUTS[service]
    attempts = attempts or default_attempts
    made = _session.create_client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN if token else None,
        config=Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"mode": "standard", "total_max_attempts": attempts},
        ),
    )
    # Registered once: registering clears the emitter's cache, which each call then rebuilds.
    made.meta.events.register("before-send", _before_send)
    return made


_exchanges: list[Exchange] = []
"""The exchange of the botocore call under way (:func:`run_botocore`)."""


def _before_send(request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse:
    return _exchanges[-1].before_send(request, **kwargs)


def our_client(
    cls: type[aws_client.Client], region: str, env: dict[str, str], attempts: int | None = None
) -> Any:
    """The runtime's client, configured as :func:`botocore_client`, its clock frozen."""
    connect_timeout, read_timeout, default_attempts = TIMEOUTS[cls.SERVICE.name]
    attempts = attempts or default_attempts
    return cls(
        region=region,
        environ=env,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_attempts=attempts,
        clock=lambda: NOW,
        random=random.random,  # botocore's source, seeded alike
    )


def ids() -> Iterator[str]:
    """The UUIDs both clients draw (botocore's ``uuid4``, the client's ``new_id``)."""
    return (str(uuid.UUID(int=n, version=4)) for n in range(1, 1_000_000))


@dataclass
class Answer:
    """One canned answer: an HTTP response, or a failure to get one."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"
    failure: str | None = None
    """``connect-timeout``, ``read-timeout``, ``connection`` or ``closed``: no answer."""


_BOTOCORE_FAILURES: dict[str, Callable[[str], Exception]] = {
    "connect-timeout": lambda url: botocore.exceptions.ConnectTimeoutError(endpoint_url=url),
    "read-timeout": lambda url: botocore.exceptions.ReadTimeoutError(endpoint_url=url),
    "connection": lambda url: botocore.exceptions.EndpointConnectionError(endpoint_url=url),
    "closed": lambda url: botocore.exceptions.ConnectionClosedError(endpoint_url=url),
}
_OUR_FAILURES: dict[str, type[errors.HTTPClientError]] = {
    "connect-timeout": errors.ConnectTimeoutError,
    "read-timeout": errors.ReadTimeoutError,
    "connection": errors.EndpointConnectionError,
    "closed": errors.ConnectionClosedError,
}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


class Exchange:
    """Serves the same answers (the last one repeats) to botocore and to the client, and
    records what each sent."""

    def __init__(self, answers: Sequence[Answer]) -> None:
        self.answers = list(answers)
        self.sent: list[Wire] = []
        self.slept: list[float] = []
        self.ids = ids()

    def _next(self) -> Answer:
        return self.answers[min(len(self.sent) - 1, len(self.answers) - 1)]

    def before_send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        """botocore's ``before-send`` hook."""
        headers = [
            (name, value.decode() if isinstance(value, bytes) else value)
            for name, value in request.headers.items()
            if name != "User-Agent"
        ]
        body = request.body if isinstance(request.body, bytes) else b""
        self.sent.append((request.method, request.url, headers, body))
        answer = self._next()
        if answer.failure:
            raise _BOTOCORE_FAILURES[answer.failure](request.url)
        return AWSResponse(request.url, answer.status, answer.headers, _Raw(answer.body))

    def send(self, **request: Any) -> Response:
        """The client's transport."""
        headers = [(n, v) for n, v in request["headers"] if n != "User-Agent"]
        self.sent.append((request["method"], request["url"], headers, request["body"] or b""))
        answer = self._next()
        if answer.failure:
            raise _OUR_FAILURES[answer.failure](request["url"])
        lowered = {name.lower(): value for name, value in answer.headers.items()}
        return Response(answer.status, lowered, answer.body)


@contextlib.contextmanager
def frozen(exchange: Exchange, seed: int = 0) -> Iterator[None]:
    """botocore's clock, UUIDs and sleep frozen; the random source seeded."""
    random.seed(seed)
    with (
        mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: NOW),
        mock.patch.object(botocore.endpoint, "get_current_datetime", lambda *a, **k: NOW),
        mock.patch.object(uuid, "uuid4", lambda: uuid.UUID(next(exchange.ids))),
        mock.patch.object(botocore.endpoint.time, "sleep", exchange.slept.append),
    ):
        yield


Outcome = tuple[str, Any]
"""``("ok", answer)``, ``("error", (response, operation, message))`` or ``("failure", name)``."""


def botocore_quota(client: Any) -> int:
    """The capacity left in a botocore client's retry quota (standard mode's handler)."""
    service = client.meta.service_model.service_id.hyphenize()
    registered = client.meta.events._emitter._unique_id_handlers[f"retry-config-{service}"]
    return int(registered["handler"].__self__._retry_quota._quota.available_capacity)


def run_botocore(client: Any, method: str, params: dict[str, Any], exchange: Exchange) -> Outcome:
    """Call botocore's ``method`` with ``params``, its requests going to ``exchange``."""
    _exchanges.append(exchange)
    try:
        with frozen(exchange):
            return ("ok", getattr(client, method)(**params))
    except BotocoreClientError as error:
        return ("error", (error.response, error.operation_name, str(error)))
    except botocore.exceptions.HTTPClientError as failure:
        return ("failure", type(failure).__name__)
    except botocore.exceptions.ConnectionError as failure:
        return ("failure", type(failure).__name__)
    finally:
        _exchanges.pop()


def run_ours(client: Any, method: str, params: dict[str, Any], exchange: Exchange) -> Outcome:
    """Call the runtime client's ``method`` with ``params`` over ``exchange``."""
    client.transport, client.sleep = exchange, exchange.slept.append
    client.new_id = lambda: next(exchange.ids)
    random.seed(0)
    try:
        return ("ok", getattr(client, method)(**params))
    except errors.ClientError as error:
        return ("error", (error.response, error.operation_name, str(error)))
    except errors.HTTPClientError as failure:
        return ("failure", type(failure).__name__)


def tables_script() -> ModuleType:
    """``scripts/generate_aws_tables.py``, imported (``scripts`` is not a package)."""
    path = ROOT / "scripts" / "generate_aws_tables.py"
    spec = importlib.util.spec_from_file_location("generate_aws_tables", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
