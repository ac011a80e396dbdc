"""The simulated DynamoDB: DynamoDB's documented expression semantics, and the runtime's own
invitation store running against it through a real botocore client (the reduced model)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aws_rules.dynamodb_items import MAX_ITEM_BYTES, item_size
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from constructs_lib.local import _ddb_expressions as expressions
from constructs_lib.local.fake_dynamodb import FakeDynamoDB
from runtime.broker import connect, dynamodb
from runtime.broker import invitation_store as store
from runtime.broker import invitation_tokens as tokens

TABLE = "invitations"
NOW = 1_795_657_288
SECRET = "Vh2kQ9xW1mZr8TfA.3q2-7wJvX0bYc1dZe2fAg3hBi4jCk5lDm6nEo7pFq8r"
HASHED = tokens.secret_hash(SECRET)


@pytest.fixture(scope="module")
def fake_dynamodb() -> Iterator[FakeDynamoDB]:
    with FakeDynamoDB() as fake:
        yield fake


def _client(fake: FakeDynamoDB, attempts: int) -> Any:
    """The runtime's session (reduced DynamoDB model), aimed at the fake."""
    return connect.session().create_client(
        "dynamodb",
        endpoint_url=fake.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )


@pytest.fixture(scope="module")
def client(fake_dynamodb: FakeDynamoDB) -> Any:
    """A client without retries."""
    return _client(fake_dynamodb, 1)


@pytest.fixture(scope="module")
def retrying(fake_dynamodb: FakeDynamoDB) -> Any:
    """A client that retries once, as the runtime's does (standard mode, 2 attempts)."""
    return _client(fake_dynamodb, 2)


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
    arguments.update(overrides)
    return table(client).consume(**arguments)


# -- the store against the fake -------------------------------------------------------------


def test_a_one_use_invitation_is_consumed_once(client: Any) -> None:
    created = put(client)
    first = consume(client, created.invitation_id)
    assert isinstance(first, store.Consumed) and first.invitation.uses_left == 0
    assert consume(client, created.invitation_id) == store.Refused("used-up")


def test_put_never_overwrites(client: Any) -> None:
    created = put(client)
    with pytest.raises(dynamodb.ConditionFailed) as failed:
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


def stored(fake: FakeDynamoDB, invitation_id: str) -> dict[str, Any]:
    """The item as the fake holds it."""
    (found,) = [i for i in fake.items(TABLE) if i["invitationId"] == {"S": invitation_id}]
    return found


def test_a_revoked_invitation_cannot_be_redeemed(client: Any, fake_dynamodb: FakeDynamoDB) -> None:
    created = put(client)
    revoke = {"invitation_id": created.invitation_id, "contact_id": "contact-1", "creator": None}
    assert table(client, NOW - 1).revoke(**revoke)
    assert table(client, NOW).revoke(**revoke)
    assert consume(client, created.invitation_id) == store.Refused("revoked")
    assert stored(fake_dynamodb, created.invitation_id)["revokedAt"] == {"N": str(NOW - 1)}


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


def test_a_use_given_back_can_be_redeemed_again(client: Any, fake_dynamodb: FakeDynamoDB) -> None:
    created = put(client)
    key = tokens.redemption_hash(created.invitation_id, "k", "Bo")
    consume(client, created.invitation_id, redemption=key, use_id="use-1")
    assert stored(fake_dynamodb, created.invitation_id)["useIds"] == {"SS": ["use-1"]}
    assert table(client).give_back(created.invitation_id, "use-1", key)
    item = stored(fake_dynamodb, created.invitation_id)
    assert item["usesLeft"] == {"N": "1"} and "redemptions" not in item and "useIds" not in item
    assert isinstance(consume(client, created.invitation_id, redemption=key), store.Consumed)


def test_a_use_is_given_back_once_and_only_by_its_own_redemption(
    client: Any, fake_dynamodb: FakeDynamoDB
) -> None:
    created = put(client, uses=2, uses_left=2)
    consume(client, created.invitation_id, use_id="use-1")
    consume(client, created.invitation_id, use_id="use-2")
    assert table(client).give_back(created.invitation_id, "use-1", None)
    # Again (as after a lost answer): the item is there, the ID is not, so it was given back.
    assert table(client).give_back(created.invitation_id, "use-1", None)
    assert table(client).give_back(created.invitation_id, "use-9", None)
    item = stored(fake_dynamodb, created.invitation_id)
    assert (item["usesLeft"], item["useIds"]) == ({"N": "1"}, {"SS": ["use-2"]})
    assert not table(client).give_back("nosuchinvitatio", "use-2", None)


