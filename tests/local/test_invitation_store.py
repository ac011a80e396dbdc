"""The runtime's own invitation store against moto's DynamoDB (``LocalDynamoDB``), through the
runtime's own DynamoDB client (``broker.aws``): conditional writes, expiry, revocation, the
listing, many simultaneous redemptions, and writes whose answer is lost."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aws_rules.dynamodb_items import MAX_ITEM_BYTES, item_size

from constructs_lib.local.dynamodb import LocalDynamoDB
from runtime.broker import invitation_store as store
from runtime.broker import invitation_tokens as tokens
from runtime.broker.aws.dynamodb import DynamoDBClient
from runtime.broker.dynamodb import ConditionFailed

TABLE = "invitations"
NOW = 1_795_657_288
SECRET = "Vh2kQ9xW1mZr8TfA.3q2-7wJvX0bYc1dZe2fAg3hBi4jCk5lDm6nEo7pFq8r"
HASHED = tokens.secret_hash(SECRET)


@pytest.fixture(scope="module")
def dynamodb(local_dynamodb: LocalDynamoDB) -> Iterator[LocalDynamoDB]:
    local_dynamodb.create_invitation_table(TABLE)
    yield local_dynamodb
    local_dynamodb.reset()


def _client(dynamodb: LocalDynamoDB, attempts: int) -> Any:
    """The runtime's DynamoDB client aimed at moto (``AWS_ENDPOINT_URL_DYNAMODB``)."""
    environ = {
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb.url,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
    }
    return DynamoDBClient(
        region="us-east-1",
        connect_timeout=5,
        read_timeout=10,
        max_attempts=attempts,
        environ=environ,
        sleep=lambda _: None,
    )


@pytest.fixture(scope="module")
def client(dynamodb: LocalDynamoDB) -> Any:
    """A client without retries."""
    return _client(dynamodb, 1)


@pytest.fixture(scope="module")
def retrying(dynamodb: LocalDynamoDB) -> Any:
    """A client that retries once, as the runtime's does (standard mode, 2 attempts)."""
    return _client(dynamodb, 2)


_ids = iter(f"I{n:015d}" for n in range(10**6))


def invitation(**overrides: Any) -> store.Invitation:
    values: dict[str, Any] = {
        "invitation_id": next(_ids),
        "contact_id": "contact-1",
        "role": "CUSTOMER",
        "display_name": None,
        "capabilities": {},
        "uses": 1,
        "uses_left": 1,
        "expires_at": NOW + 900,
        "created_at": NOW,
        "created_by": "arn:aws:iam::1:role/app",
    }
    values.update(overrides)
    return store.Invitation(**values)


def table(client: Any, now: int = NOW) -> store.InvitationStore:
    """The runtime's store on ``client``, its clock at ``now``."""
    return store.InvitationStore(client, TABLE, lambda: float(now))


def put(client: Any, **overrides: Any) -> store.Invitation:
    created = invitation(**overrides)
    table(client).put(created, HASHED)
    return created


def consume(client: Any, invitation_id: str, **overrides: Any) -> store.Outcome:
    arguments: dict[str, Any] = {
        "invitation_id": invitation_id,
        "hashed": HASHED,
        "use_id": tokens.new_use_id(),
        "redemption": None,
        "name_given": True,
    }
    now = overrides.pop("now", NOW)
    arguments.update(overrides)
    return table(client, now).consume(**arguments)


# -- the store against moto's DynamoDB -------------------------------------------------------------


def test_a_one_use_invitation_is_consumed_once(client: Any) -> None:
    created = put(client)
    first = consume(client, created.invitation_id)
    assert isinstance(first, store.Consumed) and first.invitation.uses_left == 0
    assert consume(client, created.invitation_id) == store.Refused("used-up")


def test_put_never_overwrites(client: Any) -> None:
    created = put(client)
    with pytest.raises(ConditionFailed) as failed:
        table(client).put(created, HASHED)
    assert failed.value.code == "ConditionalCheckFailedException"


@pytest.mark.parametrize(
    ("overrides", "consumed_with", "reason"),
    [
        ({}, {"hashed": "0" * 64}, "unknown"),
        ({}, {"invitation_id": "nosuchinvitation"}, "unknown"),
        ({"expires_at": NOW}, {}, "expired"),
        ({"uses_left": 0}, {}, "used-up"),
    ],
)
def test_refusals_and_their_reasons(
    client: Any, overrides: dict[str, Any], consumed_with: dict[str, Any], reason: str
) -> None:
    created = put(client, **overrides)
    sent = {"invitation_id": created.invitation_id, **consumed_with}
    assert consume(client, sent.pop("invitation_id"), **sent) == store.Refused(reason)


