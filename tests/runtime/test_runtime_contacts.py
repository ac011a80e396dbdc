"""Contact checks and contact-bound callers (CONTRACT v2), through the handler with a stubbed
Connect: each row of the contract's table, the role a channel takes, waiting for the agent on a
fake clock, and how Connect's DescribeContact failures are answered and counted."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from runtime_support import (
    API_REQUEST_ID,
    CALLER,
    CALLER_ARN,
    CONNECT_RESPONSE,
    CONTACT_ID,
    IDENTITY_POOL_SESSION,
    PROBLEM_HEADERS,
    TOKEN,
    FakeLambdaContext,
    api_gateway_event,
    body_of,
    client_token,
    contact_description,
    describe_params,
    expected_params,
    problem,
    signed_by,
)
from wire_stub import WireStubber

from constructs_lib.edge import throttling as _throttling
from runtime.broker import contacts, handler, participants
from runtime.broker.aws.errors import ReadTimeoutError

Invoke = Callable[[dict[str, Any]], dict[str, Any]]
CAPTURE = pytest.CaptureFixture[str]
BODY = {"displayName": "Ana Silva"}
POOL_USER = "eu-west-1:0a1b2c3d-0000-4000-8000-00000000a0a0"
BOTH_ROLES = frozenset({"CUSTOMER", "CUSTOM_BOT"})


class FakeClock:
    """A monotonic clock that only moves when the broker sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    fake = FakeClock()
    contacts.set_clock(fake.time, fake.sleep)
    return fake


@pytest.fixture
def checks(configure: Any, clock: FakeClock) -> Callable[..., Any]:
    """Install a configuration with the contact checks on (as the construct's default)."""

    def apply(**overrides: Any) -> Any:
        overrides.setdefault("agent_wait_seconds", 0.0)
        return configure(contact_checks=True, **overrides)

    return apply


def described(stub: WireStubber, **contact: Any) -> None:
    stub.add_response("describe_contact", contact_description(**contact), describe_params())


def created(stub: WireStubber, role: str = "CUSTOMER") -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params(role=role))


def conflict(code: str, title: str, detail: str, errors: Any = None) -> dict[str, Any]:
    return problem(409, code, title, detail, errors)


CONTACT_NOT_FOUND = problem(
    404,
    "contact-not-found",
    "Contact not found",
    "Amazon Connect has no such contact in this broker's instance.",
)
CONTACT_ENDED = conflict("contact-ended", "The contact has ended", "The contact has ended.")
AGENT_NOT_CONNECTED = conflict(
    "agent-not-connected",
    "The call's agent has not connected yet",
    "The call's agent has not connected yet; retry after the delay in Retry-After.",
)


def not_supported(kind: str) -> dict[str, Any]:
    return conflict(
        "channel-not-supported",
        "The contact's channel takes no added participants",
        f"A {kind} takes no added participants.",
    )


def wrong_role(kind: str, message: str) -> dict[str, Any]:
    return conflict(
        "role-not-valid-for-channel",
        "The role does not fit the contact's channel",
        f"A {kind} takes another role; see errors.",
        [{"field": "role", "message": message}],
    )


