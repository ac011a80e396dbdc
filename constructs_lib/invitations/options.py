"""``InvitationOptions``: invitations are opt-in, with their own settings, so a broker without
them cannot be given an invitation setting at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import Duration, RemovalPolicy

from .. import checks as _checks
from .. import defaults
from ..monitoring.metrics import DEFAULT_FAILED_REDEMPTIONS_THRESHOLD

if TYPE_CHECKING:
    from aws_cdk import aws_kms as kms


@dataclass(frozen=True, kw_only=True)
class InvitationOptions:
    """Invitations (docs/invitations.md): a DynamoDB table, four routes and an alarm.
    ``invitations=InvitationOptions()`` turns them on with the defaults."""

    lifetime: Duration = defaults.INVITATION_LIFETIME
    """How long an invitation lasts when its creator asks for no lifetime (whole seconds, at
    least one minute). Default: 15 minutes."""
    max_lifetime: Duration = defaults.INVITATION_MAX_LIFETIME
    """The longest lifetime a creator may ask for, from one minute to 24 hours. Default:
    1 hour."""
    max_uses: int = defaults.INVITATION_MAX_USES
    """The most uses a creator may ask for (1-100). Default: 5."""
    encryption_key: kms.IKey | None = None
    """Encrypt the invitation table with this customer managed KMS key. Default: an AWS owned
    key."""
    point_in_time_recovery: bool = defaults.INVITATION_POINT_IN_TIME_RECOVERY
    """Point-in-time recovery of the invitation table. Default: ``True``."""
    removal_policy: RemovalPolicy = defaults.INVITATION_REMOVAL_POLICY
    """What deleting the stack does to the invitation table. Default:
    ``RemovalPolicy.DESTROY``."""
    redeem_throttling_rate_limit: float | None = None
    """The redeem route's rate (requests/s), within the Connect quotas. Default: its share of
    the quotas."""
    redeem_throttling_burst_limit: int = defaults.REDEEM_THROTTLING_BURST_LIMIT
    """The redeem route's burst. Default: 5."""
    failed_redemptions_threshold: int = DEFAULT_FAILED_REDEMPTIONS_THRESHOLD
    """Refused redemptions in five minutes that raise ``failed_redemptions_alarm``. Default:
    10."""

    def __post_init__(self) -> None:
        _checks.invitation_lifetimes(self.lifetime, self.max_lifetime)
        _checks.invitation_counts(
            self.max_uses, self.redeem_throttling_rate_limit, self.redeem_throttling_burst_limit
        )
        _checks.alarm_count("failed_redemptions_threshold", self.failed_redemptions_threshold)
