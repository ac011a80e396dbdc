"""``POST /contacts/{contactId}/participants``, and the pipeline adding a participant that the
invitation routes use too: policy, contact checks, ``ClientToken``, CreateParticipant."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from . import connect, contacts, context, idempotency, logs, problems
from .config import Config
from .context import current, reject
from .contract import FieldError, validate_named
from .logs import LOGGER
from .problems import Problem

RESOURCE = context.ROUTES["participants"]
CAPABILITIES = {"video": "Video", "screenShare": "ScreenShare"}
ROUTER = context.Router()


class ParticipantRequest(NamedTuple):
    """A request that passed validation."""

    contact_id: str
    idempotency_key: str | None
    display_name: str
    role: str | None
    capabilities: Mapping[str, str] = {}


def parse() -> ParticipantRequest:
    contact_id, errors = context.contact_id()
    key, key_errors = context.idempotency_key()
    body, body_errors = context.json_body(
        # None names fields as "" does:
        lambda body: validate_named(body, "CreateParticipantRequest", "")  # pragma: no mutate
    )
    errors += key_errors + body_errors
    if errors:
        raise context.invalid(errors)
    return ParticipantRequest(
        contact_id=contact_id,
        idempotency_key=key,
        display_name=body["displayName"],
        role=body.get("role"),
        capabilities=dict(body.get("capabilities", {})),
    )


def policy_errors(request: ParticipantRequest, config: Config) -> list[FieldError]:
    """What the request asks for that the configuration does not allow."""
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


def elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def connect_failure(
    error: Exception, latency_ms: float, operation: str = connect.CREATE_PARTICIPANT
) -> Problem:
    failure = connect.classify(error, operation)
    invocation = current().invocation
    invocation.connect_error_code = failure.error_code
    invocation.connect_error_operation = operation
    invocation.connect_throttles = int(failure.error_code == "ThrottlingException")
    problem = Problem(failure.problem, failure.detail)
    fields: dict[str, Any] = {
        "status": problem.status,
        "operation": operation,
        "errorCode": failure.error_code,
        "latencyMs": round(latency_ms, 3),
    }
    if failure.problem == "internal":
        fields.update(logs.exception_fields(error))
    LOGGER.warning("connect call failed", fields)
    return problem


def create_participant(
    request: ParticipantRequest, client_token: str | None = None
) -> dict[str, Any]:
    config, invocation = current().config, current().invocation
    params = connect_parameters(request, config, client_token)
    client = connect.get_client(config.region)
    start = time.perf_counter()
    try:
        result = client.create_participant(**params)
    except Exception as error:
        invocation.connect_latency_ms = elapsed_ms(start)
        raise connect_failure(error, invocation.connect_latency_ms) from None
    invocation.connect_latency_ms = elapsed_ms(start)
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
        {
            "status": 201,
            "participantId": result["ParticipantId"],
            "role": params["ParticipantDetails"]["ParticipantRole"],
            "capabilities": sorted(request.capabilities),
            "latencyMs": round(invocation.connect_latency_ms, 3),
        },
    )
    return response


def check_contact(
    request: ParticipantRequest,
    identity: Callable[[], str],
    remaining_seconds: float | None,
    wait: bool = True,
) -> ParticipantRequest:
    """The request with the role the contact takes, checked for ``identity``."""
    config = current().config
    caller = identity() if config.caller_attribute else ""  # pragma: no mutate (unused)
    client = connect.get_client(config.region)
    start = time.perf_counter()
    try:
        verdict = contacts.check(
            client, config, request.contact_id, request.role, caller, remaining_seconds, wait
        )
    except Exception as error:
        raise connect_failure(error, elapsed_ms(start), connect.DESCRIBE_CONTACT) from None
    if isinstance(verdict, contacts.Admitted):
        return request._replace(role=verdict.role)
    current().invocation.contact_rejection = verdict.name
    raise reject(
        verdict.problem,
        verdict.detail,
        verdict.errors,
        "contact refused",
        contactCheck=verdict.name,
        latencyMs=round(elapsed_ms(start), 3),
    )


def add(
    request: ParticipantRequest,
    identity: Callable[[], str],
    scope: Callable[[], str],
    remaining_seconds: float | None,
    version: str = idempotency.VERSION,
) -> dict[str, Any]:
    """The pipeline: contact checks for ``identity`` (the caller, or an invitation's creator), a
    ``ClientToken`` scoped to ``scope()`` and ``version``."""
    config = current().config
    denied = policy_errors(request, config)
    if denied:
        raise context.not_allowed(denied)
    if config.contact_checks:
        request = check_contact(request, identity, remaining_seconds)
    token = None
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
    return create_participant(request, token)


@ROUTER.route("POST", RESOURCE)
def serve() -> dict[str, Any]:
    context.require_json()
    request = parse()
    return add(request, context.caller, context.caller, current().remaining_seconds)
