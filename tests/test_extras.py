"""The ``client`` extra: what it installs, and what fails at once (naming it) without botocore.

botocore is hidden from a child interpreter by a ``sys.meta_path`` finder that refuses it, as
an install without the extra would: nothing is uninstalled.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
URL = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1/"
EXTRA_HINT = "pip install 'connect-participant-broker[client]'"

WITHOUT_BOTOCORE = """\
import sys


class _NoBotocore:
    def find_spec(self, name, path=None, target=None):
        if name == "botocore" or name.startswith("botocore."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NoBotocore())
"""


def run_without_botocore(code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_BOTOCORE + code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_client_extra_installs_botocore() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["client"] == ["botocore>=1.34,<2"]


def test_the_blocker_hides_botocore() -> None:
    done = run_without_botocore("import botocore")
    assert done.returncode == 1 and "No module named 'botocore'" in done.stderr


def test_signing_client_fails_at_construction_naming_the_extra() -> None:
    done = run_without_botocore(
        "from constructs_lib.client import BrokerClient\n"
        "try:\n"
        f"    BrokerClient({URL!r})\n"
        "except ModuleNotFoundError as error:\n"
        "    print(type(error).__name__, error.name, error, sep='|')\n"
    )
    assert done.returncode == 0, done.stderr
    name, module, message = done.stdout.strip().split("|")
    assert (name, module) == ("MissingExtraError", "botocore")
    assert message == (
        "BrokerClient (SigV4 signing) needs botocore, which is not installed; install the "
        f"package with its 'client' extra: {EXTRA_HINT} (or pip install botocore)"
    )


@pytest.mark.parametrize("arguments", ["sign=False", "authorization='token'"])
def test_client_that_does_not_sign_needs_no_botocore(arguments: str) -> None:
    done = run_without_botocore(
        "from constructs_lib.client import BrokerClient\n"
        f"BrokerClient({URL!r}, {arguments})\n"
        "print('botocore' in sys.modules)\n"
    )
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr


def test_local_broker_command_fails_at_start_naming_the_extra() -> None:
    done = run_without_botocore(
        "from constructs_lib.local import main\nraise SystemExit(main(['--port', '0']))\n"
    )
    assert done.returncode == 1
    assert done.stderr == (
        "participant-broker-local: participant-broker-local needs botocore, which is not "
        f"installed; install the package with its 'client' extra: {EXTRA_HINT} "
        "(or pip install botocore)\n"
    )


def test_local_broker_construction_fails_naming_the_extra() -> None:
    done = run_without_botocore(
        "from constructs_lib.local import LocalBroker\n"
        "try:\n"
        "    LocalBroker()\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("the local broker needs botocore, which is not installed;")
    assert EXTRA_HINT in done.stdout


def test_local_broker_help_works_without_botocore() -> None:
    done = run_without_botocore("from constructs_lib.local import main\nmain(['--help'])\n")
    assert (done.returncode, done.stdout.startswith("usage: participant-broker-local")) == (
        0,
        True,
    )
