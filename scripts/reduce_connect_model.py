"""Write Amazon Connect's service model reduced to the broker's operations into the Lambda asset.

The broker ships ``runtime/broker/data/connect/2017-08-08/service-2.json`` and points its
botocore session's ``data_path`` at ``runtime/broker/data``. Two reasons:

* the Lambda runtime's bundled botocore may predate ``ParticipantCapabilities`` (added in
  botocore 1.40.12); the shipped model teaches any botocore the current request shape;
* loading Connect's whole model (hundreds of operations) costs about 100 ms of cold start.

The reduced model holds the ``version`` and ``metadata`` of the installed model, exactly the
operations the runtime calls (:data:`OPERATIONS`) and every shape they reference transitively
(input, output, errors and their members), unchanged except that ``documentation`` strings are
dropped and that the output structures in :data:`OUTPUT_MEMBERS` keep only the members the
broker reads. botocore parses only the members a shape declares, so the broker's client never
even builds the rest of DescribeContact's answer (the customer's phone number and name,
recordings, queue and routing details): a smaller asset, less parsing per request, and no
customer data in the function's memory that it does not need. A pruned shape must not be
reachable from any operation's input (the script checks), so requests are serialized exactly as
with the full model. Shapes only answers use also lose their constraints (``enum``, ``min``,
``max``, ``pattern``; :data:`OUTPUT_CONSTRAINTS`), which botocore checks on requests only.

Output is deterministic: sorted keys, compact separators, a trailing newline.

Usage: ``python scripts/reduce_connect_model.py [--check] [OUTPUT]``. ``--check`` exits 1
when the committed file differs from what the installed botocore would produce.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import botocore.session

SERVICE = "connect"
API_VERSION = "2017-08-08"
#: The operations the runtime calls (``broker.connect.ConnectClient``).
OPERATIONS = ("CreateParticipant", "DescribeContact")
#: Output structures reduced to the members the broker reads (``broker.contacts``).
OUTPUT_MEMBERS: dict[str, tuple[str, ...]] = {
    "Contact": (
        "AgentInfo",
        "Attributes",
        "Channel",
        "DisconnectTimestamp",
        "InitiationMethod",
        "SegmentAttributes",
    ),
    "AgentInfo": ("ConnectedToAgentTimestamp",),
    "SegmentAttributeValue": ("ValueString",),
    # Errors: the broker reads the error code only (never Connect's message or reason).
    "InvalidRequestException": ("Message",),
    "ServiceQuotaExceededException": ("Message",),
}
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
#: Dropped from shapes that only answers use (never from a shape a request uses).
OUTPUT_CONSTRAINTS = frozenset({"enum", "min", "max", "pattern"})


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


def _pruned(name: str, definition: Mapping[str, Any]) -> dict[str, Any]:
    """Return a shape definition, reduced to the members of :data:`OUTPUT_MEMBERS` if listed."""
    if name not in OUTPUT_MEMBERS:
        return dict(definition)
    members: Mapping[str, Any] = definition["members"]
    missing = sorted(set(OUTPUT_MEMBERS[name]).difference(members))
    if missing:
        raise KeyError(f"botocore's {name} shape has no member {', '.join(missing)}")
    return {**definition, "members": {key: members[key] for key in OUTPUT_MEMBERS[name]}}


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


def _closure(shapes: Mapping[str, Any], start: Iterable[str], prune: bool) -> set[str]:
    """Every shape reachable from ``start`` (through pruned definitions when ``prune``)."""
    seen: set[str] = set()
    pending = list(start)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        definition = _pruned(name, shapes[name]) if prune else shapes[name]
        pending.extend(_direct_references(definition))
    return seen


def input_shapes(model: Mapping[str, Any], operations: Iterable[str] = OPERATIONS) -> set[str]:
    """Every shape the operations' inputs reference transitively."""
    chosen = [model["operations"][name] for name in operations]
    return _closure(
        model["shapes"], (op["input"]["shape"] for op in chosen if "input" in op), False
    )


def referenced_shapes(
    model: Mapping[str, Any], operations: Iterable[str] = OPERATIONS
) -> list[str]:
    """Return, sorted, every shape the operations reference transitively, once their output
    structures are pruned; raise ``ValueError`` if a pruned shape is part of an input."""
    names = list(operations)
    shared = sorted(input_shapes(model, names).intersection(OUTPUT_MEMBERS))
    if shared:
        raise ValueError(f"pruned output shapes are also input shapes: {', '.join(shared)}")
    roots = [ref for name in names for ref in _direct_references(model["operations"][name])]
    return sorted(_closure(model["shapes"], roots, True))


def _output_only(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A shape only answers use: botocore never checks an answer against constraints."""
    return {key: value for key, value in definition.items() if key not in OUTPUT_CONSTRAINTS}


def reduce_model(
    model: Mapping[str, Any], operations: Iterable[str] = OPERATIONS
) -> dict[str, Any]:
    """Return ``model`` reduced to ``operations`` and the shapes they need, without docs."""
    names = list(operations)
    inputs = input_shapes(model, names)
    shapes = {}
    for name in referenced_shapes(model, names):
        definition = _without_docs(_pruned(name, model["shapes"][name]))
        shapes[name] = definition if name in inputs else _output_only(definition)
    return {
        "version": model.get("version", "2.0"),
        "metadata": dict(model["metadata"]),
        "operations": {name: _without_docs(model["operations"][name]) for name in names},
        "shapes": shapes,
    }


def render(model: Mapping[str, Any]) -> str:
    """Serialize a model deterministically and compactly."""
    return json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


def run(argv: list[str] | None, *, text: Callable[[], str], default: Path, script: str) -> int:
    """Write the reduced model ``text()`` to the output (``default`` unless given), or with
    ``--check`` exit 1 when the committed file differs from it."""
    parser = argparse.ArgumentParser(description=f"write or check {default.name} ({script})")
    parser.add_argument("output", nargs="?", type=Path, default=default)
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args(argv)
    wanted = text()
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != wanted:
            print(f"{output} is out of date: run {script}", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(wanted, encoding="utf-8")
    print(f"wrote {output} ({len(wanted)} bytes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, verify) the reduced model file."""
    return run(
        argv,
        text=lambda: render(reduce_model(load_installed_model())),
        default=DEFAULT_OUTPUT,
        script="scripts/reduce_connect_model.py",
    )


if __name__ == "__main__":
    raise SystemExit(main())
