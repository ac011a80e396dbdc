"""The request's ``Content-Type`` (CONTRACT v2, docs/contract.md): one, ``application/json`` with
at most ``charset=utf-8`` (matched as RFC 9110 says), or a 415 with one ``errors`` entry saying
why. Checked first: a body not declared as JSON is never read, and a browser's cross-site
"simple" request is turned away before anything else is looked at."""

from __future__ import annotations

import re

from .contract import FieldError

FIELD = "Content-Type"
JSON = "application/json"
_WHITESPACE = " \t"
#: ``type/subtype`` made of RFC 9110 token characters: safe to repeat in a message.
_MEDIA_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}/[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")

MISSING = f"is required: send {JSON}"
REPEATED = "must be sent once"
OTHER_CHARSET = "must have charset=utf-8 or no charset: the broker reads UTF-8 only"
OTHER_PARAMETER = "takes no parameter other than charset=utf-8"
SEVERAL_PARAMETERS = "takes at most one parameter, charset=utf-8"


def _other_media_type(media_type: str) -> str:
    """The message for a media type that is not JSON, naming it when it is well formed."""
    if _MEDIA_TYPE.fullmatch(media_type):
        return f"must be {JSON}, not {media_type.lower()}"
    return f"must be {JSON}"


def _parameter_error(parameter: str) -> str | None:
    """Check one ``name=value`` parameter: only ``charset=utf-8`` passes."""
    name, equals, value = parameter.partition("=")
    if name.strip(_WHITESPACE).lower() != "charset" or not equals:
        return OTHER_PARAMETER
    value = value.strip(_WHITESPACE)
    # > 2 or >= 3 would only keep "" (which fails either way):
    if len(value) >= 2 and value[0] == value[-1] == '"':  # pragma: no mutate
        value = value[1:-1]
    return None if value.lower() == "utf-8" else OTHER_CHARSET


def _value_error(value: str) -> str | None:
    """Check one ``Content-Type`` value."""
    media_type, *parameters = value.split(";")
    media_type = media_type.strip(_WHITESPACE)
    if media_type.lower() != JSON:
        return _other_media_type(media_type)
    present = [item for item in parameters if item.strip(_WHITESPACE)]
    if len(present) > 1:
        return SEVERAL_PARAMETERS
    return _parameter_error(present[0]) if present else None


def errors(values: list[str]) -> list[FieldError]:
    """Return why the request's ``Content-Type`` values are not JSON (empty when they are)."""
    if values == [JSON]:  # most requests
        return []
    if not values:
        return [FieldError(FIELD, MISSING)]
    if len(values) > 1:
        return [FieldError(FIELD, REPEATED)]
    message = _value_error(values[0])
    return [] if message is None else [FieldError(FIELD, message)]
