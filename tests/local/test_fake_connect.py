"""The simulated Amazon Connect, driven by a real botocore client (Connect's real service model)."""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from constructs_lib.local.fake_connect import ERROR_STATUS, FakeConnect

INSTANCE = "11111111-2222-3333-4444-555555555555"
DETAILS = {"DisplayName": "Ana", "ParticipantRole": "CUSTOMER"}


@pytest.fixture(autouse=True)
def _fresh(fake: FakeConnect) -> None:
    """Every test starts from an empty fake."""


def create(client: Any, contact_id: str = "contact-1", **kwargs: Any) -> Any:
    return client.create_participant(
        InstanceId=INSTANCE, ContactId=contact_id, ParticipantDetails=DETAILS, **kwargs
    )


def error_of(client: Any, contact_id: str) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        create(client, contact_id)
    return (
        caught.value.response["Error"]["Code"],
        caught.value.response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_error_statuses_match_connect_service_model() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("connect")
    operation = model.operation_model("CreateParticipant")
    expected = {
        shape.name: shape.metadata["error"]["httpStatusCode"] for shape in operation.error_shapes
    }
    assert expected == ERROR_STATUS


def test_success_returns_uuid_participant_id(connect_client: Any) -> None:
    response = create(connect_client)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", response["ParticipantId"]
    )


def test_success_returns_long_opaque_token(connect_client: Any) -> None:
    token = create(connect_client)["ParticipantCredentials"]["ParticipantToken"]
    assert len(token) >= 300
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)


