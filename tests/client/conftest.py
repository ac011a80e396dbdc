"""Servers the client tests talk to: a scripted HTTP server and the local broker."""

from __future__ import annotations

from collections.abc import Iterator

import botocore.session
import pytest
from client_support import ScriptedServer

from constructs_lib.local import LocalBroker, LocalBrokerConfig
from constructs_lib.local.fake_connect import FakeConnect


@pytest.fixture(scope="module")
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(scripted_server: ScriptedServer) -> ScriptedServer:
    scripted_server.script()
    return scripted_server


@pytest.fixture(scope="module")
def session() -> botocore.session.Session:
    """A botocore session with fixed, fake credentials (nothing read from the machine)."""
    session = botocore.session.Session()
    session.set_credentials(
        "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-tok"
    )
    return session


@pytest.fixture(scope="module")
def local_broker() -> Iterator[LocalBroker]:
    """The local development broker (real runtime, simulated Connect), fast failure paths."""
    config = LocalBrokerConfig(
        allowed_roles=("CUSTOMER",),
        connect_read_timeout=1.0,  # below the slow contacts' 2 s; room for a loaded machine
        connect_max_attempts=1,
        log_level="ERROR",
        agent_wait=0.0,
    )
    with FakeConnect(slow_seconds=2.0) as connect, LocalBroker(config=config, connect=connect) as b:
        yield b
