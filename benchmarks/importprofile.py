"""Where the cold start goes: ``python -X importtime`` of both handlers, grouped by package.

``python -m benchmarks.importprofile [--runs N]`` synthesizes the broker's asset, runs each
handler's cold-start child under ``-X importtime`` N times against the fake Connect, and prints the
median self time per top-level package and the slowest modules. A diagnostic, not a figure.
"""

from __future__ import annotations

import argparse
import marshal
import re
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

from .assets import synthesize_asset
from .common import BENCH_DIR, NAIVE_DIR, lambda_env, median, python_exe, sdk_site_packages
from .events import create_participant_event
from .fake import fake_connect

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _importtime(code_dir: Path, module: str, endpoint: str, workdir: Path) -> dict[str, float]:
    """Self time in ms of every module imported by one cold-start child."""
    event_path = workdir / "event.marshal"
    event_path.write_bytes(marshal.dumps(create_participant_event()))
    cmd = [python_exe(), "-I", "-S", "-B", "-X", "importtime", str(BENCH_DIR / "cold_driver.py")]
    cmd += [str(code_dir), sdk_site_packages(), module, "handler", str(event_path)]
    cmd += [str(workdir / "result.json")]
    proc = subprocess.run(cmd, env=lambda_env(endpoint), capture_output=True, text=True, check=True)
    times: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            times[match.group(4)] = int(match.group(1)) / 1e3
    return times


def _by_package(times: dict[str, float]) -> dict[str, float]:
    grouped: dict[str, float] = defaultdict(float)
    for name, self_ms in times.items():
        grouped[name.split(".", 1)[0]] += self_ms
    return grouped


def _medians(samples: list[dict[str, float]]) -> dict[str, float]:
    keys = {key for sample in samples for key in sample}
    return {key: median([sample.get(key, 0.0) for sample in samples]) for key in keys}


def main() -> None:
    """Profile both handlers' imports and print the comparison."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.importprofile")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        workdir = Path(tmp)
        asset = synthesize_asset(workdir)
        sides = {"broker": (asset.directory, asset.module), "naive": (NAIVE_DIR, "naive_handler")}
        modules: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
        with fake_connect() as endpoint:
            for _ in range(args.runs):
                for name, (code_dir, module) in sides.items():
                    modules[name].append(_importtime(code_dir, module, endpoint, workdir))
    print(f"asset: {asset.source}; median of {args.runs} runs; self time in ms\n")
    packages = {
        name: _medians([_by_package(s) for s in samples]) for name, samples in modules.items()
    }
    names = sorted(
        set(packages["broker"]) | set(packages["naive"]),
        key=lambda key: -max(packages["broker"].get(key, 0), packages["naive"].get(key, 0)),
    )
    print(f"{'package':28} {'broker':>8} {'naive':>8}")
    for key in names[:20]:
        print(
            f"{key:28} {packages['broker'].get(key, 0):8.1f} {packages['naive'].get(key, 0):8.1f}"
        )
    totals = {name: sum(values.values()) for name, values in packages.items()}
    print(f"{'TOTAL':28} {totals['broker']:8.1f} {totals['naive']:8.1f}")
    for name, samples in modules.items():
        slowest = sorted(_medians(samples).items(), key=lambda item: -item[1])[:12]
        print(f"\nslowest modules ({name}): " + ", ".join(f"{k} {v:.1f}" for k, v in slowest))


if __name__ == "__main__":
    main()
