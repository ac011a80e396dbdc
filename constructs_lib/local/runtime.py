"""One private copy of the broker runtime, loaded from the Lambda asset, and the environment it
reads its configuration from."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from constructs_lib import _contract
from constructs_lib.local._gateway import ProblemFactory

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_counter = itertools.count(1)


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {name: os.environ.get(name) for name in (*values, "AWS_SESSION_TOKEN", "AWS_PROFILE")}
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass(frozen=True)
class Runtime:
    """One private copy of the broker runtime: its handler and its problem serializer."""

    handler: Handler
    problem: ProblemFactory


def load_runtime(
    runtime_dir: Path | None = None,
    *,
    read_timeout: float | None = None,
    max_attempts: int | None = None,
) -> Runtime:
    """Import a fresh copy of the runtime's ``broker`` package: its handler and problems.

    ``runtime_dir``: the directory holding ``broker``; by default the Lambda asset root the
    construct deploys (``runtime/`` in a checkout, ``constructs_lib/_runtime/`` when installed).

    The package is loaded under a private name (the runtime uses relative imports only), so its
    module-scope state (configuration, Connect client) comes from the current environment and
    is not shared with any other copy imported in this process.
    """
    package_dir = (runtime_dir or _contract.runtime_dir()) / "broker"
    name = f"_participant_broker_local_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(
        name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the broker runtime from {package_dir}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    module: ModuleType = importlib.import_module(f"{name}.handler")
    if read_timeout is not None or max_attempts is not None:
        _tune_connect_client(importlib.import_module(f"{name}.connect"), read_timeout, max_attempts)
    problems: ModuleType = importlib.import_module(f"{name}.problems")
    return Runtime(handler=module.handler, problem=problems.problem)


def _tune_connect_client(
    connect: ModuleType, read_timeout: float | None, max_attempts: int | None
) -> None:
    """Change this private copy's Connect time budget; its client is rebuilt on first use."""
    for attribute, value in (
        ("READ_TIMEOUT_SECONDS", read_timeout),
        ("MAX_ATTEMPTS", max_attempts),
    ):
        if value is None:
            continue
        if not hasattr(connect, attribute):
            raise RuntimeError(f"the broker runtime has no connect.{attribute} to tune")
        setattr(connect, attribute, value)
    connect.set_client(None)
