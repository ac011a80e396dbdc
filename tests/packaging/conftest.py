"""The consumer environment (``consumer_env.py``), prepared in a background process.

It is started when collection ends, if any packaging test is selected, so building the
artifacts, filling the wheelhouse and unpacking aws-cdk-lib into a new virtualenv overlap the
rest of the suite, which runs first; the ``consumer`` fixture waits for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
_job: dict[str, object] = {}


@dataclass(frozen=True)
class Consumer:
    """The release artifacts and a fresh virtualenv with the wheel installed."""

    work: Path
    wheel: Path
    sdist: Path
    twine: str
    python: Path
    node_requirement: str
    app: Path
    """A fresh CDK app composing a broker, synthesized by the pinned CLI into ``app/out``."""
    node_version: str
    synth_output: str
    client_distributions: list[str]
    """What the wheel with its ``client`` extra installed (before ``local``)."""
    client_call: dict[str, str]
    """With ``client`` alone: what the installed client printed calling the installed local
    broker, and what the broker printed until it served."""
    invitations_call: dict[str, str]
    """With ``local`` added: what the installed client printed redeeming an invitation from
    the installed ``participant-broker-local --invitations``, and what the broker printed."""
    without_local: dict[str, Any]
    """``participant-broker-local --invitations`` with the ``client`` extra only: its
    ``returncode`` and ``stderr``."""

    @property
    def bin(self) -> Path:
        return self.python.parent


#: Under pytest-xdist, this process is one worker among several.
_XDIST_WORKER = bool(os.environ.get("PYTEST_XDIST_WORKER"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The packaging tests run last: the consumer environment is prepared while the rest of the
    suite runs. Under pytest-xdist they run first instead, on whichever worker takes them,
    which prepares the environment while the other workers run the rest."""
    items.sort(key=lambda item: (HERE in item.path.parents) != _XDIST_WORKER)


def pytest_collection_finish(session: pytest.Session) -> None:
    if _XDIST_WORKER:
        return  # every worker collects every test: the ``consumer`` fixture starts it
    if _job or not any(HERE in item.path.parents for item in session.items):
        return
    _start()


def _start() -> None:
    """Prepare the consumer environment in a background process."""
    work = Path(tempfile.mkdtemp(prefix="cpb-consumer-"))
    log = (work / "prepare.log").open("w")
    # At a lower priority: the suite's own tests (some of them timed) come first.
    process = subprocess.Popen(
        ["nice", "-n", "10", sys.executable, str(HERE / "consumer_env.py"), str(work)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _job.update(work=work, process=process, log=log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    process = _job.get("process")
    if isinstance(process, subprocess.Popen) and process.poll() is None:
        process.kill()
        process.wait(timeout=30)
    log = _job.get("log")
    if log is not None:
        log.close()  # type: ignore[attr-defined]
    work = _job.get("work")
    if isinstance(work, Path):
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def consumer() -> Consumer:
    if not _job:
        _start()
    process, work = _job.get("process"), _job.get("work")
    assert isinstance(process, subprocess.Popen) and isinstance(work, Path)
    returncode = process.wait(timeout=600)
    assert returncode == 0, (work / "prepare.log").read_text()
    ready = json.loads((work / "ready.json").read_text())
    return Consumer(
        work=work,
        wheel=Path(ready["wheel"]),
        sdist=Path(ready["sdist"]),
        twine=ready["twine"],
        python=Path(ready["python"]),
        node_requirement=ready["node_requirement"],
        app=Path(ready["app"]),
        node_version=ready["node_version"],
        synth_output=ready["synth_output"],
        client_distributions=ready["client_distributions"],
        client_call=ready["client_call"],
        invitations_call=ready["invitations_call"],
        without_local=ready["without_local"],
    )