def test_a_consume_whose_answer_is_lost_is_recognised_when_the_sdk_retries_it(
    client: Any, retrying: Any, fake_dynamodb: FakeDynamoDB
) -> None:
    created = put(client, uses=2, uses_left=2)
    key = tokens.redemption_hash(created.invitation_id, "k", None)
    fake_dynamodb.lose_next_answer("UpdateItem")
    before = fake_dynamodb.calls.count("UpdateItem")
    outcome = consume(retrying, created.invitation_id, use_id="use-1", redemption=key)
    assert fake_dynamodb.calls.count("UpdateItem") == before + 2
    # Consumed, not replayed: this redemption may give its use back.
    assert isinstance(outcome, store.Consumed)
    item = stored(fake_dynamodb, created.invitation_id)
    assert (item["usesLeft"], item["useIds"]) == ({"N": "1"}, {"SS": ["use-1"]})


def test_its_own_use_id_is_consumed_even_if_revoked_since(client: Any) -> None:
    """The write was applied before the revocation: the redemption goes on, once."""
    created = put(client)
    consume(client, created.invitation_id, use_id="use-1")
    revoke = {"invitation_id": created.invitation_id, "contact_id": "contact-1", "creator": None}
    table(client).revoke(**revoke)
    again = consume(client, created.invitation_id, use_id="use-1")
    assert isinstance(again, store.Consumed) and again.invitation.uses_left == 0
    assert consume(client, created.invitation_id) == store.Refused("revoked")


def test_a_give_back_whose_answer_is_lost_returns_one_use(
    client: Any, retrying: Any, fake_dynamodb: FakeDynamoDB
) -> None:
    """Another redeemer takes the use given back before the SDK resends the give-back."""
    created = put(client, uses=2, uses_left=2)
    consume(client, created.invitation_id, use_id="use-a")
    taken: list[store.Outcome] = []
    fake_dynamodb.lose_next_answer(
        "UpdateItem", then=lambda: taken.append(consume(client, created.invitation_id))
    )
    assert table(retrying).give_back(created.invitation_id, "use-a", None)
    assert isinstance(taken[0], store.Consumed)
    item = stored(fake_dynamodb, created.invitation_id)
    assert item["usesLeft"] == {"N": "1"} and "use-a" not in item["useIds"]["SS"]


class _InProcess:
    """The store's client, served by the fake in this thread (no HTTP, for many writes)."""

    def __init__(self, fake: FakeDynamoDB) -> None:
        self.fake = fake

    def put_item(self, **request: Any) -> dict[str, Any]:
        return self.fake.call("PutItem", request)

    def update_item(self, **request: Any) -> dict[str, Any]:
        return self.fake.call("UpdateItem", request)


def test_the_largest_invitation_item_stays_far_below_dynamodbs_item_limit(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    """Each use taken adds a use ID and a redemption's hash, and the schema bounds the uses."""
    schema = json.loads((store.TABLE_PATH.parent / "invitations.schema.json").read_text())
    most = schema["definitions"]["CreateInvitationRequest"]["properties"]["uses"]["maximum"]
    direct = _InProcess(fake_dynamodb)
    created = put(
        direct,
        contact_id="c" * 256,
        display_name="\U0001f600" * 256,
        capabilities={"video": "SEND", "screenShare": "SEND"},
        uses=most,
        uses_left=most,
        created_by="arn:aws:iam::123456789012:role/" + "r" * 2000,
    )
    for n in range(most):
        key = tokens.redemption_hash(created.invitation_id, f"key-{n}", None)
        taken = consume(direct, created.invitation_id, name_given=False, redemption=key)
        assert isinstance(taken, store.Consumed)
    revoke = {"invitation_id": created.invitation_id, "contact_id": "c" * 256, "creator": None}
    assert table(direct).revoke(**revoke)
    item = stored(fake_dynamodb, created.invitation_id)
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


# -- the expressions as DynamoDB documents them ---------------------------------------------


N1, N2, S1 = {"N": "1"}, {"N": "10"}, {"S": "x"}


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("#a < :two", {"a": N1}, True),
        ("#a > :two", {"a": N2}, True),  # numbers compare as numbers, not text
        ("#a = :two", {"a": S1}, False),  # different types never compare equal
        ("#a <> :two", {"a": S1}, True),
        ("#a > :two", {}, False),  # a missing attribute compares false
        ("NOT #a > :two", {}, True),
        ("attribute_exists(#a) OR attribute_exists(#b) AND #b = :two", {"a": N1}, True),
        ("(attribute_exists(#a) OR attribute_exists(#b)) AND #b = :two", {"a": N1}, False),
        ("NOT attribute_exists(#a) AND attribute_exists(#b)", {"b": N1}, True),
    ],
)
def test_conditions(text: str, item: dict[str, Any], expected: bool) -> None:
    placeholders = expressions.Placeholders(
        names={"#a": "a", "#b": "b"}, values={":two": {"N": "2"}}
    )
    assert expressions.condition(text, placeholders)(item) is expected


