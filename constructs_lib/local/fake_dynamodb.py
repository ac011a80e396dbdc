"""A simulated Amazon DynamoDB for the broker's invitation table. NOT FOR PRODUCTION.

``FakeDynamoDB`` serves DynamoDB's real wire protocol (JSON 1.0, ``X-Amz-Target:
DynamoDB_20120810.<Operation>``) for the three operations the invitation store calls,
``PutItem``, ``UpdateItem`` and ``Query``, on ``127.0.0.1``, from tables held in memory. A real
botocore client pointed at it (``endpoint_url=...`` or ``AWS_ENDPOINT_URL_DYNAMODB``) signs,
serializes, retries and parses errors exactly as it does against DynamoDB, so the local broker
runs the same store code as the Lambda function.

What it does as DynamoDB documents (DynamoDB Developer Guide: "Condition expressions",
"Using update expressions", "Querying tables", "Working with items: Conditional writes"):

* condition, key condition, filter and update expressions
  (:mod:`constructs_lib.local._ddb_expressions`), with a ``ValidationException`` for an unused
  or undefined placeholder;
* a conditional write evaluates its condition and applies its update atomically per item (one
  lock here), so concurrent conditional writes to one item are serialized; a failed condition is
  a ``ConditionalCheckFailedException`` carrying the old item when
  ``ReturnValuesOnConditionCheckFailure`` is ``ALL_OLD``;
* ``UpdateItem`` on a missing key whose condition holds creates the item;
* a ``Query`` on an index reads the index's keys and projected attributes only, sorted by its
  sort key, and filters after reading; ``Limit`` and ``ExclusiveStartKey`` page.

A lost answer, as after a network fault: ``lose_next_answer("UpdateItem")`` serves the next
``UpdateItem`` (applying it when its condition holds) and then closes the connection without
answering, so a botocore client sees ``ConnectionClosedError`` and, in standard retry mode,
sends the same request again (Boto3 guide, "Retries": standard mode retries connection errors
and read timeouts).

Every table of any name has the invitation table's key schema unless given others:
``FakeDynamoDB(tables={"name": TableSchema(...)})``. Standard library only.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from constructs_lib import _contract
from constructs_lib.local import _ddb_expressions as expressions
from constructs_lib.local._loopback import LoopbackRequestHandler, LoopbackServer, LoopbackService

__all__ = ["INVITATION_TABLE", "FakeDynamoDB", "IndexSchema", "TableSchema"]

_TARGET_PREFIX: Final = "DynamoDB_20120810."
_ERROR_PREFIX: Final = "com.amazonaws.dynamodb.v20120810#"
_MAX_BODY: Final = 1024 * 1024


@dataclass(frozen=True)
class IndexSchema:
    """A global secondary index: its keys and the other attributes it projects (``None``:
    all of them)."""

    partition_key: str
    sort_key: str | None = None
    projected: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSchema:
    """A table's partition key and its indexes."""

    partition_key: str
    indexes: Mapping[str, IndexSchema] = field(default_factory=dict)


def _invitation_table() -> TableSchema:
    """The broker's invitation table, as the construct creates it (``invitation_table.json``)."""
    table = _contract.invitation_table()
    return TableSchema(
        partition_key=table["partitionKey"],
        indexes={
            name: IndexSchema(index["partitionKey"], index["sortKey"], tuple(index["projected"]))
            for name, index in table["indexes"].items()
        },
    )


#: The broker's invitation table.
INVITATION_TABLE: Final = _invitation_table()


