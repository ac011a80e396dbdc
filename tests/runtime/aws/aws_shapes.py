"""Values of botocore's full service models' shapes, for the oracle tests.

:func:`sample` draws a value of any shape from a ``random.Random`` that hypothesis seeds: as
an application passes it (every optional member half the time, every member of a union, the
model's length and range bounds, unicode text, blobs as bytes) or as a service sends it
(timestamps as epoch seconds, blobs as base64). Hypothesis itself draws the strings where
encoding matters (IDs in URL paths, display names, table names: :data:`ODD_IDS`,
:data:`NAMES`), which :func:`sample` puts in place. Drawn member by member with hypothesis, an
answer of DescribeContact's hundred members or a DynamoDB item would cost milliseconds per
example; a thousand examples per operation must stay within seconds.

Recursive shapes (DynamoDB's ``M`` and ``L``, Connect's routing expressions) stop nesting
:data:`MAX_DEPTH` structures deep; collections hold at most :data:`MAX_SIZE` members.
"""

from __future__ import annotations

import base64
import functools
import random
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from hypothesis import strategies as st

MAX_DEPTH = 3
MAX_SIZE = 2
#: Identifiers a URL path may choke on: reserved and unreserved characters, dot segments,
#: percent signs, spaces, unicode, and hypothesis's own choice of text.
ODD_IDS = st.one_of(
    st.sampled_from([".", "..", "./..", "a/../b", "/", "%2F", "~", " ", "a b", "ü/é", "?#&=+"]),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.uuids().map(str),
)
#: Display names: unicode text the model allows, up to its 256 characters.
NAMES = st.one_of(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=24),
    st.sampled_from(["\u00e9" * 256, "\U0001f600" * 256, "A" * 255 + "\u0000"]),
)
#: Table names (3 to 255 of ``[a-zA-Z0-9_.-]``).
TABLES = st.text("abcXYZ019_.-", min_size=3, max_size=255)
#: Code points of :func:`sample`'s text: ASCII (controls included), Latin-1, Greek, CJK, emoji.
_CODE_POINTS = ((0, 0x7F), (0x80, 0xFF), (0x370, 0x3FF), (0x4E00, 0x4E80), (0x1F600, 0x1F64F))
_CHARACTERS = [chr(code) for low, high in _CODE_POINTS for code in range(low, high + 1)]


@functools.cache
def service_model(name: str) -> ServiceModel:
    """botocore's full model of ``name`` (the installed botocore's, not the broker's)."""
    return botocore.session.Session().get_service_model(name)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


@functools.cache
def _bounds(shape: Shape) -> tuple[int, int]:
    low = int(shape.metadata.get("min", 0))
    return low, max(low, min(int(shape.metadata.get("max", low + 8)), low + 8))


def _text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choices(_CHARACTERS, k=rng.randint(low, high)))


def _scalar(shape: Shape, rng: random.Random, wire: bool) -> Any:
    kind = shape.type_name
    low, high = _bounds(shape)
    if kind == "string":
        enum = shape.metadata.get("enum")
        return rng.choice(enum) if enum and rng.random() < 0.8 else _text(rng, low, high)
    if kind in ("integer", "long"):
        return rng.randint(int(shape.metadata.get("min", -(2**31))), 2**31)
    if kind in ("float", "double"):
        return rng.choice([0.5, -2.25, 1e-3, 123456.789, rng.uniform(-1e9, 1e9)])
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "blob":
        raw = rng.randbytes(rng.randint(low, high))
        return base64.b64encode(raw).decode() if wire else raw
    if kind == "timestamp":
        return rng.randint(0, 4_102_444_800_000) / 1000
    raise AssertionError(f"no sample for {shape.name} ({kind})")


def _nested(shape: Shape) -> bool:
    return shape.type_name in ("structure", "list", "map")


def sample(
    shape: Shape,
    rng: random.Random,
    *,
    wire: bool,
    fixed: Mapping[str, Any] | None = None,
    outer: tuple[str, ...] = (),
) -> Any:
    """A value of ``shape`` drawn from ``rng``: as a service sends it (``wire``, JSON-ready), or
    as an application passes it (blobs as bytes). A structure member named in ``fixed`` takes
    that value when present (required, or drawn). A structure within itself (``outer``: the
    structures around) nests at most :data:`MAX_DEPTH` deep."""
    fixed = fixed or {}
    inner = (*outer, shape.name) if shape.type_name == "structure" else outer
    again = functools.partial(sample, rng=rng, wire=wire, fixed=fixed, outer=inner)
    kind = shape.type_name
    low, high = _bounds(shape)
    if kind == "list":
        return [again(shape.member) for _ in range(rng.randint(low, min(high, low + MAX_SIZE)))]
    if kind == "map":
        size = rng.randint(low, min(high, MAX_SIZE))
        return {again(shape.key): again(shape.value) for _ in range(size)}
    if kind != "structure":
        return _scalar(shape, rng, wire)
    members = {
        name: member
        for name, member in shape.members.items()
        if not (_nested(member) and outer.count(shape.name) >= MAX_DEPTH - 1)
    }
    if shape.is_tagged_union:
        name = rng.choice(sorted(members))
        return {name: again(members[name])}
    return {
        name: fixed[name] if name in fixed else again(member)
        for name, member in members.items()
        if name in shape.required_members or rng.random() < 0.5
    }
