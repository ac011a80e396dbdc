"""Synth: the pinned CDK CLI synthesizes four apps, each pair back to back, one warm-up run each.

The example app against an app of one plain Lambda function, and 25 brokers in 5 stacks against
one broker, all with cdk.json's context (its feature flags, CloudFormation validation on). The
largest stack's resource count is reported next to the timing.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

from .common import CDK_CLI, Figure, Section, median, run, tool_env

#: App name -> extra CLI arguments (none: the example app from cdk.json).
APPS: dict[str, list[str]] = {
    "example": [],
    "one_function": ["--app", "python3 benchmarks/one_function_app.py"],
    "brokers_1": ["--app", "python3 -m benchmarks.brokers_app 1"],
    "brokers_25": ["--app", "python3 -m benchmarks.brokers_app 25 --stacks 5"],
}
TARGET_EXAMPLE = 1.15
TARGET_25 = 1.5
CFN_RESOURCE_LIMIT = 500


def _measure_templates(outdir: Path) -> dict[str, int]:
    """Resources and bytes of the stack templates of a cloud assembly: summed, and the most
    resources one stack holds."""
    counts = {
        path: len(json.loads(path.read_text(encoding="utf-8")).get("Resources", {}))
        for path in outdir.glob("*.template.json")
    }
    return {
        "resources": sum(counts.values()),
        "largest_stack_resources": max(counts.values(), default=0),
        "template_bytes": sum(path.stat().st_size for path in counts),
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


#: The apps each ratio compares, numerator first.
_PAIRS: tuple[tuple[str, str], ...] = (("example", "one_function"), ("brokers_25", "brokers_1"))


def _paired_ratio(samples: dict[str, list[float]], top: str, bottom: str) -> float:
    """Median over rounds of top/bottom, both measured in the same round (robust to load drift)."""
    return median([a / b for a, b in zip(samples[top], samples[bottom], strict=True)])


def bench_synth(runs: int) -> Section:
    """``runs`` rounds of each pair of apps run back to back; median of the per-round ratios."""
    names = list(APPS)
    templates = {name: _synth_once(APPS[name])[2] for name in names}  # warm-up runs
    resources = {name: sizes["resources"] for name, sizes in templates.items()}
    largest = templates["brokers_25"]["largest_stack_resources"]
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for index in range(runs):
        # Each ratio's two apps back to back (A B, then B A next round), so drift between
        # them is as small as it can be.
        for pair in _PAIRS:
            for name in pair if index % 2 == 0 else reversed(pair):
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
            "cdk synth, 25 brokers in 5 stacks / 1 broker",
            many_ratio,
            "x",
            f"<= {TARGET_25:.2f}x",
            many_ratio <= TARGET_25,
            f"{medians['brokers_25']:.2f} s vs {medians['brokers_1']:.2f} s; CPU time ratio "
            f"{_paired_ratio(cpu, 'brokers_25', 'brokers_1'):.2f}x",
        ),
        Figure(
            "resources in the largest stack of the 25-broker app",
            float(largest),
            "resources",
            f"<= {CFN_RESOURCE_LIMIT} (CloudFormation)",
            largest <= CFN_RESOURCE_LIMIT,
            f"{resources['brokers_1']} for 1 broker; example app {resources['example']}; "
            f"25 brokers {resources['brokers_25']}, "
            f"{templates['brokers_25']['template_bytes'] / 1e6:.2f} MB of templates",
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
