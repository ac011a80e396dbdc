"""403 when the request asks for a role or capability the broker does not allow."""

from __future__ import annotations

from typing import Any

from runtime_support import PROBLEM_HEADERS, api_gateway_event, body_of, invalid, problem
from wire_stub import WireStubber

Invoke = Any
ROLE_MESSAGE = "must be one of the roles this broker allows: CUSTOMER"
CAPABILITY_MESSAGE = "is not allowed by this broker"


def not_allowed(*errors: tuple[str, str]) -> dict[str, Any]:
    return problem(
        403,
        "not-allowed",
        "Not allowed by this broker",
        "The request asks for something this broker does not allow; see errors.",
        [{"field": name, "message": message} for name, message in errors],
    )


def test_role_not_allowed_is_forbidden(stub: WireStubber, invoke: Invoke) -> None:
    response = invoke(api_gateway_event({"displayName": "Ana", "role": "AGENT"}))
    assert response["statusCode"] == 403
    assert response["headers"] == PROBLEM_HEADERS
    assert body_of(response) == not_allowed(("role", ROLE_MESSAGE))


def test_allowed_roles_are_listed_sorted(stub: WireStubber, invoke: Invoke, configure: Any) -> None:
    configure(allowed_roles=frozenset({"CUSTOM_BOT", "CUSTOMER"}))
    response = invoke(api_gateway_event({"displayName": "Ana", "role": "SUPERVISOR"}))
    assert body_of(response) == not_allowed(
        ("role", "must be one of the roles this broker allows: CUSTOMER, CUSTOM_BOT")
    )


def test_video_not_allowed_is_forbidden(stub: WireStubber, invoke: Invoke, configure: Any) -> None:
    configure(allow_video=False)
    event = api_gateway_event({"displayName": "Ana", "capabilities": {"video": "SEND"}})
    response = invoke(event)
    assert response["statusCode"] == 403
    assert body_of(response) == not_allowed(("capabilities.video", CAPABILITY_MESSAGE))


def test_screen_share_not_allowed_is_forbidden(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(allow_screen_share=False)
    event = api_gateway_event({"displayName": "Ana", "capabilities": {"screenShare": "SEND"}})
    assert body_of(invoke(event)) == not_allowed(("capabilities.screenShare", CAPABILITY_MESSAGE))


def test_every_policy_failure_is_listed(stub: WireStubber, invoke: Invoke, configure: Any) -> None:
    configure(allow_video=False, allow_screen_share=False)
    event = api_gateway_event(
        {
            "displayName": "Ana",
            "role": "SYSTEM",
            "capabilities": {"video": "SEND", "screenShare": "SEND"},
        }
    )
    assert body_of(invoke(event)) == not_allowed(
        ("role", ROLE_MESSAGE),
        ("capabilities.video", CAPABILITY_MESSAGE),
        ("capabilities.screenShare", CAPABILITY_MESSAGE),
    )


def test_validation_failure_takes_precedence_over_policy(
    stub: WireStubber, invoke: Invoke, configure: Any
) -> None:
    configure(allow_video=False)
    event = api_gateway_event(
        {"displayName": "", "role": "AGENT", "capabilities": {"video": "SEND"}}
    )
    response = invoke(event)
    assert response["statusCode"] == 400
    assert body_of(response) == invalid(("displayName", "must be at least 1 character long"))


def test_bad_contact_id_takes_precedence_over_policy(stub: WireStubber, invoke: Invoke) -> None:
    event = api_gateway_event({"displayName": "Ana", "role": "AGENT"}, contact_id="a/b")
    response = invoke(event)
    assert response["statusCode"] == 400
    assert body_of(response) == invalid(("contactId", "contains characters that are not allowed"))
