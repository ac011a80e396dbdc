"""A CDK app with N ParticipantBrokers in one stack (default 1), for the synth and asset benchmarks.

Run by the CDK CLI (``cdk synth --app "python3 -m benchmarks.brokers_app 25"``) or directly with
``--outdir DIR`` to synthesize in-process with cdk.json's context. Run as a module from the project
root, so that ``constructs_lib`` is the working tree's, as for ``python3 app.py``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from constructs_lib import ConnectInstance, InvitationOptions, ParticipantBroker

_CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def _context() -> dict[str, Any]:
    """The context (feature flags) from the project's cdk.json."""
    context: dict[str, Any] = json.loads(_CDK_JSON.read_text(encoding="utf-8"))["context"]
    return context


def build(count: int, outdir: str | None = None, invitations: bool = False) -> cdk.App:
    """An app whose one stack holds ``count`` brokers with literal instance IDs."""
    app = cdk.App(outdir=outdir, context=_context()) if outdir else cdk.App()
    stack = cdk.Stack(app, "BenchBrokers")
    for index in range(count):
        ParticipantBroker(
            stack,
            f"Broker{index}",
            instance=ConnectInstance.from_id(f"{index:08d}-2222-3333-4444-555555555555"),
            invitations=InvitationOptions() if invitations else None,
        )
    return app


def main() -> None:
    """Parse the arguments and synthesize."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=1)
    parser.add_argument("--outdir", default=None)
    parser.add_argument("--invitations", action="store_true", help="brokers with invitations")
    args = parser.parse_args()
    build(args.count, args.outdir, args.invitations).synth()


if __name__ == "__main__":
    main()
