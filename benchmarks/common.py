"""Paths, environment and statistics shared by the benchmarks."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
NAIVE_DIR = BENCH_DIR / "naive"
RESULTS_PATH = ROOT / ".bench" / "results.json"
VENV_BIN = ROOT / ".venv" / "bin"
CDK_CLI = ROOT / "node_modules" / ".bin" / "cdk"

#: The Connect instance and contact every request uses (the fake Connect accepts any ID).
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
CONTACT_ID = "c0ffee00-1234-4321-abcd-0123456789ab"


def python_exe() -> str:
    """The interpreter of the project's virtualenv (falls back to the running one)."""
    candidate = VENV_BIN / "python"
    return str(candidate) if candidate.exists() else sys.executable


def sdk_site_packages() -> str:
    """The site-packages directory botocore is installed in (Lambda's bundled SDK stand-in)."""
    import botocore

    return str(Path(botocore.__file__).resolve().parent.parent)


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the CDK CLI and synth: venv first on PATH, no telemetry, no credentials,
    and bytecode cached as Python caches it by default (an environment that sets
    ``PYTHONDONTWRITEBYTECODE`` would charge every synth for compiling the library, which an
    installed package or a second run never pays)."""
    left_out = {"CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION", "PYTHONDONTWRITEBYTECODE"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in left_out
    }
    env["PATH"] = os.pathsep.join(
        [str(VENV_BIN), str(CDK_CLI.parent), env.get("PATH", "/usr/bin:/bin")]
    )
    env["CDK_DISABLE_VERSION_CHECK"] = "1"
    env["CDK_DISABLE_CLI_TELEMETRY"] = "1"
    env["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1"
    if extra:
        env.update(extra)
    return env


@dataclass(frozen=True)
class Scenario:
    """What a cold or warm run serves: the event, extra environment, a label for its figures."""

    event: dict[str, Any]
    env: Mapping[str, str] = field(default_factory=dict)
    label: str = ""
    bare_update: bool = False
    """The warm benchmark's bare call also makes the DynamoDB UpdateItem a redemption makes."""
    targeted: bool = True
    """Its cold-start figures are held to the target (else only reported: the naive handler
    does less than the route); warm overhead always is (its baseline makes the same calls)."""

    def target(self, text: str, met: bool) -> tuple[str, bool | None]:
        """A cold figure's target text and whether it is met, or "reported" when untargeted."""
        return (text, met) if self.targeted else ("reported", None)


def lambda_env(endpoint: str) -> dict[str, str]:
    """Environment of a handler process: the broker's variables, dummy credentials, the endpoint."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDBENCHMARK0000000",
        "AWS_SECRET_ACCESS_KEY": "benchmark-secret-access-key-not-real",
        "AWS_SESSION_TOKEN": "benchmark-session-token",
        "AWS_ENDPOINT_URL_CONNECT": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_LAMBDA_FUNCTION_NAME": "participant-broker-benchmark",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "INSTANCE_ID": INSTANCE_ID,
        "ALLOWED_ROLES": "CUSTOMER",
        "DEFAULT_ROLE": "CUSTOMER",
        "ALLOW_VIDEO": "true",
        "ALLOW_SCREEN_SHARE": "true",
        "LOG_LEVEL": "INFO",
        "METRICS_NAMESPACE": "ConnectParticipantBroker",
        "AUTH_TYPE": "AWS_IAM",
        "CONTACT_CHECKS": "true",
        "CHANNEL_ROLES": "CHAT=CUSTOM_BOT;VOICE=CUSTOMER",
        "AGENT_WAIT_MS": "3000",
    }


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


def run(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = 600.0,
) -> subprocess.CompletedProcess[str]:
    """Run a command, capture its output and raise with the output when it fails."""
    proc = subprocess.run(
        list(cmd),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
            f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
        )
    return proc


@dataclass
class Figure:
    """One row of the results table."""

    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    detail: str = ""


@dataclass
class Section:
    """The figures and raw samples of one benchmark."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
