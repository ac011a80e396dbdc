"""BrokerClient's retries, idempotency keys and timeouts, against a scripted HTTP server."""

from __future__ import annotations

import re
import socket
import time

import botocore.session
import pytest
from client_support import ScriptedServer, Step, created, problem

from constructs_lib.client import BrokerClient, BrokerUnreachable, Throttled, Unavailable

UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def client(
    server: ScriptedServer,
    session: botocore.session.Session,
    *,
    timeout: float = 1.0,
    max_attempts: int = 3,
    max_retry_after: float = 20.0,
) -> BrokerClient:
    return BrokerClient(
        server.url,
        session,
        region="eu-west-2",
        timeout=timeout,
        max_attempts=max_attempts,
        backoff=0.01,
        max_retry_after=max_retry_after,
    )


def keys(server: ScriptedServer) -> list[str]:
    return [seen.headers["idempotency-key"] for seen in server.seen]


def test_generated_idempotency_key_is_a_uuid4(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(created())
    client(server, session).create_participant("c-1", "Ana")
    assert re.fullmatch(UUID4, keys(server)[0])


def test_throttled_then_created_retries_with_the_same_key(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(429, "throttled", Retry_After="0"), created())
    participant = client(server, session).create_participant("c-1", "Ana")
    assert participant.participant_id == "5c3e5f4e-4e0c-4a43-9d1b-3b1f1a7f2f10"
    assert len(set(keys(server))) == 1 and len(keys(server)) == 2


def test_unavailable_then_created_succeeds(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(503, "unavailable", Retry_After="0"), created())
    client(server, session).create_participant("c-1", "Ana")
    assert len(server.seen) == 2


def test_given_idempotency_key_is_sent_on_every_attempt(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(503, "unavailable", Retry_After="0"), created())
    client(server, session).create_participant("c-1", "Ana", idempotency_key="order-42")
    assert keys(server) == ["order-42", "order-42"]


def test_each_logical_call_gets_its_own_key(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(created(), created())
    broker = client(server, session)
    broker.create_participant("c-1", "Ana")
    broker.create_participant("c-1", "Ana")
    assert len(set(keys(server))) == 2


def test_exhausted_retries_raise_throttled(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(*[problem(429, "throttled", Retry_After="0")] * 3)
    with pytest.raises(Throttled) as caught:
        client(server, session, max_attempts=3).create_participant("c-1", "Ana")
    error = caught.value
    assert (error.status, error.title, error.detail, error.request_id, len(server.seen)) == (
        429,
        "title throttled",
        "detail throttled",
        "req-429",
        3,
    )


def test_exhausted_retries_on_503_raise_unavailable(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(*[problem(503, "unavailable", Retry_After="0")] * 2)
    with pytest.raises(Unavailable):
        client(server, session, max_attempts=2).create_participant("c-1", "Ana")


def test_retry_after_is_honoured(server: ScriptedServer, session: botocore.session.Session) -> None:
    server.script(problem(429, "throttled", Retry_After="0.3"), created())
    start = time.monotonic()
    client(server, session).create_participant("c-1", "Ana")
    assert time.monotonic() - start >= 0.3


def test_retry_after_is_capped(server: ScriptedServer, session: botocore.session.Session) -> None:
    server.script(problem(429, "throttled", Retry_After="30"), created())
    start = time.monotonic()
    client(server, session, max_retry_after=0.05).create_participant("c-1", "Ana")
    assert time.monotonic() - start < 1.0


def test_max_attempts_one_does_not_retry(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(429, "throttled", Retry_After="0"), created())
    with pytest.raises(Throttled):
        client(server, session, max_attempts=1).create_participant("c-1", "Ana")
    assert len(server.seen) == 1


def test_timeout_then_created_retries_with_the_same_key(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(Step(201, {}, delay=1.0), created())
    participant = client(server, session, timeout=0.2).create_participant("c-1", "Ana")
    assert participant.participant_token == "secret-token-value"
    assert len(set(keys(server))) == 1 and len(keys(server)) == 2


def test_repeated_timeouts_raise_unreachable(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(Step(201, {}, delay=1.0), Step(201, {}, delay=1.0))
    with pytest.raises(BrokerUnreachable) as caught:
        client(server, session, timeout=0.2, max_attempts=2).create_participant("c-1", "Ana")
    assert (caught.value.status, caught.value.detail) == (None, "timed out waiting for the broker")


def test_refused_connection_is_retried_then_raises_unreachable(
    session: botocore.session.Session,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    broker = BrokerClient(
        f"http://127.0.0.1:{port}", session, region="eu-west-2", backoff=0.01, max_attempts=2
    )
    with pytest.raises(BrokerUnreachable, match="The broker could not be reached: Connection"):
        broker.create_participant("c-1", "Ana")


def test_conflict_is_not_retried(server: ScriptedServer, session: botocore.session.Session) -> None:
    server.script(problem(409, "conflict"), created())
    with pytest.raises(Exception, match="409"):
        client(server, session).create_participant("c-1", "Ana")
    assert len(server.seen) == 1
