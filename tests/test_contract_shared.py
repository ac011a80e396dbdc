"""What the construct and the runtime share, written once: the routes come from the runtime's
``routes.json`` and the names and defaults from its ``settings.json``, on both sides
(``_contract.routes``, ``_contract.settings``); the environment variable names, which the
construct writes and the runtime reads, are held equal here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from constructs_lib import _contract, defaults
from constructs_lib import _gateway_answers as answers
from constructs_lib.client.client import ROUTES as CLIENT_ROUTES
from constructs_lib.local import _gateway
from constructs_lib.local.settings import ROUTE, LocalBrokerConfig
from constructs_lib.monitoring import metrics
from constructs_lib.openapi import shared
from runtime.broker import context, invitation_settings, participants, settings

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
        settings.DEFAULT_NAMESPACE,
    } == {_contract.settings()["metricsNamespace"]}


def test_roles_and_channels_are_the_runtimes() -> None:
    assert defaults.VALID_ROLES == settings.ROLES
    assert defaults.CHANNEL_ROLES == settings.CHANNEL_ROLES
    local = dict(pair.split("=") for pair in LocalBrokerConfig().channel_roles.split(";"))
    assert {channel: (role,) for channel, role in local.items()} == settings.CHANNEL_ROLES
    assert LocalBrokerConfig().agent_wait == defaults.AGENT_WAIT.to_seconds()


def _python_files(*directories: str) -> list[Path]:
    return [path for directory in directories for path in (ROOT / directory).rglob("*.py")]


def _literal_lists(path: Path) -> list[set[str]]:
    """The tuples and lists of two or more string constants written in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List) and len(node.elts) > 1:
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) == len(node.elts) and all(isinstance(v, str) for v in values):
                found.append(set(values))
    return found


def test_settings_json_holds_the_only_copy_of_each_shared_list() -> None:
    """The namespace and the lists of ``settings.json`` (roles, channels, log levels, metric
    names) are written in no Python source of the construct or the runtime: both read the file.
    A metric is still named where it is used; the monitoring refuses a name the function does not
    emit (below) and the runtime's counters refuse one they do not have."""
    shared = _contract.settings()
    metric_names = shared["metrics"]
    lists = [
        set(shared["roles"]),
        set(shared["channels"]),
        set(shared["logLevels"]),
        {*metric_names["counters"], *metric_names["invitationCounters"]},
    ]
    copies = {
        path.relative_to(ROOT).as_posix()
        for path in _python_files("constructs_lib", "runtime")
        for written in _literal_lists(path)
        if any(written <= names for names in lists) or shared["metricsNamespace"] in _strings(path)
    }
    assert copies == set()


def test_the_monitoring_refuses_a_metric_the_function_does_not_emit() -> None:
    broker_metrics = metrics.BrokerMetrics(
        function=None,  # type: ignore[arg-type]
        function_name="f",
        api_name="a",
        stage_name="s",
        namespace="n",
    )
    refused = "the function emits no metric 'ParticipantCreated'; use one of "
    with pytest.raises(ValueError, match=refused):
        broker_metrics.runtime("ParticipantCreated", metrics.SUM, "Created")


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
    assert read - metrics.RUNTIME_METRICS == set()


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
    deployed = _environment_keys(function, invitations)
    assert _environment_read(broker / "config.py", broker / "invitation_settings.py") == (
        deployed | {"AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION"}
    )


def _environment_read(*paths: Path) -> set[str]:
    """The names the runtime looks up in ``env``: ``env.get(NAME ...)``, ``env[NAME]`` and
    ``helper(env, NAME ...)``."""
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "env":
                key = node.slice
            elif isinstance(node, ast.Call) and ast.unparse(node.func) == "env.get":
                key = node.args[0]
            elif isinstance(node, ast.Call) and [ast.unparse(a) for a in node.args[:1]] == ["env"]:
                key = node.args[1] if len(node.args) > 1 else node.args[0]
            else:
                continue
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.add(key.value)
    return found


def test_an_invitation_counter_the_settings_do_not_name_is_refused() -> None:
    from runtime.broker import invitation_tally

    token = invitation_tally._tally.set(invitation_tally.Tally())
    try:
        invitation_tally.count("InvitationsRedeemed")
        with pytest.raises(KeyError, match="no invitation counter 'InvitationRedeemed'"):
            invitation_tally.count("InvitationRedeemed")
    finally:
        invitation_tally._tally.reset(token)
    assert tuple(invitation_tally.Tally().counts) == settings.INVITATION_COUNTERS


def test_the_function_writes_at_every_level_the_settings_name() -> None:
    from runtime.broker import logs

    assert tuple(logs.LEVELS) == settings.LOG_LEVELS


def test_the_settings_the_construct_reads_are_its_own_copy() -> None:
    read = _contract.settings()
    read["roles"].append("NOBODY")
    assert "NOBODY" not in _contract.settings()["roles"]
