"""Checks of the contact checks: channels and roles, time budget, contact-bound callers."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence

from aws_cdk import Duration

from .. import _contract, defaults
from .tokens import duration_seconds, is_unresolved, seconds_text
from .values import MAX_TIMEOUT_SECONDS, ROLES_HINT

_ATTRIBUTE = re.compile(r"[A-Za-z0-9_-]{1,128}")


def channel_roles(channel_roles: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Return the map with each channel's roles de-duplicated in order; reject unknown channels
    and roles, empty lists and a list given as a string."""
    example = "{'CHAT': ['CUSTOM_BOT'], 'VOICE': ['CUSTOMER']}"
    if not isinstance(channel_roles, Mapping) or not channel_roles:
        raise ValueError(
            f"channel_roles must map at least one channel to its roles, got {channel_roles!r}; "
            f"for example {example} (the default)"
        )
    result: dict[str, tuple[str, ...]] = {}
    for channel, roles in channel_roles.items():
        if channel not in defaults.CHANNELS:
            raise ValueError(
                f"channel_roles has the channel {channel!r}, which is not an Amazon Connect "
                f"channel; use {', '.join(defaults.CHANNELS)}"
            )
        if isinstance(roles, str) or not roles:
            raise ValueError(
                f"channel_roles[{channel!r}] must be a non-empty list of roles, got {roles!r}; "
                f"write {channel!r}: [{roles or 'CUSTOMER'!r}]"
            )
        for role in roles:
            if role not in defaults.VALID_ROLES:
                raise ValueError(
                    f"channel_roles[{channel!r}] contains {role!r}, which is not a participant "
                    f"role; valid roles: {ROLES_HINT}"
                )
        result[channel] = tuple(dict.fromkeys(roles))
    return result


def roles_meet_channels(
    allowed_roles: Sequence[str], channel_roles: Mapping[str, Sequence[str]]
) -> None:
    """With the contact checks, some allowed role must be one a channel takes."""
    if any(role in roles for roles in channel_roles.values() for role in allowed_roles):
        return
    taken = sorted({role for roles in channel_roles.values() for role in roles})
    raise ValueError(
        f"allowed_roles {list(allowed_roles)!r} has no role any channel takes "
        f"(channel_roles {dict(channel_roles)!r}), so the contact checks would refuse every "
        f"request; allow one of {', '.join(taken)}, or change channel_roles"
    )


def required_timeout_seconds(contact_checks: bool, agent_wait_seconds: float) -> float:
    """The function timeout the worst case needs (``runtime/broker/budget.py``): without the
    contact checks, CreateParticipant; with them, DescribeContact, then (when the broker may
    wait) the wait and a last DescribeContact that may start at its very end, then
    CreateParticipant; plus the margin."""
    budget = _contract.budget()
    calls = 1 + ((2 if agent_wait_seconds > 0 else 1) if contact_checks else 0)
    wait = agent_wait_seconds if contact_checks else 0
    return float(calls * budget.call_seconds() + wait + budget.MARGIN_SECONDS)


def max_agent_wait_seconds(timeout_seconds: float) -> float:
    """The longest agent wait a function timeout leaves room for (0 when none is left)."""
    call: float = _contract.budget().call_seconds()
    room = timeout_seconds - required_timeout_seconds(True, 0) - call
    return max(0.0, math.floor(room * 1000) / 1000)


@functools.lru_cache(maxsize=64)
def time_budget(timeout: Duration, contact_checks: bool, agent_wait: Duration) -> None:
    """The function's timeout covers the worst case of the contact checks, the agent wait and
    CreateParticipant (a Duration is never negative)."""
    wait = duration_seconds(agent_wait)
    seconds = duration_seconds(timeout)
    if not contact_checks or wait is None or seconds is None:
        return
    budget = _contract.budget()
    needed = required_timeout_seconds(True, wait)
    if needed <= seconds:
        return
    calls = "DescribeContact, the wait, a last DescribeContact and CreateParticipant"
    if wait == 0:
        calls = "DescribeContact and CreateParticipant"
    fixes = []
    longest = max_agent_wait_seconds(seconds)
    if wait > 0 and required_timeout_seconds(True, 0) <= seconds:
        fixes.append(
            f"lower agent_wait to at most {seconds_text(longest)}"
            if longest > 0
            else "pass agent_wait=Duration.seconds(0)"
        )
    if needed <= MAX_TIMEOUT_SECONDS:
        fixes.append(f"raise timeout to {seconds_text(needed)}")
    fixes.append("pass contact_checks=False")
    raise ValueError(
        f"timeout={seconds_text(seconds)} is too short for the contact checks with "
        f"agent_wait={seconds_text(wait)}: the function may need {seconds_text(needed)} "
        f"({calls}, each call up to {seconds_text(budget.call_seconds())} with retries, plus "
        f"{seconds_text(budget.MARGIN_SECONDS)}); {', or '.join(fixes)}"
    )


def caller_attribute(
    caller_attribute: str | None, contact_checks: bool, unauthenticated: bool
) -> None:
    """A user-defined contact attribute key; contact-bound callers need the contact checks and
    callers with an identity."""
    if caller_attribute is None:
        return
    if not is_unresolved(caller_attribute) and not _ATTRIBUTE.fullmatch(caller_attribute):
        raise ValueError(
            f"caller_attribute must be a contact attribute name of 1-128 letters, digits, '-' "
            f"and '_' (the characters Amazon Connect allows in attribute keys), got "
            f"{caller_attribute!r}; for example 'brokerCaller'"
        )
    if not contact_checks:
        raise ValueError(
            f"caller_attribute={caller_attribute!r} needs the contact checks (it is read from "
            "DescribeContact), got contact_checks=False; drop one of the two"
        )
    if unauthenticated:
        raise ValueError(
            f"caller_attribute={caller_attribute!r} binds contacts to the caller's identity, and "
            "BrokerAuthorization.allow_unauthenticated_access() gives callers none; use "
            "BrokerAuthorization.iam(), .cognito(...) or .authorizer(...), or drop "
            "caller_attribute"
        )


#: The longest lifetime the HTTP contract accepts (``lifetimeSeconds``' schema maximum).

# -- invitations: a redemption's time ---------------------------------------------------------

#: The invitation store's calls in a redemption: consuming a use, and giving it back; each
#: at most ``broker.dynamodb.call_seconds()`` (a test holds the two equal).
STORE_CALLS_SECONDS = 2 * 4.0


def redemption_time_budget(timeout: Duration, contact_checks: bool) -> None:
    """A redemption's worst case fits the function's timeout: its two store calls and the
    participants route's calls with no wait for the agent (the runtime cuts the wait to the
    time left, so it is never what runs the function out of time)."""
    seconds = duration_seconds(timeout)
    if seconds is None:
        return
    needed = required_timeout_seconds(contact_checks, 0) + STORE_CALLS_SECONDS
    if needed <= seconds:
        return
    raise ValueError(
        f"timeout={seconds:g} seconds is too short for a redemption: it may need {needed:g} "
        f"seconds (the participants route's calls, plus {STORE_CALLS_SECONDS:g} seconds for "
        f"consuming a use and giving it back); raise timeout to {needed:g} seconds"
    )
