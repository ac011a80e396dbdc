"""415 unless the request says it is JSON (CONTRACT v2 ``Content-Type`` row): exact status and
body, checked before everything else; Connect is never called.

Media-type syntax: RFC 9110, section 8.3.1 (type, subtype and parameter names are
case-insensitive; ``parameters = *( OWS ";" OWS [ parameter ] )``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from runtime_support import (
    CONNECT_RESPONSE,
    PROBLEM_HEADERS,
    api_gateway_event,
    body_of,
    expected_params,
    problem,
)
from wire_stub import WireStubber

Invoke = Any
NOT_JSON = "must be application/json"
CHARSET = "must have charset=utf-8 or no charset: the broker reads UTF-8 only"
PARAMETER = "takes no parameter other than charset=utf-8"


def with_content_type(body: Any, *values: str, name: str = "Content-Type") -> dict[str, Any]:
    """An event whose request carried exactly these ``Content-Type`` values (none: no header).

    As API Gateway builds it: ``multiValueHeaders`` holds every value, ``headers`` the last.
    """
    event = api_gateway_event(body)
    del event["headers"]["Content-Type"]
    del event["multiValueHeaders"]["Content-Type"]
    if values:
        event["headers"][name] = values[-1]
        event["multiValueHeaders"][name] = list(values)
    return event


def unsupported(message: str) -> dict[str, Any]:
    """The expected 415 body with one ``Content-Type`` error."""
    return problem(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        "The request body must be sent as application/json; see errors.",
        [{"field": "Content-Type", "message": message}],
    )


def assert_unsupported(response: dict[str, Any], message: str) -> None:
    assert response["statusCode"] == 415
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == unsupported(message)


REFUSED = [
    ("text-plain", ["text/plain"], f"{NOT_JSON}, not text/plain"),
    (
        "form",
        ["application/x-www-form-urlencoded"],
        f"{NOT_JSON}, not application/x-www-form-urlencoded",
    ),
    ("multipart", ["multipart/form-data; boundary=x"], f"{NOT_JSON}, not multipart/form-data"),
    ("problem-json", ["application/problem+json"], f"{NOT_JSON}, not application/problem+json"),
    (
        "json-suffix",
        ["application/merge-patch+json"],
        f"{NOT_JSON}, not application/merge-patch+json",
    ),
    ("any", ["*/*"], f"{NOT_JSON}, not */*"),
    ("text-json", ["text/json"], f"{NOT_JSON}, not text/json"),
    ("upper-case-echoed-lower", ["TEXT/PLAIN"], f"{NOT_JSON}, not text/plain"),
    ("empty", [""], NOT_JSON),
    ("blank", ["  "], NOT_JSON),
    ("no-subtype", ["application"], NOT_JSON),
    ("space-in-type", ["application / json"], NOT_JSON),
    ("two-in-one-value", ["application/json, text/plain"], NOT_JSON),
    ("non-ascii", ["application/jsön"], NOT_JSON),
    ("latin-1", ["application/json; charset=iso-8859-1"], CHARSET),
    ("utf-16", ["application/json;charset=utf-16"], CHARSET),
    ("utf8-without-dash", ["application/json; charset=utf8"], CHARSET),
    ("empty-charset", ["application/json; charset="], CHARSET),
    ("quoted-other", ['application/json; charset="us-ascii"'], CHARSET),
    ("half-quoted", ['application/json; charset="utf-8'], CHARSET),
    ("quoted-with-equals", ['application/json; charset="utf-8=1"'], CHARSET),
    # Optional whitespace is spaces and tabs only (RFC 9110, section 5.6.3).
    ("vertical-tab-before-type", ["\x0bapplication/json"], NOT_JSON),
    ("form-feed-before-name", ["application/json;\x0ccharset=utf-8"], PARAMETER),
    ("vertical-tab-before-value", ["application/json; charset=\x0butf-8"], CHARSET),
    ("vertical-tab-parameter", ["application/json;\x0b"], PARAMETER),
    ("other-parameter", ["application/json; version=2"], PARAMETER),
    ("charset-without-value", ["application/json; charset"], PARAMETER),
    (
        "charset-and-other",
        ["application/json; charset=utf-8; q=1"],
        "takes at most one parameter, charset=utf-8",
    ),
    (
        "charset-twice",
        ["application/json; charset=utf-8; charset=utf-8"],
        "takes at most one parameter, charset=utf-8",
    ),
    ("sent-twice", ["application/json", "application/json"], "must be sent once"),
    ("json-and-text", ["application/json", "text/plain"], "must be sent once"),
]


@pytest.mark.parametrize(
    ("values", "message"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_content_type_other_than_json_is_refused(
    stub: WireStubber, invoke: Invoke, values: list[str], message: str
) -> None:
    assert_unsupported(invoke(with_content_type({"displayName": "Ana"}, *values)), message)


def test_missing_content_type_is_refused(stub: WireStubber, invoke: Invoke) -> None:
    assert_unsupported(
        invoke(with_content_type({"displayName": "Ana"})), "is required: send application/json"
    )


def test_missing_headers_are_a_missing_content_type(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event({"displayName": "Ana"})
    event["headers"], event["multiValueHeaders"] = None, None
    assert_unsupported(invoke(event), "is required: send application/json")


ACCEPTED = [
    ("plain", "application/json"),
    ("upper-case", "APPLICATION/JSON"),
    ("mixed-case", "Application/Json"),
    ("charset", "application/json; charset=utf-8"),
    ("charset-upper-case", "application/json; Charset=UTF-8"),
    ("no-space", "application/json;charset=utf-8"),
    ("spaces-around-separators", "application/json ; charset = utf-8"),
    ("tab", "application/json;\tcharset=utf-8"),
    ("quoted-charset", 'application/json; charset="utf-8"'),
    ("quoted-upper-case", 'application/json; charset="UTF-8"'),
    ("surrounding-whitespace", " application/json "),
    ("trailing-semicolon", "application/json;"),
    ("empty-parameter-before-charset", "application/json; ; charset=utf-8"),
]


@pytest.mark.parametrize(
    "value", [case[1] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED]
)
def test_json_content_type_is_accepted(stub: WireStubber, invoke: Invoke, value: str) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    event = with_content_type({"displayName": "Ana Silva"}, value)
    assert invoke(event)["statusCode"] == 201


@pytest.mark.parametrize("name", ["content-type", "CONTENT-TYPE"])
def test_header_name_matches_in_any_case(stub: WireStubber, invoke: Invoke, name: str) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    event = with_content_type({"displayName": "Ana Silva"}, "application/json", name=name)
    assert invoke(event)["statusCode"] == 201


def test_same_header_in_two_cases_counts_twice(stub: WireStubber, invoke: Invoke) -> None:
    event = with_content_type({"displayName": "Ana"}, "application/json")
    event["multiValueHeaders"]["content-type"] = ["application/json"]
    assert_unsupported(invoke(event), "must be sent once")


def test_media_type_comes_before_every_validation_and_policy_failure(
    stub: WireStubber, invoke: Invoke
) -> None:
    # A bad path, a bad key, a body that breaks the schema and a role the broker refuses:
    # only the media type is answered, since nothing else is read.
    event = with_content_type({"role": "AGENT", "extra": 1}, "text/plain")
    event["pathParameters"] = {"contactId": "a/b"}
    event["multiValueHeaders"]["Idempotency-Key"] = ["k" * 501]
    assert_unsupported(invoke(event), f"{NOT_JSON}, not text/plain")


def test_unreadable_body_with_wrong_media_type_is_a_415(stub: WireStubber, invoke: Invoke) -> None:
    event = with_content_type("displayName=Ana", "application/x-www-form-urlencoded")
    assert_unsupported(invoke(event), f"{NOT_JSON}, not application/x-www-form-urlencoded")


def test_refusal_is_counted_and_logged_as_a_validation_rejection(
    stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(with_content_type({"displayName": "Ana"}, "text/plain"))
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (log,) = [record for record in records if "_aws" not in record]
    (emf,) = [record for record in records if "_aws" in record]
    assert (log["message"], log["status"], log["errorFields"]) == (
        "request rejected",
        415,
        ["Content-Type"],
    )
    assert (emf["ValidationRejections"], emf["PolicyRejections"]) == (1, 0)
