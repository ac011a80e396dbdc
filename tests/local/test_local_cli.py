"""The participant-broker-local console script, run as a user would."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from local_http import send
from local_script import serving

from constructs_lib.local import config_from_args, main
from constructs_lib.local.cli import _parse_args

SCRIPT = Path(sys.executable).parent / "participant-broker-local"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Sequence[str]]]:
    """Start the script on a free port; yield its URL and the stderr lines read so far."""
    with serving(SCRIPT) as running:
        yield running


def test_script_prints_not_for_production_banner(served: tuple[str, Sequence[str]]) -> None:
    _, lines = served
    assert "NOT FOR PRODUCTION: local development broker, no authentication, simulated Amazon" in (
        "".join(lines)
    )


def test_script_serves_the_contract(served: tuple[str, Sequence[str]]) -> None:
    url, _ = served
    answer = send(f"{url}/contacts/demo-1/participants", {"displayName": "Ana"})
    assert (answer.status, sorted(answer.json())) == (
        201,
        ["expiry", "participantId", "participantToken", "role"],
    )


def test_script_simulates_connect_failures(served: tuple[str, Sequence[str]]) -> None:
    url, _ = served
    assert send(f"{url}/contacts/notfound-1/participants", {"displayName": "Ana"}).status == 404


@pytest.mark.parametrize(
    ("argv", "roles", "default_role"),
    [
        ([], ("CUSTOMER",), "CUSTOMER"),
        (["--allowed-roles", "custom_bot, customer"], ("CUSTOM_BOT", "CUSTOMER"), "CUSTOMER"),
        (["--allowed-roles", "CUSTOM_BOT"], ("CUSTOM_BOT",), "CUSTOM_BOT"),
    ],
)
def test_arguments_choose_roles_like_the_construct(
    argv: list[str], roles: tuple[str, ...], default_role: str
) -> None:
    config = config_from_args(_parse_args(argv))
    assert (config.allowed_roles, config.default_role) == (roles, default_role)


def test_capability_flags_turn_capabilities_off() -> None:
    config = config_from_args(_parse_args(["--no-video", "--no-screen-share"]))
    assert (config.allow_video, config.allow_screen_share) == (False, False)


def test_contact_check_arguments_reach_the_config(tmp_path: Path) -> None:
    args = _parse_args(
        [
            "--no-contact-checks",
            "--channel-roles",
            "VOICE=CUSTOMER,SUPERVISOR",
            "--agent-wait",
            "1.5",
            "--caller-attribute",
            "brokerCaller",
        ]
    )
    config = config_from_args(args)
    assert (config.contact_checks, config.channel_roles) == (False, "VOICE=CUSTOMER,SUPERVISOR")
    assert (config.agent_wait, config.caller_attribute) == (1.5, "brokerCaller")
    assert config.environment("http://127.0.0.1:1")["AGENT_WAIT_MS"] == "1500"
    assert config_from_args(_parse_args([])).contact_checks is True


def test_a_taken_port_is_named_with_the_option_to_change_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["--port", str(port)])
    assert (status, capsys.readouterr()) == (
        2,
        (
            "",
            f"participant-broker-local: port {port} on 127.0.0.1 is taken: choose another with "
            "--port (--port 0 picks a free one)\n",
        ),
    )
