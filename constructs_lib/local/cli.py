"""``participant-broker-local``: the local broker from the command line."""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from constructs_lib import _extras
from constructs_lib.local.fake_connect import (
    CONTACT_PREFIXES,
    MAGIC_PREFIXES,
    FakeConnect,
    SimulatedContact,
)

from .server import LocalBroker
from .settings import (
    BANNER,
    CALLER_HEADER,
    CHANNEL_ROLES,
    DEFAULT_INSTANCE_ID,
    DEFAULT_PORT,
    LOG_LEVELS,
    LocalBrokerConfig,
)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="participant-broker-local",
        description="Serve the ParticipantBroker HTTP contract on localhost from the real "
        "runtime, backed by a simulated Amazon Connect. NOT FOR PRODUCTION: no authentication.",
        epilog="Any contact ID is an ongoing WebRTC call whose agent has connected, unless "
        "it starts with "
        + ", ".join([*CONTACT_PREFIXES, "agent-after-N-"])
        + " (other channels and states) or "
        + ", ".join(MAGIC_PREFIXES)
        + " (the simulated Connect fails or, for slow-, answers late).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    parser.add_argument("--instance-id", default=DEFAULT_INSTANCE_ID, help="Connect instance ID")
    parser.add_argument(
        "--allowed-roles", default="CUSTOMER", help="comma-separated roles (default CUSTOMER)"
    )
    parser.add_argument(
        "--default-role", default=None, help="default: CUSTOMER when allowed, else the first role"
    )
    parser.add_argument("--no-video", action="store_true", help="refuse the video capability")
    parser.add_argument(
        "--no-screen-share", action="store_true", help="refuse the screen-share capability"
    )
    _add_contact_options(parser)
    return parser.parse_args(argv)


def _add_contact_options(parser: argparse.ArgumentParser) -> None:
    """The options of the simulated Connect, the contact checks, invitations and CORS."""
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=35.0,
        help="how long a slow- contact keeps Connect busy (default 35)",
    )
    parser.add_argument("--log-level", default="INFO", choices=LOG_LEVELS)
    parser.add_argument(
        "--invitations",
        action="store_true",
        help="serve the invitation routes (moto's DynamoDB holds them in memory; needs the "
        "'local' extra)",
    )
    parser.add_argument(
        "--cors-allowed-origins",
        default="",
        help="comma-separated origins browsers may call from (default: no CORS)",
    )
    parser.add_argument(
        "--no-contact-checks", action="store_true", help="call CreateParticipant blind"
    )
    parser.add_argument(
        "--channel-roles",
        default=CHANNEL_ROLES,
        help="roles each channel takes (default %(default)s)",
    )
    parser.add_argument(
        "--agent-wait",
        type=float,
        default=3.0,
        help="seconds to wait for a WebRTC call's agent (default %(default)s)",
    )
    parser.add_argument(
        "--caller-attribute",
        default=None,
        help=f"contact-bound callers: the contact attribute that must equal {CALLER_HEADER}",
    )
    parser.add_argument(
        "--contacts",
        type=Path,
        default=None,
        help='a JSON file of simulated contacts: {"ID": {"channel": "VOICE", "ended": false, '
        '"agentAfter": 2, "attributes": {"name": "value"}}}',
    )


def contacts_from_file(path: Path) -> dict[str, SimulatedContact]:
    """Read a ``--contacts`` file: contact ID -> settings (see ``SimulatedContact.from_json``)."""
    raw = json.loads(path.read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path} must hold a JSON object of contact ID -> settings")
    return {str(contact_id): SimulatedContact.from_json(value) for contact_id, value in raw.items()}


def _default_role(roles: Sequence[str]) -> str:
    """CUSTOMER when allowed, else the first allowed role (as the construct chooses)."""
    return "CUSTOMER" if "CUSTOMER" in roles or not roles else roles[0]


def config_from_args(args: argparse.Namespace) -> LocalBrokerConfig:
    """The broker configuration the command-line arguments describe."""
    roles = tuple(role.strip().upper() for role in args.allowed_roles.split(",") if role.strip())
    return LocalBrokerConfig(
        instance_id=args.instance_id,
        allowed_roles=roles,
        default_role=(args.default_role or _default_role(roles)).upper(),
        allow_video=not args.no_video,
        allow_screen_share=not args.no_screen_share,
        log_level=args.log_level,
        cors_allowed_origins=tuple(
            origin.strip() for origin in args.cors_allowed_origins.split(",") if origin.strip()
        ),
        contact_checks=not args.no_contact_checks,
        channel_roles=args.channel_roles,
        agent_wait=args.agent_wait,
        caller_attribute=args.caller_attribute,
        invitations=args.invitations,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The ``participant-broker-local`` console script."""
    args = _parse_args(argv)
    try:
        _extras.require("botocore", feature="participant-broker-local")
    except _extras.MissingExtraError as error:
        print(f"participant-broker-local: {error}", file=sys.stderr)
        return 1
    contacts = contacts_from_file(args.contacts) if args.contacts else None
    connect = FakeConnect(
        instance_id=args.instance_id, slow_seconds=args.slow_seconds, contacts=contacts
    )
    try:
        broker = LocalBroker(args.host, args.port, config=config_from_args(args), connect=connect)
    except _extras.MissingExtraError as error:
        print(f"participant-broker-local: {error}", file=sys.stderr)
        return 1
    connect.start()
    try:
        try:
            broker.bind()
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            print(
                f"participant-broker-local: port {args.port} on {args.host} is taken: choose "
                "another with --port (--port 0 picks a free one)",
                file=sys.stderr,
            )
            return 2
        print(BANNER, file=sys.stderr)
        url = broker.url
        invitations = (
            f"  invitations: POST {url}/contacts/{{contactId}}/invitations, then POST "
            f"{url}/invitations/redeem with the secret\n"
            if args.invitations
            else ""
        )
        print(
            f"local broker: POST {url}/contacts/{{contactId}}/participants\n"
            f"{invitations}"
            f"  try: curl -s -X POST {url}/contacts/demo-contact/participants "
            "-H 'Content-Type: application/json' -d '{\"displayName\": \"Ana\"}'\n"
            f"  other contacts: {', '.join(p + '...' for p in CONTACT_PREFIXES)}, "
            "agent-after-N-...\n"
            f"  failing contacts: {', '.join(p + '...' for p in MAGIC_PREFIXES)}\n"
            "  Ctrl-C stops it.",
            file=sys.stderr,
            flush=True,
        )
        broker.serve_forever()
    except KeyboardInterrupt:
        print("\nlocal broker: stopped", file=sys.stderr)
    finally:
        broker.stop()
        connect.stop()
    return 0
