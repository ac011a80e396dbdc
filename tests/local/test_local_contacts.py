"""The contact checks end to end: HTTP -> local broker -> the real runtime -> the simulated
Connect's DescribeContact. Every row of the contract's contact checks and contact-bound callers,
reproduced with contact ID prefixes, ``add_contact`` and the ``X-Local-Caller`` header."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from local_http import JSON, Answer, send

from constructs_lib.local import CALLER_HEADER, LocalBroker, LocalBrokerConfig
from constructs_lib.local.fake_connect import FakeConnect, SimulatedContact

URN = "urn:connect-participant-broker:problem:"
FAST = {"connect_read_timeout": 1.0, "connect_max_attempts": 1, "log_level": "ERROR"}


@pytest.fixture(scope="module")
def broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    config = LocalBrokerConfig(allowed_roles=("CUSTOMER", "CUSTOM_BOT"), agent_wait=0.0, **FAST)
    with LocalBroker(config=config, connect=fake_connect) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(fake: FakeConnect) -> None:
    """Every test starts from an empty fake Connect."""


def post(broker: LocalBroker, contact_id: str, body: Any = None, headers: Any = None) -> Answer:
    url = f"{broker.url}/contacts/{contact_id}/participants"
    return send(url, body or {"displayName": "Ana"}, headers)


def kind(answer: Answer) -> tuple[int, str]:
    return answer.status, answer.json()["type"].removeprefix(URN)


@pytest.mark.parametrize(
    ("contact_id", "status", "code"),
    [
        ("notfound-1", 404, "contact-not-found"),
        ("ended-1", 409, "contact-ended"),
        ("task-1", 409, "channel-not-supported"),
        ("email-1", 409, "channel-not-supported"),
        ("phone-1", 409, "channel-not-supported"),
        ("no-agent-1", 409, "agent-not-connected"),
    ],
)
def test_each_contact_check_answers_as_deployed(
    broker: LocalBroker, fake: FakeConnect, contact_id: str, status: int, code: str
) -> None:
    answer = post(broker, contact_id)
    assert kind(answer) == (status, code)
    assert answer.header("content-type") == "application/problem+json"
    assert fake.requests_for("CreateParticipant") == []


def test_agent_not_connected_carries_retry_after(broker: LocalBroker) -> None:
    assert post(broker, "no-agent-1").header("retry-after") == "2"


@pytest.mark.parametrize(
    ("contact_id", "role", "message"),
    [
        ("chat-1", "CUSTOMER", "must be CUSTOM_BOT for a chat"),
        ("call-1", "CUSTOM_BOT", "must be CUSTOMER for a WebRTC call"),
    ],
)
def test_role_that_does_not_fit_the_channel(
    broker: LocalBroker, contact_id: str, role: str, message: str
) -> None:
    answer = post(broker, contact_id, {"displayName": "Ana", "role": role})
    assert kind(answer) == (409, "role-not-valid-for-channel")
    assert answer.json()["errors"] == [{"field": "role", "message": message}]


def test_without_a_role_each_channel_gets_its_own(broker: LocalBroker, fake: FakeConnect) -> None:
    chat, call = post(broker, "chat-1"), post(broker, "call-1")
    assert (chat.status, chat.json()["role"]) == (201, "CUSTOM_BOT")
    assert (call.status, call.json()["role"]) == (201, "CUSTOMER")
    sent = [
        r.json()["ParticipantDetails"]["ParticipantRole"]
        for r in fake.requests_for("CreateParticipant")
    ]
    assert sent == ["CUSTOM_BOT", "CUSTOMER"]


def test_a_contact_added_through_the_api(broker: LocalBroker, fake: FakeConnect) -> None:
    fake.add_contact("my-chat", channel="CHAT")
    assert post(broker, "my-chat").json()["role"] == "CUSTOM_BOT"
    fake.add_contact("my-chat", channel="CHAT", ended=True)
    assert kind(post(broker, "my-chat")) == (409, "contact-ended")


def test_describe_failure_is_answered_like_the_deployed_broker(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    fake.fail_next("ThrottlingException", operation="DescribeContact")
    answer = post(broker, "call-1")
    assert kind(answer) == (429, "throttled")
    assert answer.header("retry-after") == "2"


# --- Waiting for an agent who connects after N seconds (real time, kept short) ---------------


def local_broker(fake: FakeConnect, **settings: Any) -> LocalBroker:
    return LocalBroker(config=LocalBrokerConfig(**{**FAST, **settings}), connect=fake)


def test_agent_connecting_during_the_wait_gets_201(fake: FakeConnect) -> None:
    with local_broker(fake, agent_wait=2.0) as running:
        post(running, "warm-up-1")  # the runtime's first call creates its Connect client
        start = time.monotonic()
        answer = post(running, "agent-after-1-call")
        elapsed = time.monotonic() - start
    assert answer.status == 201
    assert elapsed >= 0.9  # it waited for the agent (the answer came within the 2 s wait)
    assert len(fake.requests_for("DescribeContact")) >= 3  # the warm-up, then at 0 and 1 s


def test_agent_connecting_after_the_wait_gets_409(fake: FakeConnect) -> None:
    with local_broker(fake, agent_wait=0.5) as running:
        answer = post(running, "agent-after-30-call")  # connects long after the 0.5 s wait
        assert kind(answer) == (409, "agent-not-connected")
        assert answer.header("retry-after") == "2"
        assert len(fake.requests_for("DescribeContact")) == 2  # at 0 and at 0.5 s


# --- Contact-bound callers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bound(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    config = LocalBrokerConfig(caller_attribute="brokerCaller", agent_wait=0.0, **FAST)
    with LocalBroker(config=config, connect=fake_connect) as running:
        yield running


def as_caller(caller: str) -> list[tuple[str, str]]:
    return [*JSON, (CALLER_HEADER, caller)]


def test_the_callers_own_contact_gets_the_participant(
    bound: LocalBroker, fake: FakeConnect
) -> None:
    fake.add_contact("ana-call", attributes={"brokerCaller": "ana"})
    assert post(bound, "ana-call", headers=as_caller("ana")).status == 201


def test_someone_elses_contact_answers_exactly_like_a_missing_one(
    bound: LocalBroker, fake: FakeConnect
) -> None:
    fake.add_contact("ana-call", attributes={"brokerCaller": "ana"})
    fake.add_contact("ana-ended", ended=True, attributes={"brokerCaller": "ana"})
    missing = post(bound, "notfound-1", headers=as_caller("bob")).json()
    for contact_id in ("ana-call", "ana-ended", "call-without-attribute"):
        other = post(bound, contact_id, headers=as_caller("bob"))
        assert other.status == 404
        assert {**other.json(), "requestId": None} == {**missing, "requestId": None}


def test_a_request_without_a_caller_is_unauthorized(bound: LocalBroker) -> None:
    assert kind(post(bound, "ana-call")) == (401, "unauthorized")


def test_contacts_can_come_from_a_file(tmp_path: Any) -> None:
    from constructs_lib.local import contacts_from_file

    path = tmp_path / "contacts.json"
    path.write_text(
        '{"call-1": {"agentAfter": 2, "attributes": {"brokerCaller": "ana"}},'
        ' "chat-9": {"channel": "CHAT"}}'
    )
    assert contacts_from_file(path) == {
        "call-1": SimulatedContact(agent_after=2, attributes={"brokerCaller": "ana"}),
        "chat-9": SimulatedContact(channel="CHAT", webrtc=False),
    }


def test_a_contacts_file_with_an_unknown_setting_is_refused(tmp_path: Any) -> None:
    from constructs_lib.local import contacts_from_file

    path = tmp_path / "contacts.json"
    path.write_text('{"call-1": {"agent": 2}}')
    with pytest.raises(ValueError, match="unknown contact setting agent"):
        contacts_from_file(path)


# --- Without the checks, Connect's own generic errors come back -------------------------------


def test_without_contact_checks_connect_refuses_with_its_generic_error(fake: FakeConnect) -> None:
    with local_broker(fake, contact_checks=False) as running:
        for contact_id in ("no-agent-1", "ended-1", "task-1"):
            assert kind(post(running, contact_id)) == (400, "invalid-request")
        assert post(running, "call-1").status == 201
    assert fake.requests_for("DescribeContact") == []
