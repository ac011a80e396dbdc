"""The local broker's stand-in for API Gateway: what the deployed API answers before, or
instead of, the function. Standard library only.

- **Routing.** API Gateway decodes the request path once before it matches the path to a
  resource, so ``/contacts/a%2Fb/participants`` is ``/contacts/a/b/participants``, which no
  resource matches (see docs/local-broker.md for the sources).
- **The resources** are the participants route and, with invitations, the invitation routes
  (:func:`routes`).
- **A method or resource the API does not have** (any other path; on a resource, any method it
  lacks, and OPTIONS when CORS is off; HEAD, TRACE and unknown methods alike) gets API Gateway's
  MISSING_AUTHENTICATION_TOKEN answer, 403 ``access-denied`` ("Gateway response types").
- **OPTIONS on a resource with CORS** gets the preflight aws-cdk-lib's ``add_cors_preflight``
  deploys (a MOCK integration): 204 with the allowed headers, the resource's methods and max
  age, and the first
  allowed origin, unless the request's ``Origin`` is one of the others (its response template
  overrides the header then).
- **A body over API Gateway's payload quota** gets REQUEST_TOO_LARGE, 413 ``too-large``.
- The gateway's own problems carry ``Access-Control-Allow-Origin`` only when exactly one origin
  is allowed, as the deployed gateway responses do (a gateway response holds one static value),
  and then expose ``Retry-After`` wherever they carry it.

Problems are built by the runtime's own ``problems.problem`` (passed in), so they are
serialized exactly as the function serializes its problems.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from constructs_lib import _gateway_answers

#: ``problems.problem(code, detail, request_id)`` of the runtime: an API Gateway proxy response.
ProblemFactory = Callable[[str, str, str], dict[str, Any]]


PARTICIPANTS_ROUTE: Final = _gateway_answers.PARTICIPANTS_PATH


@dataclass(frozen=True)
class Route:
    """One resource of the API and the methods it has."""

    resource: str
    """The resource path, path parameters in braces: ``/contacts/{contactId}/participants``."""
    methods: tuple[str, ...]

    def parameters(self, path: str) -> dict[str, str] | None:
        """The path parameters when ``path`` (decoded) is this resource, else ``None``."""
        template, parts = self.resource.split("/"), path.split("/")
        if len(template) != len(parts):
            return None
        found: dict[str, str] = {}
        for expected, part in zip(template, parts, strict=True):
            if expected.startswith("{") and part:
                found[expected[1:-1]] = part
            elif expected != part:
                return None
        return found


def routes(invitations: bool) -> tuple[Route, ...]:
    """The API's resources: the participants route, and the invitation routes when on."""
    participants = Route(PARTICIPANTS_ROUTE, ("POST",))
    if not invitations:
        return (participants,)
    extra = _gateway_answers.INVITATION_ROUTES.items()
    return (participants, *(Route(path, methods) for path, methods in extra))


def find_route(raw_path: str, api: Sequence[Route]) -> tuple[Route, dict[str, str]] | None:
    """The route of a request path, decoded once as API Gateway decodes it, and its path
    parameters; ``None`` when no resource matches."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path)
    for route in api:
        found = route.parameters(path)
        if found is not None:
            return route, found
    return None


def route_contact_id(raw_path: str) -> str | None:
    """The contact ID when the path, decoded once, is ``/contacts/{contactId}/participants``."""
    matched = find_route(raw_path, routes(False))
    return None if matched is None else matched[1]["contactId"]


class LocalGateway:
    """Answers what API Gateway answers itself, for one broker configuration."""

    def __init__(
        self,
        cors_allowed_origins: Sequence[str],
        problem: ProblemFactory,
        api: Sequence[Route] = routes(False),
    ) -> None:
        self.origins = tuple(cors_allowed_origins)
        self._problem = problem
        self.api = tuple(api)

    def answer(
        self,
        method: str,
        raw_path: str,
        headers: Sequence[tuple[str, str]],
        body_length: int,
        request_id: str,
    ) -> dict[str, Any] | None:
        """API Gateway's own proxy-shaped response, or ``None`` when the function answers."""
        matched = find_route(raw_path, self.api)
        if matched is not None and method == "OPTIONS" and self.origins:
            return self.preflight(headers, matched[0])
        if matched is None or method not in matched[0].methods:
            return self.problem("access-denied", _gateway_answers.UNKNOWN_ROUTE_DETAIL, request_id)
        if body_length > _gateway_answers.MAX_PAYLOAD_BYTES:
            return self.problem("too-large", _gateway_answers.REQUEST_TOO_LARGE_DETAIL, request_id)
        return None

    def problem(
        self, code: str, detail: str, request_id: str, *, retry_after: int | None = None
    ) -> dict[str, Any]:
        """A gateway problem: the runtime's serialization, the gateway's ``Retry-After`` (if
        given) and CORS headers."""
        response = self._problem(code, detail, request_id)
        if retry_after is not None:
            response["headers"] = {**response["headers"], "Retry-After": str(retry_after)}
        if len(self.origins) == 1:
            cors = {"Access-Control-Allow-Origin": self.origins[0], "Vary": "Origin"}
            if "Retry-After" in response["headers"]:
                cors["Access-Control-Expose-Headers"] = ",".join(
                    _gateway_answers.CORS_EXPOSE_HEADERS
                )
            response["headers"] = {**response["headers"], **cors}
        return response

    def function_failed(self, request_id: str) -> dict[str, Any]:
        """A failed function's answer: 502, through the gateway's 5XX fallback, whose body
        leaves ``status`` out and whose headers carry ``Retry-After``."""
        response = self.problem(
            "bad-gateway",
            _gateway_answers.FUNCTION_FAILED_DETAIL,
            request_id,
            retry_after=_gateway_answers.RETRY_AFTER_SECONDS,
        )
        body = json.loads(response["body"])
        del body["status"]
        # Written back as the runtime writes its problems (compact, non-ASCII as is).
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return {**response, "body": text}

    def preflight(self, headers: Sequence[tuple[str, str]], route: Route) -> dict[str, Any]:
        """The CORS preflight answer of ``route``, as the deployed MOCK integration gives it."""
        sent = _exact_header(headers, "Origin") or _exact_header(headers, "origin")
        origin = sent if sent in self.origins[1:] else self.origins[0]
        answer_headers: Mapping[str, str] = {
            "Access-Control-Allow-Headers": ",".join(_gateway_answers.CORS_ALLOW_HEADERS),
            "Access-Control-Allow-Origin": origin,
            "Vary": "Origin",
            "Access-Control-Allow-Methods": ",".join((*route.methods, "OPTIONS")),
            "Access-Control-Max-Age": str(_gateway_answers.CORS_MAX_AGE_SECONDS),
        }
        return {"statusCode": 204, "headers": dict(answer_headers), "body": ""}


def _exact_header(headers: Sequence[tuple[str, str]], name: str) -> str:
    """The last value of header ``name`` spelled exactly so (the preflight's response template
    asks for ``Origin``, then ``origin``), or ``""``."""
    values = [value for key, value in headers if key == name]
    return values[-1] if values else ""
