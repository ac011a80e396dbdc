"""``python -m benchmarks [--quick] [--only cold,warm,synth,asset,suite]``.

Prints the machine and a table of figures, and writes everything (with raw samples) to
``.bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .asset_size import bench_asset
from .assets import Asset, synthesize_asset
from .cold import bench_cold
from .common import RESULTS_PATH, Figure, Section, sdk_site_packages
from .fake import fake_connect
from .invitations import bench_invitations
from .machine import describe
from .suite import bench_suite
from .synth import bench_synth
from .warm import bench_warm

ALL = ("cold", "warm", "synth", "asset", "suite", "invitations")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (a rough look)")
    parser.add_argument(
        "--only",
        default=",".join(ALL),
        help=f"comma-separated subset of {','.join(ALL)} (default: all)",
    )
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(ALL))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    return args


def _guarded(name: str, action: Callable[[], Section]) -> Section:
    """Run one benchmark; a failure becomes a section with the error instead of a crash."""
    print(f"... {name}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        section = action()
    except Exception as error:  # a benchmark that fails must not hide the others
        section = Section(name=name, notes=[f"FAILED: {error}"])
        section.data = {"error": traceback.format_exc()}
    section.data["seconds"] = round(time.perf_counter() - start, 1)
    return section


def _run_all(args: argparse.Namespace, workdir: Path) -> tuple[list[Section], Asset | None]:
    quick: bool = args.quick
    sections: list[Section] = []
    asset: Asset | None = None
    if {"cold", "warm", "asset"} & set(args.only):
        print("... synthesizing one broker to find its asset", file=sys.stderr, flush=True)
        asset = synthesize_asset(workdir)
    sdk = sdk_site_packages()
    if asset is not None and {"cold", "warm"} & set(args.only):
        found = asset
        with fake_connect() as endpoint:
            if "cold" in args.only:
                sections.append(
                    _guarded("cold", lambda: bench_cold(found, endpoint, sdk, 7 if quick else 31))
                )
            if "warm" in args.only:
                runs, iterations = (3, 300) if quick else (5, 1000)
                sections.append(
                    _guarded("warm", lambda: bench_warm(found, endpoint, sdk, runs, iterations))
                )
    if "invitations" in args.only:
        with fake_connect() as endpoint:
            cold_runs, warm_runs, iterations = (7, 3, 300) if quick else (31, 5, 1000)
            sections.append(
                _guarded(
                    "invitations",
                    lambda: bench_invitations(
                        workdir, endpoint, sdk, cold_runs, warm_runs, iterations
                    ),
                )
            )
    if "synth" in args.only:
        sections.append(_guarded("synth", lambda: bench_synth(3 if quick else 11)))
    if asset is not None and "asset" in args.only:
        found_asset = asset
        sections.append(_guarded("asset", lambda: bench_asset(found_asset)))
    if "suite" in args.only:
        sections.append(_guarded("suite", bench_suite))
    return sections, asset


def _format_value(figure: Figure) -> str:
    if figure.unit == "x":
        return f"{figure.value:.2f}x"
    if figure.unit == "ms":
        return f"{figure.value:.3f} ms"
    if figure.unit == "KiB":
        return f"{figure.value:.1f} KiB"
    if figure.unit == "resources":
        return f"{figure.value:.0f}"
    return f"{figure.value:.1f} {figure.unit}"


def _print_report(machine: dict[str, Any], sections: list[Section], asset: Asset | None) -> None:
    print("Machine: " + ", ".join(f"{key} {value}" for key, value in machine.items()))
    if asset is not None:
        print(
            f"Asset: {asset.source} ({asset.directory.name}, handler {asset.module}."
            f"{asset.function})"
        )
    rows = [("figure", "value", "target", "met", "detail")]
    for section in sections:
        for figure in section.figures:
            met = "-" if figure.met is None else ("yes" if figure.met else "NO")
            rows.append((figure.name, _format_value(figure), figure.target, met, figure.detail))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("-+-".join("-" * width for width in widths))
    for section in sections:
        if section.notes:
            print(f"\n{section.name}:")
            print("\n".join(section.notes))


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks, print the table, write the JSON; 1 if any failed."""
    args = _parse(argv)
    machine = describe()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        sections, asset = _run_all(args, Path(tmp))
        _print_report(machine, sections, asset)
        results = {
            "command": "python -m benchmarks " + " ".join(sys.argv[1:]),
            "quick": args.quick,
            "machine": machine,
            "asset": None
            if asset is None
            else {"source": asset.source, "handler": f"{asset.module}.{asset.function}"},
            "sections": {section.name: asdict(section) for section in sections},
        }
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {RESULTS_PATH}")
    failed = any(note.startswith("FAILED") for s in sections for note in s.notes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
