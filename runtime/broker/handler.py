"""Lambda entry point: ``POST /contacts/{contactId}/participants`` behind API Gateway.

``handler(event, context)`` serves API Gateway REST API proxy events as the HTTP contract
(v2) says, in this order: the ``Content-Type`` (415 unless JSON, :mod:`.media_type`); the
path, the ``Idempotency-Key`` header and the body against ``contract.schema.json`` (400, every
failure listed in ``errors``); the broker's policy (403); the contact (:mod:`.contacts`);
then Connect's CreateParticipant (201, or the problem the contract maps the Connect error to),
with a ``ClientToken`` derived from the caller, the contact, the key and the request with its
effective role (:mod:`.idempotency`). Each check answers only when the ones before it passed.

Module state, all injectable for tests and local runs: the configuration
(:func:`set_config`, read from the environment at import), the Connect client
(:func:`broker.connect.set_client`, created at import when the configuration is usable).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from . import apigw, connect, contacts, idempotency, logs, media_type, metrics, problems
from .config import Config, ConfigError, load
from .contract import FieldError, validate_named
from .identity import MissingIdentity, caller_identity

VALIDATION_DETAIL = "The request is not valid; see errors for what to fix."
POLICY_DETAIL = problems.POLICY_DETAIL
MEDIA_TYPE_DETAIL = "The request body must be sent as application/json; see errors."
CAPABILITIES = {"video": "Video", "screenShare": "ScreenShare"}

_config: Config | None = None
_config_error: ConfigError | None = None
LOGGER: logging.Logger = logs.configure("INFO")


@dataclass(frozen=True)
class ParticipantRequest:
    """A request that passed validation."""

    contact_id: str
    idempotency_key: str | None
    display_name: str
    role: str | None
    capabilities: dict[str, str] = field(default_factory=dict)


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
    """Return the configuration, or raise the :class:`ConfigError` found in the environment."""
    if _config is None:
        raise _config_error or ConfigError("no configuration")  # pragma: no mutate (unreachable)
    return _config


def _contact_errors(event: Mapping[str, Any]) -> list[FieldError]:
    """Validate the ``contactId`` path parameter."""
    contact_id = apigw.path_parameter(event, "contactId")
    if contact_id is None:
        return [FieldError("contactId", "is required")]
    return validate_named(contact_id, "ContactId", "contactId")


def _idempotency_errors(keys: list[str]) -> list[FieldError]:
    """Validate the ``Idempotency-Key`` header (optional, at most once)."""
    if len(keys) > 1:
        return [FieldError("Idempotency-Key", "must be sent at most once")]
    errors: list[FieldError] = []
    for key in keys:
        errors.extend(validate_named(key, "IdempotencyKey", "Idempotency-Key"))
    return errors


def _body(event: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Decode and validate the body; return it (empty on failure) and its errors."""
    try:
        body = apigw.json_body(event)
    except apigw.BodyError as error:
        return {}, [error.error]
    errors = [
        FieldError(error.field or apigw.BODY, error.message)
        # None names fields as "" does:
        for error in validate_named(body, "CreateParticipantRequest", "")  # pragma: no mutate
    ]
    # parse reads the body only without errors, and then it is an object:
    return (body if isinstance(body, dict) and not errors else {}), errors  # pragma: no mutate


def parse(event: Mapping[str, Any]) -> tuple[ParticipantRequest | None, list[FieldError]]:
    """Validate an event; return the request, or None and every validation failure."""
    keys = apigw.header_values(event, "Idempotency-Key")  # pragma: no mutate (any case)
    body, body_errors = _body(event)
    errors = _contact_errors(event) + _idempotency_errors(keys) + body_errors
    if errors:
        return None, errors
    request = ParticipantRequest(
        contact_id=str(apigw.path_parameter(event, "contactId")),
        idempotency_key=keys[0] if keys else None,
        display_name=body["displayName"],
        role=body.get("role"),
        capabilities=dict(body.get("capabilities", {})),
    )
    return request, []


def policy_errors(request: ParticipantRequest, config: Config) -> list[FieldError]:
    """Return what the request asks for that the broker's configuration does not allow."""
    errors: list[FieldError] = []
    if request.role is not None and request.role not in config.allowed_roles:
        allowed = ", ".join(sorted(config.allowed_roles))
        errors.append(FieldError("role", f"must be one of the roles this broker allows: {allowed}"))
    allowed_capabilities = {"video": config.allow_video, "screenShare": config.allow_screen_share}
    errors.extend(
        FieldError(f"capabilities.{name}", "is not allowed by this broker")
        for name in request.capabilities
        if not allowed_capabilities.get(name, False)  # pragma: no mutate (default unused)
    )
    return errors


