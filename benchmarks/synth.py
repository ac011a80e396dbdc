"""Synth: the pinned CDK CLI synthesizes four apps, interleaved, one warm-up run each."""

from __future__ import annotations

import tempfile
import time

from .common import CDK_CLI, Figure, Section, median, run, tool_env

#: App name -> ``--app`` value (``None``: the example app from cdk.json).
APPS: dict[str, str | None] = {
    "example": None,
    "one_function": "python3 benchmarks/one_function_app.py",
    "brokers_1": "python3 -m benchmarks.brokers_app 1",
    "brokers_25": "python3 -m benchmarks.brokers_app 25",
}
TARGET_EXAMPLE = 1.15
TARGET_25 = 1.6


def _synth_once(app: str | None) -> float:
    """One ``cdk synth`` into a fresh directory; seconds of wall time."""
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as outdir:
        cmd = [str(CDK_CLI), "synth", "--quiet", "--no-notices", "-o", outdir]
        if app is not None:
            cmd += ["--app", app]
        start = time.perf_counter()
        run(cmd, env=tool_env())
        return time.perf_counter() - start


def bench_synth(runs: int) -> Section:
    """Rotate through the apps ``runs`` times; ratios of median wall times."""
    names = list(APPS)
    for name in names:
        _synth_once(APPS[name])  # warm-up, discarded
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(runs):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_synth_once(APPS[name]))
    medians = {name: median(values) for name, values in samples.items()}
    example_ratio = medians["example"] / medians["one_function"]
    many_ratio = medians["brokers_25"] / medians["brokers_1"]
    section = Section(name="synth")
    section.figures = [
        Figure(
            "cdk synth, example app / one-function app",
            example_ratio,
            "x",
            f"<= {TARGET_EXAMPLE:.2f}x",
            example_ratio <= TARGET_EXAMPLE,
            f"{medians['example']:.2f} s vs {medians['one_function']:.2f} s",
        ),
        Figure(
            "cdk synth, 25 brokers / 1 broker in one stack",
            many_ratio,
            "x",
            f"<= {TARGET_25:.2f}x",
            many_ratio <= TARGET_25,
            f"{medians['brokers_25']:.2f} s vs {medians['brokers_1']:.2f} s",
        ),
    ]
    section.data = {"runs": runs, "medians_s": medians, "samples_s": samples}
    return section
