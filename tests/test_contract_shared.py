"""What the construct and the runtime share, written once: the routes come from the runtime's
``routes.json`` on both sides (``_contract.routes``); where a copy must stay (the runtime reads
its own constants, the local broker runs without the CDK), these tests hold the copies equal."""

from __future__ import annotations

import ast
from pathlib import Path

from constructs_lib import _contract, defaults
from constructs_lib import _gateway_answers as answers
from constructs_lib.client.client import ROUTES as CLIENT_ROUTES
from constructs_lib.local import _gateway
from constructs_lib.local.settings import ROUTE, LocalBrokerConfig
from constructs_lib.monitoring import metrics
from constructs_lib.openapi import shared
from runtime.broker import config, context, invitation_settings, participants

ROOT = Path(__file__).resolve().parents[1]


def test_every_route_is_the_runtimes_routes_json() -> None:
    routes = _contract.routes()
    assert routes == context.ROUTES
    participants_path = routes["participants"]
    copies = {
        participants.RESOURCE,
        defaults.RESOURCE_PATH,
        answers.PARTICIPANTS_PATH,
        shared.PATH,
        ROUTE,
        _gateway.PARTICIPANTS_ROUTE,
        CLIENT_ROUTES["participants"],
    }
    assert copies == {participants_path}
    assert (
        routes["invitations"],
        routes["invitation"],
        routes["redeem"],
    ) == (answers.INVITATIONS_PATH, answers.INVITATION_PATH, answers.REDEEM_PATH)


def test_the_metrics_namespace_is_one() -> None:
    assert {
        defaults.METRICS_NAMESPACE,
        metrics.DEFAULT_METRICS_NAMESPACE,
        config.DEFAULT_NAMESPACE,
    } == {"ConnectParticipantBroker"}


def test_roles_and_channels_are_the_runtimes() -> None:
    assert defaults.VALID_ROLES == config.ROLES
    assert {channel: tuple(roles) for channel, roles in defaults.CHANNEL_ROLES.items()} == (
        config.CHANNEL_ROLES
    )
    local = dict(pair.split("=") for pair in LocalBrokerConfig().channel_roles.split(";"))
    assert {channel: (role,) for channel, role in local.items()} == config.CHANNEL_ROLES


def test_invitation_defaults_are_the_runtimes() -> None:
    runtime = invitation_settings.InvitationSettings("table")
    local = LocalBrokerConfig()
    assert (
        defaults.INVITATION_LIFETIME.to_seconds(),
        defaults.INVITATION_MAX_LIFETIME.to_seconds(),
        defaults.INVITATION_MAX_USES,
    ) == (
        runtime.default_lifetime_seconds,
        runtime.max_lifetime_seconds,
        runtime.max_uses,
    )
    assert (
        local.invitation_lifetime_seconds,
        local.invitation_max_lifetime_seconds,
        local.invitation_max_uses,
    ) == (runtime.default_lifetime_seconds, runtime.max_lifetime_seconds, runtime.max_uses)


def _strings(*paths: Path) -> set[str]:
    return {
        node.value
        for path in paths
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _runtime_metrics_read() -> set[str]:
    """The metric names the monitoring reads from the runtime's namespace."""
    names = set()
    for path in (ROOT / "constructs_lib" / "monitoring").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else ""
            called = function.id if isinstance(function, ast.Name) else called
            argument = node.args[2] if called == "metric_search" and len(node.args) > 2 else None
            argument = node.args[0] if called == "runtime" else argument
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
    return names


def test_the_monitoring_reads_only_metrics_the_runtime_writes() -> None:
    read = _runtime_metrics_read()
    assert {"ParticipantsCreated", "ConnectLatency", "InvitationRedemptionsRefused"} <= read
    broker = ROOT / "runtime" / "broker"
    written = _strings(broker / "metrics.py", broker / "invitation_tally.py")
    assert read - written == set()


def _environment_keys(*paths: Path) -> set[str]:
    """The string keys of dict displays and subscript assignments: the variables written."""
    keys: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                candidates = [key for key in node.keys if key is not None]
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
                candidates = [node.targets[0].slice]
            else:
                continue
            keys.update(
                key.value
                for key in candidates
                if isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and key.value.isupper()
            )
    return keys


def test_the_environment_the_construct_writes_is_what_the_runtime_reads() -> None:
    function = ROOT / "constructs_lib" / "broker" / "function.py"
    invitations = ROOT / "constructs_lib" / "invitations" / "resources.py"
    local = ROOT / "constructs_lib" / "local" / "settings.py"
    broker = ROOT / "runtime" / "broker"
    read = _strings(broker / "config.py", broker / "invitation_settings.py")
    names = {
        name
        for name in _environment_keys(function, invitations, local)
        if not name.startswith("AWS_")
    }
    assert {"INSTANCE_ID", "ALLOWED_ROLES", "CHANNEL_ROLES", "INVITATIONS_TABLE"} <= names
    assert names - read == set()
