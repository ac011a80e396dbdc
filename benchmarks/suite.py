"""Suite: wall time of ``make test`` (once; it is long)."""

from __future__ import annotations

import time

from .common import ROOT, Figure, Section, run, tool_env

TARGET_S = 90.0


def bench_suite() -> Section:
    """Run ``make test`` once and time it."""
    start = time.perf_counter()
    proc = run(["make", "test"], env=tool_env(), cwd=ROOT, timeout=1800)
    elapsed = time.perf_counter() - start
    summary = [line for line in proc.stdout.splitlines() if " passed" in line or " failed" in line]
    section = Section(name="suite")
    section.figures = [
        Figure(
            "make test, wall time",
            elapsed,
            "s",
            f"< {TARGET_S:.0f} s",
            elapsed < TARGET_S,
            summary[-1].strip("= ") if summary else "",
        )
    ]
    section.data = {"seconds": elapsed, "pytest_summary": summary[-1:] if summary else []}
    return section
