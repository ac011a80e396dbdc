"""What API Gateway answers itself, before or instead of the function: the problem+json gateway
responses (derived from problems.json).

The request body is validated by the function only (not by an API Gateway request validator),
so every 400 carries the ``errors`` list CONTRACT v2 asks for: a gateway response template
allows only plain variable substitution, and the validator's message is not safe JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import aws_apigateway as apigateway

from .. import _contract, _gateway_answers, defaults


@dataclass(frozen=True)
class GatewayProblem:
    """One gateway response: which API Gateway response type, which problem, which message.

    ``status`` is the status API Gateway documents for the type ("Gateway response types for
    API Gateway"); the response sets no status code of its own, so API Gateway answers with
    exactly that status, and the body says the same. ``None`` (the two fallbacks): the status
    varies with the type answered, and the body leaves ``status`` out.
    """

    response_type: apigateway.ResponseType
    construct_id: str
    problem_code: str
    detail: str
    status: int | None
    retry_after: bool = False
    authorizer_only: bool = False
    """Only a broker with a Cognito user pool or an authorizer can get this type."""


#: The gateway responses the broker customizes, each mapped to a problem type. Details are
#: fixed sentences: API Gateway's own messages can hold quotes that would break the JSON, and
#: must not leak internals.
#:
#: No response sets a status code. API Gateway documents that setting one on DEFAULT_4XX or
#: DEFAULT_5XX changes the status of every type that falls back to it, and on a type changes
#: that type's status; left unset, every type keeps the status API Gateway gives it, including
#: the 502 of a function that failed, which the client's retry policy relies on. Each type that
#: can reach a caller of this API has its own response, so its body's ``status`` is exact;
#: the fallbacks answer the rest (INTEGRATION_FAILURE, a 502 from a failed function, and the
#: types this API cannot produce: BAD_REQUEST_BODY and BAD_REQUEST_PARAMETERS without a
#: request validator, UNSUPPORTED_MEDIA_TYPE with a proxy integration, INVALID_API_KEY and
#: QUOTA_EXCEEDED without API keys) with a body that leaves ``status`` to the HTTP status line.
GATEWAY_PROBLEMS: tuple[GatewayProblem, ...] = (
    GatewayProblem(
        apigateway.ResponseType.UNAUTHORIZED,
        "Unauthorized",
        "unauthorized",
        "The request is not authenticated.",
        401,
    ),
    GatewayProblem(
        apigateway.ResponseType.ACCESS_DENIED,
        "AccessDenied",
        "access-denied",
        "The caller is not allowed to call this API.",
        403,
    ),
    GatewayProblem(
        apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        "MissingAuthenticationToken",
        "access-denied",
        _gateway_answers.UNKNOWN_ROUTE_DETAIL,
        403,
    ),
    GatewayProblem(
        apigateway.ResponseType.INVALID_SIGNATURE,
        "InvalidSignature",
        "access-denied",
        "The request signature is not valid.",
        403,
    ),
    GatewayProblem(
        apigateway.ResponseType.EXPIRED_TOKEN,
        "ExpiredToken",
        "access-denied",
        "The request's credentials have expired.",
        403,
    ),
    GatewayProblem(
        apigateway.ResponseType.WAF_FILTERED,
        "WafFiltered",
        "access-denied",
        "The request was blocked by the web application firewall.",
        403,
    ),
    GatewayProblem(
        apigateway.ResponseType.RESOURCE_NOT_FOUND,
        "ResourceNotFound",
        "not-found",
        "No such resource or method.",
        404,
    ),
    GatewayProblem(
        apigateway.ResponseType.REQUEST_TOO_LARGE,
        "RequestTooLarge",
        "too-large",
        _gateway_answers.REQUEST_TOO_LARGE_DETAIL,
        413,
    ),
    GatewayProblem(
        apigateway.ResponseType.THROTTLED,
        "Throttled",
        "throttled",
        "Too many requests; retry after the time in Retry-After.",
        429,
        retry_after=True,
    ),
    GatewayProblem(
        apigateway.ResponseType.INTEGRATION_TIMEOUT,
        "IntegrationTimeout",
        "timeout",
        "The broker did not answer in time.",
        504,
    ),
    GatewayProblem(
        apigateway.ResponseType.API_CONFIGURATION_ERROR,
        "ApiConfigurationError",
        "internal",
        "The broker's API is misconfigured.",
        500,
    ),
    GatewayProblem(
        apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
        "AuthorizerConfigurationError",
        "internal",
        "The API could not reach its authorizer.",
        500,
        authorizer_only=True,
    ),
    GatewayProblem(
        apigateway.ResponseType.AUTHORIZER_FAILURE,
        "AuthorizerFailure",
        "internal",
        "The API's authorizer failed.",
        500,
        authorizer_only=True,
    ),
    # Fallbacks: the types above do not list, and any type API Gateway adds later.
    GatewayProblem(
        apigateway.ResponseType.DEFAULT_4_XX,
        "Default4XX",
        "invalid-request",
        "API Gateway rejected the request.",
        None,
    ),
    GatewayProblem(
        apigateway.ResponseType.DEFAULT_5_XX,
        "Default5XX",
        "bad-gateway",
        _gateway_answers.FUNCTION_FAILED_DETAIL,
        None,
        retry_after=True,
    ),
)


def problem_body(spec: GatewayProblem) -> str:
    """The gateway response template: the contract's problem shape, ``requestId`` filled in by
    API Gateway (``$context.requestId`` is a plain variable substitution)."""
    problem = _contract.problem(spec.problem_code)
    body: dict[str, object] = {"type": problem["type"], "title": problem["title"]}
    if spec.status is not None:
        body["status"] = spec.status
    body.update(detail=spec.detail, requestId="$context.requestId")
    return json.dumps(body, separators=(",", ":"))


def add_gateway_responses(
    api: apigateway.RestApi,
    *,
    with_authorizer: bool,
    extra_headers: dict[str, str] | None = None,
) -> None:
    """Add the gateway responses of ``GATEWAY_PROBLEMS`` that this API can produce.

    ``extra_headers`` are the CORS headers (empty without CORS); with them, a response that
    carries ``Retry-After`` also names it in ``Access-Control-Expose-Headers``, or a page could
    not read it (Fetch: only CORS-safelisted response headers are exposed otherwise).
    """
    for spec in GATEWAY_PROBLEMS:
        if spec.authorizer_only and not with_authorizer:
            continue
        headers = dict(defaults.PROBLEM_RESPONSE_HEADERS)
        if spec.retry_after:
            headers["Retry-After"] = f"'{defaults.RETRY_AFTER_SECONDS}'"
        headers.update(extra_headers or {})
        if spec.retry_after and extra_headers:
            exposed = ",".join(_gateway_answers.CORS_EXPOSE_HEADERS)
            headers["Access-Control-Expose-Headers"] = f"'{exposed}'"
        api.add_gateway_response(
            spec.construct_id,
            type=spec.response_type,
            response_headers=headers,
            templates={"application/json": problem_body(spec)},
        )
