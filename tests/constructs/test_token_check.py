"""The construct's token check answers like ``Token.is_unresolved`` for every kind of value."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import jsii
import pytest

from constructs_lib._checks import is_unresolved


@jsii.implements(cdk.IStableStringProducer)
class _Producer:
    """A Lazy string producer (a jsii interface implemented in Python)."""

    def produce(self) -> str:
        return "late"


def _values() -> list[tuple[str, Any]]:
    stack = cdk.Stack(cdk.App(), "Tokens")
    text = cdk.CfnParameter(stack, "Text")
    number = cdk.CfnParameter(stack, "Number", type="Number")
    return [
        ("plain string", "abc"),
        ("string with dollar", "${not a token}"),
        ("string parameter", text.value_as_string),
        ("token inside a string", f"prefix-{text.value_as_string}-suffix"),
        ("account pseudo parameter", cdk.Aws.ACCOUNT_ID),
        ("lazy string", cdk.Lazy.string(producer=_Producer())),
        ("int", 5),
        ("bool", True),
        ("float", 2.5),
        ("number parameter", number.value_as_number),
        ("duration", cdk.Duration.seconds(3).to_seconds()),
    ]


@pytest.mark.parametrize(("name", "value"), _values(), ids=[name for name, _ in _values()])
def test_matches_the_cdk(name: str, value: Any) -> None:
    assert is_unresolved(value) is bool(cdk.Token.is_unresolved(value)), name


def test_tokens_are_recognised() -> None:
    stack = cdk.Stack(cdk.App(), "Tokens")
    assert is_unresolved(cdk.CfnParameter(stack, "P").value_as_string)
    assert is_unresolved(cdk.CfnParameter(stack, "N", type="Number").value_as_number)
    assert not is_unresolved("abc")
