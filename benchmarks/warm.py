"""Warm overhead: the handler's per-request time minus the same calls made bare on the asset's
own client (the broker's own code), and minus them made with botocore, in one process."""

from __future__ import annotations

import json
import marshal
import subprocess
import tempfile
from pathlib import Path

from .assets import Asset
from .common import BENCH_DIR, Figure, Scenario, Section, lambda_env, median, python_exe
from .events import create_participant_event

_DRIVER = BENCH_DIR / "warm_driver.py"
TARGET_MS = 0.1


def _one_process(
    asset: Asset,
    endpoint: str,
    sdk: str,
    iterations: int,
    warmup: int,
    workdir: Path,
    scenario: Scenario,
) -> tuple[list[int], list[int], list[int]]:
    """Run one warm child; return the handler's, bare botocore's and bare own durations (ns)."""
    event_path = workdir / "event.marshal"
    event_path.write_bytes(marshal.dumps(scenario.event))
    result_path = workdir / "warm.json"
    cmd = [python_exe(), "-I", "-S", "-B", str(_DRIVER), str(asset.directory), sdk, asset.module]
    cmd += [asset.function, str(event_path), str(iterations), str(warmup), str(result_path)]
    proc = subprocess.run(
        cmd,
        env={
            **lambda_env(endpoint),
            **scenario.env,
            **({"BENCH_BARE_UPDATE": "1"} if scenario.bare_update else {}),
        },
        stdout=subprocess.DEVNULL,  # the broker's log lines and EMF records
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"warm child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    return result["handler_ns"], result["bare_ns"], result["own_ns"]


def bench_warm(
    asset: Asset,
    endpoint: str,
    sdk: str,
    runs: int,
    iterations: int,
    scenario: Scenario | None = None,
) -> Section:
    """``runs`` processes of ``iterations`` alternating calls; median of per-process overheads."""
    scenario = scenario or Scenario(create_participant_event())
    overheads: list[float] = []
    handler_medians: list[float] = []
    bare_medians: list[float] = []
    paired: list[float] = []
    own_overheads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        for _ in range(runs):
            handler_ns, bare_ns, own_ns = _one_process(
                asset, endpoint, sdk, iterations, max(50, iterations // 10), Path(tmp), scenario
            )
            handler_ms = median(handler_ns) / 1e6
            bare_ms = median(bare_ns) / 1e6
            handler_medians.append(handler_ms)
            bare_medians.append(bare_ms)
            overheads.append(handler_ms - bare_ms)
            own_overheads.append(handler_ms - median(own_ns) / 1e6)
            paired.append(median([h - b for h, b in zip(handler_ns, bare_ns, strict=True)]) / 1e6)
    overhead, own = median(overheads), median(own_overheads)
    section = Section(name="warm")
    section.figures = [
        Figure(
            f"{scenario.label}warm overhead per request (handler - the same calls bare)",
            own,
            "ms",
            f"<= {TARGET_MS:.2f} ms",
            own <= TARGET_MS,
            f"handler {median(handler_medians):.3f} ms, on the asset's own client",
        ),
        Figure(
            f"{scenario.label}warm, handler - bare botocore calls",
            overhead,
            "ms",
            "reported",
            None,
            f"bare botocore calls {median(bare_medians):.3f} ms",
        ),
    ]
    section.data = {
        "runs": runs,
        "iterations": iterations,
        "asset_source": asset.source,
        "overhead_ms_per_run": overheads,
        "own_overhead_ms_per_run": own_overheads,
        "paired_difference_ms_per_run": paired,
        "handler_ms_per_run": handler_medians,
        "bare_ms_per_run": bare_medians,
    }
    return section
