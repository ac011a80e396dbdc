"""The local broker with invitations: the routes as API Gateway would route them, many
simultaneous redemptions of an invitation adding exactly one participant per use, and table writes
applied but answered too late (the SDK resends them) taking and giving back exactly one use."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from local_http import JSON, Answer, send

from constructs_lib.local import (
    INVITATION_TABLE,
    LocalBroker,
    LocalBrokerConfig,
    _parse_args,
    config_from_args,
)
from constructs_lib.local.dynamodb import LocalDynamoDB
from constructs_lib.local.fake_connect import FakeConnect

APP = "https://app.example.com"
INVITATIONS = "/contacts/contact-1/invitations"
REDEEM = "/invitations/redeem"


@pytest.fixture(scope="module")
def broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    config = LocalBrokerConfig(invitations=True, log_level="ERROR", cors_allowed_origins=(APP,))
    with LocalBroker(config=config, connect=fake_connect) as running:
        yield running


@pytest.fixture
def table(broker: LocalBroker) -> Iterator[LocalDynamoDB]:
    """The broker's DynamoDB, its table empty and its calls counted from the test's start, with
    no answer left to lose after it."""
    assert broker.dynamodb is not None
    broker.dynamodb.reset()
    yield broker.dynamodb
    broker.dynamodb.reset()


def created(fake: FakeConnect) -> int:
    """How many participants the simulated Connect added."""
    return sum(r.path == "/contact/create-participant" for r in fake.requests)


def create(broker: LocalBroker, body: dict[str, object]) -> Answer:
    answer = send(broker.url + INVITATIONS, body)
    assert answer.status == 201, answer.raw
    return answer


@pytest.mark.parametrize("uses", [1, 3])
def test_many_simultaneous_redemptions_add_one_participant_per_use(
    broker: LocalBroker, fake: FakeConnect, uses: int
) -> None:
    secret = create(broker, {"displayName": "Grandma", "uses": uses}).json()["secret"]
    answers: list[Answer] = []
    start = threading.Barrier(20)

    def redeem() -> None:
        start.wait()
        answers.append(send(broker.url + REDEEM, {"secret": secret}))

    threads = [threading.Thread(target=redeem) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [201] * uses + [404] * (20 - uses)
    assert created(fake) == uses


def test_a_multi_use_invitation_admits_exactly_its_uses(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    secret = create(broker, {"uses": 3}).json()["secret"]
    statuses = [
        send(broker.url + REDEEM, {"secret": secret, "displayName": f"Guest {n}"}).status
        for n in range(5)
    ]
    assert statuses == [201, 201, 201, 404, 404]
    assert created(fake) == 3


def test_a_use_is_given_back_when_connect_refuses(broker: LocalBroker, fake: FakeConnect) -> None:
    secret = create(broker, {"displayName": "Grandma"}).json()["secret"]
    fake.fail_next("ConflictException")
    assert send(broker.url + REDEEM, {"secret": secret}).status == 409
    assert send(broker.url + REDEEM, {"secret": secret}).status == 201


def redeem_all(broker: LocalBroker, secret: str, times: int) -> list[int]:
    """The statuses of ``times`` redemptions, one after the other, without Idempotency-Key."""
    return [send(broker.url + REDEEM, {"secret": secret}).status for _ in range(times)]


@pytest.mark.parametrize("uses", [1, 2])
def test_a_redemption_whose_consuming_write_is_answered_too_late_takes_one_use(
    broker: LocalBroker, fake: FakeConnect, table: LocalDynamoDB, uses: int
) -> None:
    """The write is applied, its answer lost; the SDK sends it again (no Idempotency-Key)."""
    secret = create(broker, {"uses": uses, "displayName": "Guest"}).json()["secret"]
    table.lose_next_answer("UpdateItem")
    assert redeem_all(broker, secret, uses + 1) == [201] * uses + [404]
    assert created(fake) == uses
    assert table.calls.count("UpdateItem") == uses + 2


def test_a_replayable_redemption_answered_too_late_still_gives_its_use_back(
    broker: LocalBroker, fake: FakeConnect, table: LocalDynamoDB
) -> None:
    """With an Idempotency-Key, the resent write is this redemption's own, not a replay: when
    Connect then refuses, the use comes back."""
    secret = create(broker, {"uses": 2, "displayName": "Guest"}).json()["secret"]
    table.lose_next_answer("UpdateItem")
    fake.fail_next("ConflictException")
    key = [("Idempotency-Key", "retry-me")]
    assert send(broker.url + REDEEM, {"secret": secret}, headers=JSON + key).status == 409
    assert redeem_all(broker, secret, 3) == [201, 201, 404]


def test_a_give_back_answered_too_late_returns_one_use_while_another_redeems(
    broker: LocalBroker, fake: FakeConnect, table: LocalDynamoDB
) -> None:
    """Connect refuses the first redeemer, whose use is given back; that write is applied, its
    answer lost, and a second redeemer takes the use before the SDK sends it again."""
    secret = create(broker, {"uses": 2, "displayName": "Guest"}).json()["secret"]
    meanwhile: list[int] = []
    fake.fail_next("ConflictException")
    table.lose_next_answer(
        "UpdateItem", skip=1, then=lambda: meanwhile.extend(redeem_all(broker, secret, 1))
    )
    assert redeem_all(broker, secret, 1) == [409]
    assert meanwhile == [201]
    assert redeem_all(broker, secret, 2) == [201, 404]


def test_an_integer_written_with_a_zero_fraction_is_that_integer_down_to_the_table(
    broker: LocalBroker, fake: FakeConnect
) -> None:
    answer = send(broker.url + INVITATIONS, b'{"uses": 2.0, "lifetimeSeconds": 6e2}')
    assert answer.status == 201, answer.raw
    invitation = answer.json()
    assert (invitation["uses"], type(invitation["uses"])) == (2, int)
    assert broker.dynamodb is not None
    [stored] = [
        item
        for item in broker.dynamodb.items(INVITATION_TABLE)
        if item["invitationId"] == {"S": invitation["invitationId"]}
    ]
    assert (stored["uses"], stored["usesLeft"]) == ({"N": "2"}, {"N": "2"})
    assert int(stored["expiresAt"]["N"]) - int(stored["createdAt"]["N"]) == 600
    body = {"secret": invitation["secret"], "displayName": "Guest"}
    assert [send(broker.url + REDEEM, body).status for _ in range(3)] == [201, 201, 404]


def test_a_fraction_is_not_an_integer(broker: LocalBroker) -> None:
    answer = send(broker.url + INVITATIONS, b'{"uses": 2.5}')
    assert answer.status == 400
    assert answer.json() == {
        "type": "urn:connect-participant-broker:problem:invalid-request",
        "title": "The request is not valid",
        "status": 400,
        "detail": "The request is not valid; see errors for what to fix.",
        "errors": [{"field": "uses", "message": "must be an integer"}],
        "requestId": answer.header("x-amzn-requestid"),
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", INVITATIONS),
        ("GET", REDEEM),
        ("POST", INVITATIONS + "/Vh2kQ9xW1mZr8TfA"),
        ("GET", "/invitations"),
    ],
)
def test_a_method_the_api_lacks_is_api_gateways_403(
    broker: LocalBroker, method: str, path: str
) -> None:
    answer = send(broker.url + path, {}, method=method)
    assert (answer.status, answer.json()["type"]) == (
        403,
        "urn:connect-participant-broker:problem:access-denied",
    )


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        (INVITATIONS, "GET,POST,OPTIONS"),
        (INVITATIONS + "/Vh2kQ9xW1mZr8TfA", "DELETE,OPTIONS"),
        (REDEEM, "POST,OPTIONS"),
    ],
)
def test_each_invitation_route_has_its_preflight(
    broker: LocalBroker, path: str, methods: str
) -> None:
    answer = send(broker.url + path, b"", headers=[("Origin", APP)], method="OPTIONS")
    assert (answer.status, answer.header("Access-Control-Allow-Methods")) == (204, methods)


def test_without_invitations_their_routes_do_not_exist(fake_connect: FakeConnect) -> None:
    with LocalBroker(config=LocalBrokerConfig(log_level="ERROR"), connect=fake_connect) as plain:
        assert plain.dynamodb is None
        for path in (INVITATIONS, REDEEM):
            assert send(plain.url + path, {"secret": "x"}, headers=JSON).status == 403


def test_the_command_line_turns_invitations_on() -> None:
    assert config_from_args(_parse_args(["--invitations"])).invitations
    assert not config_from_args(_parse_args([])).invitations