def test_success_returns_iso8601_millisecond_expiry_in_the_future(connect_client: Any) -> None:
    expiry = create(connect_client)["ParticipantCredentials"]["Expiry"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", expiry)
    assert datetime.strptime(expiry, "%Y-%m-%dT%H:%M:%S.%f%z") > datetime.now(UTC)


def test_same_client_token_returns_same_participant(connect_client: Any) -> None:
    first = create(connect_client, ClientToken="token-1")
    second = create(connect_client, ClientToken="token-1")
    assert first["ParticipantId"] == second["ParticipantId"]
    assert first["ParticipantCredentials"] == second["ParticipantCredentials"]


def test_different_client_tokens_return_different_participants(connect_client: Any) -> None:
    first = create(connect_client, ClientToken="token-1")
    second = create(connect_client, ClientToken="token-2")
    assert first["ParticipantId"] != second["ParticipantId"]


def test_records_the_wire_request(fake: FakeConnect, connect_client: Any) -> None:
    connect_client.create_participant(
        InstanceId=INSTANCE,
        ContactId="contact-9",
        ClientToken="abc",
        ParticipantDetails={**DETAILS, "ParticipantCapabilities": {"Video": "SEND"}},
    )
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/contact/create-participant")
    assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=x/")
    assert request.json() == {
        "InstanceId": INSTANCE,
        "ContactId": "contact-9",
        "ClientToken": "abc",
        "ParticipantDetails": {**DETAILS, "ParticipantCapabilities": {"Video": "SEND"}},
    }


@pytest.mark.parametrize(
    ("contact_id", "code", "status"),
    [
        ("invalid-1", "InvalidRequestException", 400),
        ("quota-1", "ServiceQuotaExceededException", 402),
        ("notfound-1", "ResourceNotFoundException", 404),
        ("conflict-1", "ConflictException", 409),
        ("throttle-1", "ThrottlingException", 429),
        ("error-1", "InternalServiceException", 500),
    ],
)
def test_magic_contact_id_fails_with_connect_error(
    connect_client: Any, contact_id: str, code: str, status: int
) -> None:
    assert error_of(connect_client, contact_id) == (code, status)


def test_error_message_reaches_botocore(connect_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        create(connect_client, "notfound-x")
    assert caught.value.response["Error"]["Message"] == "The specified resource was not found."


def test_slow_contact_outlasts_client_read_timeout(connect_client: Any) -> None:
    with pytest.raises(ReadTimeoutError):
        create(connect_client, "slow-1")


def test_fail_next_fails_that_many_requests(fake: FakeConnect, connect_client: Any) -> None:
    fake.fail_next("ThrottlingException", times=2)
    assert error_of(connect_client, "contact-1") == ("ThrottlingException", 429)
    assert error_of(connect_client, "contact-1") == ("ThrottlingException", 429)
    assert "ParticipantId" in create(connect_client)


def test_fail_next_rejects_unknown_error(fake: FakeConnect) -> None:
    with pytest.raises(
        ValueError, match="unknown Connect error 'Nope'; use one of ConflictException"
    ):
        fake.fail_next("Nope")


def test_sdk_retries_throttling_until_success(
    fake: FakeConnect, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.session
    from botocore.config import Config
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)

    client = botocore.session.get_session().create_client(
        "connect",
        endpoint_url=fake.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )
    fake.fail_next("ThrottlingException", times=1)
    assert "ParticipantId" in create(client)
    assert len(fake.requests) == 2


def test_other_instance_is_not_found_when_instance_is_pinned() -> None:
    import botocore.session

    with FakeConnect(instance_id="pinned") as pinned:
        client = botocore.session.get_session().create_client(
            "connect",
            endpoint_url=pinned.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        assert error_of(client, "contact-1") == ("ResourceNotFoundException", 404)


def raw_post(
    url: str, body: bytes, headers: dict[str, str], method: str = "POST"
) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_unsigned_request_is_rejected(fake: FakeConnect) -> None:
    status, headers, body = raw_post(fake.url + "/contact/create-participant", b"{}", {})
    assert (status, headers["x-amzn-ErrorType"], body) == (
        403,
        "MissingAuthenticationTokenException",
        {"message": "Missing Authentication Token"},
    )


def test_missing_display_name_is_invalid_request(fake: FakeConnect) -> None:
    body = json.dumps({"InstanceId": "i", "ContactId": "c", "ParticipantDetails": {}}).encode()
    status, headers, payload = raw_post(
        fake.url + "/contact/create-participant",
        body,
        {"Authorization": "AWS4-HMAC-SHA256 Credential=x"},
    )
    assert (status, headers["x-amzn-ErrorType"], payload) == (
        400,
        "InvalidRequestException",
        {"message": "DisplayName is not valid."},
    )


def test_unknown_path_is_unknown_operation(fake: FakeConnect) -> None:
    status, headers, _ = raw_post(
        fake.url + "/contact/other", b"{}", {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
    )
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")


@pytest.mark.parametrize("method", ["GET", "OPTIONS", "TRACE", "FOO"])
def test_any_other_method_is_unknown_operation(fake: FakeConnect, method: str) -> None:
    url = fake.url + "/contact/create-participant"
    status, headers, _ = raw_post(url, b"", {}, method)
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")


def test_a_head_answer_has_no_body(fake: FakeConnect) -> None:
    split = urllib.parse.urlsplit(fake.url)
    with socket.create_connection((split.hostname or "", split.port or 0), timeout=5) as sock:
        sock.sendall(b"HEAD /contact/create-participant HTTP/1.1\r\nHost: fake\r\n\r\n")
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(65536)
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            received += sock.recv(65536)
    head, _, rest = received.partition(b"\r\n\r\n")
    assert (head.startswith(b"HTTP/1.1 404 "), rest) == (True, b"")


def test_stop_closes_the_port() -> None:
    fake = FakeConnect().start()
    url = fake.url
    fake.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/contact/create-participant", data=b"{}", timeout=1)


def test_url_before_start_raises() -> None:
    with pytest.raises(RuntimeError, match="fake connect is not running; call start\\(\\) first"):
        _ = FakeConnect().url


def test_answers_without_a_delayed_ack_stall(connect_client: Any) -> None:
    """Ten calls on one kept-alive connection take well under the ~40 ms per call that
    Nagle's algorithm meeting the client's delayed ACK would add (about 400 ms in all)."""
    create(connect_client)  # connect and warm up
    start = time.perf_counter()
    for index in range(10):
        create(connect_client, f"contact-{index}")
    assert time.perf_counter() - start < 0.3


# --- DescribeContact and the simulated contacts --------------------------------------------------


def describe(client: Any, contact_id: str) -> Any:
    return client.describe_contact(InstanceId=INSTANCE, ContactId=contact_id)["Contact"]


def test_any_contact_is_an_ongoing_webrtc_call_with_its_agent(connect_client: Any) -> None:
    contact = describe(connect_client, "contact-1")
    assert (contact["Id"], contact["Channel"], contact["InitiationMethod"]) == (
        "contact-1",
        "VOICE",
        "WEBRTC_API",
    )
    assert contact["SegmentAttributes"] == {"connect:Subtype": {"ValueString": "connect:WebRTC"}}
    assert isinstance(contact["AgentInfo"]["ConnectedToAgentTimestamp"], datetime)
    assert "DisconnectTimestamp" not in contact
    assert contact["Attributes"] == {}


@pytest.mark.parametrize(
    ("contact_id", "channel", "webrtc", "ended", "agent"),
    [
        ("chat-1", "CHAT", False, False, True),
        ("ended-1", "VOICE", True, True, True),
        ("task-1", "TASK", False, False, False),
        ("email-1", "EMAIL", False, False, False),
        ("phone-1", "VOICE", False, False, True),
        ("no-agent-1", "VOICE", True, False, False),
        ("throttle-1", "VOICE", True, False, True),
    ],
)
def test_contact_prefixes(
    connect_client: Any, contact_id: str, channel: str, webrtc: bool, ended: bool, agent: bool
) -> None:
    contact = describe(connect_client, contact_id)
    assert contact["Channel"] == channel
    assert ("SegmentAttributes" in contact) == webrtc
    assert ("DisconnectTimestamp" in contact) == ended
    assert ("AgentInfo" in contact) == agent


def test_agent_connects_after_n_seconds(connect_client: Any) -> None:
    assert "AgentInfo" not in describe(connect_client, "agent-after-1-x")
    time.sleep(1.05)
    assert "AgentInfo" in describe(connect_client, "agent-after-1-x")


def test_added_contact_carries_its_attributes(fake: FakeConnect, connect_client: Any) -> None:
    fake.add_contact("call-7", attributes={"brokerCaller": "sub-1"}, agent_after=None)
    contact = describe(connect_client, "call-7")
    assert contact["Attributes"] == {"brokerCaller": "sub-1"}
    assert "AgentInfo" not in contact


def test_describe_of_a_missing_contact_is_not_found(connect_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        describe(connect_client, "notfound-1")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_fail_next_picks_the_operation(fake: FakeConnect, connect_client: Any) -> None:
    fake.fail_next("InternalServiceException", operation="DescribeContact")
    fake.fail_next("ThrottlingException")
    assert error_of(connect_client, "contact-1") == ("ThrottlingException", 429)
    with pytest.raises(ClientError) as caught:
        describe(connect_client, "contact-1")
    assert caught.value.response["Error"]["Code"] == "InternalServiceException"
    assert [r.operation for r in fake.requests] == ["CreateParticipant", "DescribeContact"]


@pytest.mark.parametrize(
    ("contact_id", "role"),
    [
        ("ended-1", "CUSTOMER"),
        ("task-1", "CUSTOMER"),
        ("phone-1", "CUSTOMER"),
        ("no-agent-1", "CUSTOMER"),
        ("chat-1", "CUSTOMER"),
        ("contact-1", "CUSTOM_BOT"),
    ],
)
def test_create_participant_follows_connects_rules(
    connect_client: Any, contact_id: str, role: str
) -> None:
    with pytest.raises(ClientError) as caught:
        connect_client.create_participant(
            InstanceId=INSTANCE,
            ContactId=contact_id,
            ParticipantDetails={"DisplayName": "Ana", "ParticipantRole": role},
        )
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_a_chat_takes_a_custom_bot(connect_client: Any) -> None:
    response = connect_client.create_participant(
        InstanceId=INSTANCE,
        ContactId="chat-1",
        ParticipantDetails={"DisplayName": "Bot", "ParticipantRole": "CUSTOM_BOT"},
    )
    assert "ParticipantId" in response
