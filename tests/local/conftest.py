"""Shared fixtures for the local development tools."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from local_http import local_client

from constructs_lib.local.dynamodb import LocalDynamoDB
from constructs_lib.local.fake_connect import FakeConnect


@pytest.fixture(scope="session")
def local_dynamodb() -> Iterator[LocalDynamoDB]:
    """moto's DynamoDB, started once for the session (its import and first request cost a
    second); each module creates the tables it uses."""
    with LocalDynamoDB() as dynamodb:
        yield dynamodb


@pytest.fixture(scope="module")
def fake_connect() -> Iterator[FakeConnect]:
    """One fake Connect per module; reset between tests."""
    with FakeConnect(slow_seconds=2.0) as fake:
        yield fake


@pytest.fixture
def fake(fake_connect: FakeConnect) -> Iterator[FakeConnect]:
    fake_connect.reset()
    yield fake_connect
    fake_connect.reset()


@pytest.fixture(scope="module")
def connect_client(fake_connect: FakeConnect) -> Any:
    """A real botocore Connect client aimed at the fake, without retries, short timeouts."""
    return local_client("connect", fake_connect.url, connect_timeout=1, read_timeout=0.5)
