"""The local broker's stand-in for API Gateway: what the deployed API answers before, or
instead of, the function. Standard library only.

- **Routing.** API Gateway decodes the request path once before it matches the path to a
  resource, so ``/contacts/a%2Fb/participants`` is ``/contacts/a/b/participants``, which no
  resource matches (see docs/local-broker.md for the sources).
- **A method or resource the API does not have** (any other path; on the route, any method but
  POST, and OPTIONS when CORS is off; HEAD, TRACE and unknown methods alike) gets API Gateway's
  MISSING_AUTHENTICATION_TOKEN answer, 403 ``access-denied`` ("Gateway response types").
- **OPTIONS on the route with CORS** gets the preflight aws-cdk-lib's ``add_cors_preflight``
  deploys (a MOCK integration): 204 with the allowed headers, methods and max age, and the first
  allowed origin, unless the request's ``Origin`` is one of the others (its response template
  overrides the header then).
- **A body over API Gateway's payload quota** gets REQUEST_TOO_LARGE, 413 ``too-large``.
- The gateway's own problems carry ``Access-Control-Allow-Origin`` only when exactly one origin
  is allowed, as the deployed gateway responses do (a gateway response holds one static value).

Problems are built by the runtime's own ``problems.problem`` (passed in), so they are
serialized exactly as the function serializes its problems.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from constructs_lib import _gateway_answers

#: ``problems.problem(code, detail, request_id)`` of the runtime: an API Gateway proxy response.
ProblemFactory = Callable[[str, str, str], dict[str, Any]]


def route_contact_id(raw_path: str) -> str | None:
    """The contact ID when the path, decoded once, is ``/contacts/{contactId}/participants``."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path)
    parts = path.split("/")
    if len(parts) != 4 or parts[0] or parts[1] != "contacts" or parts[3] != "participants":
        return None
    return parts[2] or None


class LocalGateway:
    """Answers what API Gateway answers itself, for one broker configuration."""

    def __init__(self, cors_allowed_origins: Sequence[str], problem: ProblemFactory) -> None:
        self.origins = tuple(cors_allowed_origins)
        self._problem = problem

    def answer(
        self,
        method: str,
        raw_path: str,
        headers: Sequence[tuple[str, str]],
        body_length: int,
        request_id: str,
    ) -> dict[str, Any] | None:
        """API Gateway's own proxy-shaped response, or ``None`` when the function answers."""
        on_route = route_contact_id(raw_path) is not None
        if on_route and method == "OPTIONS" and self.origins:
            return self.preflight(headers)
        if not on_route or method != "POST":
            return self.problem("access-denied", _gateway_answers.UNKNOWN_ROUTE_DETAIL, request_id)
        if body_length > _gateway_answers.MAX_PAYLOAD_BYTES:
            return self.problem("too-large", _gateway_answers.REQUEST_TOO_LARGE_DETAIL, request_id)
        return None

    def problem(self, code: str, detail: str, request_id: str) -> dict[str, Any]:
        """A gateway problem: the runtime's serialization, the gateway's CORS headers."""
        response = self._problem(code, detail, request_id)
        if len(self.origins) == 1:
            response["headers"] = {
                **response["headers"],
                "Access-Control-Allow-Origin": self.origins[0],
                "Vary": "Origin",
            }
        return response

    def preflight(self, headers: Sequence[tuple[str, str]]) -> dict[str, Any]:
        """The CORS preflight answer, as the deployed MOCK integration gives it."""
        sent = _exact_header(headers, "Origin") or _exact_header(headers, "origin")
        origin = sent if sent in self.origins[1:] else self.origins[0]
        answer_headers: Mapping[str, str] = {
            "Access-Control-Allow-Headers": ",".join(_gateway_answers.CORS_ALLOW_HEADERS),
            "Access-Control-Allow-Origin": origin,
            "Vary": "Origin",
            "Access-Control-Allow-Methods": ",".join(_gateway_answers.CORS_ALLOW_METHODS),
            "Access-Control-Max-Age": str(_gateway_answers.CORS_MAX_AGE_SECONDS),
        }
        return {"statusCode": 204, "headers": dict(answer_headers), "body": ""}


def _exact_header(headers: Sequence[tuple[str, str]], name: str) -> str:
    """The last value of header ``name`` spelled exactly so (the preflight's response template
    asks for ``Origin``, then ``origin``), or ``""``."""
    values = [value for key, value in headers if key == name]
    return values[-1] if values else ""
