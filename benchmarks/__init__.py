"""Benchmarks for connect-participant-broker: ``python -m benchmarks`` (not part of the tests).

Every figure is a ratio or a difference measured side by side in one run: the two sides are
interleaved and each reported value is the median of several runs.
"""

from __future__ import annotations
