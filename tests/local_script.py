"""Run ``participant-broker-local`` as a user would and wait until it serves."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

_SERVING = re.compile(r"POST (http://127\.0\.0\.1:\d+)/contacts/")


@contextmanager
def serving(script: Path, *args: str, **popen: Any) -> Iterator[tuple[str, Sequence[str]]]:
    """Start ``script --port 0 --log-level ERROR *args``; yield its URL and the stderr lines it
    printed until then; stop it with Ctrl-C (SIGINT) on exit."""
    process = subprocess.Popen(
        [str(script), "--port", "0", "--log-level", "ERROR", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        **popen,
    )
    lines: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = _SERVING.search(line)
            if match:
                yield match.group(1), lines
                break
        else:
            pytest.fail(f"{script.name} exited without serving: " + "".join(lines))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
