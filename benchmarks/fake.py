"""Run the simulated Connect (``constructs_lib.local.fake_connect``) in a process of its own.

A separate process keeps the server's threads from competing for the GIL with the handler
being measured. The server answers with ``TCP_NODELAY`` (see ``fake_connect``): without it,
every call would take about 40 ms on loopback and drown the broker's overhead.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from .common import ROOT, python_exe

_SERVE = """
import sys
from constructs_lib.local.fake_connect import FakeConnect
fake = FakeConnect(require_signature=True).start()
print(fake.url, flush=True)
sys.stdin.read()
fake.stop()
"""


@contextmanager
def fake_connect() -> Iterator[str]:
    """Start the fake Connect in a child process; yield its endpoint URL; stop it on exit."""
    proc = subprocess.Popen(
        [python_exe(), "-c", _SERVE],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"fake Connect did not start (printed {url!r})")
        yield url
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
