"""The Connect client the runtime builds (``broker.aws``): its operations, its time budget, and
what it sends and reads whatever SDK the Lambda runtime ships (it uses none)."""

from __future__ import annotations

import json
import re
from typing import Any

from runtime_support import api_gateway_event, body_of
from wire_stub import WireStubber

from runtime.broker import budget, connect, handler
from runtime.broker.aws.transport import Response

OPERATIONS = ["CreateParticipant", "DescribeContact"]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_client_calls_exactly_the_two_operations() -> None:
    called = sorted(
        name
        for name in vars(connect.aws_connect.ConnectClient)
        if name.islower() and name[0] != "_"
    )
    assert called == [snake(name) for name in OPERATIONS]


def test_client_uses_the_time_budget(shared_client: Any) -> None:
    assert (shared_client.connect_timeout, shared_client.read_timeout) == (
        budget.CONNECT_TIMEOUT_SECONDS,
        budget.READ_TIMEOUT_SECONDS,
    )
    assert shared_client.policy.max_attempts == budget.MAX_ATTEMPTS


def test_client_is_in_the_functions_region_and_names_the_broker(shared_client: Any) -> None:
    assert shared_client.region == "eu-west-1"
    assert shared_client.endpoint.url == "https://connect.eu-west-1.amazonaws.com"
    assert shared_client.user_agent.startswith("connect-participant-broker/1 ")


def test_client_sends_capabilities(stub: WireStubber) -> None:
    stub.add_response(
        "create_participant",
        {"ParticipantId": "p", "ParticipantCredentials": {"ParticipantToken": "t", "Expiry": "x"}},
    )
    event = api_gateway_event({"displayName": "Ana", "capabilities": {"screenShare": "SEND"}})
    response = handler.handler(event, None)
    assert response["statusCode"] == 201, body_of(response)
    ((_, _, _, payload),) = stub.sent
    details = json.loads(payload or b"")["ParticipantDetails"]
    assert details["ParticipantCapabilities"] == {"ScreenShare": "SEND"}


class Answering:
    """A transport answering every request with ``body``."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def send(self, **_: Any) -> Response:
        return Response(200, {}, self.body)


def test_client_reads_contact_attributes_and_keeps_what_it_does_not_know() -> None:
    body = (
        b'{"Contact":{"Channel":"VOICE","InitiationMethod":"WEBRTC_API",'
        b'"AgentInfo":{"ConnectedToAgentTimestamp":1795657290.5},'
        b'"SegmentAttributes":{"connect:Subtype":{"ValueString":"connect:WebRTC"}},'
        b'"Attributes":{"caller":"sub-1"},"NewMember":{"A":1}}}'
    )
    client = connect.create_client("eu-west-1", transport=Answering(body))
    contact = client.describe_contact(InstanceId="i-1", ContactId="c-1")["Contact"]
    assert contact["Attributes"] == {"caller": "sub-1"}
    assert contact["SegmentAttributes"] == {"connect:Subtype": {"ValueString": "connect:WebRTC"}}
    assert contact["AgentInfo"]["ConnectedToAgentTimestamp"].timestamp() == 1795657290.5
    assert contact["NewMember"] == {"A": 1}
