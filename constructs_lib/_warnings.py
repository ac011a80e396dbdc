"""Synth warnings for props that are valid but that a reviewer would question.

Each warning has a stable ID (``connect-participant-broker:...``): an app that means it can
acknowledge it with ``Annotations.of(broker).acknowledge_warning(id, reason)``. The
construct reference (docs/reference.md, "Synth warnings") explains each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aws_cdk import Annotations
from aws_cdk import aws_apigateway as apigateway
from constructs import IConstruct

from ._validation import is_unresolved

DUPLICATE_ROLES: Final = "connect-participant-broker:duplicate-allowed-roles"
BURST_BELOW_RATE: Final = "connect-participant-broker:burst-below-rate"
STRICT_PRIVATE_API: Final = "connect-participant-broker:strict-private-api"


def warn_about_props(
    scope: IConstruct,
    *,
    allowed_roles: Sequence[str] | None,
    throttling_rate_limit: float,
    throttling_burst_limit: int,
    endpoint_access_mode: apigateway.EndpointAccessMode | None = None,
    private: bool = False,
) -> None:
    """Add the warnings ``scope``'s props call for (none for the defaults)."""
    _warn_duplicate_roles(scope, allowed_roles or ())
    _warn_burst_below_rate(scope, throttling_rate_limit, throttling_burst_limit)
    if private and endpoint_access_mode == apigateway.EndpointAccessMode.STRICT:
        # API Gateway, "Security policies for REST APIs in API Gateway": STRICT matches the
        # Host to the TLS SNI, which fails for a private API called without private DNS.
        Annotations.of(scope).add_warning_v2(
            STRICT_PRIVATE_API,
            "endpoint_access_mode=STRICT on a private API: API Gateway then refuses a request "
            "whose Host header differs from the TLS server name, so callers must use the VPC "
            "endpoint's private DNS name (private DNS on) or a private custom domain name, not "
            "the endpoint-specific vpce-... names; use BASIC if they do",
        )


def _warn_duplicate_roles(scope: IConstruct, allowed_roles: Sequence[str]) -> None:
    literal = [role for role in allowed_roles if not is_unresolved(role)]
    repeated = sorted({role for role in literal if literal.count(role) > 1})
    if not repeated:
        return
    Annotations.of(scope).add_warning_v2(
        DUPLICATE_ROLES,
        f"allowed_roles lists {', '.join(repeated)} more than once (got {list(allowed_roles)!r});"
        " the broker allows each role once, so the repeat changes nothing: remove it, or check "
        "whether another role was meant",
    )


def _warn_burst_below_rate(scope: IConstruct, rate_limit: float, burst_limit: int) -> None:
    if is_unresolved(rate_limit) or is_unresolved(burst_limit) or burst_limit >= rate_limit:
        return
    Annotations.of(scope).add_warning_v2(
        BURST_BELOW_RATE,
        f"throttling_burst_limit ({burst_limit}) is below throttling_rate_limit ({rate_limit:g} "
        f"requests/s): API Gateway's token bucket then holds at most {burst_limit} requests, so "
        f"callers are throttled (429) whenever more than {burst_limit} arrive together, below "
        "the rate you set; set the burst to at least the rate",
    )