def test_contains_on_a_string_set_and_a_string() -> None:
    placeholders = expressions.Placeholders(names={"#a": "a"}, values={":v": {"S": "x"}})
    holds = expressions.condition("contains(#a, :v)", placeholders)
    assert holds({"a": {"SS": ["x", "y"]}}) and holds({"a": {"S": "axe"}})
    assert not holds({"a": {"SS": ["y"]}}) and not holds({})


def test_an_update_reads_the_item_as_it_was() -> None:
    placeholders = expressions.Placeholders(
        names={"#a": "a", "#b": "b"}, values={":one": {"N": "1"}}
    )
    apply = expressions.update("SET #a = #a + :one, #b = #a", placeholders)
    assert apply({"a": {"N": "1"}}) == {"a": {"N": "2"}, "b": {"N": "1"}}


@pytest.mark.parametrize(
    ("names", "values", "message"),
    [
        ({"#a": "a", "#unused": "u"}, {":one": N1}, "unused"),
        ({"#a": "a"}, {":one": N1, ":unused": N1}, "unused"),
        ({}, {":one": N1}, "not defined: #a"),
    ],
)
def test_placeholders_must_be_defined_and_used(
    client: Any, names: dict[str, str], values: dict[str, Any], message: str
) -> None:
    request: dict[str, Any] = {
        "TableName": TABLE,
        "Key": {"invitationId": {"S": "whatever"}},
        "UpdateExpression": "SET #a = :one",
        "ExpressionAttributeValues": values,
    }
    if names:
        request["ExpressionAttributeNames"] = names
    with pytest.raises(ClientError, match="ValidationException") as raised:
        client.update_item(**request)
    assert message in raised.value.response["Error"]["Message"]


def test_a_query_pages_with_limit_and_exclusive_start_key(client: Any) -> None:
    for offset in (10, 20, 30):
        put(client, contact_id="contact-pages", expires_at=NOW + offset)
    query = {
        "TableName": TABLE,
        "IndexName": "byContact",
        "KeyConditionExpression": "contactId = :c",
        "ExpressionAttributeValues": {":c": {"S": "contact-pages"}},
        "Limit": 2,
    }
    first = client.query(**query)
    second = client.query(**query, ExclusiveStartKey=first["LastEvaluatedKey"])
    expiries = [i["expiresAt"]["N"] for i in first["Items"] + second["Items"]]
    assert expiries == [str(NOW + 10), str(NOW + 20), str(NOW + 30)]
    assert "LastEvaluatedKey" not in second
    assert "secretHash" not in first["Items"][0]


def test_add_and_delete_on_a_set() -> None:
    placeholders = expressions.Placeholders(
        names={"#a": "a", "#b": "b"}, values={":x": {"SS": ["x"]}, ":xy": {"SS": ["x", "y"]}}
    )
    add = expressions.update("ADD #a :x, #b :xy", placeholders)
    assert add({"a": {"SS": ["y"]}}) == {"a": {"SS": ["y", "x"]}, "b": {"SS": ["x", "y"]}}
    delete = expressions.update("DELETE #a :xy, #b :x", placeholders)
    # A set left empty is removed (DynamoDB has no empty sets); a missing one stays missing.
    assert delete({"a": {"SS": ["x", "y"]}}) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SET #a = :one SET #b = :one", 'The "SET" section can only be used once'),
        ("SET #a = :one ADD #a :one", "Two document paths overlap: [a]"),
        ("DELETE #a :one", "incorrect data type"),
        ("ADD #b :one", "incorrect data type"),
    ],
)
def test_update_expressions_dynamodb_refuses(text: str, message: str) -> None:
    placeholders = expressions.Placeholders(names={"#a": "a", "#b": "b"}, values={":one": N1})
    with pytest.raises(expressions.ExpressionError) as raised:
        expressions.update(text, placeholders)({"b": {"SS": ["x"]}})
    assert message in str(raised.value)


def test_a_lost_answer_is_served_then_dropped_and_reset_forgets() -> None:
    with FakeDynamoDB() as fake:
        plain = _client(fake, 1)
        fake.lose_next_answer("UpdateItem", skip=1)
        request = {
            "TableName": TABLE,
            "Key": {"invitationId": {"S": "counter"}},
            "UpdateExpression": "ADD #n :one",
            "ExpressionAttributeNames": {"#n": "n"},
            "ExpressionAttributeValues": {":one": N1},
        }
        plain.update_item(**request)
        with pytest.raises(ConnectionClosedError):
            plain.update_item(**request)
        assert fake.items(TABLE)[0]["n"] == {"N": "2"}
        fake.lose_next_answer("UpdateItem")
        fake.reset()
        assert (fake.items(TABLE), fake.calls) == ([], [])
        plain.update_item(**request)
