"""Numbers in a request body (CONTRACT v2.1): an integer member takes any JSON number with a zero
fractional part (JSON Schema 2020-12), and what reaches DynamoDB and the answer is an integer.
Bodies are sent as the exact text a client wrote, through the handler as Lambda runs it."""

from __future__ import annotations

import math
from typing import Any

import pytest
from invitation_support import CONTACT_RESOURCE, NOW, put_params, route_event
from runtime_support import PROBLEM_HEADERS, body_of, invalid, problem
from wire_stub import WireStubber

from runtime.broker import apigw

Invoke = Any


def create(text: str) -> dict[str, Any]:
    return route_event("POST", CONTACT_RESOURCE, text)


# 2.0000000000000001 is 2 as a double (RFC 8259, section 6: numbers are IEEE 754 doubles).
@pytest.mark.parametrize(
    "uses", ["2", "2.0", "2e0", "2E+0", "20e-1", "0.2e1", "2.000", "2.0000000000000001"]
)
def test_uses_with_a_zero_fractional_part_is_the_integer(
    table: WireStubber, invoke: Invoke, uses: str
) -> None:
    table.add_response("put_item", {}, put_params(uses={"N": "2"}, usesLeft={"N": "2"}))
    response = invoke(create(f'{{"uses": {uses}}}'))
    assert response["statusCode"] == 201
    # json.loads reads the answer's 2 as an int, a 2.0 as a float.
    assert type(body_of(response)["uses"]) is int


def test_lifetime_with_a_zero_fractional_part_is_the_integer(
    table: WireStubber, invoke: Invoke
) -> None:
    table.add_response("put_item", {}, put_params(expiresAt={"N": str(NOW + 600)}))
    assert invoke(create('{"lifetimeSeconds": 6e2}'))["statusCode"] == 201


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ('{"uses": 2.5}', [("uses", "must be an integer")]),
        ('{"uses": 1.0000001}', [("uses", "must be an integer")]),
        ('{"lifetimeSeconds": 600.5}', [("lifetimeSeconds", "must be an integer")]),
        # Beyond a double's range: json reads them as infinities, which are no integer.
        ('{"uses": 1e400}', [("uses", "must be an integer")]),
        ('{"uses": -1e400}', [("uses", "must be an integer")]),
        ('{"uses": NaN}', [("body", "is not valid JSON")]),
        ('{"uses": Infinity}', [("body", "is not valid JSON")]),
        ('{"uses": true}', [("uses", "must be an integer")]),
        ('{"uses": "2"}', [("uses", "must be an integer")]),
        ('{"uses": -0.0}', [("uses", "must be at least 1")]),
        ('{"uses": 0e5}', [("uses", "must be at least 1")]),
        ('{"uses": 1e20}', [("uses", "must be at most 100")]),
        ('{"lifetimeSeconds": 5.9e1}', [("lifetimeSeconds", "must be at least 60")]),
        (
            '{"uses": 2.5, "lifetimeSeconds": 1e6}',
            [
                ("uses", "must be an integer"),
                ("lifetimeSeconds", "must be at most 86400"),
            ],
        ),
    ],
)
def test_a_number_that_is_no_integer_in_range_is_400(
    table: WireStubber, invoke: Invoke, text: str, errors: list[tuple[str, str]]
) -> None:
    response = invoke(create(text))
    assert (response["statusCode"], response["headers"]) == (400, PROBLEM_HEADERS)
    assert body_of(response) == invalid(*errors)


def test_an_integral_float_beyond_the_brokers_bound_is_refused_by_policy(
    table: WireStubber, invoke: Invoke
) -> None:
    response = invoke(create('{"uses": 6.0}'))
    assert (response["statusCode"], response["headers"]) == (403, PROBLEM_HEADERS)
    assert body_of(response) == problem(
        403,
        "not-allowed",
        "Not allowed by this broker",
        "The request asks for something this broker does not allow; see errors.",
        [{"field": "uses", "message": "must be at most 5 on this broker"}],
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("2.0", 2), ("2e0", 2), ("-0.0", 0), ("2", 2), ("2.5", 2.5), ("1e400", math.inf)],
)
def test_the_body_holds_an_int_for_a_number_with_a_zero_fractional_part(
    text: str, value: float
) -> None:
    # Whatever a route does with an integer member, it gets an int, never 2.0.
    decoded = apigw.json_body({"body": f'{{"n": {text}}}'})
    assert decoded == {"n": value}
    assert isinstance(decoded, dict) and type(decoded["n"]) is type(value)
