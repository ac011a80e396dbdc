"""Lambda entry point: ``handler(event, context)`` serves an API Gateway REST proxy event by its
route, answers a :class:`~.problems.Problem` raised on the way, adds CORS headers and prints the
EMF record. The configuration is injectable (:func:`set_config`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from . import apigw, budget, connect, logs, metrics, participants, problems
from .config import Config, ConfigError, load
from .context import Request, Route, Router, serve
from .problems import Problem
from .settings import DEFAULT_NAMESPACE

_config: Config | None = None
_config_error: ConfigError | None = None
LOGGER = logs.configure("INFO")
APP = Router().include_router(participants.ROUTER)
_invitation_app: Router | None = None


def set_config(config: Config | None) -> None:
    """Use ``config``; ``None`` reads the environment again."""
    global _config, _config_error
    if config is None:
        try:
            _config, _config_error = load(os.environ), None
        except ConfigError as error:
            _config, _config_error = None, error
    else:
        _config, _config_error = config, None
    logs.configure(_config.log_level if _config is not None else "INFO")


def get_config() -> Config:
    """The configuration, or the :class:`ConfigError` found in the environment."""
    if _config is None:
        raise _config_error or ConfigError("no configuration")  # pragma: no mutate (unreachable)
    return _config


def _with_invitations() -> Router:
    """:data:`APP` and the invitation routes (imported on the first request for one)."""
    global _invitation_app
    if _invitation_app is None:
        from . import invitation_redeem, invitations

        _invitation_app = Router().include_router(APP).include_router(invitations.ROUTER)
        _invitation_app.include_router(invitation_redeem.ROUTER)
    return _invitation_app


def find_route(event: Mapping[str, Any], config: Config) -> Route:
    key = (str(event.get("httpMethod")), str(event.get("resource")))
    route = APP.routes.get(key)
    if route is None and config.invitations is not None:
        route = _with_invitations().routes.get(key)
    if route is None:
        LOGGER.error("no such route", {"status": 500})
        raise Problem("internal", problems.INTERNAL_DETAIL)
    return route


def _emit_metrics(invocation: metrics.Invocation) -> None:
    """Print the invocation's EMF record (never the contact ID)."""
    config = _config
    context = logs.context()
    metrics.emit(
        metrics.record(
            invocation,
            namespace=config.metrics_namespace if config else DEFAULT_NAMESPACE,
            function_name=config.function_name if config else "unknown",
            properties={
                "apiRequestId": context["apiRequestId"],
                "lambdaRequestId": context["lambdaRequestId"],
            },
        )
    )


def with_cors(
    response: dict[str, Any], event: Mapping[str, Any], config: Config | None
) -> dict[str, Any]:
    """Echo an allowed ``Origin`` (never ``*``), with ``Vary: Origin`` for shared caches."""
    if config is None or not config.cors_allowed_origins or not isinstance(event, dict):
        return response
    origins = apigw.header_values(event, "Origin")  # pragma: no mutate (any case)
    if len(origins) == 1 and origins[0] in config.cors_allowed_origins:
        response["headers"].update(
            {
                "Access-Control-Allow-Origin": origins[0],
                "Access-Control-Expose-Headers": "Retry-After",
                "Vary": "Origin",
            }
        )
    return response


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one API Gateway REST proxy event; never raises, never leaks internals."""
    lambda_request_id = getattr(context, "aws_request_id", None)
    api_request_id = apigw.request_id(event) if isinstance(event, dict) else None
    request_id = api_request_id or lambda_request_id or "unknown"
    logs.bind(api_request_id=api_request_id, lambda_request_id=lambda_request_id)
    invocation = metrics.Invocation()
    try:
        LOGGER.debug("request received")
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        left = remaining() / 1000 if callable(remaining) else None
        budget.start(left)
        config = get_config()
        route = find_route(event, config)
        response = serve(Request(event, config, invocation, left), route)
    except Problem as problem:
        response = problem.response(request_id)
    except Exception as error:
        LOGGER.error("unexpected error", logs.exception_fields(error))
        response = problems.problem("internal", problems.INTERNAL_DETAIL, request_id)
    _emit_metrics(invocation)
    logs.clear()
    return with_cors(response, event, _config)


def _initialize() -> None:
    """Lambda's init phase: the configuration and the Connect client."""
    set_config(None)
    if _config_error is not None:
        LOGGER.error("configuration error", {"error": str(_config_error)})
        return
    try:
        connect.get_client(get_config().region)
    except Exception as error:
        LOGGER.warning("connect client not created", logs.exception_fields(error))


_initialize()
