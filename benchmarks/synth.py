"""Synth: the pinned CDK CLI synthesizes four apps, interleaved, one warm-up run each.

The broker apps are synthesized with ``@aws-cdk/core:stackResourceLimit=0`` and
``@aws-cdk/core:validateAgainstDefaultRules=false`` (both of them, for parity) so that the 25-broker
stack synthesizes even when it holds more than CloudFormation's 500 resources; its resource count
and template size are reported next to the timing.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

from .common import CDK_CLI, Figure, Section, median, run, tool_env

_NO_LIMIT = [
    "-c",
    "@aws-cdk/core:stackResourceLimit=0",
    "-c",
    "@aws-cdk/core:validateAgainstDefaultRules=false",
]

#: App name -> extra CLI arguments (none: the example app from cdk.json).
APPS: dict[str, list[str]] = {
    "example": [],
    "one_function": ["--app", "python3 benchmarks/one_function_app.py"],
    "brokers_1": ["--app", "python3 -m benchmarks.brokers_app 1", *_NO_LIMIT],
    "brokers_25": ["--app", "python3 -m benchmarks.brokers_app 25", *_NO_LIMIT],
}
TARGET_EXAMPLE = 1.15
TARGET_25 = 1.6
CFN_RESOURCE_LIMIT = 500


def _measure_templates(outdir: Path) -> dict[str, int]:
    """Resources and bytes of every stack template of a cloud assembly, summed."""
    paths = list(outdir.glob("*.template.json"))
    return {
        "resources": sum(
            len(json.loads(path.read_text(encoding="utf-8")).get("Resources", {})) for path in paths
        ),
        "template_bytes": sum(path.stat().st_size for path in paths),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _synth_once(args: list[str]) -> tuple[float, float, dict[str, int]]:
    """One ``cdk synth`` into a fresh directory: wall seconds, CPU seconds (the CLI, the app and
    its jsii kernel) and template sizes."""
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as outdir:
        cmd = [str(CDK_CLI), "synth", "--quiet", "--no-notices", "-o", outdir, *args]
        cpu = _children_cpu()
        start = time.perf_counter()
        run(cmd, env=tool_env())
        elapsed = time.perf_counter() - start
        return elapsed, _children_cpu() - cpu, _measure_templates(Path(outdir))


def _paired_ratio(samples: dict[str, list[float]], top: str, bottom: str) -> float:
    """Median over rounds of top/bottom, both measured in the same round (robust to load drift)."""
    return median([a / b for a, b in zip(samples[top], samples[bottom], strict=True)])


def bench_synth(runs: int) -> Section:
    """Rotate through the apps ``runs`` times; median of the per-round ratios."""
    names = list(APPS)
    templates = {name: _synth_once(APPS[name])[2] for name in names}  # warm-up runs
    resources = {name: sizes["resources"] for name, sizes in templates.items()}
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for index in range(runs):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            wall, cpu_s, _ = _synth_once(APPS[name])
            samples[name].append(wall)
            cpu[name].append(cpu_s)
    medians = {name: median(values) for name, values in samples.items()}
    example_ratio = _paired_ratio(samples, "example", "one_function")
    many_ratio = _paired_ratio(samples, "brokers_25", "brokers_1")
    section = Section(name="synth")
    section.figures = [
        Figure(
            "cdk synth, example app / one-function app",
            example_ratio,
            "x",
            f"<= {TARGET_EXAMPLE:.2f}x",
            example_ratio <= TARGET_EXAMPLE,
            f"{medians['example']:.2f} s vs {medians['one_function']:.2f} s; CPU time ratio "
            f"{_paired_ratio(cpu, 'example', 'one_function'):.2f}x",
        ),
        Figure(
            "cdk synth, 25 brokers / 1 broker in one stack",
            many_ratio,
            "x",
            f"<= {TARGET_25:.2f}x",
            many_ratio <= TARGET_25,
            f"{medians['brokers_25']:.2f} s vs {medians['brokers_1']:.2f} s; CPU time ratio "
            f"{_paired_ratio(cpu, 'brokers_25', 'brokers_1'):.2f}x",
        ),
        Figure(
            "resources in the 25-broker stack",
            float(resources["brokers_25"]),
            "resources",
            f"<= {CFN_RESOURCE_LIMIT} (CloudFormation)",
            resources["brokers_25"] <= CFN_RESOURCE_LIMIT,
            f"{resources['brokers_1']} for 1 broker; example app {resources['example']}; "
            f"25-broker template {templates['brokers_25']['template_bytes'] / 1e6:.2f} MB",
        ),
    ]
    section.data = {
        "runs": runs,
        "medians_s": medians,
        "samples_s": samples,
        "cpu_samples_s": cpu,
        "cpu_medians_s": {name: median(values) for name, values in cpu.items()},
        "templates": templates,
    }
    return section
