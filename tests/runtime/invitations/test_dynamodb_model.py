"""The DynamoDB model shipped in the asset, and the client the runtime builds on it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import cast

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from runtime.broker import connect, dynamodb

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
MODEL_FILE = connect.DATA_PATH / "dynamodb" / "2012-08-10" / "service-2.json"


def _load_script() -> ModuleType:
    """Import ``scripts/reduce_dynamodb_model.py`` (it imports its sibling script)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location(
            "reduce_dynamodb_model", SCRIPTS / "reduce_dynamodb_model.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def test_shipped_model_is_what_the_script_generates_from_installed_botocore() -> None:
    assert _load_script().main(["--check", str(MODEL_FILE)]) == 0


def test_the_runtimes_client_knows_exactly_the_three_operations_the_store_calls() -> None:
    client = dynamodb.create_client("eu-west-1")
    assert sorted(client.meta.service_model.operation_names) == ["PutItem", "Query", "UpdateItem"]  # type: ignore[attr-defined]


def test_the_model_has_the_old_item_on_a_failed_condition() -> None:
    client = dynamodb.create_client("eu-west-1")
    model = client.meta.service_model  # type: ignore[attr-defined]
    update = model.operation_model("UpdateItem")
    assert "ReturnValuesOnConditionCheckFailure" in update.input_shape.members
    failed = model.shape_for("ConditionalCheckFailedException")
    assert "Item" in failed.members


def test_the_client_has_the_budget_of_the_module_docstring() -> None:
    config = dynamodb.create_client("eu-west-1").meta.config  # type: ignore[attr-defined]
    assert (config.connect_timeout, config.read_timeout) == (0.5, 1.0)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}


def test_the_client_is_in_the_functions_region_and_names_the_broker() -> None:
    client = dynamodb.create_client("eu-west-1")
    assert client.meta.region_name == "eu-west-1"  # type: ignore[attr-defined]
    agent = client.meta.config.user_agent_extra  # type: ignore[attr-defined]
    assert agent.endswith("connect-participant-broker/1")


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
        (ClientError({"Error": {"Code": 400}}, "PutItem"), None),  # type: ignore[typeddict-item]
        (ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com/"), None),
    ],
    ids=["code", "no-code", "no-error", "code-not-text", "not-a-client-error"],
)
def test_the_error_code_is_dynamodbs_own_or_none(error: Exception, code: str | None) -> None:
    assert dynamodb.error_code(error) == code