def connect_parameters(
    request: ParticipantRequest, config: Config, client_token: str | None = None
) -> dict[str, Any]:
    """Return the CreateParticipant parameters for a valid, allowed request."""
    details: dict[str, Any] = {
        "ParticipantRole": request.role or config.default_role,
        "DisplayName": request.display_name,
    }
    if request.capabilities:
        details["ParticipantCapabilities"] = {
            CAPABILITIES[name]: value for name, value in request.capabilities.items()
        }
    params: dict[str, Any] = {
        "InstanceId": config.instance_id,
        "ContactId": request.contact_id,
        "ParticipantDetails": details,
    }
    if client_token is not None:
        params["ClientToken"] = client_token
    return params


def _reject(
    code: str,
    detail: str,
    errors: Sequence[FieldError],
    request_id: str,
    message: str = "request rejected",
    **fields: Any,
) -> dict[str, Any]:
    """Log and return a problem (field names only, never values)."""
    response = problems.problem(code, detail, request_id, errors)
    fields.update(status=response["statusCode"], errorFields=[e.field for e in errors])
    LOGGER.info(message, extra={"fields": fields})
    return response


def _elapsed_ms(start: float) -> float:
    """Return milliseconds since ``start`` (a ``perf_counter`` value)."""
    return (time.perf_counter() - start) * 1000.0


def _connect_failure(
    error: Exception,
    latency_ms: float,
    invocation: metrics.Invocation,
    request_id: str,
    operation: str = connect.CREATE_PARTICIPANT,
) -> dict[str, Any]:
    """Count, log and answer a failed Connect call."""
    failure = connect.classify(error, operation)
    invocation.connect_error_code = failure.error_code
    invocation.connect_error_operation = operation
    invocation.connect_throttles = int(failure.error_code == "ThrottlingException")
    response = problems.problem(failure.problem, failure.detail, request_id)
    fields: dict[str, Any] = {
        "status": response["statusCode"],
        "operation": operation,
        "errorCode": failure.error_code,
        "latencyMs": round(latency_ms, 3),
    }
    if failure.problem == "internal":
        fields.update(logs.exception_fields(error))
    LOGGER.warning("connect call failed", extra={"fields": fields})
    return response


def create_participant(
    request: ParticipantRequest,
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    client_token: str | None = None,
) -> dict[str, Any]:
    """Call Connect and return the 201 response or the mapped problem."""
    params = connect_parameters(request, config, client_token)
    client = connect.get_client(config.region)
    start = time.perf_counter()
    try:
        result = client.create_participant(**params)
    except Exception as error:
        invocation.connect_latency_ms = _elapsed_ms(start)
        return _connect_failure(error, invocation.connect_latency_ms, invocation, request_id)
    invocation.connect_latency_ms = _elapsed_ms(start)
    credentials = result["ParticipantCredentials"]
    response = problems.created(
        result["ParticipantId"],
        credentials["ParticipantToken"],
        credentials["Expiry"],
        params["ParticipantDetails"]["ParticipantRole"],
    )
    invocation.participants_created = 1
    LOGGER.info(
        "participant created",
        extra={
            "fields": {
                "status": 201,
                "participantId": result["ParticipantId"],
                "role": params["ParticipantDetails"]["ParticipantRole"],
                "capabilities": sorted(request.capabilities),
                "latencyMs": round(invocation.connect_latency_ms, 3),
            }
        },
    )
    return response


def _identity_missing(config: Config, request_id: str) -> dict[str, Any]:
    """Log (the authorization type, never the event's values) and answer a missing identity."""
    fields = {"status": 500, "authType": config.auth_type}
    LOGGER.error("caller identity missing", extra={"fields": fields})
    return problems.problem("internal", connect.INTERNAL_DETAIL, request_id)


def check_contact(
    request: ParticipantRequest,
    identity: Callable[[], str],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None,
    wait: bool = True,
) -> ParticipantRequest | dict[str, Any]:
    """Check the contact; return the request with the role to send, or the answer."""
    try:
        caller = identity() if config.caller_attribute else ""  # pragma: no mutate (unused)
    except MissingIdentity:
        return _identity_missing(config, request_id)
    client = connect.get_client(config.region)
    start = time.perf_counter()
    try:
        verdict = contacts.check(
            client, config, request.contact_id, request.role, caller, remaining_seconds, wait
        )
    except Exception as error:
        latency = _elapsed_ms(start)
        return _connect_failure(error, latency, invocation, request_id, connect.DESCRIBE_CONTACT)
    if isinstance(verdict, contacts.Admitted):
        return replace(request, role=verdict.role)
    invocation.contact_rejection = verdict.name
    return _reject(
        verdict.problem,
        verdict.detail,
        verdict.errors,
        request_id,
        "contact refused",
        contactCheck=verdict.name,
        latencyMs=round(_elapsed_ms(start), 3),
    )


