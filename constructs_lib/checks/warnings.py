"""The synth warnings and notes, each with a stable ID an app acknowledges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aws_cdk import Annotations
from aws_cdk import aws_apigateway as apigateway
from constructs import IConstruct

from .tokens import is_unresolved

# -- warnings and notes -------------------------------------------------------------------------

UNAUTHENTICATED: Final = "connect-participant-broker:unauthenticated"
DUPLICATE_ROLES: Final = "connect-participant-broker:duplicate-allowed-roles"
BURST_BELOW_RATE: Final = "connect-participant-broker:burst-below-rate"
STRICT_PRIVATE_API: Final = "connect-participant-broker:strict-private-api"
ACCOUNT_ROLE: Final = "connect-participant-broker:api-gateway-account-role"


def warn_unauthenticated(scope: IConstruct) -> None:
    """No authentication is a choice the broker makes loud."""
    Annotations.of(scope).add_warning_v2(
        UNAUTHENTICATED,
        "BrokerAuthorization.allow_unauthenticated_access(): anyone who can reach this API can "
        "add participants to your Amazon Connect contacts; use BrokerAuthorization.iam() (the "
        "default), .cognito(...) or .authorizer(...) unless the API is protected some other "
        "way",
    )


def warn_duplicate_roles(scope: IConstruct, roles: Sequence[str] | None) -> None:
    """A role listed twice changes nothing, and is often a typo for another role."""
    literal = [role for role in roles or () if not is_unresolved(role)]
    repeated = sorted({role for role in literal if literal.count(role) > 1})
    if not repeated:
        return
    Annotations.of(scope).add_warning_v2(
        DUPLICATE_ROLES,
        f"allowed_roles lists {', '.join(repeated)} more than once (got {list(roles or ())!r});"
        " the broker allows each role once, so the repeat changes nothing: remove it, or check "
        "whether another role was meant",
    )


def warn_burst_below_rate(scope: IConstruct, rate_limit: float, burst_limit: int) -> None:
    """A burst below the rate throttles callers below the rate set."""
    if is_unresolved(rate_limit) or is_unresolved(burst_limit) or burst_limit >= rate_limit:
        return
    Annotations.of(scope).add_warning_v2(
        BURST_BELOW_RATE,
        f"throttling_burst_limit ({burst_limit}) is below throttling_rate_limit ({rate_limit:g} "
        f"requests/s): API Gateway's token bucket then holds at most {burst_limit} requests, so "
        f"callers are throttled (429) whenever more than {burst_limit} arrive together, below "
        "the rate you set; set the burst to at least the rate",
    )


def warn_strict_private_api(
    scope: IConstruct, private: bool, mode: apigateway.EndpointAccessMode | None
) -> None:
    """API Gateway, "Security policies for REST APIs in API Gateway": STRICT matches the Host
    to the TLS SNI, which fails for a private API called without private DNS."""
    if not private or mode != apigateway.EndpointAccessMode.STRICT:
        return
    Annotations.of(scope).add_warning_v2(
        STRICT_PRIVATE_API,
        "endpoint_access_mode=STRICT on a private API: API Gateway then refuses a request whose "
        "Host header differs from the TLS server name, so callers must use the VPC endpoint's "
        "private DNS name (private DNS on) or a private custom domain name, not the "
        "endpoint-specific vpce-... names; use BASIC if they do",
    )


def note_account_role(scope: IConstruct) -> None:
    """What the account needs when the broker leaves the account setting alone (the default)."""
    Annotations.of(scope).add_info_v2(
        ACCOUNT_ROLE,
        "the API's execution and access logs need the account's Region-wide API Gateway "
        "CloudWatch role (Settings > CloudWatch log role ARN, AWS::ApiGateway::Account); if "
        "this account and Region have none, the stage fails to deploy: set it once (your "
        "landing zone may already), or pass create_api_gateway_account_role=True to let this "
        "stack set it",
    )
