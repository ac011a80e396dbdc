"""The invitation settings the construct sets in the environment, read into the Config: the
defaults, each bound at its edge, and the configuration errors a cold start reports."""

from __future__ import annotations

import pytest

from runtime.broker.config import ConfigError, load
from runtime.broker.invitation_settings import InvitationSettings, read

BOUNDS = ("INVITATION_LIFETIME_SECONDS", "INVITATION_MAX_LIFETIME_SECONDS", "INVITATION_MAX_USES")


def test_no_table_means_no_invitations() -> None:
    assert load({"INSTANCE_ID": "i-1"}).invitations is None
    assert load({"INSTANCE_ID": "i-1", "INVITATIONS_TABLE": "  "}).invitations is None


def test_the_table_alone_gives_the_documented_defaults() -> None:
    config = load({"INSTANCE_ID": "i-1", "INVITATIONS_TABLE": " Invitations "})
    assert config.invitations == InvitationSettings(
        table_name="Invitations",
        default_lifetime_seconds=900,
        max_lifetime_seconds=3600,
        max_uses=5,
    )


def test_every_bound_is_read() -> None:
    env = {
        "INVITATIONS_TABLE": "T",
        "INVITATION_LIFETIME_SECONDS": " 60 ",
        "INVITATION_MAX_LIFETIME_SECONDS": "120",
        "INVITATION_MAX_USES": "2",
    }
    assert read(env) == InvitationSettings("T", 60, 120, 2)


@pytest.mark.parametrize("name", BOUNDS)
def test_one_is_the_smallest_bound(name: str) -> None:
    env = {"INVITATIONS_TABLE": "T", name: "1"}
    if name == "INVITATION_MAX_LIFETIME_SECONDS":
        env["INVITATION_LIFETIME_SECONDS"] = "1"
    settings = read(env)
    value = {
        "INVITATION_LIFETIME_SECONDS": settings.default_lifetime_seconds,
        "INVITATION_MAX_LIFETIME_SECONDS": settings.max_lifetime_seconds,
        "INVITATION_MAX_USES": settings.max_uses,
    }[name]
    assert value == 1


@pytest.mark.parametrize("name", BOUNDS)
@pytest.mark.parametrize("raw", ["0", "-5", "1.5", "ten", ""])
def test_a_bound_that_is_not_a_whole_number_of_at_least_one_is_a_configuration_error(
    name: str, raw: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load({"INSTANCE_ID": "i-1", "INVITATIONS_TABLE": "T", name: raw})
    assert str(caught.value) == f"{name} must be a whole number of at least 1, got {raw!r}"


def test_the_default_lifetime_may_equal_the_longest_but_not_exceed_it() -> None:
    same = {"INVITATIONS_TABLE": "T", "INVITATION_LIFETIME_SECONDS": "3600"}
    assert read(same).default_lifetime_seconds == 3600
    with pytest.raises(ConfigError) as caught:
        load({"INSTANCE_ID": "i-1", **same, "INVITATION_LIFETIME_SECONDS": "3601"})
    assert str(caught.value) == (
        "INVITATION_LIFETIME_SECONDS (3601) must not exceed INVITATION_MAX_LIFETIME_SECONDS (3600)"
    )
