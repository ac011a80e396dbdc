"""Every default the broker applies, gathered in one place so a reviewer sees them at once.

``ParticipantBroker`` reads its defaults from here; docs/security.md and docs/reference.md
describe the same values.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from . import _contract, _gateway_answers

#: The names and defaults the function shares (``runtime/broker/settings.json``).
_SHARED = _contract.settings()

# --- participant policy ---------------------------------------------------------------------
#: Every role the HTTP API accepts (the five of Connect's CreateParticipant API).
VALID_ROLES: Final[tuple[str, ...]] = tuple(_SHARED["roles"])
#: Roles a caller may request unless ``allowed_roles`` says otherwise.
ALLOWED_ROLES: Final[tuple[str, ...]] = ("CUSTOMER",)
#: Role used when the request body names none (and ``CUSTOMER`` is allowed).
DEFAULT_ROLE: Final[str] = "CUSTOMER"
ALLOW_VIDEO: Final[bool] = True
ALLOW_SCREEN_SHARE: Final[bool] = True
# --- contact checks -------------------------------------------------------------------------
#: Look the contact up (DescribeContact) before adding anyone: precise 404/409 answers instead
#: of Connect's generic errors, and the role the contact's channel takes.
CONTACT_CHECKS: Final[bool] = True
#: Amazon Connect's channels (the ``Channel`` of DescribeContact).
CHANNELS: Final[tuple[str, ...]] = tuple(_SHARED["channels"])
#: The roles Connect accepts per channel. API reference, CreateParticipant, and the SDKs'
#: ``ParticipantDetails``: "The only valid value for ParticipantRole is CUSTOM_BOT for chat
#: contact and CUSTOMER for voice contact"; CreateParticipant "supports contacts in the CHAT
#: channel and VOICE (WebRTC) channels". ``VOICE`` means a WebRTC call.
CHANNEL_ROLES: Final[dict[str, tuple[str, ...]]] = {
    channel: tuple(roles) for channel, roles in _SHARED["channelRoles"].items()
}
#: How long the broker waits for a WebRTC call's agent before answering agent-not-connected.
#: 3 s is what the default 25 s function timeout leaves after the worst case of three Connect
#: calls (``runtime/broker/budget.py``): enough for the moments between an agent accepting the
#: call and Connect reporting them connected; a customer who invites someone while still queued
#: gets a prompt 409 with Retry-After instead of a request held open for the whole queue time.
AGENT_WAIT: Final[Duration] = Duration.millis(_SHARED["agentWaitMs"])
#: With AWS_IAM, the caller of an assumed-role session is the role (CONTRACT v2.1): whoever
#: assumes a role chooses the session name, and refreshed credentials bring a new one.
IAM_SESSION_IDENTITY: Final[bool] = False
LOG_LEVELS: Final[tuple[str, ...]] = tuple(_SHARED["logLevels"])
LOG_LEVEL: Final[str] = "INFO"
METRICS_NAMESPACE: Final[str] = _SHARED["metricsNamespace"]

# --- Lambda function ------------------------------------------------------------------------
RUNTIME: Final[lambda_.Runtime] = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE: Final[lambda_.Architecture] = lambda_.Architecture.ARM_64
HANDLER: Final[str] = "broker.handler.handler"
#: X-Ray tracing of the function (the API stage is traced too).
TRACING_MODE: Final[str] = "Active"
#: 512 MB buys a proportional CPU share that keeps the cold start (imports, the first TLS
#: handshake) short; the function holds no state and stays well under it.
MEMORY_SIZE_MIB: Final[int] = 512
#: Below API Gateway's 29 s integration timeout, above the runtime's Connect time budget (SDK
#: connect/read timeouts times bounded retries, three calls with the contact checks and the
#: default agent wait), so the runtime answers 504 itself first.
TIMEOUT: Final[Duration] = Duration.seconds(25)
LOG_RETENTION: Final[logs.RetentionDays] = logs.RetentionDays.ONE_YEAR
#: What the Lambda asset holds of ``runtime/``: the ``broker`` package's Python and JSON files, at
#: any depth; nothing else (tests, caches, notes, the root ``__init__.py`` the repository's tests
#: import ``runtime`` through), nothing in a directory named ``tests``, ``__pycache__`` or ``.*``,
#: and no file named ``.*`` (an editor's lock or backup).
ASSET_PACKAGE: Final[str] = "broker"
ASSET_SUFFIXES: Final[tuple[str, ...]] = (".py", ".json")
#: What the broker answers is documentation (OpenAPI, tests): the function never reads it.
ASSET_LEFT_OUT: Final[tuple[str, ...]] = ("broker/answers.schema.json",)

#: The invitation code in the asset: left out of a broker without invitations, which never
#: imports it (``fnmatch`` patterns of paths relative to the asset root).
INVITATION_ASSET_FILES: Final[tuple[str, ...]] = (
    "broker/invitation*.py",
    "broker/invitation_table.json",
    "broker/invitations.schema.json",
    "broker/dynamodb.py",
    "broker/aws/dynamodb.py",
    "broker/aws/dynamodb.json",
)

# --- invitations (``InvitationOptions``) -----------------------------------------------------
#: An invitation lives long enough to be sent and opened during a call, and no longer.
INVITATION_LIFETIME: Final[Duration] = Duration.seconds(_SHARED["invitationLifetimeSeconds"])
INVITATION_MAX_LIFETIME: Final[Duration] = Duration.seconds(_SHARED["invitationMaxLifetimeSeconds"])
#: A WebRTC call takes at most six participants (Connect's multi-user calling).
INVITATION_MAX_USES: Final[int] = _SHARED["invitationMaxUses"]
INVITATION_POINT_IN_TIME_RECOVERY: Final[bool] = True
#: Every item expires within the maximum lifetime, so nothing of value outlives the broker:
#: deleting the stack deletes the table (and any invitation still open).
INVITATION_REMOVAL_POLICY: Final[RemovalPolicy] = RemovalPolicy.DESTROY
#: The redeem route's rate is its share of the Connect quotas (``_throttling``); the burst lets a
#: handful of invitees who got the same link join at once.
REDEEM_THROTTLING_BURST_LIMIT: Final[int] = 5

# --- API Gateway ----------------------------------------------------------------------------
STAGE_NAME: Final[str] = "v1"
RESOURCE_PATH: Final[str] = _gateway_answers.PARTICIPANTS_PATH
INVITATIONS_PATH: Final[str] = _gateway_answers.INVITATIONS_PATH
INVITATION_PATH: Final[str] = _gateway_answers.INVITATION_PATH
REDEEM_PATH: Final[str] = _gateway_answers.REDEEM_PATH
#: The stage's throttle, applied to each method on its own: the ceiling of every route, and the
#: rate of the routes that call no Connect API (CORS preflights, invitation lists).
THROTTLING_RATE_LIMIT: Final[float] = 5
THROTTLING_BURST_LIMIT: Final[int] = 10
#: Amazon Connect's default rate quotas per account and Region, in requests/s ("Amazon Connect
#: service quotas", "Amazon Connect API throttling quotas"; Service Quotas: "Rate of
#: CreateParticipant API requests", "Rate of DescribeContact API requests"). The routes that
#: call Connect share them (``_throttling``).
CREATE_PARTICIPANT_QUOTA: Final[float] = 5
DESCRIBE_CONTACT_QUOTA: Final[float] = 10
#: ERROR keeps execution logs to failures; data tracing (full request/response bodies, which
#: would include participant tokens) is always off.
EXECUTION_LOGGING_LEVEL: Final[apigateway.MethodLoggingLevel] = apigateway.MethodLoggingLevel.ERROR
DATA_TRACE_ENABLED: Final[bool] = False
METRICS_ENABLED: Final[bool] = True
TRACING_ENABLED: Final[bool] = True
#: API Gateway's CloudWatch role is a Region-wide account setting (one per account and Region,
#: the last writer wins): a construct must not take it over by default. Execution and access
#: logs need it set once per account and Region (``create_api_gateway_account_role=True`` in a
#: fresh account, or the landing zone's own role).
CREATE_API_GATEWAY_ACCOUNT_ROLE: Final[bool] = False
#: Minimum TLS for callers: TLS 1.2 (a regional API's own default is still TLS_1_0). Enhanced
#: policies (``SecurityPolicy_...``, e.g. TLS 1.3 only) need an endpoint access mode, which has
#: no default: BASIC to migrate a deployed API, STRICT once its traffic is checked (API
#: Gateway, "Security policies for REST APIs in API Gateway").
SECURITY_POLICY: Final[str] = "TLS_1_2"
#: CORS preflight settings used only when ``cors_allowed_origins`` is given (the plain values
#: live in ``_gateway_answers``, which the local broker reads without the CDK).
CORS_ALLOW_HEADERS: Final[tuple[str, ...]] = _gateway_answers.CORS_ALLOW_HEADERS
CORS_ALLOW_METHODS: Final[tuple[str, ...]] = _gateway_answers.CORS_ALLOW_METHODS
CORS_MAX_AGE: Final[Duration] = Duration.seconds(_gateway_answers.CORS_MAX_AGE_SECONDS)
#: Seconds a client should wait after a gateway 429 (stage throttling or quota).
RETRY_AFTER_SECONDS: Final[int] = _gateway_answers.RETRY_AFTER_SECONDS

#: Access-log line: JSON, one object per request. The resource *template* is logged, not the
#: path, and never a body or header value.
ACCESS_LOG_FIELDS: Final[dict[str, str]] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationStatus": "$context.integration.status",
    "errorType": "$context.error.responseType",
    "errorMessage": "$context.error.message",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "caller": "$context.identity.caller",
    "userArn": "$context.identity.userArn",
    "cognitoIdentityId": "$context.identity.cognitoIdentityId",
    "authorizerError": "$context.authorizer.error",
    "wafResponseCode": "$context.wafResponseCode",
    "tlsVersion": "$context.tlsVersion",
    "cipherSuite": "$context.cipherSuite",
    "xrayTraceId": "$context.xrayTraceId",
}

#: Response headers of every problem response API Gateway itself sends (values are
#: API Gateway literals, hence the single quotes).
PROBLEM_RESPONSE_HEADERS: Final[dict[str, str]] = {
    "Content-Type": "'application/problem+json'",
    "Cache-Control": "'no-store'",
    "X-Content-Type-Options": "'nosniff'",
}
