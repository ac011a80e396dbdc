"""Fixtures for the runtime tests: API Gateway events, a fake Lambda context, a stubbed client.

The Connect client under test is the real one the runtime builds (``connect.create_client``),
with a :class:`~wire_stub.WireStubber` as its transport, so every request the handler makes is
read at the wire and checked against botocore's full Connect model.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import wire_stub
from runtime_support import INSTANCE_ID, FakeLambdaContext, default_config
from wire_stub import WireStubber, stubbed

from constructs_lib.local.events import LambdaContext

# The handler reads its configuration when imported, as in Lambda's init phase: imported
# with the function's environment, it has nothing to log (each test sets its own config).
with mock.patch.dict(os.environ, {"INSTANCE_ID": INSTANCE_ID, "AWS_REGION": "eu-west-1"}):
    from runtime.broker import connect, contacts, handler, logs
from runtime.broker.aws.retries import Quota
from runtime.broker.config import Config


@pytest.fixture(autouse=True)
def _hermetic_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's AWS configuration and credentials out of every test."""
    empty = tmp_path / "empty-aws-config"
    empty.touch()
    for name in ("AWS_PROFILE", "AWS_DATA_PATH", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CONNECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTESTTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def _reset_module_state() -> Iterator[None]:
    """Every test starts from the default configuration, no client, no log context and the
    real clock."""
    handler.set_config(default_config())
    connect.set_client(None)
    logs.clear()
    yield
    handler.set_config(default_config())
    connect.set_client(None)
    contacts.set_clock()
    logs.clear()


@pytest.fixture
def configure() -> Callable[..., Config]:
    """Install a configuration with overrides for one test."""

    def apply(**overrides: Any) -> Config:
        config = default_config(**overrides)
        handler.set_config(config)
        return config

    return apply


@pytest.fixture(scope="session")
def shared_client() -> Any:
    """One client built by the runtime for the whole run (its retry quota is shared, as in an
    execution environment)."""
    return wire_stub.client("connect")


@pytest.fixture
def client(shared_client: Any) -> Any:
    """The runtime's own Connect client, injected into the handler."""
    shared_client.policy.quota = Quota()
    connect.set_client(shared_client)
    return shared_client


@pytest.fixture
def stub(client: Any) -> Iterator[WireStubber]:
    """A stubber on the injected client; asserts every queued response was used."""
    yield from stubbed(client)


@pytest.fixture
def context() -> LambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def invoke(context: LambdaContext) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Call the handler with the fake context."""

    def call(event: dict[str, Any]) -> dict[str, Any]:
        return handler.handler(event, context)

    return call
