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
PARTICIPANTS = "/contacts/{contactId}/participants"


def _modules_after_one_request(env: dict[str, str], resource: str = PARTICIPANTS) -> set[str]:
    """The modules a fresh interpreter has imported after one POST request on
    ``resource``, with the Lambda environment ``env`` (a request without ``Content-Type``: 415,
    no network)."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from broker import handler;"
        "answer = handler.handler({'httpMethod': 'POST', 'resource': sys.argv[2]}, None);"
        "print(json.dumps([answer['statusCode'],"
        " sorted(sys.modules)]))"
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
        [sys.executable, "-I", "-c", code, str(RUNTIME), resource],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    status, modules = json.loads(result.stdout.splitlines()[-1])
    assert status == 415
    return set(modules)


#: The invitation routes, their store and its DynamoDB client (``broker.invitation_settings`` is
#: read with the configuration at init when invitations are on).
INVITATION_MODULES = {
    "broker.invitations",
    "broker.invitation_redeem",
    "broker.invitation_store",
    "broker.invitation_tally",
    "broker.invitation_tokens",
    "broker.invitation_schema",
    "broker.dynamodb",
}


def test_without_invitations_nothing_of_them_is_imported() -> None:
    assert not INVITATION_MODULES & _modules_after_one_request({})


def test_with_invitations_the_participants_route_imports_none_of_them_either() -> None:
    # The DynamoDB client is created by the first invitation request, not at init.
    assert not INVITATION_MODULES & _modules_after_one_request({"INVITATIONS_TABLE": "t"})


def test_the_first_invitation_request_imports_them() -> None:
    modules = _modules_after_one_request({"INVITATIONS_TABLE": "t"}, "/invitations/redeem")
    assert modules >= INVITATION_MODULES


def test_with_invitations_the_participants_route_imports_only_their_settings_more() -> None:
    """Invitations on, a cold start of the participants route imports what it imports with them
    off and their settings: no ``dataclasses`` (which brings ``inspect``, ``ast`` and ``dis``,
    about 7 ms) or other module of the standard library."""
    off = _modules_after_one_request({})
    assert _modules_after_one_request({"INVITATIONS_TABLE": "t"}) - off == {
        "broker.invitation_settings"
    }
