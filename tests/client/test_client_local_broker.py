"""BrokerClient against the local development broker (real runtime, simulated Connect)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from constructs_lib.client import (
    AccessDenied,
    BrokerClient,
    Conflict,
    ContactNotFound,
    GatewayTimeout,
    InvalidRequest,
    NotAllowed,
    Throttled,
    Unavailable,
)
from constructs_lib.local import LocalBroker


@pytest.fixture(scope="module")
def broker(local_broker: LocalBroker) -> BrokerClient:
    return BrokerClient(local_broker.url, sign=False, timeout=5.0, max_attempts=1)


def test_creates_a_participant(broker: BrokerClient) -> None:
    participant = broker.create_participant("contact-1", "Ana", video=True, screen_share=True)
    assert participant.expiry > datetime.now(UTC)


def test_same_idempotency_key_gives_same_participant(broker: BrokerClient) -> None:
    first = broker.create_participant("contact-1", "Ana", idempotency_key="k-1")
    assert broker.create_participant("contact-1", "Ana", idempotency_key="k-1") == first


@pytest.mark.parametrize(
    ("contact_id", "error"),
    [
        ("notfound-1", ContactNotFound),
        ("conflict-1", Conflict),
        ("invalid-1", InvalidRequest),
        ("throttle-1", Throttled),
        ("error-1", Unavailable),
        ("slow-1", GatewayTimeout),
    ],
)
def test_connect_failures_raise_typed_errors(
    broker: BrokerClient, contact_id: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        broker.create_participant(contact_id, "Ana")


def test_role_not_allowed_raises_not_allowed_with_field(broker: BrokerClient) -> None:
    with pytest.raises(NotAllowed) as caught:
        broker.create_participant("contact-1", "Ana", role="AGENT")
    assert [e["field"] for e in caught.value.errors] == ["role"]


def test_bad_contact_id_raises_invalid_request(broker: BrokerClient) -> None:
    with pytest.raises(InvalidRequest) as caught:
        broker.create_participant("not a contact", "Ana")
    assert [e["field"] for e in caught.value.errors] == ["contactId"]


def test_error_carries_the_request_id(broker: BrokerClient) -> None:
    with pytest.raises(ContactNotFound) as caught:
        broker.create_participant("notfound-2", "Ana")
    assert caught.value.request_id is not None and len(caught.value.request_id) == 36


def test_wrong_base_url_raises_access_denied_as_deployed(local_broker: LocalBroker) -> None:
    # API Gateway answers a path it has no resource for with MISSING_AUTHENTICATION_TOKEN.
    with pytest.raises(AccessDenied, match="no such resource or method exists"):
        BrokerClient(local_broker.url + "/v2", sign=False).create_participant("c-1", "Ana")


def test_throttled_retries_are_bounded(local_broker: LocalBroker) -> None:
    client = BrokerClient(local_broker.url, sign=False, max_attempts=2, max_retry_after=0.01)
    with pytest.raises(Throttled):
        client.create_participant("throttle-2", "Ana")
