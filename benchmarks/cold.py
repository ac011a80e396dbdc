"""Cold start: fresh isolated interpreters import a handler and serve one request.

Each child runs ``python -I -S benchmarks/cold_driver.py`` with ``sys.path`` = [code dir, stdlib,
botocore's site-packages], like Lambda's /var/task plus the runtime's SDK, and with
``-B`` (Lambda cannot write bytecode next to /var/task either). The broker, the naive boto3
handler and the standard-library floor (``benchmarks/floor``: DescribeContact and
CreateParticipant signed with ``hashlib``/``hmac``, nothing else) take turns run by run; the
first run of each is a discarded warm-up.
"""

from __future__ import annotations

import json
import marshal
import resource
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .assets import Asset
from .common import BENCH_DIR, NAIVE_DIR, Figure, Scenario, Section, lambda_env, median, python_exe
from .events import create_participant_event

_DRIVER = BENCH_DIR / "cold_driver.py"
FLOOR_DIR = BENCH_DIR / "floor"
TARGET = 0.35
IMPORT_TARGET = 0.30


def _one_run(
    code_dir: Path,
    module: str,
    function: str,
    endpoint: str,
    sdk: str,
    workdir: Path,
    scenario: Scenario,
) -> dict[str, float]:
    """Spawn one child; return its in-process and wall times in ms."""
    event_path = workdir / "event.marshal"
    if not event_path.exists():
        event_path.write_bytes(marshal.dumps(scenario.event))
    result_path = workdir / "result.json"
    result_path.unlink(missing_ok=True)
    cmd = [python_exe(), "-I", "-S", "-B", str(_DRIVER), str(code_dir), sdk, module, function]
    cmd += [str(event_path), str(result_path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t_spawn = time.perf_counter()
    proc = subprocess.run(
        cmd,
        env={**lambda_env(endpoint), **scenario.env},
        capture_output=True,
        text=True,
        check=False,
    )
    t_exit = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 or not result_path.exists():
        raise RuntimeError(f"cold-start child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    if result["status"] != 201:
        raise RuntimeError(f"{module}: expected 201, got {result['status']}: {result['body']}")
    return {
        "in_process_ms": (result["t_done"] - result["t_top"]) * 1e3,
        "import_ms": (result["t_imported"] - result["t_start"]) * 1e3,
        "first_request_ms": (result["t_done"] - result["t_imported"]) * 1e3,
        "interpreter_start_ms": (result["t_top"] - t_spawn) * 1e3,
        "wall_to_response_ms": (result["t_done"] - t_spawn) * 1e3,
        "wall_to_exit_ms": (t_exit - t_spawn) * 1e3,
        "process_cpu_ms": (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        * 1e3,
        "modules_loaded": float(result["modules_after"] - result["modules_before"]),
    }


def _paired_ratio(
    samples: dict[str, list[dict[str, float]]], key: str, side: str = "broker"
) -> float:
    """Median over runs of side/naive, each pair measured back to back (robust to load drift)."""
    pairs = zip(samples[side], samples["naive"], strict=True)
    return median([measured[key] / naive[key] for measured, naive in pairs])


def bench_cold(
    asset: Asset, endpoint: str, sdk: str, runs: int, scenario: Scenario | None = None
) -> Section:
    """Alternate broker and naive cold starts ``runs`` times each; median of paired ratios.
    The naive handler always serves the plain participants event."""
    scenario = scenario or Scenario(create_participant_event())
    naive_scenario = Scenario(create_participant_event())
    sides = {
        "broker": (asset.directory, asset.module, asset.function),
        "naive": (NAIVE_DIR, "naive_handler", "handler"),
        "floor": (FLOOR_DIR, "floor_handler", "handler"),
    }
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        workdir = Path(tmp)
        for name in sides:
            (workdir / name).mkdir()
        scenarios = {"broker": scenario, "naive": naive_scenario, "floor": naive_scenario}
        for name, (code_dir, module, function) in sides.items():
            # warm-up, discarded; each side writes its own event file
            _one_run(code_dir, module, function, endpoint, sdk, workdir / name, scenarios[name])
        for index in range(runs):
            order = list(sides)[index % 3 :] + list(sides)[: index % 3]
            for name in order:
                code_dir, module, function = sides[name]
                samples[name].append(
                    _one_run(
                        code_dir, module, function, endpoint, sdk, workdir / name, scenarios[name]
                    )
                )
    medians = {
        name: {key: median([s[key] for s in runs_]) for key in runs_[0]}
        for name, runs_ in samples.items()
    }
    in_ratio = _paired_ratio(samples, "in_process_ms")
    wall_ratio = _paired_ratio(samples, "wall_to_response_ms")
    b, n, f = medians["broker"], medians["naive"], medians["floor"]
    import_ratio = _paired_ratio(samples, "import_ms")
    section = Section(name="cold")
    section.figures = [
        Figure(
            f"{scenario.label}cold start, import+init+first request (broker / naive)",
            in_ratio,
            "x",
            *scenario.target(f"<= {TARGET:.2f}x", in_ratio <= TARGET),
            f"{b['in_process_ms']:.1f} ms vs {n['in_process_ms']:.1f} ms",
        ),
        Figure(
            f"{scenario.label}cold start, process start to response (broker / naive)",
            wall_ratio,
            "x",
            *scenario.target(f"<= {TARGET:.2f}x", wall_ratio <= TARGET),
            f"{b['wall_to_response_ms']:.1f} ms vs {n['wall_to_response_ms']:.1f} ms "
            f"(interpreter start {b['interpreter_start_ms']:.1f} / "
            f"{n['interpreter_start_ms']:.1f} ms); whole-process CPU time ratio "
            f"{_paired_ratio(samples, 'process_cpu_ms'):.2f}x",
        ),
        Figure(
            f"{scenario.label}cold start, import+init (broker / naive)",
            import_ratio,
            "x",
            *scenario.target(f"<= {IMPORT_TARGET:.2f}x", import_ratio <= IMPORT_TARGET),
            f"{b['import_ms']:.1f} ms vs {n['import_ms']:.1f} ms (floor {f['import_ms']:.1f} ms)",
        ),
        Figure(
            f"{scenario.label}cold start, process start to response (floor / naive)",
            _paired_ratio(samples, "wall_to_response_ms", "floor"),
            "x",
            "reported",
            None,
            f"{f['wall_to_response_ms']:.1f} ms (stdlib SigV4, DescribeContact and "
            "CreateParticipant)",
        ),
    ]
    section.data = {
        "runs": runs,
        "asset_source": asset.source,
        "medians": medians,
        "samples": samples,
    }
    return section
