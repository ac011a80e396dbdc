"""Child process of the warm benchmark (run as ``python -I -S``; stdlib + botocore only).

Arguments: code_dir sdk_site_packages module function event_path iterations warmup result_path.
After a warm-up, it takes turns between one handler invocation and the calls the handler makes
(``describe_contact`` for the contact checks, on as the construct deploys them, then
``create_participant``) made bare with botocore and with the asset's own client
(``broker.aws``), against the same endpoint (``AWS_ENDPOINT_URL_CONNECT``), rotating their
order every iteration, and writes every duration in nanoseconds as JSON. With
``BENCH_BARE_UPDATE`` set (a redemption), the bare sides first make the DynamoDB ``update_item``
a redemption makes, request for request (:func:`consume`; ``AWS_ENDPOINT_URL_DYNAMODB``, the
table ``INVITATIONS_TABLE``), and before each round, untimed, the item's ``useIds`` are removed:
every redemption adds one, and an item grown by thousands would time moto, not the broker.
"""

import base64
import hashlib
import json
import marshal
import os
import sys
import time
from collections.abc import Callable
from typing import Any


class _Context:
    """The few attributes of a Lambda context object handlers read (written here, not
    ``constructs_lib.local.events.LambdaContext``: this child imports only the standard
    library before the handler, so every module the handler needs is charged to it)."""

    function_name = "participant-broker-benchmark"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
    memory_limit_in_mb = 256
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/participant-broker-benchmark"
    log_stream_name = "benchmark"

    def get_remaining_time_in_millis(self) -> int:
        """Plenty of time left."""
        return 30_000


def consume(table: str, invitation_id: str, secret: str) -> dict[str, Any]:
    """``InvitationStore.consume``'s UpdateItem for a redemption without ``Idempotency-Key``
    or ``displayName`` (a named invitation), with a new use ID: the same expressions, names,
    values and sizes (``tests/runtime/invitations`` holds them equal)."""
    use_id = base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip("=")
    hashed = hashlib.sha256(secret.encode()).hexdigest()
    names = ("secretHash", "usesLeft", "expiresAt", "revokedAt", "displayName", "useIds")
    return {
        "TableName": table,
        "Key": {"invitationId": {"S": invitation_id}},
        "UpdateExpression": "SET #usesLeft = #usesLeft - :one ADD #useIds :useIds",
        "ConditionExpression": "#secretHash = :secretHash AND #usesLeft > :zero AND "
        "#expiresAt > :now AND attribute_not_exists(#revokedAt) AND "
        "attribute_exists(#displayName) AND NOT contains(#useIds, :useId)",
        "ReturnValues": "ALL_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        "ExpressionAttributeNames": {f"#{name}": name for name in names},
        "ExpressionAttributeValues": {
            ":secretHash": {"S": hashed},
            ":zero": {"N": "0"},
            ":now": {"N": str(int(time.time()))},
            ":useId": {"S": use_id},
            ":one": {"N": "1"},
            ":useIds": {"SS": [use_id]},
        },
    }


def main() -> None:
    """Warm up, then measure handler and bare SDK calls alternately."""
    code_dir, site_packages, module_name, function_name, event_path = sys.argv[1:6]
    iterations, warmup, result_path = int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
    sys.path.insert(0, code_dir)
    sys.path.append(site_packages)
    module = __import__(module_name, fromlist=[function_name])
    handler = getattr(module, function_name)
    with open(event_path, "rb") as source:
        event_bytes = source.read()
    event = marshal.loads(event_bytes)
    contact_id = (event["pathParameters"] or {}).get("contactId") or os.environ["BENCH_CONTACT_ID"]
    display_name = "Benchmark Customer"

    import botocore.session

    bare_update = bool(os.environ.get("BENCH_BARE_UPDATE"))
    clients: dict[str, tuple[Any, Any]] = {
        "botocore": (
            botocore.session.Session().create_client("connect"),
            botocore.session.Session().create_client("dynamodb") if bare_update else None,
        )
    }
    import importlib

    aws: Any = importlib.import_module("broker.aws.connect")
    own: Any = aws.ConnectClient(connect_timeout=1, read_timeout=2, max_attempts=2)
    own_table: Any = None
    if bare_update:
        aws = importlib.import_module("broker.aws.dynamodb")
        own_table = aws.DynamoDBClient(connect_timeout=0.5, read_timeout=1, max_attempts=2)
    clients["own"] = (own, own_table)
    instance_id = os.environ["INSTANCE_ID"]
    context = _Context()
    clock = time.perf_counter_ns

    def call_handler() -> int:
        request = marshal.loads(event_bytes)
        start = clock()
        response = handler(request, context)
        elapsed = clock() - start
        if response["statusCode"] != 201:
            raise RuntimeError(f"handler answered {response['statusCode']}: {response['body']}")
        return elapsed

    checks = os.environ.get("CONTACT_CHECKS", "true") == "true"
    table_name = os.environ.get("INVITATIONS_TABLE", "")
    invitation_id = os.environ.get("BENCH_INVITATION_ID", "")
    secret = json.loads(event["body"]).get("secret", "") if bare_update else ""

    def reset() -> None:
        """Remove the use IDs the last round added (untimed)."""
        if bare_update:
            key = {"invitationId": {"S": invitation_id}}
            clients["botocore"][1].update_item(
                TableName=table_name, Key=key, UpdateExpression="REMOVE useIds"
            )

    def call_bare(side: str = "botocore") -> int:
        client, table = clients[side]
        start = clock()
        if table is not None:
            table.update_item(**consume(table_name, invitation_id, secret))
        if checks:
            client.describe_contact(InstanceId=instance_id, ContactId=contact_id)
        client.create_participant(
            InstanceId=instance_id,
            ContactId=contact_id,
            ParticipantDetails={"DisplayName": display_name, "ParticipantRole": "CUSTOMER"},
        )
        return clock() - start

    sides: dict[str, Callable[[], int]] = {
        "handler_ns": call_handler,
        "bare_ns": lambda: call_bare("botocore"),
        "own_ns": lambda: call_bare("own"),
    }
    for _ in range(warmup):
        reset()
        for call in sides.values():
            call()
    measured: dict[str, list[int]] = {name: [] for name in sides}
    names = list(sides)
    for index in range(iterations):
        reset()
        for name in names[index % 3 :] + names[: index % 3]:
            measured[name].append(sides[name]())

    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(measured, handle)


if __name__ == "__main__":
    main()
