"""The integration test apps' snapshots: verified on every ``make test``, without credentials.

A change to a broker's template, a probe or an assertion that is not in the committed
``<app>.snapshot/`` fails here, as the unit snapshot does; ``make integ-update`` rewrites them
(review the diff). Asset hashes and the assertions' salts do not count (integ_support).
"""

from __future__ import annotations

import copy
from pathlib import Path

import aws_cdk as cdk
import harness
import pytest
from integ_support import (
    INTEG_DIR,
    UPDATE_COMMAND,
    IntegApp,
    app_files,
    differences,
    read_snapshot,
    write_snapshot,
)

APPS = [path.name for path in app_files()]


@pytest.fixture
def update(request: pytest.FixtureRequest) -> bool:
    """``--snapshot-update`` (syrupy's option, as for the unit snapshot) rewrites snapshots."""
    return bool(request.config.getoption("update_snapshots", default=False))


@pytest.mark.parametrize("name", APPS)
def test_snapshot_is_current(integ_apps: dict[str, IntegApp], update: bool, name: str) -> None:
    app = integ_apps[name]
    if update:
        write_snapshot(app)
    committed = read_snapshot(app.snapshot_dir)
    assert committed is not None, f"{name} has no snapshot: run {UPDATE_COMMAND}"
    changed = differences(committed, app.snapshot())
    assert not changed, (
        f"{name} no longer synthesizes its snapshot; if the change is meant, run "
        f"{UPDATE_COMMAND} and review the diff:\n" + "\n".join(changed)
    )


def test_every_snapshot_has_its_app() -> None:
    snapshots = {path.name.removesuffix(".snapshot") for path in INTEG_DIR.glob("*.snapshot")}
    assert snapshots == set(APPS)


def test_a_template_change_is_drift(integ_apps: dict[str, IntegApp]) -> None:
    app = integ_apps["integ_default.py"]
    snapshot = app.snapshot()
    changed = copy.deepcopy(snapshot)
    template = changed["ParticipantBrokerIntegDefault.template.json"]
    function = next(
        key
        for key, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function" and key.startswith("BrokerFunction")
    )
    template["Resources"][function]["Properties"]["MemorySize"] = 1024
    assertions = changed["ParticipantBrokerIntegDefaultAssertions.template.json"]
    del assertions["Resources"]["UnsignedCallRefused"]
    assert differences(snapshot, changed) == [
        f"ParticipantBrokerIntegDefault.template.json: resource {function} changed",
        "ParticipantBrokerIntegDefaultAssertions.template.json: "
        "resource UnsignedCallRefused removed",
    ]


def test_integ_runner_snapshots_get_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    # integ-runner synthesizes snapshots with this dummy account, whatever the user has set.
    monkeypatch.setenv("CDK_INTEG_ACCOUNT", "12345678")
    monkeypatch.setenv("CONNECT_INSTANCE_ID", "a-real-instance")
    assert harness.instance_id(cdk.App()) == harness.PLACEHOLDER_INSTANCE_ID


def test_the_instance_comes_from_the_environment_or_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CDK_INTEG_ACCOUNT", raising=False)
    monkeypatch.setenv("CONNECT_INSTANCE_ID", "from-env")
    assert harness.instance_id(cdk.App()) == "from-env"
    assert harness.instance_id(cdk.App(context={"instanceId": "from-ctx"})) == "from-ctx"
    monkeypatch.delenv("CONNECT_INSTANCE_ID")
    with pytest.raises(SystemExit, match=r"^no Connect instance: set CONNECT_INSTANCE_ID=<"):
        harness.instance_id(cdk.App())


def test_the_probe_asset_is_the_handler_and_the_client(integ_apps: dict[str, IntegApp]) -> None:
    app = integ_apps["integ_default.py"]
    function = next(
        resource["Properties"]
        for key, resource in app.template("ParticipantBrokerIntegDefault")["Resources"].items()
        if key.startswith("CallerFunction") and resource["Type"] == "AWS::Lambda::Function"
    )
    asset = Path(app.assembly.directory) / f"asset.{function['Code']['S3Key'][:-4]}"
    files = {path.relative_to(asset).as_posix() for path in asset.rglob("*") if path.is_file()}
    assert files == {
        "probe.py",
        "constructs_lib/__init__.py",
        "constructs_lib/_extras.py",
        "constructs_lib/client/__init__.py",
    }
    assert function["Handler"] == "probe.handler"
