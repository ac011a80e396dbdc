"""DynamoDB's PutItem, UpdateItem and Query (JSON 1.0), called as botocore's (binary values
given and returned as bytes)."""

from __future__ import annotations

import base64
from typing import Any

from . import client
from .answers import Operation, operation

TARGET_PREFIX = "DynamoDB_20120810"
CONTENT_TYPE = "application/x-amz-json-1.0"


def attribute_value(value: Any) -> Any:
    """Decode an attribute value's ``B`` and ``BS``, in ``M`` and ``L`` too."""
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("B"), str):
        value["B"] = base64.b64decode(value["B"])
    if isinstance(value.get("BS"), list):
        value["BS"] = [base64.b64decode(v) if isinstance(v, str) else v for v in value["BS"]]
    if isinstance(value.get("M"), dict):
        item(value["M"])
    if isinstance(value.get("L"), list):
        value["L"] = [attribute_value(v) for v in value["L"]]
    return value


def item(values: Any) -> Any:
    """Decode an item's attribute values in place."""
    if isinstance(values, dict):
        for name in values:
            values[name] = attribute_value(values[name])
    return values


def _items(parsed: dict[str, Any]) -> dict[str, Any]:
    for key in ("Attributes", "LastEvaluatedKey", "Item"):
        item(parsed.get(key))
    for found in parsed.get("Items") or []:
        item(found)
    metrics = parsed.get("ItemCollectionMetrics")
    if isinstance(metrics, dict):
        item(metrics.get("ItemCollectionKey"))
    return parsed


PUT_ITEM = operation("dynamodb", "PutItem", _items)
UPDATE_ITEM = operation("dynamodb", "UpdateItem", _items)
QUERY = operation("dynamodb", "Query", _items)


class DynamoDBClient(client.Client):
    SERVICE = client.Service("dynamodb", rest=False, scale=0.025, crc32=True)

    def _call(self, operation: Operation, params: dict[str, Any]) -> dict[str, Any]:
        headers = [
            ("X-Amz-Target", f"{TARGET_PREFIX}.{operation.name}"),
            ("Content-Type", CONTENT_TYPE),
        ]
        body = client.json_bytes(params)
        return self.call(operation, method="POST", path="/", headers=headers, body=body)

    def put_item(self, **params: Any) -> dict[str, Any]:
        return self._call(PUT_ITEM, params)

    def update_item(self, **params: Any) -> dict[str, Any]:
        return self._call(UPDATE_ITEM, params)

    def query(self, **params: Any) -> dict[str, Any]:
        return self._call(QUERY, params)
