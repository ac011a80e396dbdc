"""Fixtures for the invitation routes: invitations on, a fixed clock and secret, and the
runtime's own DynamoDB client (reduced model) with botocore's Stubber on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber
from invitation_support import INVITATION_ID, NOW, SECRET, SETTINGS, USE_ID
from runtime_support import default_config

from runtime.broker import dynamodb, handler
from runtime.broker import invitation_store as store
from runtime.broker import invitation_tokens as tokens
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
    """One DynamoDB client built by the runtime (reduced model) for the whole run."""
    return dynamodb.create_client("eu-west-1")


@pytest.fixture
def table(shared_table_client: Any) -> Iterator[Stubber]:
    """A Stubber on the runtime's DynamoDB client; asserts every queued response was used."""
    dynamodb.set_client(shared_table_client)
    with Stubber(shared_table_client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()
