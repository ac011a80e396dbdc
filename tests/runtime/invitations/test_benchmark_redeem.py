"""The warm benchmark's bare redemption (``benchmarks/warm_driver.py``) sends the UpdateItem
the store sends: the same expressions, names and values in the same order, so its baseline
costs DynamoDB what the route does."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from invitation_support import INVITATION_ID, NOW, SECRET, TABLE, USE_ID, consume_params

DRIVER = Path(__file__).resolve().parents[3] / "benchmarks" / "warm_driver.py"


def _driver() -> Any:
    spec = importlib.util.spec_from_file_location("warm_driver", DRIVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bare_redemption_sends_the_stores_update_item() -> None:
    sent = _driver().consume(TABLE, INVITATION_ID, SECRET)
    values = sent["ExpressionAttributeValues"]
    use_id = values[":useId"]["S"]
    assert len(use_id) == len(USE_ID)
    assert values[":useIds"] == {"SS": [use_id]}
    values.update({":useId": {"S": USE_ID}, ":useIds": {"SS": [USE_ID]}, ":now": {"N": str(NOW)}})
    assert json.dumps(sent) == json.dumps(consume_params())
