"""Write Amazon DynamoDB's service model reduced to the invitation store's operations into the
Lambda asset.

The broker ships ``runtime/broker/data/dynamodb/2012-08-10/service-2.json`` beside Connect's
reduced model (``scripts/reduce_connect_model.py``), on the same botocore ``data_path``. Only a
broker with invitations creates a DynamoDB client; with botocore's own model that client costs
about 10 ms of its cold start (DynamoDB's whole model is about 500 KB of JSON), with this one
about 3 ms (measured in the README's Performance section).

The reduced model holds the ``version`` and ``metadata`` of the installed model, exactly the
operations the invitation store calls (:data:`OPERATIONS`) and every shape they reference
transitively, unchanged except that ``documentation`` strings are dropped. Output is
deterministic: sorted keys, compact separators, a trailing newline.

Usage: ``python scripts/reduce_dynamodb_model.py [--check] [OUTPUT]``. ``--check`` exits 1
when the committed file differs from what the installed botocore would produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import botocore.session
from reduce_connect_model import _direct_references, _without_docs, render, run

SERVICE = "dynamodb"
API_VERSION = "2012-08-10"
#: The operations ``broker.invitation_store`` calls.
OPERATIONS = ("PutItem", "Query", "UpdateItem")
DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "runtime"
    / "broker"
    / "data"
    / SERVICE
    / API_VERSION
    / "service-2.json"
)


def load_installed_model() -> dict[str, Any]:
    """Return the installed botocore's DynamoDB service model (no data path overrides)."""
    loader = botocore.session.Session().get_component("data_loader")
    model: dict[str, Any] = loader.load_service_model(SERVICE, "service-2", API_VERSION)
    return model


def referenced_shapes(model: Mapping[str, Any], operations: Iterable[str]) -> list[str]:
    """Return, sorted, every shape the operations reference transitively."""
    shapes: Mapping[str, Any] = model["shapes"]
    seen: set[str] = set()
    pending = [name for op in operations for name in _direct_references(model["operations"][op])]
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(_direct_references(shapes[name]))
    return sorted(seen)


def reduce_model(
    model: Mapping[str, Any], operations: Iterable[str] = OPERATIONS
) -> dict[str, Any]:
    """Return ``model`` reduced to ``operations`` and the shapes they need, without docs."""
    names = list(operations)
    return {
        "version": model.get("version", "2.0"),
        "metadata": dict(model["metadata"]),
        "operations": {name: _without_docs(model["operations"][name]) for name in names},
        "shapes": {
            name: _without_docs(model["shapes"][name]) for name in referenced_shapes(model, names)
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, verify) the reduced model file."""
    return run(
        argv,
        text=lambda: render(reduce_model(load_installed_model())),
        default=DEFAULT_OUTPUT,
        script="scripts/reduce_dynamodb_model.py",
    )


if __name__ == "__main__":
    raise SystemExit(main())
