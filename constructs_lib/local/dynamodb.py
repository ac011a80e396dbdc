"""The invitation table of the local broker and of tests: moto's DynamoDB, served in this
process on ``127.0.0.1``. NOT FOR PRODUCTION.

``LocalDynamoDB`` serves moto's server application as ``moto.server.ThreadedMotoServer`` does
(werkzeug's threaded server), with a hook for the application (below) and a shorter poll
(``ThreadedMotoServer.stop()`` waits up to 0.5 s), and creates the invitation table as
the construct does (``invitation_table.json``: key, index and projection, time to live). A
botocore client aimed at ``url`` (``endpoint_url=...`` or ``AWS_ENDPOINT_URL_DYNAMODB``) signs,
serializes, retries and parses errors as against DynamoDB, so the local broker runs the
Lambda function's own store code.

Around moto's WSGI application it adds:

* one request at a time. DynamoDB Developer Guide, "Best practices for handling concurrent
  updates in DynamoDB"
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/BestPractices_ImplementingVersionControl.html):
  "Individual write operations such as UpdateItem are atomic and always operate on the most
  recent version of the item, regardless of concurrency". moto checks a condition and then
  applies the update without a lock, so two threads could both pass the same condition.
* lost answers, as after a network fault: ``lose_next_answer("UpdateItem")`` serves the next
  ``UpdateItem`` and closes its connection without answering; a botocore client in standard
  retry mode sends it again (Boto3 guide, "Retries": standard mode retries connection errors).

moto keeps its tables per process: every ``LocalDynamoDB`` of one process sees the same tables
(``stop()`` deletes those it created). moto deletes no expired item. Neither does DynamoDB at
once: DynamoDB Developer Guide, "Working with expired items"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html):
expired items "continue to show in read and write operations until they are deleted by the
background process"; the runtime refuses an expired invitation by itself.

Needs the ``local`` extra (moto); :class:`LocalDynamoDB` says so when it is missing.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from constructs_lib import _contract, _extras
from constructs_lib.local._loopback import LoopbackService

__all__ = ["LocalDynamoDB"]

#: What the ``local`` extra installs (pyproject.toml pins its version).
MOTO: Final = "moto[server,dynamodb]"
_TARGET_PREFIX: Final = "DynamoDB_20120810."
#: moto's tables are per process, so are its requests: one at a time.
_ONE_AT_A_TIME: Final = threading.Lock()

_StartResponse = Callable[..., Any]
_WsgiApp = Callable[[dict[str, Any], _StartResponse], Iterable[bytes]]


@dataclass
class _Loss:
    """An answer to lose: of the ``operation`` request after the next ``skip`` ones."""

    operation: str
    skip: int
    then: Callable[[], None] | None


class LocalDynamoDB(LoopbackService):
    """moto's DynamoDB on localhost, tables in memory. NOT FOR PRODUCTION.

    Args:
        host: interface to bind; ``127.0.0.1`` by default (never expose it).
        port: TCP port; ``0`` (the default) picks a free one, see ``url``.
        region: the region of its tables; the local broker's ``config.region``.
    """

    service_name = "local dynamodb"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, region: str = "us-east-1"):
        for module in ("moto", "flask"):  # moto's server needs flask (moto[server])
            _extras.require(
                module,
                feature="LocalDynamoDB (the local broker's invitation table)",
                extra=_extras.LOCAL_EXTRA,
                package=MOTO,
            )
        self.host = host
        self.port = port
        self.region = region
        self.tables: list[str] = []
        """The tables created by ``create_invitation_table``."""
        self.calls: list[str] = []
        """The operations received, oldest first."""
        self._losses: list[_Loss] = []
        self._thread: threading.Thread | None = None
        self._client: Any = None

    def start(self) -> LocalDynamoDB:
        """Start serving in a background thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("local dynamodb is already running; call stop() first")
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class Handler(MotoRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                """No access log line per request (errors are still logged)."""

        app = _Served(self, DomainDispatcherApplication(create_backend_app))
        server = make_server(self.host, self.port, app, threaded=True, request_handler=Handler)
        self._thread = self._serve_in_background(server, "local-dynamodb")
        return self

    def stop(self) -> None:
        """Delete the tables it created, stop serving and close the socket. Safe to call
        twice."""
        server, thread = self._server, self._thread
        if server is None:
            return
        for table in self.tables:
            self._delete(table)
        self.tables.clear()
        self._server, self._thread, self._client = None, None, None
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def create_invitation_table(self, name: str) -> None:
        """Create the table ``name`` as the construct creates the invitation table, empty
        (replacing one of that name)."""
        layout = _contract.invitation_table()
        types = {layout["partitionKey"]: "S"}
        indexes = []
        for index_name, index in layout["indexes"].items():
            types.update({index["partitionKey"]: "S", index["sortKey"]: "N"})
            indexes.append(
                {
                    "IndexName": index_name,
                    "KeySchema": _keys(index["partitionKey"], index["sortKey"]),
                    "Projection": {
                        "ProjectionType": "INCLUDE",
                        "NonKeyAttributes": index["projected"],
                    },
                }
            )
        self._delete(name)
        client = self.client()
        client.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=_keys(layout["partitionKey"]),
            AttributeDefinitions=[
                {"AttributeName": k, "AttributeType": t} for k, t in types.items()
            ],
            GlobalSecondaryIndexes=indexes,
        )
        ttl = {"Enabled": True, "AttributeName": layout["timeToLiveAttribute"]}
        client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        if name not in self.tables:
            self.tables.append(name)

    def lose_next_answer(
        self,
        operation: str = "UpdateItem",
        *,
        skip: int = 0,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Serve the next ``operation`` request after ``skip`` others, then close its connection
        without answering, once ``then()`` (if given) has returned: the request took effect,
        its answer never arrived. Losses wait in the order they were asked for."""
        with _ONE_AT_A_TIME:
            self._losses.append(_Loss(operation, skip, then))

    def reset(self) -> None:
        """Empty its tables; forget the calls received and the answers still to lose."""
        for table in self.tables:
            self.create_invitation_table(table)
        with _ONE_AT_A_TIME:
            self.calls.clear()
            self._losses.clear()

    def items(self, table: str) -> list[dict[str, Any]]:
        """Every item of ``table`` (DynamoDB JSON)."""
        pages = self.client().get_paginator("scan").paginate(TableName=table)
        return [item for page in pages for item in page["Items"]]

    def client(self) -> Any:
        """A botocore DynamoDB client (botocore's full model) aimed at this server."""
        if self._client is None:
            self._client = _session().create_client(
                "dynamodb",
                endpoint_url=self.url,
                region_name=self.region,
                aws_access_key_id="local",
                aws_secret_access_key="local",  # noqa: S106 - moto checks no signature
            )
        return self._client

    def _delete(self, table: str) -> None:
        client = self.client()
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            client.delete_table(TableName=table)

    def _take_loss(self, operation: str) -> _Loss | None:
        """The loss this request's answer is for, if any (counting down the first one's skip)."""
        if not self._losses or self._losses[0].operation != operation:
            return None
        if self._losses[0].skip:
            self._losses[0].skip -= 1
            return None
        return self._losses.pop(0)


def _keys(partition: str, sort: str | None = None) -> list[dict[str, str]]:
    """A key schema: the partition key, and the sort key if any."""
    keys = [(partition, "HASH"), *([(sort, "RANGE")] if sort else [])]
    return [{"AttributeName": name, "KeyType": kind} for name, kind in keys]


@functools.cache
def _session() -> Any:
    """One botocore session for every ``LocalDynamoDB`` (it loads DynamoDB's model once)."""
    import botocore.session

    return botocore.session.get_session()


class _Served:
    """moto's WSGI application, one request at a time, its operations recorded and the
    answers to lose lost."""

    def __init__(self, owner: LocalDynamoDB, app: _WsgiApp) -> None:
        self.owner = owner
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: _StartResponse) -> Iterable[bytes]:
        operation = str(environ.get("HTTP_X_AMZ_TARGET", "")).removeprefix(_TARGET_PREFIX)
        answer: list[Any] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers]
            return lambda data: None

        with _ONE_AT_A_TIME:
            self.owner.calls.append(operation)
            loss = self.owner._take_loss(operation)
            served = self.app(environ, keep)
            try:
                body = b"".join(served)
            finally:
                close = getattr(served, "close", None)
                if close is not None:
                    close()
        if loss is None:
            start_response(*answer)
            return [body]
        if loss.then is not None:
            loss.then()
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        start_response("500 Answer Lost", [])
        return []
