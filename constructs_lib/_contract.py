"""Read the broker's contract files (JSON Schema, problem catalogue, invitation table) from the
runtime package.

The runtime directory is the single source of truth: API Gateway's request model and the gateway
responses are derived from the same files the Lambda function validates and answers with, and the
props that bound the function's time are checked against the runtime's own time budget.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, NotRequired, TypedDict

_HERE = Path(__file__).resolve().parent
#: The Lambda asset root: ``runtime/`` beside this package in a checkout (and an editable
#: install); ``constructs_lib/_runtime/`` in an installed wheel, which installs no top-level
#: ``runtime`` package of its own. Read at call time (not import time) so tests can point it at
#: a modified copy.
_INSTALLED = _HERE / "_runtime"
RUNTIME_DIR: Path = _INSTALLED if _INSTALLED.is_dir() else _HERE.parent / "runtime"

_BROKER_PACKAGE = "broker"


class ProblemType(TypedDict):
    """One entry of ``problems.json``: an RFC 9457 problem type."""

    type: str
    status: int
    title: str
    retryAfter: NotRequired[int]
    """The ``Retry-After`` (seconds) this type always carries, when it has its own."""


def runtime_dir() -> Path:
    """Return the Lambda asset root (the directory that holds the ``broker`` package)."""
    return RUNTIME_DIR


@cache
def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def contract_schema() -> dict[str, Any]:
    """Return the parsed ``contract.schema.json``, the definitions of its companions among its
    own: ``invitations.schema.json`` (the invitation routes' requests) and
    ``answers.schema.json`` (what the broker answers, which the function never validates)."""
    directory = runtime_dir() / _BROKER_PACKAGE
    schema: dict[str, Any] = dict(_load_json(directory / "contract.schema.json"))
    definitions = dict(schema["definitions"])
    for companion in ("invitations.schema.json", "answers.schema.json"):
        definitions.update(_load_json(directory / companion)["definitions"])
    schema["definitions"] = definitions
    return schema


def request_schema() -> dict[str, Any]:
    """Return ``definitions.CreateParticipantRequest`` (JSON Schema 2020-12), as a fresh copy."""
    definition: dict[str, Any] = contract_schema()["definitions"]["CreateParticipantRequest"]
    copied: dict[str, Any] = json.loads(json.dumps(definition))
    return copied


def routes() -> dict[str, str]:
    """Return each route's resource path (``routes.json``, which the runtime routes by):
    ``participants``, ``invitations``, ``invitation`` and ``redeem``."""
    found: dict[str, str] = _load_json(runtime_dir() / _BROKER_PACKAGE / "routes.json")
    return dict(found)


def settings() -> dict[str, Any]:
    """Return ``settings.json``: the roles, channels, metrics namespace and metric names, agent
    wait and invitation bounds the function reads too."""
    found: dict[str, Any] = _load_json(runtime_dir() / _BROKER_PACKAGE / "settings.json")
    copied: dict[str, Any] = json.loads(json.dumps(found))  # the cached one stays as read
    return copied


def channel_roles_variable(channel_roles: Mapping[str, Sequence[str]]) -> str:
    """``CHANNEL_ROLES`` as the function reads it: ``CHAT=CUSTOM_BOT;VOICE=CUSTOMER``."""
    return ";".join(f"{channel}={','.join(roles)}" for channel, roles in channel_roles.items())


def problems() -> dict[str, ProblemType]:
    """Return the problem catalogue keyed by short code (``$comment`` dropped)."""
    return {code: ProblemType(**entry) for code, entry in _catalogue(runtime_dir()).items()}


@cache
def _catalogue(directory: Path) -> dict[str, ProblemType]:
    """The problem catalogue of the runtime in ``directory``, read once (a synth reads it for
    every gateway answer of every broker)."""
    raw: dict[str, Any] = _load_json(directory / _BROKER_PACKAGE / "problems.json")
    result: dict[str, ProblemType] = {}
    for code, entry in raw.items():
        if code.startswith("$"):
            continue
        result[code] = ProblemType(
            type=entry["type"], status=int(entry["status"]), title=entry["title"]
        )
        if "retryAfter" in entry:
            result[code]["retryAfter"] = int(entry["retryAfter"])
    return result


def problem(code: str) -> ProblemType:
    """Return one problem type by its short code; raise ``KeyError`` naming the known codes."""
    catalogue = _catalogue(runtime_dir())
    if code not in catalogue:
        raise KeyError(f"unknown problem code {code!r}; known codes: {sorted(catalogue)}")
    return ProblemType(**catalogue[code])


@cache
def budget() -> ModuleType:
    """Return the runtime's time budget, ``broker/budget.py`` (standard library only).

    Loaded from its file under a private name, never imported as ``runtime.broker``: an app's
    own ``runtime`` package (a common name for Lambda code) must not shadow it.
    """
    path = runtime_dir() / _BROKER_PACKAGE / "budget.py"
    spec = importlib.util.spec_from_file_location("_participant_broker_budget", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the broker's time budget from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invitation_table() -> dict[str, Any]:
    """Return ``invitation_table.json``: the invitation table's keys, TTL attribute and index."""
    table: dict[str, Any] = _load_json(runtime_dir() / _BROKER_PACKAGE / "invitation_table.json")
    return table
