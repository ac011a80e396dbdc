"""The request being served (a context variable), what routes read of it, raising a
:class:`~.problems.Problem` to refuse, and their :class:`Router`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, NamedTuple

from . import apigw, logs, media_type, metrics, problems
from .config import Config
from .contract import FieldError, validate_named
from .identity import MissingIdentity, caller_identity
from .logs import LOGGER
from .problems import Problem

#: Resource paths (the construct reads them too).
with open(os.path.join(os.path.dirname(__file__), "routes.json"), "rb") as _file:
    ROUTES: dict[str, str] = json.loads(_file.read())

VALIDATION_DETAIL = "The request is not valid; see errors for what to fix."
MEDIA_TYPE_DETAIL = "The request body must be sent as application/json; see errors."
Route = Callable[[], dict[str, Any]]


class Request(NamedTuple):
    """``remaining_seconds``: what Lambda gave the invocation (``None``: not in Lambda)."""

    event: Mapping[str, Any]
    config: Config
    invocation: metrics.Invocation
    remaining_seconds: float | None = None


_request: ContextVar[Request] = ContextVar("request")


def current() -> Request:
    return _request.get()


def serve(request: Request, route: Route) -> dict[str, Any]:
    token = _request.set(request)
    try:
        return route()
    finally:
        _request.reset(token)


class Router:
    """Routes by method and resource, merged with :meth:`include_router`; ``around`` wraps each
    one registered here."""

    def __init__(self, around: Callable[[Route], Route] | None = None) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.around = around or (lambda route: route)

    def route(self, method: str, resource: str) -> Callable[[Route], Route]:
        def register(function: Route) -> Route:
            self.routes[method, resource] = self.around(function)
            return function

        return register

    def include_router(self, router: Router) -> Router:
        self.routes.update(router.routes)
        return self


def reject(
    code: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    message: str = "request rejected",
    **fields: Any,
) -> Problem:
    """Log a refusal (field names, never values); return its problem."""
    problem = Problem(code, detail, errors)
    fields.update(status=problem.status, errorFields=[e.field for e in errors])
    LOGGER.info(message, fields)
    return problem


def invalid(errors: Sequence[FieldError]) -> Problem:
    current().invocation.validation_rejections = 1
    return reject("invalid-request", VALIDATION_DETAIL, errors)


def not_allowed(errors: Sequence[FieldError]) -> Problem:
    current().invocation.policy_rejections = 1
    return reject("not-allowed", problems.POLICY_DETAIL, errors)


def require_json() -> None:
    """Refuse (415) a body not declared as JSON."""
    unsupported = media_type.errors(apigw.header_values(current().event, media_type.FIELD))
    if unsupported:
        current().invocation.validation_rejections = 1
        raise reject("unsupported-media-type", MEDIA_TYPE_DETAIL, unsupported)


def json_body(
    validate: Callable[[object], list[FieldError]],
) -> tuple[dict[str, Any], list[FieldError]]:
    """The body checked by ``validate`` (empty on failure), and its errors."""
    try:
        body = apigw.json_body(current().event)
    except apigw.BodyError as error:
        return {}, [error.error]
    errors = [FieldError(error.field or apigw.BODY, error.message) for error in validate(body)]
    # A route reads the body only without errors, and then it is an object:
    return (body if isinstance(body, dict) and not errors else {}), errors  # pragma: no mutate


def contact_id() -> tuple[str, list[FieldError]]:
    """The ``contactId`` path parameter and its errors; logged once valid."""
    value = apigw.path_parameter(current().event, "contactId")
    errors = (
        [FieldError("contactId", "is required")]
        if value is None
        else validate_named(value, "ContactId", "contactId")
    )
    if not errors:
        logs.bind_contact(str(value))
    return str(value), errors


def idempotency_key() -> tuple[str | None, list[FieldError]]:
    """The ``Idempotency-Key`` header (optional, once) and its errors."""
    keys = apigw.header_values(current().event, "Idempotency-Key")  # pragma: no mutate (any case)
    if len(keys) > 1:
        return None, [FieldError("Idempotency-Key", "must be sent at most once")]
    errors = [e for key in keys for e in validate_named(key, "IdempotencyKey", "Idempotency-Key")]
    return (keys[0] if keys else None), errors


def caller() -> str:
    """The caller's identity; a missing one is a 500, logged without the event's values."""
    request = current()
    config = request.config
    try:
        return caller_identity(request.event, config.auth_type, config.iam_sessions)
    except MissingIdentity:
        fields = {"status": 500, "authType": config.auth_type}
        LOGGER.error("caller identity missing", fields)
        raise Problem("internal", problems.INTERNAL_DETAIL) from None