def answer(response: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return response["statusCode"], body_of(response)


# --- The contract's table, row by row -----------------------------------------------------------


def test_ongoing_webrtc_call_with_its_agent_gets_the_participant(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks()
    described(stub)
    created(stub)
    response = invoke(api_gateway_event(BODY))
    assert response["statusCode"] == 201
    assert body_of(response)["role"] == "CUSTOMER"


def test_contact_that_does_not_exist_is_404(stub: WireStubber, invoke: Invoke, checks: Any) -> None:
    checks()
    stub.add_client_error(
        "describe_contact",
        service_error_code="ResourceNotFoundException",
        service_message="Contact not found in instance",
        http_status_code=404,
        expected_params=describe_params(),
    )
    response = invoke(api_gateway_event(BODY))
    assert answer(response) == (404, CONTACT_NOT_FOUND)
    assert response["headers"] == PROBLEM_HEADERS


@pytest.mark.parametrize("code", ["InvalidParameterException", "InvalidRequestException"])
def test_contact_id_connect_calls_invalid_is_no_such_contact(
    stub: WireStubber, invoke: Invoke, checks: Any, code: str
) -> None:
    checks()
    stub.add_client_error("describe_contact", service_error_code=code, http_status_code=400)
    assert answer(invoke(api_gateway_event(BODY))) == (404, CONTACT_NOT_FOUND)


def test_ended_contact_is_409_contact_ended(stub: WireStubber, invoke: Invoke, checks: Any) -> None:
    checks()
    described(stub, ended=True)
    response = invoke(api_gateway_event(BODY))
    assert answer(response) == (409, CONTACT_ENDED)
    assert response["headers"] == PROBLEM_HEADERS


@pytest.mark.parametrize(
    ("contact", "kind"),
    [
        ({"channel": "TASK", "subtype": None, "initiation": "API"}, "TASK contact"),
        (
            {"channel": "EMAIL", "subtype": "connect:Email", "initiation": "INBOUND"},
            "EMAIL contact",
        ),
        (
            {"channel": "VOICE", "subtype": "connect:Telephony", "initiation": "INBOUND"},
            "voice call that is not a WebRTC call",
        ),
        (
            {"channel": "VOICE", "subtype": None, "initiation": "OUTBOUND"},
            "voice call that is not a WebRTC call",
        ),
        ({"channel": "", "subtype": None, "initiation": "API"}, "contact without a channel"),
    ],
    ids=["task", "email", "telephony", "outbound-voice", "no-channel"],
)
def test_channel_that_takes_no_participants_is_409(
    stub: WireStubber, invoke: Invoke, checks: Any, contact: dict[str, Any], kind: str
) -> None:
    checks()
    described(stub, **contact)
    assert answer(invoke(api_gateway_event(BODY))) == (409, not_supported(kind))


@pytest.mark.parametrize(
    "contact",
    [
        {"subtype": "connect:WebRTC", "initiation": None},
        {"subtype": None, "initiation": "WEBRTC_API"},
    ],
    ids=["subtype-only", "initiation-only"],
)
def test_either_webrtc_marker_makes_a_voice_contact_a_webrtc_call(
    stub: WireStubber, invoke: Invoke, checks: Any, contact: dict[str, Any]
) -> None:
    checks()
    described(stub, **contact)
    created(stub)
    assert invoke(api_gateway_event(BODY))["statusCode"] == 201


def test_webrtc_call_whose_agent_has_not_connected_is_409_with_retry_after(
    stub: WireStubber, invoke: Invoke, checks: Any, clock: FakeClock
) -> None:
    checks()
    described(stub, agent_connected=False)
    response = invoke(api_gateway_event(BODY))
    assert answer(response) == (409, AGENT_NOT_CONNECTED)
    assert response["headers"] == {**PROBLEM_HEADERS, "Retry-After": "2"}
    assert clock.sleeps == []


def test_chat_contact_takes_no_customer(stub: WireStubber, invoke: Invoke, checks: Any) -> None:
    checks(allowed_roles=BOTH_ROLES)
    described(stub, channel="CHAT", subtype="connect:Chat", initiation="API")
    response = invoke(api_gateway_event({**BODY, "role": "CUSTOMER"}))
    assert answer(response) == (409, wrong_role("chat", "must be CUSTOM_BOT for a chat"))


def test_webrtc_call_takes_no_custom_bot(stub: WireStubber, invoke: Invoke, checks: Any) -> None:
    checks(allowed_roles=BOTH_ROLES)
    described(stub)
    response = invoke(api_gateway_event({**BODY, "role": "CUSTOM_BOT"}))
    assert answer(response) == (
        409,
        wrong_role("WebRTC call", "must be CUSTOMER for a WebRTC call"),
    )


def test_a_chat_agent_need_not_be_connected_for_a_custom_bot(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(allowed_roles=BOTH_ROLES)
    described(stub, channel="CHAT", subtype="connect:Chat", initiation="API", agent_connected=False)
    created(stub, role="CUSTOM_BOT")
    response = invoke(api_gateway_event({**BODY, "role": "CUSTOM_BOT"}))
    assert response["statusCode"] == 201
    assert body_of(response)["role"] == "CUSTOM_BOT"


# --- A request without a role gets the channel's ------------------------------------------------


def test_without_a_role_a_chat_gets_custom_bot_when_allowed(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(allowed_roles=BOTH_ROLES, default_role="CUSTOMER")
    described(stub, channel="CHAT", subtype="connect:Chat", initiation="API")
    created(stub, role="CUSTOM_BOT")
    response = invoke(api_gateway_event(BODY))
    assert response["statusCode"] == 201
    assert body_of(response) == {
        "participantId": CONNECT_RESPONSE["ParticipantId"],
        "participantToken": TOKEN,
        "expiry": CONNECT_RESPONSE["ParticipantCredentials"]["Expiry"],  # type: ignore[index]
        "role": "CUSTOM_BOT",
    }


def test_the_client_token_is_derived_with_the_role_the_channel_chose(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    """CONTRACT v2: the token covers the request as Connect receives it, the effective role
    included, so the same key sent to a chat and to a WebRTC call are different requests."""
    checks(allowed_roles=BOTH_ROLES)
    described(stub, channel="CHAT", subtype="connect:Chat", initiation="API")
    token = client_token("k-1", role="CUSTOM_BOT")
    stub.add_response(
        "create_participant",
        CONNECT_RESPONSE,
        expected_params(role="CUSTOM_BOT", client_token=token),
    )
    event = api_gateway_event(BODY, headers={"Idempotency-Key": "k-1"})
    assert invoke(event)["statusCode"] == 201
    assert token != client_token("k-1", role="CUSTOMER")


def test_without_a_role_a_chat_is_403_when_custom_bot_is_not_allowed(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks()  # CUSTOMER only, the construct's default
    described(stub, channel="CHAT", subtype="connect:Chat", initiation="API")
    response = invoke(api_gateway_event(BODY))
    assert answer(response) == (
        403,
        problem(
            403,
            "not-allowed",
            "Not allowed by this broker",
            "The request asks for something this broker does not allow; see errors.",
            [
                {
                    "field": "role",
                    "message": "a chat takes CUSTOM_BOT, which this broker does not allow",
                }
            ],
        ),
    )


def test_a_widened_channel_prefers_the_default_role(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(
        allowed_roles=frozenset({"CUSTOMER", "SUPERVISOR"}),
        default_role="SUPERVISOR",
        channel_roles={"VOICE": ("CUSTOMER", "SUPERVISOR")},
    )
    described(stub)
    created(stub, role="SUPERVISOR")
    assert body_of(invoke(api_gateway_event(BODY)))["role"] == "SUPERVISOR"


def test_a_channel_the_map_leaves_out_is_not_supported(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(channel_roles={"VOICE": ("CUSTOMER",)})
    described(stub, channel="CHAT", subtype="connect:Chat", initiation="API")
    assert answer(invoke(api_gateway_event(BODY))) == (409, not_supported("chat"))


def test_a_channel_the_map_adds_is_supported(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks(channel_roles={"VOICE": ("CUSTOMER",), "TASK": ("CUSTOMER",)})
    described(stub, channel="TASK", subtype=None, initiation="API", agent_connected=False)
    created(stub)
    assert invoke(api_gateway_event(BODY))["statusCode"] == 201


# --- What is checked before the contact is looked up --------------------------------------------


def test_an_invalid_request_is_answered_without_describing_the_contact(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks()
    assert invoke(api_gateway_event({"displayName": ""}))["statusCode"] == 400


def test_a_role_the_broker_does_not_allow_is_answered_without_describing_the_contact(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    checks()
    assert invoke(api_gateway_event({**BODY, "role": "AGENT"}))["statusCode"] == 403


def test_without_contact_checks_connect_is_called_at_once(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(contact_checks=False)
    created(stub)
    assert invoke(api_gateway_event(BODY))["statusCode"] == 201


# --- Waiting for the agent (a fake clock: no real sleeping) -------------------------------------


def agent_connects_after(stub: WireStubber, seconds: float, polls: list[float]) -> None:
    """Queue DescribeContact answers, one per poll time, for an agent who connects ``seconds``
    after the request."""
    for moment in polls:
        described(stub, agent_connected=moment >= seconds)


def test_agent_connecting_2_s_after_the_request_gets_201_when_the_wait_allows_it(
    stub: WireStubber, invoke: Invoke, checks: Any, clock: FakeClock
) -> None:
    checks(agent_wait_seconds=3.0)
    agent_connects_after(stub, 2, polls=[0, 1, 2])
    created(stub)
    response = invoke(api_gateway_event(BODY))
    assert response["statusCode"] == 201
    assert clock.sleeps == [1.0, 1.0]


@pytest.mark.parametrize("wait", [0.0, 1.5, 3.0])
def test_a_request_whose_agent_never_connects_makes_the_describe_calls_throttling_counts(
    stub: WireStubber, invoke: Invoke, checks: Any, clock: FakeClock, wait: float
) -> None:
    # The construct sizes the routes' throttles to Connect's DescribeContact quota with this
    # count (constructs_lib/edge/throttling.py); the stub refuses one call more.
    checks(agent_wait_seconds=wait)
    for _ in range(_throttling.describe_calls(True, wait)):
        described(stub, agent_connected=False)
    assert answer(invoke(api_gateway_event(BODY))) == (409, AGENT_NOT_CONNECTED)


def test_connect_latency_leaves_the_agent_wait_out(
    stub: WireStubber,
    invoke: Invoke,
    checks: Any,
    clock: FakeClock,
    capsys: CAPTURE,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The latency alarm watches ConnectLatency so that a normal wait for the agent never pages
    # (tests/monitoring/test_monitoring.py): the metric times CreateParticipant alone.
    checks(agent_wait_seconds=3.0)
    monkeypatch.setattr(participants.time, "perf_counter", clock.time)
    agent_connects_after(stub, 2, polls=[0, 1, 2])
    created(stub)
    assert invoke(api_gateway_event(BODY))["statusCode"] == 201
    _, record = emf(capsys)
    assert (clock.now, record["ConnectLatency"]) == (2.0, 0)


def test_agent_connecting_2_s_after_the_request_gets_409_when_the_wait_does_not(
    stub: WireStubber, invoke: Invoke, checks: Any, clock: FakeClock
) -> None:
    checks(agent_wait_seconds=1.5)
    agent_connects_after(stub, 2, polls=[0, 1, 1.5])
    response = invoke(api_gateway_event(BODY))
    assert answer(response) == (409, AGENT_NOT_CONNECTED)
    assert response["headers"]["Retry-After"] == "2"
    assert clock.sleeps == [1.0, 0.5]


def test_contact_ending_while_the_broker_waits_is_contact_ended(
    stub: WireStubber, invoke: Invoke, checks: Any, clock: FakeClock
) -> None:
    checks(agent_wait_seconds=3.0)
    described(stub, agent_connected=False)
    described(stub, agent_connected=False, ended=True)
    assert answer(invoke(api_gateway_event(BODY))) == (409, CONTACT_ENDED)
    assert clock.sleeps == [1.0]


def test_the_wait_is_cut_to_the_time_the_function_has_left(
    stub: WireStubber, checks: Any, clock: FakeClock
) -> None:
    checks(agent_wait_seconds=3.0)
    # 16.5 s left: a last DescribeContact (7 s), CreateParticipant (7 s) and the 1 s margin
    # leave 1.5 s to wait.
    described(stub, agent_connected=False)
    described(stub, agent_connected=False)
    described(stub, agent_connected=False)
    response = handler.handler(api_gateway_event(BODY), FakeLambdaContext(remaining_ms=16_500))
    assert response["statusCode"] == 409
    assert clock.sleeps == [1.0, 0.5]


def test_no_time_left_to_wait_answers_at_once(
    stub: WireStubber, checks: Any, clock: FakeClock
) -> None:
    checks(agent_wait_seconds=3.0)
    described(stub, agent_connected=False)
    response = handler.handler(api_gateway_event(BODY), FakeLambdaContext(remaining_ms=10_000))
    assert answer(response) == (409, AGENT_NOT_CONNECTED)
    assert clock.sleeps == []


def test_throttled_poll_while_waiting_is_429(
    stub: WireStubber, invoke: Invoke, checks: Any, clock: FakeClock
) -> None:
    checks(agent_wait_seconds=3.0)
    described(stub, agent_connected=False)
    stub.add_client_error(
        "describe_contact", service_error_code="ThrottlingException", http_status_code=429
    )
    response = invoke(api_gateway_event(BODY))
    assert response["statusCode"] == 429
    assert response["headers"]["Retry-After"] == "2"


# --- Contact-bound callers -----------------------------------------------------------------------


def cognito(event: dict[str, Any], sub: str) -> dict[str, Any]:
    event["requestContext"]["authorizer"] = {"claims": {"sub": sub, "token_use": "id"}}
    return event


def custom(event: dict[str, Any], principal: str) -> dict[str, Any]:
    event["requestContext"]["authorizer"] = {"principalId": principal, "integrationLatency": 3}
    return event


@pytest.mark.parametrize(
    ("auth_type", "identity", "event"),
    [
        ("AWS_IAM", CALLER, lambda: api_gateway_event(BODY)),
        ("COGNITO_USER_POOLS", "sub-1", lambda: cognito(api_gateway_event(BODY), "sub-1")),
        ("CUSTOM", "tenant-7|user-3", lambda: custom(api_gateway_event(BODY), "tenant-7|user-3")),
    ],
    ids=["iam", "cognito", "custom"],
)
def test_the_callers_own_contact_gets_the_participant(
    stub: WireStubber,
    invoke: Invoke,
    checks: Any,
    auth_type: str,
    identity: str,
    event: Callable[[], dict[str, Any]],
) -> None:
    checks(auth_type=auth_type, caller_attribute="brokerCaller")
    described(stub, attributes={"brokerCaller": identity, "other": "x"})
    created(stub)
    assert invoke(event())["statusCode"] == 201


@pytest.mark.parametrize(
    "attributes",
    [
        {"brokerCaller": "arn:aws:sts::123456789012:assumed-role/other"},
        {"brokerCaller": CALLER + " "},
        {"brokerCaller": ""},
        {"BrokerCaller": CALLER},
        {},
        None,
    ],
    ids=["another-caller", "almost", "empty", "other-case", "no-attribute", "no-attributes"],
)
def test_someone_elses_contact_is_404_exactly_like_a_missing_one(
    stub: WireStubber, invoke: Invoke, checks: Any, attributes: dict[str, str] | None
) -> None:
    checks(caller_attribute="brokerCaller")
    described(stub, attributes=attributes)
    response = invoke(api_gateway_event(BODY))
    assert answer(response) == (404, CONTACT_NOT_FOUND)
    assert response["headers"] == PROBLEM_HEADERS


@pytest.mark.parametrize(
    "contact",
    [{"ended": True}, {"channel": "TASK", "subtype": None}, {"agent_connected": False}],
    ids=["ended", "task", "agent-pending"],
)
def test_nothing_is_revealed_about_someone_elses_contact(
    stub: WireStubber, invoke: Invoke, checks: Any, contact: dict[str, Any]
) -> None:
    checks(caller_attribute="brokerCaller", agent_wait_seconds=3.0)
    described(stub, attributes={"brokerCaller": "someone-else"}, **contact)
    assert answer(invoke(api_gateway_event(BODY))) == (404, CONTACT_NOT_FOUND)


#: Another session of runtime_support's role ``app``: a name its assumer chose.
OTHER_SESSION = "arn:aws:sts::123456789012:assumed-role/app/ana@example.com"


@pytest.mark.parametrize("session", [CALLER_ARN, OTHER_SESSION], ids=["app", "ana"])
def test_every_session_of_the_role_in_the_attribute_gets_the_participant(
    stub: WireStubber, invoke: Invoke, checks: Any, session: str
) -> None:
    checks(caller_attribute="brokerCaller")
    described(stub, attributes={"brokerCaller": "arn:aws:sts::123456789012:assumed-role/app"})
    created(stub)
    assert invoke(signed_by(api_gateway_event(BODY), session))["statusCode"] == 201


def test_a_session_name_matches_no_contact_by_default(
    stub: WireStubber, invoke: Invoke, checks: Any
) -> None:
    # A contact bound to a session ARN: whoever may assume the role could choose that session
    # name, so by default it is no caller's (the caller is the role).
    checks(caller_attribute="brokerCaller")
    described(stub, attributes={"brokerCaller": CALLER_ARN})
    assert answer(invoke(api_gateway_event(BODY))) == (404, CONTACT_NOT_FOUND)


@pytest.mark.parametrize(
    ("session", "status"), [(CALLER_ARN, 201), (OTHER_SESSION, 404)], ids=["own", "other"]
)
def test_iam_session_identity_binds_a_contact_to_one_session(
    stub: WireStubber, invoke: Invoke, checks: Any, session: str, status: int
) -> None:
    checks(caller_attribute="brokerCaller", iam_sessions=True)
    described(stub, attributes={"brokerCaller": CALLER_ARN})
    if status == 201:
        created(stub)
    assert invoke(signed_by(api_gateway_event(BODY), session))["statusCode"] == status


@pytest.mark.parametrize(
    ("pool_user", "status"),
    [(POOL_USER, 201), ("eu-west-1:0b0b0b0b-0000-4000-8000-0000000b0b0b", 404)],
    ids=["own", "other-user-same-role"],
)
def test_an_identity_pool_users_contact_is_theirs_alone(
    stub: WireStubber, invoke: Invoke, checks: Any, pool_user: str, status: int
) -> None:
    checks(caller_attribute="brokerCaller")
    described(stub, attributes={"brokerCaller": POOL_USER})
    if status == 201:
        created(stub)
    event = signed_by(api_gateway_event(BODY), IDENTITY_POOL_SESSION, cognito_identity_id=pool_user)
    assert invoke(event)["statusCode"] == status


def test_missing_caller_identity_is_500_and_connect_is_not_called(
    stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE
) -> None:
    checks(auth_type="COGNITO_USER_POOLS", caller_attribute="brokerCaller")
    response = invoke(api_gateway_event(BODY))  # no authorizer claims in the event
    assert response["statusCode"] == 500
    (line, _) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["message"] == "caller identity missing"


# --- DescribeContact failures: answered as the contract says, counted by operation ---------------


@pytest.mark.parametrize(
    ("code", "http", "status", "retry_after"),
    [
        ("ThrottlingException", 429, 429, "2"),
        ("InternalServiceException", 500, 503, "5"),
        ("AccessDeniedException", 403, 500, None),
    ],
)
def test_describe_failures_are_answered_as_the_contract_says(
    stub: WireStubber,
    invoke: Invoke,
    checks: Any,
    code: str,
    http: int,
    status: int,
    retry_after: str | None,
) -> None:
    checks()
    stub.add_client_error("describe_contact", service_error_code=code, http_status_code=http)
    response = invoke(api_gateway_event(BODY))
    assert response["statusCode"] == status
    assert response["headers"].get("Retry-After") == retry_after


def test_describe_timeout_is_504(stub: WireStubber, invoke: Invoke, checks: Any) -> None:
    checks()
    stub.add_exception("describe_contact", ReadTimeoutError)
    assert invoke(api_gateway_event(BODY))["statusCode"] == 504


def emf(capsys: CAPTURE) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (metrics,) = [record for record in records if "_aws" in record]
    return [record for record in records if "_aws" not in record], metrics


def test_throttled_describe_is_counted_by_operation_and_code(
    stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE
) -> None:
    checks()
    stub.add_client_error(
        "describe_contact", service_error_code="ThrottlingException", http_status_code=429
    )
    invoke(api_gateway_event(BODY))
    (line,), record = emf(capsys)
    assert (line["message"], line["operation"], line["errorCode"]) == (
        "connect call failed",
        "DescribeContact",
        "ThrottlingException",
    )
    assert record["ConnectThrottles"] == 1
    assert (record["Operation"], record["ErrorCode"], record["ConnectErrors"]) == (
        "DescribeContact",
        "ThrottlingException",
        1,
    )
    (errors,) = [
        d for d in record["_aws"]["CloudWatchMetrics"] if d["Metrics"][0]["Name"] == "ConnectErrors"
    ]
    assert ["FunctionName", "Operation", "ErrorCode"] in errors["Dimensions"]
    assert "ConnectLatency" not in record  # CreateParticipant was not called
    assert line["latencyMs"] >= 0


def test_a_refused_contact_is_logged_and_counted_by_check(
    stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE
) -> None:
    checks()
    described(stub, agent_connected=False)
    invoke(api_gateway_event(BODY))
    (line,), record = emf(capsys)
    assert line["message"] == "contact refused"
    assert (line["status"], line["contactCheck"], line["contactId"]) == (
        409,
        "agent-not-connected",
        CONTACT_ID,
    )
    assert (record["ContactRejections"], record["ContactCheck"]) == (1, "agent-not-connected")
    directive = record["_aws"]["CloudWatchMetrics"][-1]
    assert directive["Dimensions"] == [["FunctionName", "ContactCheck"]]
    assert directive["Metrics"] == [{"Name": "ContactRejections", "Unit": "Count"}]


def test_someone_elses_contact_is_logged_for_operators_only(
    stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE
) -> None:
    checks(caller_attribute="brokerCaller")
    described(stub, attributes={"brokerCaller": "someone-else"})
    invoke(api_gateway_event(BODY))
    (line,), record = emf(capsys)
    assert line["contactCheck"] == record["ContactCheck"] == "not-callers-contact"
    assert "someone-else" not in json.dumps([line, record])


def test_success_after_the_checks_logs_no_token(
    stub: WireStubber, invoke: Invoke, checks: Any, capsys: CAPTURE
) -> None:
    checks()
    described(stub)
    created(stub)
    invoke(api_gateway_event(BODY))
    (line,), record = emf(capsys)
    assert line["message"] == "participant created"
    assert record["ContactRejections"] == 0
    assert "ContactCheck" not in record
    assert TOKEN not in json.dumps([line, record])
    assert record["apiRequestId"] == API_REQUEST_ID
