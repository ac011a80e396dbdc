"""The DynamoDB client the runtime builds (``broker.aws``) for the invitation store."""

from __future__ import annotations

from typing import Any, cast

import pytest

from runtime.broker import dynamodb
from runtime.broker.aws import dynamodb as aws_dynamodb
from runtime.broker.aws.errors import ClientError, ReadTimeoutError


def test_the_client_calls_exactly_the_three_operations_the_store_calls() -> None:
    called = sorted(
        name for name in vars(aws_dynamodb.DynamoDBClient) if name.islower() and name[0] != "_"
    )
    assert called == ["put_item", "query", "update_item"]


def test_the_client_has_the_budget_of_the_module_docstring(shared_table_client: Any) -> None:
    client = shared_table_client
    assert (client.connect_timeout, client.read_timeout) == (0.5, 1.0)
    assert client.policy.max_attempts == 2


def test_the_client_is_in_the_functions_region_and_names_the_broker(
    shared_table_client: Any,
) -> None:
    assert shared_table_client.region == "eu-west-1"
    assert shared_table_client.endpoint.url == "https://dynamodb.eu-west-1.amazonaws.com"
    assert shared_table_client.user_agent.startswith("connect-participant-broker/1 ")


def test_a_call_takes_at_most_4_seconds() -> None:
    """Two attempts at 0.5 s connect and 1 s read, and at most 1 s of backoff between them."""
    assert dynamodb.call_seconds() == 4


def test_the_first_invitation_request_creates_the_client_and_the_next_reuse_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created: list[str | None] = []

    def create(region: str | None) -> dynamodb.DynamoDBClient:
        created.append(region)
        return cast(dynamodb.DynamoDBClient, object())

    monkeypatch.setattr(dynamodb, "create_client", create)
    first = dynamodb.get_client("eu-west-1")
    assert dynamodb.get_client("eu-west-1") is first
    assert created == ["eu-west-1"]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ClientError({"Error": {"Code": "ThrottlingException"}}, "PutItem"), "ThrottlingException"),
        (ClientError({"Error": {"Message": "no code"}}, "PutItem"), None),
        (ClientError({}, "PutItem"), None),
        (ClientError({"Error": {"Code": 400}}, "PutItem"), None),
        (ReadTimeoutError("https://dynamodb.eu-west-1.amazonaws.com/"), None),
    ],
    ids=["code", "no-code", "no-error", "code-not-text", "not-a-client-error"],
)
def test_the_error_code_is_dynamodbs_own_or_none(error: Exception, code: str | None) -> None:
    assert dynamodb.error_code(error) == code
