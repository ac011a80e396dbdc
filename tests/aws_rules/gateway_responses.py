"""Which status and body API Gateway answers each gateway response type with.

API Gateway developer guide, "Gateway response types for API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html):
* every type has a default status code (the table below, transcribed);
* a type the API does not customize "defaults to the DEFAULT_4XX type" (4xx) or the
  DEFAULT_5XX type (5xx): it takes that fallback's template and headers;
* DEFAULT_4XX and DEFAULT_5XX have no status of their own (null); "changing the status code of
  this fallback gateway response changes the status codes of all other 4XX [5XX] responses to
  the new value"; a customized type answers with its own status code when it sets one, else
  with its default.
API Gateway developer guide, "Handle Lambda errors in API Gateway" and "Set up Lambda proxy
integrations": a function that fails, or returns a malformed proxy response, is answered with
502 Bad Gateway by API Gateway; no documented type names it, so it reaches the caller through
the 5XX fallback (``FUNCTION_ERROR`` below; whether AWS labels it INTEGRATION_FAILURE or leaves
it to DEFAULT_5XX, the answer is the same when neither sets a status code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_STATUS: dict[str, int | None] = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_PARAMETERS": 400,
    "BAD_REQUEST_BODY": 400,
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}
#: The 502 of a failed function (not a documented type; see the module docstring).
FUNCTION_ERROR = "FUNCTION_ERROR"
_FUNCTION_ERROR_STATUS = 502


@dataclass(frozen=True)
class Answer:
    """What a caller receives for one response type."""

    status: int
    template: str | None
    """The ``application/json`` body template; ``None``: API Gateway's own ``{"message": ...}``."""
    headers: Mapping[str, str]
    """``gatewayresponse.header.*`` parameters, by header name."""
    answered_by: str
    """The customized response that applied: the type itself, a fallback, or ``""``."""


def answer(responses: Mapping[str, Mapping[str, Any]], response_type: str) -> Answer:
    """The answer to ``response_type`` given the API's ``AWS::ApiGateway::GatewayResponse``
    properties keyed by ``ResponseType``."""
    default = (
        _FUNCTION_ERROR_STATUS if response_type == FUNCTION_ERROR else DEFAULT_STATUS[response_type]
    )
    if default is None:
        raise ValueError(f"{response_type} is a fallback, not a type a caller receives")
    fallback = "DEFAULT_4XX" if default < 500 else "DEFAULT_5XX"
    if response_type in responses:
        own = responses[response_type]
        status = int(own.get("StatusCode", default))
        applied, properties = response_type, own
    elif fallback in responses:
        properties = responses[fallback]
        status = int(properties.get("StatusCode", default))
        applied = fallback
    else:
        return Answer(default, None, {}, "")
    prefix = "gatewayresponse.header."
    headers = {
        name[len(prefix) :]: value
        for name, value in properties.get("ResponseParameters", {}).items()
        if name.startswith(prefix)
    }
    template = properties.get("ResponseTemplates", {}).get("application/json")
    return Answer(status, template, headers, applied)
