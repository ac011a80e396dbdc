"""What the runtime imports with invitations off and on, in a fresh interpreter as Lambda
starts one (left out of ``make mutate``, like test_runtime_lambda_view.py: the interpreter
would import the mutated copy without mutmut)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[3] / "runtime"


def _modules_after_one_request(env: dict[str, str]) -> set[str]:
    """The ``broker.*`` modules a fresh interpreter has imported after one participants
    request, with the Lambda environment ``env`` (a request without ``Content-Type``: 415, no
    network)."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from broker import handler;"
        "handler.handler({'resource': '/contacts/{contactId}/participants'}, None);"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('broker'))))"
    )
    base = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "INSTANCE_ID": "i-1",
    }
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(RUNTIME)],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules: list[str] = json.loads(result.stdout.splitlines()[-1])
    return set(modules)


INVITATION_MODULES = {
    "broker.invitations",
    "broker.invitation_store",
    "broker.dynamodb",
}


def test_without_invitations_nothing_of_them_is_imported() -> None:
    assert not INVITATION_MODULES & _modules_after_one_request({})


def test_with_invitations_the_participants_route_imports_none_of_them_either() -> None:
    # The DynamoDB client is created by the first invitation request, not at init.
    assert not INVITATION_MODULES & _modules_after_one_request({"INVITATIONS_TABLE": "t"})
