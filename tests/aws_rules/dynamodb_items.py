"""The size of a DynamoDB item, and the largest item DynamoDB stores.

Amazon DynamoDB Developer Guide, "DynamoDB item sizes and formats"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
an item's size is the sum of its attributes' names and values; a string is its UTF-8 bytes, a
number 1 byte per two significant digits (leading and trailing zeroes trimmed) plus 1 byte, a
map 3 bytes plus its elements, each with 1 byte of overhead. The page has no rule for sets: a
string set is counted here as a list of its members (3 bytes, and 1 byte per member), which is
at least its members' bytes. Any other type raises.

Amazon DynamoDB Developer Guide, "Constraints in Amazon DynamoDB", Items
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items):
the maximum item size is 400 KB (1 KB = 1024 bytes), attribute names included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_ITEM_BYTES = 400 * 1024
_OVERHEAD = 3


def item_size(item: Mapping[str, Any]) -> int:
    """The size of ``item`` (DynamoDB JSON) as the page computes it."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Mapping[str, Any]) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(str(raw).encode())
    if kind == "N":
        digits = str(raw).lstrip("-").replace(".", "").strip("0")
        return (len(digits) + 1) // 2 + 1
    if kind == "M":
        return _OVERHEAD + sum(1 + item_size({name: inner}) for name, inner in raw.items())
    if kind == "SS":
        return _OVERHEAD + sum(1 + len(member.encode()) for member in raw)
    raise ValueError(f"no size rule for a {kind} attribute here")