def test_an_expired_invitation_still_in_the_table_is_refused_by_the_store_itself(
    client: Any, dynamodb: LocalDynamoDB
) -> None:
    """Time to live deletes an expired item in the background, late (moto never does): the
    store's own condition on ``expiresAt`` refuses it, from its expiry to the second."""
    contact = {"contact_id": "contact-expiry"}
    last_second, expired = (
        put(client, **contact, expires_at=NOW + 1),
        put(client, **contact, expires_at=NOW),
    )
    assert stored(dynamodb, expired.invitation_id)["expiresAt"] == {"N": str(NOW)}
    assert consume(client, expired.invitation_id) == store.Refused("expired")
    assert isinstance(consume(client, last_second.invitation_id), store.Consumed)
    assert table(client).list_open("contact-expiry") == []


def stored(dynamodb: LocalDynamoDB, invitation_id: str) -> dict[str, Any]:
    """The item as the table holds it."""
    (found,) = [i for i in dynamodb.items(TABLE) if i["invitationId"] == {"S": invitation_id}]
    return found


def test_a_revoked_invitation_cannot_be_redeemed(client: Any, dynamodb: LocalDynamoDB) -> None:
    created = put(client)
    revoke = {"invitation_id": created.invitation_id, "contact_id": "contact-1", "creator": None}
    assert table(client, NOW - 1).revoke(**revoke)
    assert table(client, NOW).revoke(**revoke)
    assert consume(client, created.invitation_id) == store.Refused("revoked")
    assert stored(dynamodb, created.invitation_id)["revokedAt"] == {"N": str(NOW - 1)}


def test_revoking_needs_the_contact_and_the_creator_when_named(client: Any) -> None:
    created = put(client)
    base = {"invitation_id": created.invitation_id}
    assert not table(client).revoke(contact_id="contact-2", creator=None, **base)
    assert not table(client).revoke(contact_id="contact-1", creator="someone", **base)
    assert table(client).revoke(contact_id="contact-1", creator="arn:aws:iam::1:role/app", **base)


def test_a_retried_redemption_replays(client: Any) -> None:
    created = put(client)
    key = tokens.redemption_hash(created.invitation_id, "k", "Bo")
    assert isinstance(consume(client, created.invitation_id, redemption=key), store.Consumed)
    again = consume(client, created.invitation_id, redemption=key)
    assert isinstance(again, store.Replayed) and again.invitation.uses_left == 0
    other = tokens.redemption_hash(created.invitation_id, "k2", "Bo")
    assert consume(client, created.invitation_id, redemption=other) == store.Refused("used-up")


def test_the_display_name_must_fit(client: Any) -> None:
    fixed = put(client, display_name="Grandma")
    assert consume(client, fixed.invitation_id) == store.NameMismatch(fixed=True)
    free = put(client)
    assert consume(client, free.invitation_id, name_given=False) == store.NameMismatch(fixed=False)
    assert isinstance(consume(client, fixed.invitation_id, name_given=False), store.Consumed)


def test_a_use_given_back_can_be_redeemed_again(client: Any, dynamodb: LocalDynamoDB) -> None:
    created = put(client)
    key = tokens.redemption_hash(created.invitation_id, "k", "Bo")
    consume(client, created.invitation_id, redemption=key, use_id="use-1")
    assert stored(dynamodb, created.invitation_id)["useIds"] == {"SS": ["use-1"]}
    assert table(client).give_back(created.invitation_id, "use-1", key)
    item = stored(dynamodb, created.invitation_id)
    assert item["usesLeft"] == {"N": "1"} and "redemptions" not in item and "useIds" not in item
    assert isinstance(consume(client, created.invitation_id, redemption=key), store.Consumed)


def test_a_use_is_given_back_once_and_only_by_its_own_redemption(
    client: Any, dynamodb: LocalDynamoDB
) -> None:
    created = put(client, uses=2, uses_left=2)
    consume(client, created.invitation_id, use_id="use-1")
    consume(client, created.invitation_id, use_id="use-2")
    assert table(client).give_back(created.invitation_id, "use-1", None)
    # Again (as after a lost answer): the item is there, the ID is not, so it was given back.
    assert table(client).give_back(created.invitation_id, "use-1", None)
    assert table(client).give_back(created.invitation_id, "use-9", None)
    item = stored(dynamodb, created.invitation_id)
    assert (item["usesLeft"], item["useIds"]) == ({"N": "1"}, {"SS": ["use-2"]})
    assert not table(client).give_back("nosuchinvitatio", "use-2", None)


def test_a_consume_whose_answer_is_lost_is_recognised_when_the_sdk_retries_it(
    client: Any, retrying: Any, dynamodb: LocalDynamoDB
) -> None:
    created = put(client, uses=2, uses_left=2)
    key = tokens.redemption_hash(created.invitation_id, "k", None)
    dynamodb.lose_next_answer("UpdateItem")
    before = dynamodb.calls.count("UpdateItem")
    outcome = consume(retrying, created.invitation_id, use_id="use-1", redemption=key)
    assert dynamodb.calls.count("UpdateItem") == before + 2
    # Consumed, not replayed: this redemption may give its use back.
    assert isinstance(outcome, store.Consumed)
    item = stored(dynamodb, created.invitation_id)
    assert (item["usesLeft"], item["useIds"]) == ({"N": "1"}, {"SS": ["use-1"]})


