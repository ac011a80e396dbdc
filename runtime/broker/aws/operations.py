"""What the client knows of each operation, from ``operations.json`` (the full service models,
``scripts/generate_aws_tables.py``): the service's modeled errors and their members, which
ones are retryable, the operation's own errors and its answer's timestamps."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .retries import Rules

TABLE = Path(__file__).with_name("operations.json")
Convert = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Operation:
    name: str
    rules: Rules
    errors: Mapping[str, Sequence[str]]
    """The service's modeled errors and their members (botocore adds them to the answer)."""
    timestamps: tuple[tuple[str, ...], ...]
    """Paths of the answer's timestamps; a ``[]`` or ``{}`` segment is a list or a map."""
    convert: Convert | None = None
    """Converts other members of the answer in place (DynamoDB's binary values)."""

    def parse(self, answer: dict[str, Any]) -> dict[str, Any]:
        """Convert the answer's timestamps and other members as botocore does, in place."""
        for path in self.timestamps:
            _timestamp(answer, path)
        return self.convert(answer) if self.convert else answer


@functools.cache
def _table() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(TABLE.read_text(encoding="utf-8"))
    return loaded


def operation(service: str, name: str, convert: Convert | None = None) -> Operation:
    """The operation ``name`` of ``service`` (botocore's names)."""
    table = _table()[service]
    own = table["operations"][name]
    retryable = {
        code: table["retryable"][code] for code in own["errors"] if code in table["retryable"]
    }
    return Operation(
        name,
        Rules(frozenset(own["errors"]), retryable),
        table["errors"],
        tuple(tuple(path.split(".")) for path in own["timestamps"]),
        convert,
    )


def parse_timestamp(value: Any) -> datetime:
    """A timestamp of an answer (epoch seconds, or ISO 8601 text) as botocore returns it."""
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
        node[key] = parse_timestamp(node[key])
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
