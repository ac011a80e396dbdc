"""With invitations on, the participants route is still the handler's own: a caller adds a
participant exactly as on a broker without invitations (the invitation routes take only their
own resources)."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber
from runtime_support import (
    CONNECT_RESPONSE,
    PARTICIPANT_ID,
    api_gateway_event,
    body_of,
    expected_params,
)

Invoke = Any


def test_the_participants_route_adds_a_participant_with_invitations_on(
    stub: Stubber, table: Stubber, invoke: Invoke
) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}))
    assert response["statusCode"] == 201
    assert body_of(response)["participantId"] == PARTICIPANT_ID
