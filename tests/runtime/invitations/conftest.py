"""Fixtures for the invitation routes: invitations on, a fixed clock and secret, and the
runtime's own DynamoDB client with a :class:`~wire_stub.WireStubber` as its transport."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import wire_stub
from invitation_support import INVITATION_ID, NOW, SECRET, SETTINGS, USE_ID
from runtime_support import default_config
from wire_stub import WireStubber, stubbed

from runtime.broker import dynamodb, handler
from runtime.broker import invitation_store as store
from runtime.broker import invitation_tokens as tokens
from runtime.broker.aws.retries import Quota
from runtime.broker.config import Config


@pytest.fixture(autouse=True)
def _invitations_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Config]:
    """Invitations on, the clock at NOW, the next secret and use ID fixed; no DynamoDB client
    left over."""
    config = default_config(invitations=SETTINGS)
    handler.set_config(config)
    store.set_clock(lambda: float(NOW))
    monkeypatch.setattr(tokens, "new_secret", lambda: (INVITATION_ID, SECRET))
    monkeypatch.setattr(tokens, "new_use_id", lambda: USE_ID)
    dynamodb.set_client(None)
    yield config
    store.set_clock(None)
    dynamodb.set_client(None)


@pytest.fixture(scope="session")
def shared_table_client() -> Any:
    """One DynamoDB client built by the runtime for the whole run."""
    return wire_stub.client("dynamodb")


@pytest.fixture
def table(shared_table_client: Any) -> Iterator[WireStubber]:
    """A stubber on the runtime's DynamoDB client; asserts every queued response was used."""
    shared_table_client.policy.quota = Quota()
    dynamodb.set_client(shared_table_client)
    yield from stubbed(shared_table_client)
