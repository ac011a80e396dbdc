"""With invitations on, the participants route is still the handler's own: a caller adds a
participant exactly as on a broker without invitations (the invitation routes take only their
own resources)."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import (
    CONNECT_RESPONSE,
    PARTICIPANT_ID,
    api_gateway_event,
    body_of,
    expected_params,
)
from wire_stub import WireStubber

from runtime.broker import handler

Invoke = Any


def test_the_participants_route_adds_a_participant_with_invitations_on(
    stub: WireStubber, table: WireStubber, invoke: Invoke
) -> None:
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    response = invoke(api_gateway_event({"displayName": "Ana Silva"}))
    assert response["statusCode"] == 201
    assert body_of(response)["participantId"] == PARTICIPANT_ID


def test_a_participants_request_leaves_the_invitation_routes_unloaded(
    stub: WireStubber, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a fresh interpreter (test_invitation_imports.py), here in process."""
    monkeypatch.setattr(handler, "_invitation_app", None)
    stub.add_response("create_participant", CONNECT_RESPONSE, expected_params())
    assert invoke(api_gateway_event({"displayName": "Ana Silva"}))["statusCode"] == 201
    assert handler._invitation_app is None
