"""``LocalDynamoDB``, what it adds around moto: the invitation table as the construct creates it,
one request at a time, answers lost on demand, and tables that do not outlive it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError
from local_http import local_client

from constructs_lib import _contract
from constructs_lib.local import LocalBroker, LocalBrokerConfig
from constructs_lib.local.dynamodb import LocalDynamoDB

TABLE = "local-dynamodb"
ONE = {"N": "1"}


@pytest.fixture(scope="module")
def dynamodb(local_dynamodb: LocalDynamoDB) -> Iterator[LocalDynamoDB]:
    local_dynamodb.create_invitation_table(TABLE)
    yield local_dynamodb
    local_dynamodb.reset()


def plain_client(dynamodb: LocalDynamoDB, clients: int = 1) -> Any:
    """A botocore client without retries (``clients`` connections at most)."""
    return local_client("dynamodb", dynamodb.url, max_pool_connections=clients)


def add_one(key: str, condition: str | None = None) -> dict[str, Any]:
    """An UpdateItem request adding 1 to ``n`` of the item ``key``."""
    request: dict[str, Any] = {
        "TableName": TABLE,
        "Key": {"invitationId": {"S": key}},
        "UpdateExpression": "ADD #n :one",
        "ExpressionAttributeNames": {"#n": "n"},
        "ExpressionAttributeValues": {":one": ONE},
    }
    if condition:
        request["ConditionExpression"] = condition
    return request


def test_the_table_is_the_one_the_construct_creates(dynamodb: LocalDynamoDB) -> None:
    layout = _contract.invitation_table()
    client = dynamodb.client()
    table = client.describe_table(TableName=TABLE)["Table"]
    assert table["KeySchema"] == [{"AttributeName": layout["partitionKey"], "KeyType": "HASH"}]
    [index] = table["GlobalSecondaryIndexes"]
    [(name, expected)] = layout["indexes"].items()
    assert (index["IndexName"], index["KeySchema"]) == (
        name,
        [
            {"AttributeName": expected["partitionKey"], "KeyType": "HASH"},
            {"AttributeName": expected["sortKey"], "KeyType": "RANGE"},
        ],
    )
    assert index["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": expected["projected"],
    }
    ttl = client.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": layout["timeToLiveAttribute"]}


def test_a_lost_answer_is_served_then_dropped_and_reset_forgets(dynamodb: LocalDynamoDB) -> None:
    client = plain_client(dynamodb)
    dynamodb.lose_next_answer("UpdateItem", skip=1)
    client.update_item(**add_one("counter"))
    with pytest.raises(ConnectionClosedError):
        client.update_item(**add_one("counter"))
    [item] = dynamodb.items(TABLE)
    assert item["n"] == {"N": "2"}
    assert dynamodb.calls[-3:] == ["UpdateItem", "UpdateItem", "Scan"]
    dynamodb.lose_next_answer("UpdateItem")
    dynamodb.reset()
    assert (dynamodb.items(TABLE), dynamodb.calls) == ([], ["Scan"])
    client.update_item(**add_one("counter"))


def test_conditional_writes_to_one_item_are_served_one_at_a_time(
    dynamodb: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto checks an UpdateItem's condition, then validates and applies the update, without a
    lock: with a pause in between, every request would pass the condition. DynamoDB applies
    each write atomically; served one at a time, exactly one passes."""
    from moto.dynamodb import models

    validator = models.UpdateExpressionValidator

    def slow_validator(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.02)
        return validator(*args, **kwargs)

    monkeypatch.setattr(models, "UpdateExpressionValidator", slow_validator)
    client = plain_client(dynamodb, clients=6)
    start, passed = threading.Barrier(6), []

    def write() -> None:
        start.wait()
        try:
            client.update_item(**add_one("once", "attribute_not_exists(#n)"))
            passed.append(True)
        except client.exceptions.ConditionalCheckFailedException:
            passed.append(False)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(passed) == [False] * 5 + [True]
    [item] = [i for i in dynamodb.items(TABLE) if i["invitationId"] == {"S": "once"}]
    assert item["n"] == ONE


def test_stop_deletes_the_tables_it_created_from_the_process(dynamodb: LocalDynamoDB) -> None:
    """moto's tables belong to the process: another LocalDynamoDB sees them until stopped."""
    with LocalDynamoDB() as other:
        other.create_invitation_table("other-table")
        assert "other-table" in dynamodb.client().list_tables()["TableNames"]
    assert "other-table" not in dynamodb.client().list_tables()["TableNames"]
    other.stop()


def test_the_broker_refuses_a_table_in_another_region(local_dynamodb: LocalDynamoDB) -> None:
    config = LocalBrokerConfig(invitations=True, region="eu-west-2")
    with pytest.raises(ValueError) as raised:
        LocalBroker(config=config, dynamodb=local_dynamodb)
    assert str(raised.value) == (
        "dynamodb serves region 'us-east-1' but config.region is 'eu-west-2'; create it with "
        "LocalDynamoDB(region='eu-west-2')"
    )
