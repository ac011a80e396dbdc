"""Checks of the invitation settings and of the alarms' thresholds and destinations."""

from __future__ import annotations

from aws_cdk import Duration

from .. import defaults
from .tokens import is_unresolved

_MAX_LIFETIME_SECONDS = 86400
_MIN_LIFETIME_SECONDS = 60
#: The most uses the HTTP contract accepts (``uses``' schema maximum).
_MAX_USES = 100


def _whole_seconds(name: str, value: Duration) -> int | None:
    """Whole seconds of a literal duration (``None`` for a token)."""
    if value.is_unresolved():
        return None
    milliseconds = value.to_milliseconds()
    if milliseconds % 1000:
        raise ValueError(
            f"{name} must be a whole number of seconds, got {milliseconds / 1000:g} seconds; "
            f"for example Duration.seconds({round(milliseconds / 1000)})"
        )
    return int(milliseconds // 1000)


def invitation_lifetimes(lifetime: Duration, max_lifetime: Duration) -> None:
    default, maximum = (
        _whole_seconds("lifetime", lifetime),
        _whole_seconds("max_lifetime", max_lifetime),
    )
    if maximum is not None and not _MIN_LIFETIME_SECONDS <= maximum <= _MAX_LIFETIME_SECONDS:
        raise ValueError(
            f"max_lifetime must be between 1 minute and 24 hours, got {maximum} "
            f"seconds; the default is {defaults.INVITATION_MAX_LIFETIME.to_human_string()}"
        )
    if default is not None and default < _MIN_LIFETIME_SECONDS:
        raise ValueError(
            f"lifetime must be at least 1 minute, got {default} seconds; the "
            f"default is {defaults.INVITATION_LIFETIME.to_human_string()}"
        )
    if default is not None and maximum is not None and default > maximum:
        raise ValueError(
            f"lifetime ({default} seconds) must not exceed max_lifetime ({maximum} seconds); "
            "shorten the lifetime or raise the maximum"
        )


def invitation_counts(max_uses: int, rate: float | None, burst: int) -> None:
    if not is_unresolved(max_uses) and (
        isinstance(max_uses, bool) or not 1 <= max_uses <= _MAX_USES
    ):
        raise ValueError(
            f"max_uses must be a whole number from 1 to {_MAX_USES}, got "
            f"{max_uses!r}; a WebRTC call takes at most six participants, so the default is "
            f"{defaults.INVITATION_MAX_USES}"
        )
    if rate is not None and not is_unresolved(rate) and rate <= 0:
        raise ValueError(
            f"redeem_throttling_rate_limit must be greater than 0 (requests per second), got "
            f"{rate!r}; by default the route takes its share of the Connect quotas"
        )
    if not is_unresolved(burst) and (not isinstance(burst, int) or burst < 1):
        raise ValueError(
            f"redeem_throttling_burst_limit must be a whole number of at least 1, got "
            f"{burst!r}; the default is {defaults.REDEEM_THROTTLING_BURST_LIMIT}"
        )


def alarm_count(prop: str, value: int) -> None:
    """A count threshold: a whole number of at least 1."""
    if is_unresolved(value):
        return
    if isinstance(value, bool) or value < 1 or value != int(value):
        raise ValueError(
            f"{prop} must be a whole number of at least 1 (a count per five minutes), got "
            f"{value!r}; pass 1 to alarm on the first occurrence, or alarms=False to turn the "
            "alarms off"
        )


def alarm_rate(value: float) -> None:
    """The 5xx rate threshold: a fraction in (0, 1]."""
    if is_unresolved(value):
        return
    if isinstance(value, bool) or not 0 < value <= 1:
        raise ValueError(
            f"api_5xx_rate_threshold must be a fraction greater than 0 and at most 1 (the share "
            f"of requests answered with a 5xx), got {value!r}; pass 0.05 for 5%"
        )


def alarm_latency(value: Duration) -> float:
    """The latency threshold in milliseconds: more than zero."""
    milliseconds: float = value.to_milliseconds()
    if value.is_unresolved() or milliseconds > 0:
        return milliseconds
    raise ValueError(
        f"latency_p99_threshold must be longer than 0 ms, got {value.to_human_string()}; "
        "pass a Duration such as Duration.seconds(3)"
    )


def alarm_destinations(alarms: bool, destinations: bool) -> None:
    """A topic or actions need alarms to notify."""
    if destinations and not alarms:
        raise ValueError(
            "alarm_topic and alarm_actions need alarms, got alarms=False with an alarm "
            "destination; drop alarm_topic and alarm_actions, or set alarms=True"
        )


def invitation_alarm(invitations: bool, failed_redemptions_threshold: int | None) -> None:
    """The refused-redemptions alarm exists only for a broker that serves invitations."""
    if failed_redemptions_threshold is not None and not invitations:
        raise ValueError(
            "failed_redemptions_threshold only applies with invitations=True, got "
            "invitations=False; pass invitations=True or drop it"
        )


def runtime_metric(metric_name: str, emitted: frozenset[str]) -> str:
    """A metric the function emits (``runtime/broker/settings.json``)."""
    if metric_name in emitted:
        return metric_name
    raise ValueError(
        f"the function emits no metric {metric_name!r}; use one of "
        f"{', '.join(sorted(emitted))} (runtime/broker/settings.json)"
    )
