"""The participant-broker-local console script, run as a user would."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import send

from constructs_lib.local import _parse_args, config_from_args

SCRIPT = Path(sys.executable).parent / "participant-broker-local"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, list[str]]]:
    """Start the script on a free port; yield its URL and the stderr lines read so far."""
    process = subprocess.Popen(
        [str(SCRIPT), "--port", "0", "--log-level", "ERROR"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"POST (http://127\.0\.0\.1:\d+)/contacts/", line)
            if match:
                yield match.group(1), lines
                break
        else:
            pytest.fail("the script exited without serving: " + "".join(lines))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_script_prints_not_for_production_banner(served: tuple[str, list[str]]) -> None:
    _, lines = served
    assert "NOT FOR PRODUCTION: local development broker, no authentication, simulated Amazon" in (
        "".join(lines)
    )


def test_script_serves_the_contract(served: tuple[str, list[str]]) -> None:
    url, _ = served
    answer = send(f"{url}/contacts/demo-1/participants", {"displayName": "Ana"})
    assert (answer.status, sorted(answer.json())) == (
        201,
        ["expiry", "participantId", "participantToken"],
    )


def test_script_simulates_connect_failures(served: tuple[str, list[str]]) -> None:
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
