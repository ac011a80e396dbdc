"""Reading API Gateway REST API proxy events (payload 1.0) as real ones come: header names in any
case, ``headers``/``multiValueHeaders`` null or absent, a body null, absent or base64-encoded
(8 KiB at most, after decoding)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from .contract import FieldError

MAX_BODY_BYTES = 8192
BODY = "body"


class BodyError(ValueError):
    """The body cannot be read as a JSON document; ``error`` says why."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)  # pragma: no mutate (only .error is read)
        self.error = error


def mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is an object (JSON decodes to ``dict``), else an empty one."""
    return value if isinstance(value, dict) else {}


def request_id(event: Mapping[str, Any]) -> str | None:
    value = mapping(event.get("requestContext")).get("requestId")
    return value if isinstance(value, str) and value else None


def path_parameter(event: Mapping[str, Any], name: str) -> object:
    return mapping(event.get("pathParameters")).get(name)


def header_values(event: Mapping[str, Any], name: str) -> list[str]:
    """Return every value of header ``name`` (any case), preferring ``multiValueHeaders``."""
    wanted = name.lower()
    values = [
        item
        for key, items in mapping(event.get("multiValueHeaders")).items()
        if isinstance(key, str) and key.lower() == wanted and isinstance(items, list)
        for item in items
        if isinstance(item, str)
    ]
    return values or [
        value
        for key, value in mapping(event.get("headers")).items()
        if isinstance(key, str) and key.lower() == wanted and isinstance(value, str)
    ]


def body_bytes(event: Mapping[str, Any]) -> bytes:
    body = event.get("body")
    if body is None or body == "":
        raise BodyError(FieldError(BODY, "is required"))
    if not isinstance(body, str):
        raise BodyError(FieldError(BODY, "must be a JSON object"))
    try:
        if event.get("isBase64Encoded") is True:
            raw = base64.b64decode(body, validate=True)
        else:
            raw = body.encode("utf-8")  # pragma: no mutate (codec case)
    except (binascii.Error, ValueError):
        raise BodyError(FieldError(BODY, "is not valid JSON")) from None
    if len(raw) > MAX_BODY_BYTES:
        raise BodyError(FieldError(BODY, f"must be at most {MAX_BODY_BYTES} bytes"))
    return raw


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that rejects a member given twice (which one would win?)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BodyError(FieldError(BODY, f"repeats the member {json.dumps(key)}"))
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    """``parse_constant`` that rejects ``NaN`` and ``Infinity`` (not JSON)."""
    raise BodyError(FieldError(BODY, "is not valid JSON"))


def _number(text: str) -> float:
    """``parse_float``: a number with a zero fractional part (``2.0``, ``2e0``) is an int."""
    value = float(text)
    return int(value) if value.is_integer() else value


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_float=_number, parse_constant=_reject_constant
)


def json_body(event: Mapping[str, Any]) -> object:
    """The decoded JSON body, or :class:`BodyError`."""
    raw = body_bytes(event)
    try:
        return _DECODER.decode(raw.decode("utf-8"))  # pragma: no mutate (codec case)
    except BodyError:
        raise
    except ValueError:
        # Undecodable bytes, malformed JSON, and integers past Python's digit limit
        # (``{"displayName": 999...9}``, over 4300 digits) all land here.
        raise BodyError(FieldError(BODY, "is not valid JSON")) from None
    except RecursionError:
        raise BodyError(FieldError(BODY, "is nested too deeply")) from None