def test_its_own_use_id_is_consumed_even_if_revoked_since(client: Any) -> None:
    """The write was applied before the revocation: the redemption goes on, once."""
    created = put(client)
    consume(client, created.invitation_id, use_id="use-1")
    revoke = {"invitation_id": created.invitation_id, "contact_id": "contact-1", "creator": None}
    table(client, NOW).revoke(**revoke)
    again = consume(client, created.invitation_id, use_id="use-1")
    assert isinstance(again, store.Consumed) and again.invitation.uses_left == 0
    assert consume(client, created.invitation_id) == store.Refused("revoked")


def test_a_give_back_whose_answer_is_lost_returns_one_use(
    client: Any, retrying: Any, dynamodb: LocalDynamoDB
) -> None:
    """Another redeemer takes the use given back before the SDK resends the give-back."""
    created = put(client, uses=2, uses_left=2)
    consume(client, created.invitation_id, use_id="use-a")
    taken: list[store.Outcome] = []
    dynamodb.lose_next_answer(
        "UpdateItem", then=lambda: taken.append(consume(client, created.invitation_id))
    )
    assert table(retrying).give_back(created.invitation_id, "use-a", None)
    assert isinstance(taken[0], store.Consumed)
    item = stored(dynamodb, created.invitation_id)
    assert item["usesLeft"] == {"N": "1"} and "use-a" not in item["useIds"]["SS"]


def test_the_largest_invitation_item_stays_far_below_dynamodbs_item_limit(
    client: Any, dynamodb: LocalDynamoDB
) -> None:
    """Each use taken adds a use ID and a redemption's hash, and the schema bounds the uses."""
    schema = json.loads((store.TABLE_PATH.parent / "invitations.schema.json").read_text())
    most = schema["definitions"]["CreateInvitationRequest"]["properties"]["uses"]["maximum"]
    created = put(
        client,
        contact_id="c" * 256,
        display_name="\U0001f600" * 256,
        capabilities={"video": "SEND", "screenShare": "SEND"},
        uses=most,
        uses_left=most,
        created_by="arn:aws:iam::123456789012:role/" + "r" * 2000,
    )
    for n in range(most):
        key = tokens.redemption_hash(created.invitation_id, f"key-{n}", None)
        taken = consume(client, created.invitation_id, name_given=False, redemption=key)
        assert isinstance(taken, store.Consumed)
    revoke = {"invitation_id": created.invitation_id, "contact_id": "c" * 256, "creator": None}
    assert table(client, NOW).revoke(**revoke)
    item = stored(dynamodb, created.invitation_id)
    assert len(item["useIds"]["SS"]) == len(item["redemptions"]["SS"]) == most
    assert item_size(item) < MAX_ITEM_BYTES / 20


def test_the_listing_reads_the_index_and_only_open_invitations(client: Any) -> None:
    contact = {"contact_id": "contact-list"}
    kept = [
        put(client, **contact, expires_at=NOW + 60),
        put(client, **contact, uses=2, uses_left=2),
    ]
    put(client, **contact, expires_at=NOW)
    put(client, **contact, uses_left=0)
    revoked = put(client, **contact)
    table(client).revoke(
        invitation_id=revoked.invitation_id, contact_id="contact-list", creator=None
    )
    consume(client, kept[1].invitation_id, redemption="r" * 64)
    found = table(client).list_open("contact-list")
    assert [i.invitation_id for i in found] == [i.invitation_id for i in kept]
    assert found[1].uses_left == 1
    # The index projects no secret hash, creator, use ID or redemption.
    assert {i.created_by for i in found} == {""}
    query = {
        "TableName": TABLE,
        "IndexName": "byContact",
        "KeyConditionExpression": "contactId = :c",
        "ExpressionAttributeValues": {":c": {"S": "contact-list"}},
    }
    assert not {"secretHash", "createdBy", "useIds", "redemptions"}.intersection(
        *client.query(**query)["Items"]
    )


def test_concurrent_redemptions_of_a_one_use_invitation_consume_it_once(client: Any) -> None:
    created = put(client)
    outcomes: list[store.Outcome] = []
    start = threading.Barrier(24)

    def redeem() -> None:
        start.wait()
        outcomes.append(consume(client, created.invitation_id))

    threads = [threading.Thread(target=redeem) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sum(isinstance(outcome, store.Consumed) for outcome in outcomes) == 1
    assert outcomes.count(store.Refused("used-up")) == 23