class _ApiError(Exception):
    """A DynamoDB error to answer with (HTTP 400 unless said otherwise)."""

    def __init__(self, name: str, message: str, extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.extra = dict(extra or {})


@dataclass
class _Loss:
    """An answer to lose: of the ``operation`` request after the next ``skip`` ones."""

    operation: str
    skip: int
    then: Callable[[], None] | None


class _AnswerLost(Exception):
    """The request was served; close the connection without answering (after ``then``)."""

    def __init__(self, then: Callable[[], None] | None) -> None:
        super().__init__("answer lost")
        self.then = then


def _validation(message: str) -> _ApiError:
    return _ApiError("ValidationException", message)


def _sort_value(value: Any) -> Any:
    kind, raw = next(iter(value.items()))
    return Decimal(str(raw)) if kind == "N" else raw


class FakeDynamoDB(LoopbackService):
    """A simulated DynamoDB endpoint on localhost, tables in memory. NOT FOR PRODUCTION.

    Args:
        host: interface to bind; ``127.0.0.1`` by default (never expose it).
        port: TCP port; ``0`` (the default) picks a free one, see ``url``.
        tables: the key schema per table name; any other name gets :data:`INVITATION_TABLE`.
    """

    service_name = "fake dynamodb"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tables: Mapping[str, TableSchema] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.schemas = dict(tables or {})
        self._items: dict[str, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._losses: list[_Loss] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.calls: list[str] = []
        """The operations received, oldest first."""

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeDynamoDB:
        """Start serving in a background thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("fake dynamodb is already running; call stop() first")
        server = LoopbackServer((self.host, self.port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-dynamodb",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Safe to call twice."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

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
        with self._lock:
            self._losses.append(_Loss(operation, skip, then))

    def reset(self) -> None:
        """Forget every item, the calls received and the answers still to lose."""
        with self._lock:
            self._items.clear()
            self.calls.clear()
            self._losses.clear()

    def items(self, table: str) -> list[dict[str, Any]]:
        """A copy of every item of ``table`` (DynamoDB JSON)."""
        with self._lock:
            return [dict(item) for item in self._items.get(table, {}).values()]

    # -- operations (called from the server's threads) -------------------------------------

    def call(self, operation: str, request: Mapping[str, Any]) -> dict[str, Any]:
        """Run one operation on the in-memory tables."""
        handlers = {
            "PutItem": self._put_item,
            "UpdateItem": self._update_item,
            "Query": self._query,
        }
        if operation not in handlers:
            raise _ApiError("UnknownOperationException", f"Unknown operation {operation}")
        table = request.get("TableName")
        if not isinstance(table, str) or not table:
            raise _validation("TableName is required")
        with self._lock:
            self.calls.append(operation)
            lost = self._take_loss(operation)
            try:
                answer = handlers[operation](table, request)
            except _ApiError:
                if lost is None:
                    raise
            if lost is not None:
                raise _AnswerLost(lost.then)
            return answer

    def _take_loss(self, operation: str) -> _Loss | None:
        """The loss this request's answer is for, if any (counting down the first one's skip)."""
        if not self._losses or self._losses[0].operation != operation:
            return None
        if self._losses[0].skip:
            self._losses[0].skip -= 1
            return None
        return self._losses.pop(0)

    def _schema(self, table: str) -> TableSchema:
        return self.schemas.get(table, INVITATION_TABLE)

    def _key(self, table: str, key: Mapping[str, Any]) -> str:
        name = self._schema(table).partition_key
        if set(key) != {name}:
            raise _validation("The provided key element does not match the schema")
        return json.dumps(key[name], sort_keys=True)

    @staticmethod
    def _placeholders(request: Mapping[str, Any]) -> expressions.Placeholders:
        return expressions.Placeholders(
            names=request.get("ExpressionAttributeNames") or {},
            values=request.get("ExpressionAttributeValues") or {},
        )

    @staticmethod
    def _check(
        request: Mapping[str, Any],
        placeholders: expressions.Placeholders,
        old: dict[str, Any] | None,
    ) -> None:
        text = request.get("ConditionExpression")
        if text is None:
            return
        holds = expressions.condition(text, placeholders)
        if holds(old or {}):
            return
        extra = {}
        if request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
            extra["Item"] = old
        raise _ApiError("ConditionalCheckFailedException", "The conditional request failed", extra)

    def _put_item(self, table: str, request: Mapping[str, Any]) -> dict[str, Any]:
        item = dict(request.get("Item") or {})
        key_name = self._schema(table).partition_key
        key = self._key(table, {key_name: item.get(key_name)} if key_name in item else {})
        placeholders = self._placeholders(request)
        rows = self._items.setdefault(table, {})
        try:
            self._check(request, placeholders, rows.get(key))
            placeholders.check_all_used()
        except expressions.ExpressionError as error:
            raise _validation(str(error)) from None
        rows[key] = item
        return {}

    def _update_item(self, table: str, request: Mapping[str, Any]) -> dict[str, Any]:
        key_attributes = dict(request.get("Key") or {})
        key = self._key(table, key_attributes)
        placeholders = self._placeholders(request)
        rows = self._items.setdefault(table, {})
        old = rows.get(key)
        try:
            apply = expressions.update(request.get("UpdateExpression") or "", placeholders)
            self._check(request, placeholders, old)
            placeholders.check_all_used()
            new = apply(old or key_attributes)
        except expressions.ExpressionError as error:
            raise _validation(str(error)) from None
        rows[key] = new
        returned = {"ALL_NEW": new, "ALL_OLD": old}.get(request.get("ReturnValues") or "NONE")
        return {"Attributes": returned} if returned else {}

    def _query(self, table: str, request: Mapping[str, Any]) -> dict[str, Any]:
        schema = self._schema(table)
        index_name = request.get("IndexName")
        index = (
            IndexSchema(schema.partition_key)
            if index_name is None
            else schema.indexes.get(index_name)
        )
        if index is None:
            raise _validation(f"The table does not have the specified index: {index_name}")
        placeholders = self._placeholders(request)
        try:
            name, value, key_holds = expressions.key_condition(
                request.get("KeyConditionExpression") or "", placeholders
            )
            filter_text = request.get("FilterExpression")
            keep = expressions.condition(filter_text, placeholders) if filter_text else None
            placeholders.check_all_used()
        except expressions.ExpressionError as error:
            raise _validation(str(error)) from None
        if name != index.partition_key:
            raise _validation("Query condition missed key schema element")
        rows = [
            self._projected(item, schema, index)
            for item in self._items.get(table, {}).values()
            if item.get(name) == value and (index.sort_key is None or index.sort_key in item)
        ]
        rows = [row for row in rows if key_holds(row)]
        if index.sort_key is not None:
            sort_key = index.sort_key
            rows.sort(key=lambda item: _sort_value(item[sort_key]))
        if request.get("ScanIndexForward") is False:
            rows.reverse()
        rows = self._after(rows, request.get("ExclusiveStartKey"))
        limit = request.get("Limit")
        page = rows[:limit] if isinstance(limit, int) else rows
        items = [row for row in page if keep is None or keep(row)]
        answer: dict[str, Any] = {"Items": items, "Count": len(items), "ScannedCount": len(page)}
        if isinstance(limit, int) and len(rows) > limit and page:
            keys = {schema.partition_key, index.partition_key, index.sort_key}
            answer["LastEvaluatedKey"] = {k: v for k, v in page[-1].items() if k in keys}
        return answer

    @staticmethod
    def _after(rows: list[dict[str, Any]], start: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """The rows after the one ``ExclusiveStartKey`` names (all of them without one)."""
        if start is None:
            return rows
        for position, row in enumerate(rows):
            if all(row.get(key) == value for key, value in start.items()):
                return rows[position + 1 :]
        return []

    @staticmethod
    def _projected(
        item: Mapping[str, Any], schema: TableSchema, index: IndexSchema
    ) -> dict[str, Any]:
        if index.projected is None:
            return dict(item)
        keep = {schema.partition_key, index.partition_key, index.sort_key, *index.projected}
        return {name: value for name, value in item.items() if name in keep}


def _make_handler(fake: FakeDynamoDB) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``fake``."""

    class Handler(LoopbackRequestHandler):
        server_version = "FakeDynamoDB"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: tests and benchmarks capture output."""

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, _MAX_BODY)) if length > 0 else b""
            target = self.headers.get("X-Amz-Target") or ""
            try:
                if self.command != "POST" or not target.startswith(_TARGET_PREFIX):
                    raise _ApiError("UnknownOperationException", "Unknown operation")
                if not (self.headers.get("Authorization") or "").startswith("AWS4-HMAC-SHA256 "):
                    raise _ApiError("MissingAuthenticationTokenException", "Missing token")
                try:
                    request = json.loads(body or b"{}")
                except ValueError:
                    raise _ApiError("SerializationException", "Body is not valid JSON") from None
                payload = fake.call(target.removeprefix(_TARGET_PREFIX), request)
            except _AnswerLost as lost:
                if lost.then is not None:
                    lost.then()
                self.close_connection = True
                return
            except _ApiError as error:
                self._send(
                    400,
                    {"__type": _ERROR_PREFIX + error.name, "message": error.message, **error.extra},
                )
                return
            self._send(200, payload)

        def _send(self, status: int, payload: Mapping[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(data)

    return Handler
