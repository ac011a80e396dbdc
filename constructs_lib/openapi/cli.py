"""``participant-broker-openapi``: write the document, for a deployed broker if asked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .document import render_openapi
from .outputs import broker_url_from_outputs


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="participant-broker-openapi",
        description="Write the OpenAPI 3.1 document of a ParticipantBroker's HTTP contract.",
    )
    parser.add_argument("path", nargs="?", help="file to write (default: standard output)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--server-url", help="the deployed broker's URL (its stack output)")
    source.add_argument(
        "--outputs-file", help="read the broker's URL from cdk deploy --outputs-file output"
    )
    parser.add_argument(
        "--invitations",
        action="store_true",
        help="also describe the invitation routes (a broker deployed with InvitationOptions)",
    )
    parser.add_argument("--stack", help="with --outputs-file: the stack holding the broker")
    parser.add_argument(
        "--broker", help="with --outputs-file: the broker's construct path in its stack"
    )
    args = parser.parse_args(argv)
    if (args.stack or args.broker) and not args.outputs_file:
        parser.error("--stack and --broker only apply with --outputs-file")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """``participant-broker-openapi [PATH] [--invitations] [--server-url URL | --outputs-file
    FILE]``: write the document to PATH, or to standard output."""
    args = _parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        server_url = args.server_url
        if args.outputs_file:
            server_url = broker_url_from_outputs(
                args.outputs_file, stack=args.stack, broker=args.broker
            )
        text = render_openapi(server_url, invitations=args.invitations)
    except (OSError, ValueError) as error:
        print(f"participant-broker-openapi: {error}", file=sys.stderr)
        return 1
    if args.path is None:
        sys.stdout.write(text)
        return 0
    target = Path(args.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return 0
