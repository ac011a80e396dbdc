"""An HTTP answer of the broker, and the values or the exception it means."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from .errors import BrokerError, error_for
from .models import Participant


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


def lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}


def describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out waiting for the broker"
    return f"{type(error).__name__}: {error}"


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def success_payload(response: Response, status: int) -> Any:
    """The JSON answer of a call that succeeds with ``status``; else its error, raised."""
    payload = parse_json(response.body)
    if response.status != status:
        raise error_for(response.status, response.headers, payload)
    return payload


_T = TypeVar("_T")


def built(response: Response, build: Callable[[], _T]) -> _T:
    """``build()`` from a success answer, or a ``BrokerError`` when it breaks the contract."""
    try:
        return build()
    except (TypeError, KeyError, ValueError, AttributeError):
        raise BrokerError(
            response.status,
            "Unexpected response",
            f"the broker's {response.status} answer does not follow the contract",
            request_id=response.headers.get("x-amzn-requestid"),
        ) from None


def participant(response: Response) -> Participant:
    payload = success_payload(response, 201)
    return built(
        response,
        lambda: Participant(
            participant_id=str(payload["participantId"]),
            participant_token=str(payload["participantToken"]),
            expiry=datetime.fromisoformat(str(payload["expiry"])),
            role=payload["role"] if isinstance(payload.get("role"), str) else None,
        ),
    )
