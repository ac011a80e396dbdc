"""``ParticipantBroker``'s props (:class:`~constructs_lib.props.ParticipantBrokerProps`), checked
once (:func:`check`) by the checks of ``_checks``, before any resource is defined. What the
checks derive (:class:`Checked`) is what the broker's builders read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import aws_apigateway as apigateway
from constructs import Construct

from . import _checks, _throttling, defaults

if TYPE_CHECKING:
    from .props import ParticipantBrokerProps


@dataclass(frozen=True)
class Checked:
    """What the checks derive from the props, in the form the builders use."""

    roles: tuple[str, ...]
    default_role: str
    channels: dict[str, tuple[str, ...]]
    throttles: tuple[_throttling.RouteThrottle, ...]
    """The method throttles of the routes that call Connect."""


def check(scope: Construct, props: ParticipantBrokerProps) -> Checked:
    """Check every prop with ``_checks`` (its warnings go on ``scope``); return what the
    builders need. The choices and ``InvitationOptions`` checked themselves when built."""
    roles = _checks.allowed_roles(
        defaults.ALLOWED_ROLES if props.allowed_roles is None else props.allowed_roles
    )
    _checks.warn_duplicate_roles(scope, props.allowed_roles)
    role = _checks.default_role(props.default_role, roles)
    channels = _checks.channel_roles(
        defaults.CHANNEL_ROLES if props.channel_roles is None else props.channel_roles
    )
    if props.contact_checks:
        _checks.roles_meet_channels(roles, channels)
    _checks.web_acl_arn(props.web_acl_arn)
    _checks.cors_origins(props.cors_allowed_origins)
    _checks.log_level(props.log_level)
    _checks.metrics_namespace(props.metrics_namespace)
    _checks.memory_size(props.memory_size)
    _checks.timeout(props.timeout)
    _checks.reserved_concurrency(props.reserved_concurrency)
    _checks.throttling(props.throttling_rate_limit, props.throttling_burst_limit)
    _checks.warn_burst_below_rate(scope, props.throttling_rate_limit, props.throttling_burst_limit)
    _checks.time_budget(props.timeout, props.contact_checks, props.agent_wait)
    unauthenticated = props.authorization.authorization_type == apigateway.AuthorizationType.NONE
    _checks.caller_attribute(props.caller_attribute, props.contact_checks, unauthenticated)
    if unauthenticated:
        _checks.warn_unauthenticated(scope)
    _checks.warn_strict_private_api(
        scope,
        props.endpoint.vpc_endpoints is not None,
        props.endpoint.security_policy.endpoint_access_mode,
    )
    if props.invitations is not None:
        _checks.redemption_time_budget(props.timeout, props.contact_checks)
    return Checked(
        roles=roles, default_role=role, channels=channels, throttles=_route_throttles(props)
    )


def _route_throttles(props: ParticipantBrokerProps) -> tuple[_throttling.RouteThrottle, ...]:
    """Check the quota props; the throttles of the routes that call Connect."""
    invitations = props.invitations
    quotas = {
        _throttling.CREATE_PARTICIPANT: props.create_participant_quota,
        _throttling.DESCRIBE_CONTACT: props.describe_contact_quota,
    }
    for api, default in (
        (_throttling.CREATE_PARTICIPANT, defaults.CREATE_PARTICIPANT_QUOTA),
        (_throttling.DESCRIBE_CONTACT, defaults.DESCRIBE_CONTACT_QUOTA),
    ):
        _checks.quota(_throttling.QUOTA_PROPS[api], quotas[api], default)
    wait = _checks.duration_seconds(props.agent_wait)
    if wait is None:  # a token: the longest wait the timeout leaves room for
        timeout = _checks.duration_seconds(props.timeout)
        wait = _checks.max_agent_wait_seconds(
            _checks.MAX_TIMEOUT_SECONDS if timeout is None else timeout
        )
    routes = _throttling.connect_calls(
        contact_checks=props.contact_checks,
        agent_wait_seconds=wait,
        caller_attribute=props.caller_attribute is not None,
        invitations=props.invitations is not None,
    )
    return _throttling.throttles(
        routes,
        quotas=quotas,
        stage_rate=props.throttling_rate_limit,
        stage_burst=props.throttling_burst_limit,
        redeem_rate=None if invitations is None else invitations.redeem_throttling_rate_limit,
        redeem_burst=(
            defaults.REDEEM_THROTTLING_BURST_LIMIT
            if invitations is None
            else invitations.redeem_throttling_burst_limit
        ),
        agent_wait_seconds=wait,
    )
