"""Write Amazon Connect's service model reduced to CreateParticipant into the Lambda asset.

The broker ships ``runtime/broker/data/connect/2017-08-08/service-2.json`` and points its
botocore session's ``data_path`` at ``runtime/broker/data``. Two reasons:

* the Lambda runtime's bundled botocore may predate ``ParticipantCapabilities`` (added in
  botocore 1.40.12); the shipped model teaches any botocore the current request shape;
* loading Connect's whole model (hundreds of operations) costs about 100 ms of cold start.

The reduced model holds the ``version`` and ``metadata`` of the installed model, the
``CreateParticipant`` operation and every shape it references transitively (input, output,
errors and their members), unchanged except that ``documentation`` strings are dropped.
Output is deterministic: sorted keys, compact separators, a trailing newline.

Usage: ``python scripts/reduce_connect_model.py [--check] [OUTPUT]``. ``--check`` exits 1
when the committed file differs from what the installed botocore would produce.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import botocore.session

SERVICE = "connect"
API_VERSION = "2017-08-08"
OPERATION = "CreateParticipant"
DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "runtime"
    / "broker"
    / "data"
    / SERVICE
    / API_VERSION
    / "service-2.json"
)
_DROPPED_KEYS = frozenset({"documentation", "documentationUrl"})


def load_installed_model() -> dict[str, Any]:
    """Return the installed botocore's Connect service model (no data path overrides)."""
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    model: dict[str, Any] = loader.load_service_model(SERVICE, "service-2", API_VERSION)
    return model


def _without_docs(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Return an operation or shape definition without its documentation strings."""
    result = {key: value for key, value in definition.items() if key not in _DROPPED_KEYS}
    if isinstance(result.get("members"), Mapping):
        result["members"] = {
            name: _without_docs(member) for name, member in result["members"].items()
        }
    return result


def _direct_references(definition: Mapping[str, Any]) -> Iterator[str]:
    """Yield the names of the shapes an operation or shape definition refers to."""
    for key in ("input", "output", "member", "key", "value"):
        ref = definition.get(key)
        if isinstance(ref, Mapping) and "shape" in ref:
            yield str(ref["shape"])
    for ref in definition.get("errors", []):
        yield str(ref["shape"])
    for member in definition.get("members", {}).values():
        yield str(member["shape"])


def referenced_shapes(model: Mapping[str, Any], operation: str) -> list[str]:
    """Return, sorted, every shape ``operation`` references transitively."""
    shapes: Mapping[str, Any] = model["shapes"]
    seen: set[str] = set()
    pending = list(_direct_references(model["operations"][operation]))
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending.extend(_direct_references(shapes[name]))
    return sorted(seen)


def reduce_model(model: Mapping[str, Any], operation: str = OPERATION) -> dict[str, Any]:
    """Return ``model`` reduced to ``operation`` and the shapes it needs, without docs."""
    return {
        "version": model.get("version", "2.0"),
        "metadata": dict(model["metadata"]),
        "operations": {operation: _without_docs(model["operations"][operation])},
        "shapes": {
            name: _without_docs(model["shapes"][name])
            for name in referenced_shapes(model, operation)
        },
    }


def render(model: Mapping[str, Any]) -> str:
    """Serialize a model deterministically and compactly."""
    return json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, verify) the reduced model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args(argv)
    text = render(reduce_model(load_installed_model()))
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is out of date: run scripts/reduce_connect_model.py", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
