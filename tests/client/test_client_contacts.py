"""BrokerClient and the contact checks: a typed error per answer, and waiting for the agent only
when the call opts in (against a scripted server, then the local broker end to end)."""

from __future__ import annotations

import time

import botocore.session
import pytest
from client_support import ScriptedServer, created, problem

from constructs_lib.client import (
    AgentNotConnected,
    BrokerClient,
    ChannelNotSupported,
    Conflict,
    ContactEnded,
    ContactNotFound,
    RoleNotValidForChannel,
)
from constructs_lib.local import LocalBroker


def scripted(server: ScriptedServer, session: botocore.session.Session) -> BrokerClient:
    return BrokerClient(server.url, session, region="eu-west-2", timeout=1.0, backoff=0.01)


def keys(server: ScriptedServer) -> list[str]:
    return [seen.headers["idempotency-key"] for seen in server.seen]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("contact-ended", ContactEnded),
        ("channel-not-supported", ChannelNotSupported),
        ("agent-not-connected", AgentNotConnected),
        ("role-not-valid-for-channel", RoleNotValidForChannel),
    ],
)
def test_each_contact_answer_is_its_own_conflict(
    server: ScriptedServer, session: botocore.session.Session, code: str, error: type[Conflict]
) -> None:
    server.script(problem(409, code))
    with pytest.raises(error) as caught:
        scripted(server, session).create_participant("c-1", "Ana")
    assert isinstance(caught.value, Conflict)
    assert caught.value.type == f"urn:connect-participant-broker:problem:{code}"
    assert len(server.seen) == 1  # a 409 is never retried on its own


def test_agent_not_connected_carries_retry_after(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(409, "agent-not-connected", Retry_After="2"))
    with pytest.raises(AgentNotConnected) as caught:
        scripted(server, session).create_participant("c-1", "Ana")
    assert caught.value.retry_after == 2.0


def test_waiting_for_the_agent_retries_per_retry_after_with_the_same_key(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(
        problem(409, "agent-not-connected", Retry_After="0"),
        problem(409, "agent-not-connected", Retry_After="0"),
        created(),
    )
    participant = scripted(server, session).create_participant("c-1", "Ana", wait_for_agent=5)
    assert participant.participant_id == "5c3e5f4e-4e0c-4a43-9d1b-3b1f1a7f2f10"
    assert len(keys(server)) == 3 and len(set(keys(server))) == 1


def test_waiting_stops_when_retry_after_would_pass_the_wait(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(409, "agent-not-connected", Retry_After="3"), created())
    start = time.monotonic()
    with pytest.raises(AgentNotConnected):
        scripted(server, session).create_participant("c-1", "Ana", wait_for_agent=2)
    assert time.monotonic() - start < 2.5 and len(server.seen) == 1  # no 3 s sleep


def test_waiting_for_the_agent_does_not_retry_other_conflicts(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(problem(409, "contact-ended", Retry_After="0"), created())
    with pytest.raises(ContactEnded):
        scripted(server, session).create_participant("c-1", "Ana", wait_for_agent=5)
    assert len(server.seen) == 1


def test_role_comes_back_on_the_participant(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    step = created()
    server.script(
        type(step)(201, {**step.body, "role": "CUSTOM_BOT"}, content_type="application/json")
    )
    assert scripted(server, session).create_participant("c-1", "Bot").role == "CUSTOM_BOT"


def test_a_broker_that_names_no_role_gives_none(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(created())
    assert scripted(server, session).create_participant("c-1", "Ana").role is None


# --- End to end, through the local broker ---------------------------------------------------


@pytest.fixture(scope="module")
def broker(local_broker: LocalBroker) -> BrokerClient:
    return BrokerClient(local_broker.url, sign=False, timeout=10.0, max_attempts=1)


@pytest.mark.parametrize(
    ("contact_id", "error"),
    [
        ("ended-1", ContactEnded),
        ("task-1", ChannelNotSupported),
        ("phone-1", ChannelNotSupported),
        ("notfound-1", ContactNotFound),
    ],
)
def test_local_contacts_raise_typed_errors(
    broker: BrokerClient, contact_id: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        broker.create_participant(contact_id, "Ana")


def test_local_webrtc_call_names_the_role(broker: BrokerClient) -> None:
    assert broker.create_participant("call-1", "Ana").role == "CUSTOMER"


def test_local_agent_who_never_connects(broker: BrokerClient) -> None:
    with pytest.raises(AgentNotConnected) as caught:
        broker.create_participant("no-agent-1", "Ana")
    assert caught.value.retry_after == 2.0


def test_local_role_that_does_not_fit_the_channel(broker: BrokerClient) -> None:
    with pytest.raises(RoleNotValidForChannel) as caught:
        broker.create_participant("chat-1", "Ana", role="CUSTOMER")
    assert [e["field"] for e in caught.value.errors] == ["role"]


def test_local_agent_who_connects_after_a_second_with_wait_for_agent(
    broker: BrokerClient,
) -> None:
    """The local broker answers at once (no wait configured): 409 with Retry-After 2; the
    client waits those 2 s and asks again, when the agent has connected."""
    start = time.monotonic()
    participant = broker.create_participant("agent-after-1-call", "Ana", wait_for_agent=10)
    assert participant.role == "CUSTOMER"
    assert time.monotonic() - start >= 2  # it waited Retry-After before asking again
