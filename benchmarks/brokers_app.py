"""A CDK app with N ParticipantBrokers spread over S stacks (default 1 and 1), for the synth and
asset benchmarks.

Run by the CDK CLI (``cdk synth --app "python3 -m benchmarks.brokers_app 25 --stacks 5"``) or
directly with ``--outdir DIR`` to synthesize in-process with cdk.json's context. Run as a module
from the project root, so that ``constructs_lib`` is the working tree's, as for
``python3 app.py``.
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


def new_app(outdir: str | None = None) -> cdk.App:
    """An app: cdk.json's context when synthesized in-process into ``outdir``, else the CLI's."""
    return cdk.App(outdir=outdir, context=_context()) if outdir else cdk.App()


def add_stacks(app: cdk.App, stacks: int) -> list[cdk.Stack]:
    """``BenchBrokers`` alone, or ``BenchBrokers0`` ... when there are several."""
    names = ["BenchBrokers"] if stacks == 1 else [f"BenchBrokers{i}" for i in range(stacks)]
    return [cdk.Stack(app, name) for name in names]


def add_broker(stacks: list[cdk.Stack], index: int, invitations: bool = False) -> None:
    """Broker ``index``, in the stacks in turn, with a literal instance ID of its own."""
    ParticipantBroker(
        stacks[index % len(stacks)],
        f"Broker{index}",
        instance=ConnectInstance.from_id(f"{index:08d}-2222-3333-4444-555555555555"),
        invitations=InvitationOptions() if invitations else None,
    )


def build(
    count: int, outdir: str | None = None, invitations: bool = False, stacks: int = 1
) -> cdk.App:
    """An app of ``stacks`` stacks holding ``count`` brokers between them."""
    if not 1 <= stacks <= max(count, 1):
        raise ValueError(f"stacks must be between 1 and the broker count, got {stacks}")
    app = new_app(outdir)
    holders = add_stacks(app, stacks)
    for index in range(count):
        add_broker(holders, index, invitations)
    return app


def main() -> None:
    """Parse the arguments and synthesize."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=1)
    parser.add_argument("--stacks", type=int, default=1, help="spread the brokers over N stacks")
    parser.add_argument("--outdir", default=None)
    parser.add_argument("--invitations", action="store_true", help="brokers with invitations")
    args = parser.parse_args()
    build(args.count, args.outdir, args.invitations, args.stacks).synth()


if __name__ == "__main__":
    main()
