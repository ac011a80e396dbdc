"""Answers parsed as botocore parses them with the full service models, which the service
tables summarize (``scripts/generate_aws_tables.py``): per service its modeled
errors (whose members botocore adds beside ``Error``) and the retryable ones; per operation its
own errors and its answer's timestamps. Members botocore's model does not know are kept."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from .endpoints import service_table
from .retries import Rules

Convert = Callable[[dict[str, Any]], dict[str, Any]]


class Operation(NamedTuple):
    name: str
    rules: Rules
    errors: Mapping[str, Sequence[str]]
    """The service's modeled errors and their members."""
    timestamps: tuple[tuple[str, ...], ...]
    """The answer's timestamps by path (a ``[]`` or ``{}`` segment: a list or a map)."""
    convert: Convert | None = None
    """Converts other members in place (DynamoDB's binary values)."""


def operation(service: str, name: str, convert: Convert | None = None) -> Operation:
    """The operation ``name`` of ``service`` (botocore's names)."""
    table = service_table(service)
    own, marked = table["operations"][name], table["retryable"]
    retryable = {code: marked[code] for code in own["errors"] if code in marked}
    paths = tuple(tuple(path.split(".")) for path in own["timestamps"])
    return Operation(
        name, Rules(frozenset(own["errors"]), retryable), table["errors"], paths, convert
    )


def _no_nulls(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in pairs if value is not None}


def members(body: bytes, default: Any = None) -> Any:
    """A JSON object's members but null ones (botocore drops them); else ``default`` or ``{}``."""
    try:
        parsed = json.loads(body.decode("utf-8"), object_pairs_hook=_no_nulls) if body else {}
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else ({} if default is None else default)


def _loose(body: bytes) -> Any:
    """The body as botocore reads an error: ``{}`` if empty, ``{"message": text}`` if not JSON."""
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text) if body else {}
    except ValueError:
        return {"message": text}


def _code(code: str) -> str:
    """``prefix#Code:suffix`` -> ``Code``."""
    return code.split(":", 1)[0].rsplit("#", 1)[-1]


def error(status: int, headers: Mapping[str, str], body: bytes, *, rest: bool) -> dict[str, Any]:
    """``Error`` and ``ResponseMetadata`` of an error answer (REST-JSON, else JSON 1.0)."""
    if status >= 500 and (not body.strip() or body.strip().startswith(b"<html>")):
        message = http.client.responses.get(status, "")
        return {"Error": {"Code": str(status), "Message": message}, "ResponseMetadata": {}}
    parsed = _loose(body)
    found = {"Message": parsed.get("message", parsed.get("Message", "")), "Code": ""}
    found["Code"] = _code(parsed.get("__type", str(status)))
    if rest and "x-amzn-errortype" in headers:
        found["Code"] = _code(headers["x-amzn-errortype"])
    elif rest and ("code" in parsed or "Code" in parsed):
        code = parsed.get("code", parsed.get("Code", ""))
        found["Code"] = _code(code) if isinstance(code, str) else code
    metadata = {"RequestId": headers["x-amzn-requestid"]} if "x-amzn-requestid" in headers else {}
    return {"Error": found, "ResponseMetadata": metadata}


def parse(
    operation: Operation, status: int, headers: Mapping[str, str], body: bytes, *, rest: bool
) -> dict[str, Any]:
    """The answer (``headers`` lowercased) as botocore returns it, but ``RetryAttempts``."""
    metadata: dict[str, Any]
    if status >= 301:
        parsed = error(status, headers, body, rest=rest)
        names = operation.errors.get(parsed["Error"]["Code"], ())
        if names:
            values = members(body, default=_loose(body))
            parsed.update((name, values[name]) for name in names if name in values)
        metadata = parsed["ResponseMetadata"]
    else:
        parsed, metadata = members(body), {}
        if "x-amzn-requestid" in headers:
            metadata["RequestId"] = headers["x-amzn-requestid"]
        elif rest and "x-amz-request-id" in headers:
            metadata["RequestId"] = headers["x-amz-request-id"]
            metadata["HostId"] = headers.get("x-amz-id-2", "")
    for path in operation.timestamps:
        _timestamp(parsed, path)
    if operation.convert:
        parsed = operation.convert(parsed)
    metadata.update(HTTPStatusCode=status, HTTPHeaders=dict(headers))
    parsed["ResponseMetadata"] = metadata
    return parsed


def timestamp(value: Any) -> datetime:
    """A timestamp (epoch seconds, or ISO 8601 text) as botocore returns it."""
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError):
        return datetime.fromisoformat(value)


def _timestamp(node: Any, path: Sequence[str]) -> None:
    """Convert the timestamp at ``path`` under ``node``, in place."""
    name, rest = path[0], path[1:]
    key = name.rstrip("[]{}")
    if not isinstance(node, dict) or node.get(key) is None:
        return
    if not rest:
        node[key] = timestamp(node[key])
        return
    children = node[key]
    if name.endswith("[]"):
        items = children if isinstance(children, list) else []
    elif name.endswith("{}"):
        items = list(children.values()) if isinstance(children, dict) else []
    else:
        items = [children]
    for child in items:
        _timestamp(child, rest)