def add_participant(
    request: ParticipantRequest,
    identity: Callable[[], str],
    scope: Callable[[], str],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
    version: str = idempotency.VERSION,
) -> dict[str, Any]:
    """Apply the policy, check the contact for ``identity`` (the caller, or an invitation's
    creator), then call Connect with a ``ClientToken`` scoped to ``scope()`` and ``version``."""
    denied = policy_errors(request, config)
    if denied:
        invocation.policy_rejections = 1
        return _reject("not-allowed", POLICY_DETAIL, denied, request_id)
    if config.contact_checks:
        checked = check_contact(
            request, identity, config, invocation, request_id, remaining_seconds
        )
        if not isinstance(checked, ParticipantRequest):
            return checked
        request = checked
    token = None
    try:
        if request.idempotency_key is not None:
            token = idempotency.client_token(
                caller=scope(),
                contact_id=request.contact_id,
                key=request.idempotency_key,
                role=request.role or config.default_role,
                display_name=request.display_name,
                capabilities=request.capabilities,
                version=version,
            )
    except MissingIdentity:
        return _identity_missing(config, request_id)
    return create_participant(request, config, invocation, request_id, token)


def serve(
    event: Mapping[str, Any],
    config: Config,
    invocation: metrics.Invocation,
    request_id: str,
    remaining_seconds: float | None = None,
) -> dict[str, Any]:
    """Check the media type, validate, apply the policy, check the contact, then call Connect."""
    if config.invitations and event.get("resource") != "/contacts/{contactId}/participants":
        from . import invitations

        return invitations.serve(event, config, invocation, request_id, remaining_seconds)
    unsupported = media_type.errors(apigw.header_values(event, media_type.FIELD))
    if unsupported:
        invocation.validation_rejections = 1
        return _reject("unsupported-media-type", MEDIA_TYPE_DETAIL, unsupported, request_id)
    request, errors = parse(event)
    if not any(error.field == "contactId" for error in errors):
        logs.bind_contact(str(apigw.path_parameter(event, "contactId")))
    if request is None:
        invocation.validation_rejections = 1
        return _reject("invalid-request", VALIDATION_DETAIL, errors, request_id)

    def caller() -> str:
        return caller_identity(event, config.auth_type, config.iam_sessions)

    return add_participant(
        request, caller, caller, config, invocation, request_id, remaining_seconds
    )


def _emit_metrics(invocation: metrics.Invocation) -> None:
    """Print the invocation's EMF record (never the contact ID)."""
    config = _config
    context = logs.context()
    metrics.emit(
        metrics.record(
            invocation,
            namespace=config.metrics_namespace if config else "ConnectParticipantBroker",
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
    """Let a browser read ``response`` when the request's ``Origin`` is an allowed one.

    Only an origin listed in the configuration is echoed back (never ``*``); ``Vary: Origin``
    keeps shared caches from serving one origin's answer to another.
    """
    if config is None or not config.cors_allowed_origins or not isinstance(event, Mapping):
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
    api_request_id = apigw.request_id(event) if isinstance(event, Mapping) else None
    request_id = api_request_id or lambda_request_id or "unknown"
    logs.bind(api_request_id=api_request_id, lambda_request_id=lambda_request_id)
    invocation = metrics.Invocation()
    try:
        LOGGER.debug("request received")
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        left = remaining() / 1000 if callable(remaining) else None
        response = serve(event, get_config(), invocation, request_id, left)
    except Exception as error:
        LOGGER.error("unexpected error", extra={"fields": logs.exception_fields(error)})
        response = problems.problem("internal", connect.INTERNAL_DETAIL, request_id)
    _emit_metrics(invocation)
    logs.clear()
    return with_cors(response, event, _config)


def _initialize() -> None:
    """Read the configuration and create the Connect client during Lambda's init phase."""
    set_config(None)
    if _config_error is not None:
        LOGGER.error("configuration error", extra={"fields": {"error": str(_config_error)}})
        return
    try:
        connect.get_client(get_config().region)
    except Exception as error:
        LOGGER.warning("connect client not created", extra={"fields": logs.exception_fields(error)})


_initialize()
