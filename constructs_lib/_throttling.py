"""The routes that call Amazon Connect share its rate quotas, by construction.

API Gateway applies a stage's throttling to each method on its own ("Throttle requests to your
REST APIs for better throughput in API Gateway"), so routes that call the same Connect API add
up. Connect's quotas are per account and Region, per API ("Amazon Connect service quotas",
"Amazon Connect API throttling quotas"; defaults: CreateParticipant 5 requests/s,
DescribeContact 10). Each route that calls Connect therefore gets its own method throttle:
the largest rates, in the ratio of :data:`WEIGHTS` and at most the stage's rate, whose
worst-case Connect calls per second, added up over the routes, fit both quotas. A rate given
explicitly (``redeem_throttling_rate_limit``) is taken first and must fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import aws_apigateway as apigateway

from . import _contract, _gateway_answers, defaults
from ._checks import is_unresolved

CREATE_PARTICIPANT = "CreateParticipant"
DESCRIBE_CONTACT = "DescribeContact"
#: The prop that holds each API's quota.
QUOTA_PROPS: Mapping[str, str] = {
    CREATE_PARTICIPANT: "create_participant_quota",
    DESCRIBE_CONTACT: "describe_contact_quota",
}
#: How the quotas are split between the routes that call Connect (those a broker has).
WEIGHTS: Mapping[str, int] = {
    "participants": 3,
    "redeem": 2,
    "create-invitation": 1,
    "list-invitations": 1,
    "revoke-invitation": 1,
}
#: Each route's method and resource path.
ROUTES: Mapping[str, tuple[str, str]] = {
    "participants": ("POST", defaults.RESOURCE_PATH),
    "redeem": ("POST", _gateway_answers.REDEEM_PATH),
    "create-invitation": ("POST", _gateway_answers.INVITATIONS_PATH),
    "list-invitations": ("GET", _gateway_answers.INVITATIONS_PATH),
    "revoke-invitation": ("DELETE", _gateway_answers.INVITATION_PATH),
}


@dataclass(frozen=True)
class RouteThrottle:
    """One route's method throttle."""

    route: str
    rate: float
    burst: int

    @property
    def key(self) -> str:
        """The stage's method-setting key: ``{resource path}/{HTTP method}``."""
        method, path = ROUTES[self.route]
        return f"{path}/{method}"


def describe_calls(contact_checks: bool, agent_wait_seconds: float) -> int:
    """DescribeContact calls of one participants request (or redemption) at most: the check,
    and one a second while it waits for a WebRTC call's agent (``broker.contacts.check``)."""
    if not contact_checks:
        return 0
    poll: float = _contract.budget().AGENT_POLL_SECONDS
    return 1 + math.ceil(agent_wait_seconds / poll)


def connect_calls(
    *, contact_checks: bool, agent_wait_seconds: float, caller_attribute: bool, invitations: bool
) -> dict[str, dict[str, int]]:
    """The routes that call Connect, with their calls per request at most (first attempts; a
    throttled call's one retry comes after a backoff)."""
    adding = {
        CREATE_PARTICIPANT: 1,
        DESCRIBE_CONTACT: describe_calls(contact_checks, agent_wait_seconds),
    }
    routes = {"participants": adding}
    if invitations:
        routes["redeem"] = dict(adding)
        routes["create-invitation"] = {DESCRIBE_CONTACT: int(contact_checks)}
        routes["list-invitations"] = {DESCRIBE_CONTACT: int(caller_attribute)}
        routes["revoke-invitation"] = {DESCRIBE_CONTACT: int(caller_attribute)}
    return {
        route: {api: count for api, count in calls.items() if count}
        for route, calls in routes.items()
        if any(calls.values())
    }


def _floor(rate: float) -> float:
    """A rate in hundredths of a request per second, rounded down (never above its share)."""
    return math.floor(rate * 100 + 1e-9) / 100


