"""What API Gateway enforces and answers before the function runs: the request model (derived from
the contract's JSON Schema) and the problem+json gateway responses (derived from problems.json)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_apigateway as apigateway

from . import _contract, defaults

_SCHEMA_TYPES: dict[str, apigateway.JsonSchemaType] = {
    "string": apigateway.JsonSchemaType.STRING,
    "object": apigateway.JsonSchemaType.OBJECT,
    "array": apigateway.JsonSchemaType.ARRAY,
    "integer": apigateway.JsonSchemaType.INTEGER,
    "number": apigateway.JsonSchemaType.NUMBER,
    "boolean": apigateway.JsonSchemaType.BOOLEAN,
    "null": apigateway.JsonSchemaType.NULL,
}

#: JSON Schema keywords copied as they are (contract spelling -> JsonSchema argument).
_PLAIN_KEYWORDS: dict[str, str] = {
    "title": "title",
    "description": "description",
    "required": "required",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "enum": "enum",
    "minimum": "minimum",
    "maximum": "maximum",
    "minItems": "min_items",
    "maxItems": "max_items",
    "minProperties": "min_properties",
    "maxProperties": "max_properties",
}


def to_json_schema(
    schema: dict[str, Any], *, version: apigateway.JsonSchemaVersion | None = None
) -> apigateway.JsonSchema:
    """Convert a draft-4 JSON Schema dict into ``apigateway.JsonSchema``.

    Raises ``ValueError`` on a keyword this converter does not know, so a contract change that
    API Gateway would silently ignore fails at synth instead.
    """
    kwargs: dict[str, Any] = {} if version is None else {"schema": version}
    for keyword, value in schema.items():
        if keyword in _PLAIN_KEYWORDS:
            kwargs[_PLAIN_KEYWORDS[keyword]] = value
        elif keyword == "type":
            kwargs["type"] = _SCHEMA_TYPES[value]
        elif keyword == "properties":
            kwargs["properties"] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif keyword == "additionalProperties":
            kwargs["additional_properties"] = (
                value if isinstance(value, bool) else to_json_schema(value)
            )
        elif keyword == "items":
            kwargs["items"] = to_json_schema(value)
        else:
            raise ValueError(
                f"contract.schema.json uses the keyword {keyword!r}, which the request model "
                "converter does not handle; add it to constructs_lib/_edge.py"
            )
    return apigateway.JsonSchema(**kwargs)


@functools.cache
def request_model_schema() -> apigateway.JsonSchema:
    """The API Gateway request model: ``definitions.CreateParticipantRequest``, draft 4.

    Built once per process (the contract file does not change while an app runs): every broker
    of an app shares the same immutable struct.
    """
    return to_json_schema(_contract.request_schema(), version=apigateway.JsonSchemaVersion.DRAFT4)


@dataclass(frozen=True)
class GatewayProblem:
    """One gateway response: which API Gateway response type, which problem, which message."""

    response_type: apigateway.ResponseType
    construct_id: str
    problem_code: str
    detail: str
    retry_after: bool = False


#: The gateway responses the broker customizes, each mapped to a problem type. Details are
#: fixed sentences: API Gateway's own messages (for example the validation error string) can
#: hold quotes that would break the JSON, and must not leak internals.
#:
#: Every response type API Gateway can send is answered as a problem. A type not listed here
#: takes DEFAULT_4XX's or DEFAULT_5XX's template, headers and status (API Gateway applies a
#: fallback's status code to every type it covers), so only types whose status or problem type
#: differs from their fallback's need a resource of their own:
#: - BAD_REQUEST_BODY and BAD_REQUEST_PARAMETERS (the request validator's rejections) are 400
#:   ``invalid-request`` through DEFAULT_4XX, whose detail names both;
#: - API_CONFIGURATION_ERROR, AUTHORIZER_CONFIGURATION_ERROR, AUTHORIZER_FAILURE and
#:   INTEGRATION_FAILURE are 500 ``internal`` through DEFAULT_5XX, as they would be here;
#: - INVALID_API_KEY and QUOTA_EXCEEDED need a method that requires an API key, which the
#:   broker never creates.
#: Each resource left out is one fewer per broker (CloudFormation allows 500 per stack) and a
#: faster synth.
GATEWAY_PROBLEMS: tuple[GatewayProblem, ...] = (
    GatewayProblem(
        apigateway.ResponseType.UNAUTHORIZED,
        "Unauthorized",
        "unauthorized",
        "The request is not authenticated.",
    ),
    GatewayProblem(
        apigateway.ResponseType.ACCESS_DENIED,
        "AccessDenied",
        "access-denied",
        "The caller is not allowed to call this API.",
    ),
    GatewayProblem(
        apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        "MissingAuthenticationToken",
        "access-denied",
        "The request is not authenticated, or no such resource or method exists.",
    ),
    GatewayProblem(
        apigateway.ResponseType.INVALID_SIGNATURE,
        "InvalidSignature",
        "access-denied",
        "The request signature is not valid.",
    ),
    GatewayProblem(
        apigateway.ResponseType.EXPIRED_TOKEN,
        "ExpiredToken",
        "access-denied",
        "The request's credentials have expired.",
    ),
    GatewayProblem(
        apigateway.ResponseType.WAF_FILTERED,
        "WafFiltered",
        "access-denied",
        "The request was blocked by the web application firewall.",
    ),
    GatewayProblem(
        apigateway.ResponseType.RESOURCE_NOT_FOUND,
        "ResourceNotFound",
        "not-found",
        "No such resource or method.",
    ),
    GatewayProblem(
        apigateway.ResponseType.REQUEST_TOO_LARGE,
        "RequestTooLarge",
        "too-large",
        "The request is too large.",
    ),
    GatewayProblem(
        apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaType",
        "unsupported-media-type",
        "The request's content type is not supported.",
    ),
    GatewayProblem(
        apigateway.ResponseType.THROTTLED,
        "Throttled",
        "throttled",
        "Too many requests; retry after the time in Retry-After.",
        retry_after=True,
    ),
    GatewayProblem(
        apigateway.ResponseType.INTEGRATION_TIMEOUT,
        "IntegrationTimeout",
        "timeout",
        "The broker did not answer in time.",
    ),
    # Fallbacks: the types above do not list, and any type API Gateway adds later.
    GatewayProblem(
        apigateway.ResponseType.DEFAULT_4_XX,
        "Default4XX",
        "invalid-request",
        "The request does not match the contract: check the JSON body against the schema and "
        "the contactId path parameter.",
    ),
    GatewayProblem(
        apigateway.ResponseType.DEFAULT_5_XX,
        "Default5XX",
        "internal",
        "The broker or its authorizer failed to answer.",
    ),
)


def problem_body(problem_code: str, detail: str) -> str:
    """The gateway response template: the contract's problem shape, ``requestId`` filled in by
    API Gateway (``$context.requestId`` is a plain variable substitution)."""
    problem = _contract.problem(problem_code)
    return json.dumps(
        {
            "type": problem["type"],
            "title": problem["title"],
            "status": problem["status"],
            "detail": detail,
            "requestId": "$context.requestId",
        },
        separators=(",", ":"),
    )


def add_gateway_responses(
    api: apigateway.RestApi, extra_headers: dict[str, str] | None = None
) -> None:
    """Add every gateway response of ``GATEWAY_PROBLEMS`` to ``api``."""
    for spec in GATEWAY_PROBLEMS:
        problem = _contract.problem(spec.problem_code)
        headers = dict(defaults.PROBLEM_RESPONSE_HEADERS)
        if spec.retry_after:
            headers["Retry-After"] = f"'{defaults.RETRY_AFTER_SECONDS}'"
        headers.update(extra_headers or {})
        api.add_gateway_response(
            spec.construct_id,
            type=spec.response_type,
            status_code=str(problem["status"]),
            response_headers=headers,
            templates={"application/json": problem_body(spec.problem_code, spec.detail)},
        )
