"""``ParticipantBroker``'s props (:class:`~constructs_lib.props.ParticipantBrokerProps`), checked
once (:func:`check`).

Every check raises ``ValueError`` with the value received and the fix, before any resource is
created; unresolved tokens are not checked. What the checks derive (:class:`Checked`) is what
the broker's builders read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import aws_apigateway as apigateway
from constructs import Construct

from . import _invitations, _throttling, _validation, _warnings, defaults

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
    """Check every prop (synth warnings go on ``scope``); return what the builders need."""
    roles = _validation.check_allowed_roles(
        defaults.ALLOWED_ROLES if props.allowed_roles is None else props.allowed_roles
    )
    role = _validation.resolve_default_role(props.default_role, roles)
    _validation.check_log_level(props.log_level)
    _validation.check_metrics_namespace(props.metrics_namespace)
    _validation.check_memory_size(props.memory_size)
    _validation.check_timeout(props.timeout)
    _validation.check_reserved_concurrency(props.reserved_concurrency)
    _validation.check_throttling(props.throttling_rate_limit, props.throttling_burst_limit)
    _warnings.warn_about_props(
        scope,
        allowed_roles=props.allowed_roles,
        throttling_rate_limit=props.throttling_rate_limit,
        throttling_burst_limit=props.throttling_burst_limit,
        endpoint_access_mode=props.endpoint.security_policy.endpoint_access_mode,
        private=props.endpoint.vpc_endpoints is not None,
    )
    _validation.check_web_acl_arn(props.web_acl_arn)
    _validation.check_cors_origins(props.cors_allowed_origins)
    channels = _validation.check_channel_roles(
        defaults.CHANNEL_ROLES if props.channel_roles is None else props.channel_roles
    )
    if props.contact_checks:
        _validation.check_roles_meet_channels(roles, channels)
    _validation.check_time_budget(props.timeout, props.contact_checks, props.agent_wait)
    _validation.check_caller_attribute(
        props.caller_attribute,
        props.contact_checks,
        props.authorization.authorization_type == apigateway.AuthorizationType.NONE,
    )
    if props.invitations is not None:
        _invitations.check_time_budget(props.timeout, props.contact_checks)
    throttles = _route_throttles(props)
    return Checked(
        roles=roles,
        default_role=role,
        channels=channels,
        throttles=throttles,
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
        _throttling.check_quota(_throttling.QUOTA_PROPS[api], quotas[api], default)
    wait = _validation.duration_seconds(props.agent_wait)
    if wait is None:  # a token: the longest wait the timeout leaves room for
        timeout = _validation.duration_seconds(props.timeout)
        wait = _validation.max_agent_wait_seconds(
            _validation.MAX_TIMEOUT_SECONDS if timeout is None else timeout
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