def _per_request(api: str, calls: int, agent_wait_seconds: float) -> str:
    if api == DESCRIBE_CONTACT and calls > 1:
        return (
            f"{calls} per request: the contact check, and one a second while it waits up to "
            f"agent_wait={agent_wait_seconds:g} seconds for the agent"
        )
    return f"{calls} per request"


def _raise_quota(api: str) -> str:
    return f"raise {QUOTA_PROPS[api]} once Amazon Connect has raised the account's quota"


def throttles(
    routes: Mapping[str, Mapping[str, int]],
    *,
    quotas: Mapping[str, float],
    stage_rate: float,
    stage_burst: int,
    redeem_rate: float | None,
    redeem_burst: int,
    agent_wait_seconds: float,
) -> tuple[RouteThrottle, ...]:
    """Each Connect route's throttle. A ``redeem_rate`` given is taken first and must fit the
    quotas; as a token it is not checked, and the other routes get the shares they would get
    beside the redeem route's own share."""
    left = dict(quotas)
    fixed = redeem_rate is not None and not is_unresolved(redeem_rate) and "redeem" in routes
    if fixed:
        assert redeem_rate is not None
        for api, calls in routes["redeem"].items():
            if redeem_rate * calls > left[api] + 1e-9:
                fixes = [
                    f"lower redeem_throttling_rate_limit to at most {_floor(left[api] / calls):g}"
                ]
                fixes.append(_raise_quota(api))
                if calls > 1 and api == DESCRIBE_CONTACT:
                    fixes.append("shorten agent_wait")
                raise ValueError(
                    f"redeem_throttling_rate_limit={redeem_rate:g} requests/s lets redemptions "
                    f"call {api} up to {redeem_rate * calls:g} times a second "
                    f"({_per_request(api, calls, agent_wait_seconds)}), above "
                    f"{QUOTA_PROPS[api]}={quotas[api]:g}; {', or '.join(fixes)}"
                )
            left[api] -= redeem_rate * calls
    shared = [route for route in routes if not (fixed and route == "redeem")]
    scales = {
        api: left[api] / demand
        for api in quotas
        if (demand := sum(WEIGHTS[route] * routes[route].get(api, 0) for route in shared))
    }
    binding = min(scales, key=scales.__getitem__)
    scale = scales[binding]
    if _floor(min(WEIGHTS[route] for route in shared) * scale) < 0.01:
        quota = f"{QUOTA_PROPS[binding]}={quotas[binding]:g}"
        if fixed:
            raise ValueError(
                f"redeem_throttling_rate_limit={redeem_rate:g} requests/s leaves none of {quota} "
                f"for the other routes that call {binding}; lower redeem_throttling_rate_limit, "
                f"or {_raise_quota(binding)}"
            )
        raise ValueError(
            f"{quota} is too small to share among the routes that call {binding} (each needs "
            f"at least 0.01 requests/s); pass the account's quota, 'Rate of {binding} API "
            "requests' in Service Quotas"
        )
    result = []
    for route in routes:
        if route == "redeem" and redeem_rate is not None:
            result.append(RouteThrottle(route, redeem_rate, redeem_burst))
            continue
        share = _floor(WEIGHTS[route] * scale)
        rate = share if is_unresolved(stage_rate) else min(stage_rate, share)
        burst = redeem_burst if route == "redeem" else stage_burst
        result.append(RouteThrottle(route, rate, burst))
    return tuple(result)


def method_options(
    limits: tuple[RouteThrottle, ...],
) -> dict[str, apigateway.MethodDeploymentOptions]:
    """The stage's method settings: each route's throttle, and the stage's logging and metrics
    repeated (a method setting replaces the stage's for that method)."""
    return {
        limit.key: apigateway.MethodDeploymentOptions(
            throttling_rate_limit=limit.rate,
            throttling_burst_limit=limit.burst,
            logging_level=defaults.EXECUTION_LOGGING_LEVEL,
            data_trace_enabled=defaults.DATA_TRACE_ENABLED,
            metrics_enabled=defaults.METRICS_ENABLED,
        )
        for limit in limits
    }
