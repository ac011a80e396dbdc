"""BrokerClient's invitation calls: the requests they send (a scripted server), their typed
results and errors, and the whole invite flow against the local broker with invitations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import botocore.session
import pytest
from client_support import PARTICIPANT, ScriptedServer, Step, problem

from constructs_lib.client import (
    BrokerClient,
    BrokerError,
    Invitation,
    InvitationNotValid,
    InvitationStoreUnavailable,
    NotAllowed,
    OpenInvitation,
    Unavailable,
)
from constructs_lib.local import LocalBroker, LocalBrokerConfig
from constructs_lib.local.fake_connect import FakeConnect

SECRET = "Vh2kQ9xW1mZr8TfA.3q2-7wJvX0bYc1dZe2fAg3hBi4jCk5lDm6nEo7pFq8r"
CREATED = {
    "invitationId": "Vh2kQ9xW1mZr8TfA",
    "secret": SECRET,
    "expiry": "2026-11-26T01:56:28Z",
    "uses": 2,
    "role": "CUSTOMER",
}


def signed(server: ScriptedServer, session: botocore.session.Session) -> BrokerClient:
    return BrokerClient(server.url, session, region="eu-west-2", timeout=1.0, max_attempts=1)


def ok(status: int, body: object = None) -> Step:
    return Step(status, body, content_type="application/json")


def test_create_sends_the_options_signed(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(ok(201, CREATED))
    invitation = signed(server, session).create_invitation(
        "c/1", display_name="Grandma", video=True, lifetime_seconds=600, uses=2
    )
    assert invitation == Invitation(
        "Vh2kQ9xW1mZr8TfA", SECRET, datetime(2026, 11, 26, 1, 56, 28, tzinfo=UTC), 2, "CUSTOMER"
    )
    assert SECRET not in repr(invitation)
    (seen,) = server.seen
    assert (seen.method, seen.path) == ("POST", "/prod/contacts/c%2F1/invitations")
    assert json.loads(seen.body) == {
        "displayName": "Grandma",
        "capabilities": {"video": "SEND"},
        "lifetimeSeconds": 600,
        "uses": 2,
    }
    assert seen.headers["authorization"].startswith("AWS4-HMAC-SHA256 ")
    assert "idempotency-key" not in seen.headers


def test_list_sends_no_body_and_reads_every_field(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    entry = {
        "invitationId": "Vh2kQ9xW1mZr8TfA",
        "expiry": "2026-11-26T01:56:28Z",
        "uses": 2,
        "usesLeft": 1,
        "role": "CUSTOMER",
        "displayName": "Grandma",
        "capabilities": {"video": "SEND"},
    }
    server.script(ok(200, {"invitations": [entry]}))
    assert signed(server, session).list_invitations("c-1") == [
        OpenInvitation(
            "Vh2kQ9xW1mZr8TfA",
            datetime(2026, 11, 26, 1, 56, 28, tzinfo=UTC),
            2,
            1,
            "CUSTOMER",
            "Grandma",
            {"video": "SEND"},
        )
    ]
    (seen,) = server.seen
    assert (seen.method, seen.path, seen.body) == ("GET", "/prod/contacts/c-1/invitations", b"")
    assert "content-type" not in seen.headers


def test_revoke_sends_a_delete_and_raises_on_404(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(Step(204, None), problem(404, "invitation-not-valid"))
    client = signed(server, session)
    assert client.revoke_invitation("c-1", "Vh2kQ9xW1mZr8TfA") is None
    with pytest.raises(InvitationNotValid):
        client.revoke_invitation("c-1", "Vh2kQ9xW1mZr8TfA")
    assert [(s.method, s.path) for s in server.seen] == [
        ("DELETE", "/prod/contacts/c-1/invitations/Vh2kQ9xW1mZr8TfA")
    ] * 2


def test_redeem_is_never_signed_and_carries_a_key(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    server.script(ok(201, PARTICIPANT))
    participant = signed(server, session).redeem_invitation(SECRET, "Bo")
    assert participant.participant_token == "secret-token-value"
    (seen,) = server.seen
    assert (seen.method, seen.path) == ("POST", "/prod/invitations/redeem")
    assert json.loads(seen.body) == {"secret": SECRET, "displayName": "Bo"}
    assert "authorization" not in seen.headers and "x-amz-date" not in seen.headers
    assert seen.headers["idempotency-key"] and seen.headers["content-type"] == "application/json"


def test_redeem_with_a_token_authorizer_sends_no_token(server: ScriptedServer) -> None:
    server.script(ok(201, PARTICIPANT))
    BrokerClient(server.url, authorization="user-token", max_attempts=1).redeem_invitation(SECRET)
    assert "authorization" not in server.seen[0].headers


def test_a_retried_redemption_reuses_its_key(server: ScriptedServer) -> None:
    server.script(problem(503, "unavailable", Retry_After="0"), ok(201, PARTICIPANT))
    BrokerClient(server.url, sign=False, max_attempts=2, backoff=0).redeem_invitation(SECRET)
    first, second = server.seen
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


@pytest.mark.parametrize(
    ("step", "error"),
    [
        (problem(404, "invitation-not-valid"), InvitationNotValid),
        (problem(503, "invitations-unavailable"), InvitationStoreUnavailable),
        (problem(403, "not-allowed"), NotAllowed),
    ],
)
def test_invitation_problems_raise_typed_errors(
    server: ScriptedServer, step: Step, error: type[BrokerError]
) -> None:
    server.script(step)
    with pytest.raises(error) as caught:
        BrokerClient(server.url, sign=False, max_attempts=1).redeem_invitation(SECRET)
    assert type(caught.value) is error


def test_the_store_error_is_an_unavailable_error() -> None:
    assert issubclass(InvitationStoreUnavailable, Unavailable)


@pytest.mark.parametrize(
    ("status", "body", "call"),
    [
        (201, {"invitationId": "x"}, "create"),
        (200, {"invitations": [{"uses": 1}]}, "list"),
        (200, [], "list"),
    ],
)
def test_an_answer_that_breaks_the_contract_raises(
    server: ScriptedServer, status: int, body: object, call: str
) -> None:
    server.script(ok(status, body))
    client = BrokerClient(server.url, sign=False, max_attempts=1)
    with pytest.raises(BrokerError, match=f"{status} Unexpected response"):
        if call == "create":
            client.create_invitation("c-1")
        else:
            client.list_invitations("c-1")


# -- the invite flow against the local broker -----------------------------------------------


@pytest.fixture(scope="module")
def inviting_broker() -> Iterator[BrokerClient]:
    config = LocalBrokerConfig(invitations=True, log_level="ERROR", connect_max_attempts=1)
    with FakeConnect() as connect, LocalBroker(config=config, connect=connect) as local:
        yield BrokerClient(local.url, sign=False, timeout=5.0, max_attempts=1)


def test_the_invite_flow(inviting_broker: BrokerClient) -> None:
    caller = inviting_broker
    invitation = caller.create_invitation("contact-flow", video=True, uses=2)
    [listed] = caller.list_invitations("contact-flow")
    assert (listed.invitation_id, listed.uses_left) == (invitation.invitation_id, 2)
    invitee = BrokerClient(caller.url, sign=False, timeout=5.0, max_attempts=1)
    first = invitee.redeem_invitation(invitation.secret, "Grandma", idempotency_key="k")
    assert invitee.redeem_invitation(invitation.secret, "Grandma", idempotency_key="k") == first
    [listed] = caller.list_invitations("contact-flow")
    assert listed.uses_left == 1
    caller.revoke_invitation("contact-flow", invitation.invitation_id)
    assert caller.list_invitations("contact-flow") == []
    with pytest.raises(InvitationNotValid):
        invitee.redeem_invitation(invitation.secret, "Cousin")


def test_a_fixed_name_cannot_be_changed_by_the_invitee(inviting_broker: BrokerClient) -> None:
    invitation = inviting_broker.create_invitation("contact-name", display_name="Interpreter")
    with pytest.raises(BrokerError) as caught:
        inviting_broker.redeem_invitation(invitation.secret, "Someone else")
    assert caught.value.errors == (
        {"field": "displayName", "message": "is set by the invitation: leave it out"},
    )
    assert inviting_broker.redeem_invitation(invitation.secret).participant_id
