"""Asset: the size of the broker's Lambda zip."""

from __future__ import annotations

from .assets import Asset, zip_directory
from .common import Figure, Section

TARGET_BYTES = 24 * 1024


def bench_asset(asset: Asset) -> Section:
    """Zip the synthesized asset directory deterministically and report its size."""
    report = zip_directory(asset.directory)
    section = Section(name="asset")
    section.figures = [
        Figure(
            "Lambda zip size",
            report.size / 1024,
            "KiB",
            f"<= {TARGET_BYTES // 1024} KiB",
            report.size <= TARGET_BYTES,
            f"{report.files} files",
        )
    ]
    section.data = {
        "bytes": report.size,
        "files": report.files,
        "asset_source": asset.source,
        "biggest": [
            {"path": path, "bytes": size, "compressed_bytes": compressed}
            for path, size, compressed in report.biggest
        ],
    }
    section.notes = [
        f"  {path}: {size} B ({compressed} B compressed)"
        for path, size, compressed in report.biggest
    ]
    return section
