"""The runtime's tables, each checked whole against what the contract and AWS say.

Module-level tables and constants (the Connect error map, ``Retry-After``, the client's time
budget, ``MAX_BODY_BYTES``, the regexes, the JSON files) sit outside any function, where
mutation testing does not reach; these tests hold every row of them instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from runtime_support import api_gateway_event, body_of
from wire_stub import WireStubber

from runtime.broker import apigw, connect, contract, metrics, problems
from runtime.broker.aws.errors import ClientError

Invoke = Any
URN = "urn:connect-participant-broker:problem:"

#: CONTRACT v2, "Errors": the status of every problem type.
PROBLEM_STATUS = {
    "invalid-request": 400,
    "unauthorized": 401,
    "not-allowed": 403,
    "access-denied": 403,
    "contact-not-found": 404,
    "not-found": 404,
    "invitation-not-valid": 404,
    "conflict": 409,
    "contact-ended": 409,
    "channel-not-supported": 409,
    "agent-not-connected": 409,
    "role-not-valid-for-channel": 409,
    "too-large": 413,
    "unsupported-media-type": 415,
    "throttled": 429,
    "internal": 500,
    "bad-gateway": 502,
    "unavailable": 503,
    "invitations-unavailable": 503,
    "timeout": 504,
}
#: ``Retry-After`` where a retry can help (429, 503 and a call whose agent may connect soon),
#: nowhere else.
RETRY_AFTER = {429: "2", 503: "5"}
RETRY_AFTER_BY_CODE = {"agent-not-connected": "2"}

#: Every error Connect's CreateParticipant declares: (status, problem type, ErrorCode dimension).
CONNECT_ERRORS = {
    "InvalidRequestException": (400, "invalid-request"),
    "ResourceNotFoundException": (404, "contact-not-found"),
    "ConflictException": (409, "conflict"),
    "ServiceQuotaExceededException": (409, "conflict"),
    "ThrottlingException": (429, "throttled"),
    "InternalServiceException": (503, "unavailable"),
}


def test_problem_catalogue_has_the_contracts_statuses_and_stable_types() -> None:
    catalogue = problems.catalogue()
    assert {code: entry["status"] for code, entry in catalogue.items()} == PROBLEM_STATUS
    for code, entry in catalogue.items():
        assert entry["type"] == URN + code
        assert isinstance(entry["title"], str) and entry["title"].strip()


def test_catalogue_leaves_out_comments() -> None:
    raw = json.loads(Path(problems.PROBLEMS_PATH).read_text(encoding="utf-8"))
    assert "$comment" in raw
    assert not any(code.startswith("$") for code in problems.catalogue())


@pytest.mark.parametrize("code", sorted(PROBLEM_STATUS))
def test_every_problem_has_its_status_and_retry_after(code: str) -> None:
    response = problems.problem(code, "detail", "req-1")
    status = PROBLEM_STATUS[code]
    assert response["statusCode"] == status
    expected = RETRY_AFTER_BY_CODE.get(code, RETRY_AFTER.get(status))
    assert response["headers"].get("Retry-After") == expected
    assert body_of(response)["status"] == status


def test_connect_error_table_covers_every_error_the_model_declares() -> None:
    model = botocore.session.get_session().get_service_model("connect")
    declared = {shape.name for shape in model.operation_model("CreateParticipant").error_shapes}
    assert declared == set(CONNECT_ERRORS)


def emf_record(text: str) -> dict[str, Any]:
    (record,) = [line for line in map(json.loads, text.splitlines()) if "_aws" in line]
    return record


@pytest.mark.parametrize("code", sorted(CONNECT_ERRORS))
def test_connect_error_row(
    stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str], code: str
) -> None:
    """Status, problem type, Retry-After, the ErrorCode metric and the throttle counter."""
    status, problem_code = CONNECT_ERRORS[code]
    stub.add_client_error("create_participant", service_error_code=code, http_status_code=400)
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}))
    assert response["statusCode"] == status
    assert body_of(response)["type"] == URN + problem_code
    expected = RETRY_AFTER_BY_CODE.get(code, RETRY_AFTER.get(status))
    assert response["headers"].get("Retry-After") == expected
    record = emf_record(capsys.readouterr().out)
    assert (record["ErrorCode"], record["ConnectErrors"]) == (code, 1)
    assert record["ConnectThrottles"] == int(code == "ThrottlingException")


@pytest.mark.parametrize(
    ("code", "dimension"),
    [
        ("AccessDeniedException", "AccessDeniedException"),
        ("A", "A"),
        ("A" + "b1" * 31 + "c", "A" + "b1" * 31 + "c"),
        ("A" + "b" * 64, "Unknown"),
        ("9Lives", "Unknown"),
        ("Bad-Code", "Unknown"),
        ("Bad Code", "Unknown"),
        ("Ünicode", "Unknown"),
        ("", "Unknown"),
    ],
)
def test_unmodelled_error_code_becomes_a_safe_dimension(
    stub: WireStubber, invoke: Invoke, capsys: pytest.CaptureFixture[str], code: str, dimension: str
) -> None:
    """A letter, then at most 63 letters or digits; anything else is ``Unknown``."""
    stub.add_client_error("create_participant", service_error_code=code, http_status_code=400)
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}))
    assert response["statusCode"] == 500
    assert "Retry-After" not in response["headers"]
    (line, record) = map(json.loads, capsys.readouterr().out.splitlines())
    assert (line["message"], line["errorCode"], line["errorType"]) == (
        "connect call failed",
        dimension,
        "ClientError",
    )
    assert record["ErrorCode"] == dimension


class Failing:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def create_participant(self, **_: Any) -> dict[str, Any]:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [ClientError({}, "CreateParticipant"), ClientError({"Error": {}}, "CreateParticipant")],
    ids=["no-error-member", "no-code"],
)
def test_connect_error_without_a_code_is_internal_and_unknown(
    invoke: Invoke, capsys: pytest.CaptureFixture[str], error: Exception
) -> None:
    connect.set_client(Failing(error))
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}))["statusCode"] == 500
    (line, record) = map(json.loads, capsys.readouterr().out.splitlines())
    assert (line["message"], line["errorCode"]) == ("connect call failed", "Unknown")
    assert record["ErrorCode"] == "Unknown"


def test_any_other_exception_from_the_client_is_counted_as_unknown(
    invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    connect.set_client(Failing(OSError("socket")))
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}))["statusCode"] == 500
    assert emf_record(capsys.readouterr().out)["ErrorCode"] == "Unknown"


def test_client_is_built_with_the_time_budget() -> None:
    """The client ``create_client`` builds (``test_runtime_time_budget`` checks the budget)."""
    client = connect.create_client("eu-west-1")
    assert (client.connect_timeout, client.read_timeout) == (
        connect.CONNECT_TIMEOUT_SECONDS,
        connect.READ_TIMEOUT_SECONDS,
    )
    assert client.policy.max_attempts == connect.MAX_ATTEMPTS


# --- sizes and the schema's bounds -----------------------------------------------------------


def test_body_limit_is_the_contracts_8_kib() -> None:
    assert apigw.MAX_BODY_BYTES == 8 * 1024


#: CONTRACT v2, "Request": (definition, property or None, minLength, maxLength).
LENGTHS = [
    ("CreateParticipantRequest", "displayName", 1, 256),
    ("ContactId", None, 1, 256),
    ("IdempotencyKey", None, 1, 500),
]


@pytest.mark.parametrize(("name", "member", "shortest", "longest"), LENGTHS)
def test_schema_lengths_are_the_contracts(
    name: str, member: str | None, shortest: int, longest: int
) -> None:
    schema = contract.definition(name)
    if member is not None:
        schema = schema["properties"][member]
    assert (schema["minLength"], schema["maxLength"]) == (shortest, longest)


@pytest.mark.parametrize(
    ("name", "accepted", "refused"),
    [
        ("ContactId", ["a", "A-9", "-", "a" * 256], ["a_b", "a.b", "a b", "é", "a\n", "a" * 257]),
        ("IdempotencyKey", [" ", "~", "k" * 500], ["\x1f", "\x7f", "é", "a\n", "k" * 501]),
    ],
)
def test_schema_patterns_at_their_edges(name: str, accepted: list[str], refused: list[str]) -> None:
    for value in accepted:
        assert contract.validate_named(value, name, "f") == [], value
    for value in refused:
        assert contract.validate_named(value, name, "f") != [], value


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("A", True),
        (" ", True),
        ("\u00a0\u4e00", True),
        ("\x1f", False),
        ("\x7f", False),
        ("\x9f", False),
        ("\x00", False),
    ],
)
def test_display_name_refuses_exactly_the_control_characters(name: str, ok: bool) -> None:
    errors = contract.validate_named({"displayName": name}, "CreateParticipantRequest", "")
    assert (errors == []) is ok


def test_an_invocation_refuses_a_counter_it_does_not_have() -> None:
    with pytest.raises(TypeError, match=r"^Invocation has no connect_throttle$"):
        metrics.Invocation(connect_throttle=1)
    assert metrics.Invocation(connect_throttles=1).connect_throttles == 1
