"""The ``client`` and ``local`` extras: what they install, and what fails at once (naming the
extra) without botocore or moto, while the rest works without them.

A module is hidden from a child interpreter by a ``sys.meta_path`` finder that refuses it, as
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

LOCAL_HINT = "pip install 'connect-participant-broker[local]'"
MOTO = "moto[server,dynamodb]==5.2.6"

WITHOUT = """\
import sys


class _Hidden:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} or name.startswith({module!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, _Hidden())
"""


def run_without(module: str, code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT.format(module=module) + code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def run_without_botocore(code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return run_without("botocore", code, timeout)


def test_client_extra_installs_botocore() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["client"] == ["botocore>=1.34,<2"]


def test_local_extra_installs_botocore_and_pinned_moto_which_dev_pins_alike() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = extras["optional-dependencies"]
    assert extras["local"] == ["botocore>=1.34,<2", MOTO]
    assert MOTO in extras["dev"]


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


def test_invitations_without_moto_fail_at_start_naming_the_local_extra() -> None:
    """The broker's construction raises; the command says so and exits 1."""
    done = run_without(
        "moto",
        "import contextlib, io\n"
        "from constructs_lib.local import LocalBroker, LocalBrokerConfig, main\n"
        "try:\n"
        "    LocalBroker(config=LocalBrokerConfig(invitations=True))\n"
        "except ModuleNotFoundError as error:\n"
        "    print(type(error).__name__, error.name, sep='|')\n"
        "with contextlib.redirect_stderr(io.StringIO()) as said:\n"
        "    code = main(['--port', '0', '--invitations'])\n"
        "print(code, said.getvalue(), sep='|', end='')\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "MissingExtraError|moto\n"
        "1|participant-broker-local: LocalDynamoDB (the local broker's invitation table) needs "
        f"moto, which is not installed; install the package with its 'local' extra: {LOCAL_HINT} "
        "(or pip install 'moto[server,dynamodb]')\n"
    )


def test_local_broker_without_invitations_never_imports_moto() -> None:
    """(The packaging test serves a request from a local broker installed without moto.)"""
    done = run_without(
        "moto",
        "from constructs_lib.local import LocalBroker, main\n"
        "LocalBroker()\n"
        "print(sorted({'moto', 'flask', 'werkzeug'} & {m.split('.')[0] for m in sys.modules}))\n",
    )
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
