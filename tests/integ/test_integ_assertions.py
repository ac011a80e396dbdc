"""The assertions as synthesized, checked offline against the broker's real runtime.

Each assertion custom resource that needs no AWS service is replayed here: its HTTP request
sent to the local broker (the runtime behind the local stand-in for API Gateway, simulated
Connect and DynamoDB), its probe event run through the probe's handler (``BrokerClient``
against the local broker), and the answer judged by the ``expected`` the assertion carries. So
a deployed run can fail only on what AWS adds. The rest need AWS and run only in
``make integ``: each is named in ``NEEDS_AWS`` with what it needs.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import harness
import integ_invitations
import pytest
from cdk_support import load_module
from integ_support import INTEG_DIR, IntegApp, mismatches

from constructs_lib.local import LocalBroker, LocalBrokerConfig
from constructs_lib.local.fake_connect import FakeConnect
from runtime.broker import invitation_tokens

#: Assertion (by name, or by the suffix of the alarm assertions) -> what it needs from AWS.
NEEDS_AWS = {
    "UnsignedCallRefused": "API Gateway's AWS_IAM authorization (the local broker has none)",
    "UnlistedCallerRefused": "API Gateway's resource policy (allowed_principals)",
    "ParameterHoldsInstanceId": "the SSM parameter",
    "Quiet": "the CloudWatch alarms",
}
HTTP_CALL = "Custom::DeployAssert@HttpCall"
PROBE_CALL = "Custom::DeployAssert@SdkCallLambdainvoke"


@pytest.fixture(scope="module")
def local_broker() -> Iterator[LocalBroker]:
    """A local broker configured as integ_invitations' (CORS for its origins, invitations)."""
    config = LocalBrokerConfig(
        cors_allowed_origins=integ_invitations.ORIGINS,
        invitations=True,
        agent_wait=0.0,
        connect_max_attempts=1,
        log_level="ERROR",
    )
    with FakeConnect() as connect, LocalBroker(config=config, connect=connect) as broker:
        yield broker


@pytest.fixture(scope="module")
def probe() -> ModuleType:
    """tests/integ/probe/probe.py, the probe function's handler."""
    return load_module(INTEG_DIR / "probe" / "probe.py", "probe")


def needs_aws(name: str) -> bool:
    return any(name == key or (key == "Quiet" and name.endswith(key)) for key in NEEDS_AWS)


def http_answer(base_url: str, properties: dict[str, Any]) -> dict[str, Any]:
    """Send the assertion's request to the local broker; the answer as the assertion function
    sees it (node-fetch: header names in lower case, each with its list of values; the body
    parsed when it is JSON)."""
    parts = properties["parameters"]["url"]["Fn::Join"][1]
    path = parts[-1]  # what follows the stage: the route and the contact
    options = properties["parameters"]["fetchOptions"]
    request = urllib.request.Request(
        f"{base_url}{path}",
        data=options.get("body", "").encode() or None,
        headers=options.get("headers", {}),
        method=options["method"],
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    values: dict[str, list[str]] = {}
    for name, value in headers.items():
        values.setdefault(name.lower(), []).append(value)
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = body.decode()
    return {"status": status, "ok": 200 <= status < 300, "headers": values, "body": parsed}


def probe_answer(
    probe: ModuleType,
    local_broker: LocalBroker,
    properties: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Any]:
    """Run the probe's handler with the assertion's payload against the local broker, where
    Connect knows no such contact; the answer as Lambda's Invoke returns it."""
    event = json.loads(json.loads(properties["parameters"]["Payload"]))
    assert event["contactId"] == harness.MISSING_CONTACT_ID
    monkeypatch.setenv("BROKER_URL", local_broker.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    local_broker.connect.fail_next("ResourceNotFoundException", operation="DescribeContact")
    return {"StatusCode": 200, "Payload": json.dumps(probe.handler(event, None))}


@pytest.mark.parametrize("name", ["integ_default.py", "integ_invitations.py"])
def test_assertions_hold_against_the_local_broker(
    integ_apps: dict[str, IntegApp],
    local_broker: LocalBroker,
    probe: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    app = integ_apps[name]
    (stack,) = app.assertion_stacks
    resources = app.template(stack)["Resources"]
    checked, failed = [], []
    for logical_id, resource in resources.items():
        kind = resource["Type"]
        if not kind.startswith("Custom::DeployAssert@") or needs_aws(logical_id):
            continue
        properties = resource["Properties"]
        if kind == HTTP_CALL:
            answer = http_answer(f"{local_broker.url}/", properties)
        elif kind == PROBE_CALL:
            answer = probe_answer(probe, local_broker, properties, monkeypatch)
        else:
            pytest.fail(f"{logical_id} ({kind}): replay it here, or name it in NEEDS_AWS")
        checked.append(logical_id)
        found = mismatches(json.loads(properties["expected"]), answer)
        failed += [f"{logical_id}: {line}" for line in found]
    assert checked, f"{name}: no assertion replayed"
    assert not failed, "\n".join(failed)


def test_the_made_up_secret_is_looked_up_in_the_table() -> None:
    # A malformed secret is refused before the table is read, which would prove nothing.
    assert invitation_tokens.invitation_id_of(integ_invitations.MADE_UP_SECRET) is not None


def test_every_assertion_is_replayed_or_needs_aws(integ_apps: dict[str, IntegApp]) -> None:
    """Each assertion resource has an ``expected`` and an output, and is either replayed above
    or named in NEEDS_AWS (which names nothing that is gone)."""
    seen = set()
    for app in integ_apps.values():
        (stack,) = app.assertion_stacks
        template = app.template(stack)
        for logical_id, resource in template["Resources"].items():
            if not resource["Type"].startswith("Custom::DeployAssert@"):
                continue
            assert "expected" in resource["Properties"], logical_id
            assert f"AssertionResults{logical_id}" in template["Outputs"], logical_id
            assert resource["Type"] in (HTTP_CALL, PROBE_CALL) or needs_aws(logical_id)
            seen |= {key for key in NEEDS_AWS if needs_aws(logical_id) and key in logical_id}
    assert seen == set(NEEDS_AWS)


def test_the_docs_name_every_stack_and_assertion(integ_apps: dict[str, IntegApp]) -> None:
    text = (INTEG_DIR.parents[1] / "docs" / "integration.md").read_text(encoding="utf-8")
    for app in integ_apps.values():
        (stack,) = app.assertion_stacks
        names = [*app.test_stacks, stack, app.path.name]
        names += [
            key
            for key, resource in app.template(stack)["Resources"].items()
            if resource["Type"].startswith("Custom::DeployAssert@")
        ]
        missing = [name for name in names if f"`{name}`" not in text]
        assert not missing, f"docs/integration.md does not name {missing}"
