"""Values the checks read: whether a value is an unresolved token, a Duration in seconds."""

from __future__ import annotations

import functools

from aws_cdk import Duration, Token


def is_unresolved(value: object) -> bool:
    """``Token.is_unresolved(value)``, answered in Python for the common plain values.

    A string token always holds the ``${Token[`` marker and a number token is a float, so plain
    strings, ints and bools need no call into the CDK's JavaScript (one call per prop per
    broker adds up in apps with many brokers).
    """
    if isinstance(value, str):
        return "${Token[" in value
    if isinstance(value, bool | int):
        return False
    if isinstance(value, float):
        return is_unresolved_number(value)
    return bool(Token.is_unresolved(value))


@functools.cache
def is_unresolved_number(value: float) -> bool:
    """Asked of the CDK once per value and process: brokers share their default numbers."""
    return bool(Token.is_unresolved(value))


@functools.lru_cache(maxsize=64)
def duration_seconds(duration: Duration) -> float | None:
    """A Duration in seconds, ``None`` for a token; cached, as brokers share the default
    Durations and each conversion is a call into the CDK's JavaScript."""
    if duration.is_unresolved():
        return None
    return float(duration.to_seconds(integral=False))


def seconds_text(value: float) -> str:
    return "1 second" if value == 1 else f"{value:g} seconds"
