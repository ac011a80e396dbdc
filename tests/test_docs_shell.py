"""Every ``bash`` block of README.md and docs/*.md: each command is a make target of the Makefile,
runs here against a local broker, or needs what only the reader has (an AWS account, a release
tag, a private index), which ``NEEDS_YOURS`` lists with its placeholder.

The blocks run as written, with what the prose leaves to the reader filled in: a deployed
broker URL becomes a local broker's, ``outputs.json`` names a stack ``Contacts`` holding a
broker ``Broker``, credentials are dummies, and ``uuidgen`` is on ``PATH``.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)
_BROKER_URL = re.compile(r"https://[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com/v1/?")
_LOCAL_URL = "http://127.0.0.1:8787"
_MAKE = re.compile(r"^(?:[A-Z_]+=\S+ )*make ([a-z-]+)\b")
#: Commands that need the reader's account, release tag or index (each has a ``<placeholder>``).
NEEDS_YOURS = (
    'pip install "connect-participant-broker[client] @ git+https://',  # a release tag
    "git checkout v<version>",  # a release tag
    'pip install "dist/connect_participant_broker-<version>',  # that tag's wheel
    "twine upload --repository-url https://<your-index>/",  # a private index
    "pip install --index-url https://<your-index>/",  # a private index
    "PATH=$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH cdk deploy",  # an AWS account
)


def commands(block: str) -> list[str]:
    """The block's commands: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", "", block)
    lines = (line.split("  #", 1)[0].strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def blocks() -> list[tuple[str, list[str]]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            where = f"{page.name}:{text.count(chr(10), 0, match.start()) + 2}"
            found.append((where, commands(match.group(1))))
    return found


def kind(command: str) -> str:
    if _MAKE.match(command):
        return "make"
    if command.startswith(NEEDS_YOURS):
        return "yours"
    return "run"


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))


def test_every_command_is_a_make_target_yours_or_run_here() -> None:
    targets = make_targets()
    for where, lines in blocks():
        for command in lines:
            match = _MAKE.match(command)
            if match:
                assert match.group(1) in targets, f"{where}: no make target in {command!r}"
            elif kind(command) == "yours":
                assert re.search(r"<[a-z-]+>", command), f"{where}: runnable, run it: {command!r}"
    assert any(kind(c) == "run" for _, lines in blocks() for c in lines)


@pytest.fixture(scope="module")
def local_url() -> Iterator[str]:
    from constructs_lib.local import LocalBroker, LocalBrokerConfig
    from constructs_lib.local.fake_connect import FakeConnect

    config = LocalBrokerConfig(log_level="ERROR", connect_max_attempts=1)
    with FakeConnect() as connect, LocalBroker(config=config, connect=connect) as broker:
        yield broker.url


@pytest.mark.parametrize(
    "where, lines",
    [block for block in blocks() if any(kind(c) == "run" for c in block[1])],
    ids=[where for where, lines in blocks() if any(kind(c) == "run" for c in lines)],
)
def test_the_block_runs_as_written(
    where: str, lines: list[str], local_url: str, tmp_path: Path
) -> None:
    from constructs_lib.openapi.outputs import endpoint_output_key

    deployed = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1/"
    outputs = {"Contacts": {endpoint_output_key("Broker"): deployed}}
    (tmp_path / "outputs.json").write_text(json.dumps(outputs), encoding="utf-8")
    tools = tmp_path / "bin"
    tools.mkdir()
    uuidgen = tools / "uuidgen"
    uuidgen.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'import uuid; print(uuid.uuid4())'\n")
    uuidgen.chmod(uuidgen.stat().st_mode | stat.S_IXUSR)
    env = {
        **os.environ,
        "PATH": f"{tools}:{Path(sys.executable).parent}:{os.environ['PATH']}",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "example-secret",
        "AWS_SESSION_TOKEN": "example-token",
        "CONTACT_ID": "demo-1",
    }
    script = "\n".join(c for c in lines if kind(c) == "run")
    script = _BROKER_URL.sub(local_url + "/", script).replace(_LOCAL_URL, local_url)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"{where} fails:\n{done.stdout}\n{done.stderr}"
    if "curl" in script:
        assert json.loads(done.stdout.splitlines()[-1])["participantToken"], done.stdout
    if "participant-broker-openapi" in script:
        assert json.loads((tmp_path / "openapi.json").read_text())["openapi"].startswith("3.1")
