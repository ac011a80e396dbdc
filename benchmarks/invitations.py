"""The broker with invitations on: both routes' cold start and warm overhead, and its zip.

The asset is a broker synthesized with invitations; the function's environment names
an invitation table served by moto's DynamoDB (in its own process, holding one invitation
with practically unlimited uses, so every request redeems it and consumes a use). The
participants route runs as without invitations (the DynamoDB client is created by the first
invitation request, never by it); the redeem route adds the DynamoDB client, the consuming
UpdateItem and the invitation code. Its
naive comparison is the same naive handler (CreateParticipant only), and its warm baseline makes
the same calls bare (the store's UpdateItem, then DescribeContact and CreateParticipant), on an
item kept small (``warm_driver``), so the overhead is the broker's own code.
"""

from __future__ import annotations

from pathlib import Path

from .assets import synthesize_asset
from .cold import bench_cold
from .common import CONTACT_ID, Figure, Scenario, Section
from .events import create_participant_event, redeem_event
from .fake import fake_invitation_table
from .warm import bench_warm

TABLE = "bench-invitations"
TARGET_BYTES = 36 * 1024


def bench_invitations(
    workdir: Path, endpoint: str, sdk: str, cold_runs: int, warm_runs: int, iterations: int
) -> Section:
    """Cold and warm figures of both routes with invitations on, and the asset's zip size."""
    from .assets import zip_directory

    asset = synthesize_asset(workdir, invitations=True)
    section = Section(name="invitations")
    with fake_invitation_table(CONTACT_ID, TABLE) as (table_url, invitation_id, secret):
        env = {
            "INVITATIONS_TABLE": TABLE,
            "AWS_ENDPOINT_URL_DYNAMODB": table_url,
            "BENCH_INVITATION_ID": invitation_id,
            "BENCH_CONTACT_ID": CONTACT_ID,
        }
        participants = Scenario(
            create_participant_event(), env, "invitations on, participants route: "
        )
        redeem = Scenario(
            redeem_event(secret), env, "invitations on, redeem route: ", True, targeted=False
        )
        for scenario in (participants, redeem):
            cold = bench_cold(asset, endpoint, sdk, cold_runs, scenario)
            warm = bench_warm(asset, endpoint, sdk, warm_runs, iterations, scenario)
            section.figures += cold.figures + warm.figures
            section.data[scenario.label] = {"cold": cold.data, "warm": warm.data}
    report = zip_directory(asset.directory)
    section.figures.append(
        Figure(
            "invitations on: Lambda zip size",
            report.size / 1024,
            "KiB",
            f"<= {TARGET_BYTES // 1024} KiB",
            report.size <= TARGET_BYTES,
            f"{report.files} files",
        )
    )
    section.data["asset_source"] = asset.source
    return section
