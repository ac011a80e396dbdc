"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .common import VENV_BIN


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _node_version() -> str:
    node = VENV_BIN / "node"
    try:
        out = subprocess.run(
            [str(node), "--version"], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return "unavailable"
    return out.stdout.strip()


def describe() -> dict[str, Any]:
    """CPU model, cores, load, OS and tool versions."""
    import botocore

    load = os.getloadavg()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "load_average_1m": round(load[0], 2),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "botocore": botocore.__version__,
        "node": _node_version(),
    }
