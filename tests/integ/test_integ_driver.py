"""scripts/integ.py, which ``make integ`` runs: its account checks (botocore Stubber), how it
reads the assertions' results, and its deploy-assert-destroy flow with the CDK CLI replaced,
since nothing here can deploy."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from cdk_support import ROOT, load_module
from integ_support import SNAPSHOT_CONTEXT

integ = load_module(ROOT / "scripts" / "integ.py", "integ_driver")

INSTANCE = "11111111-2222-3333-4444-555555555555"


class StubbedSession:
    """A boto3 session whose clients are stubbed (no credentials, no network)."""

    def __init__(self, region: str | None = "eu-west-2") -> None:
        self.region_name = region
        self._session = boto3.session.Session(
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
            region_name=region or "eu-west-2",
        )
        self.clients: dict[str, Any] = {}
        self.stubs: dict[str, Stubber] = {}

    def client(self, name: str) -> Any:
        if name not in self.clients:
            self.clients[name] = self._session.client(name)  # type: ignore[call-overload]
            self.stubs[name] = Stubber(self.clients[name])
            self.stubs[name].activate()
        return self.clients[name]

    def stub(self, name: str) -> Stubber:
        self.client(name)
        return self.stubs[name]


def healthy(session: StubbedSession, **overrides: Any) -> StubbedSession:
    """Queue the answers of an account that can run the tests (``overrides`` replace one)."""
    answers: dict[str, tuple[str, str, Any]] = {
        "sts": ("sts", "get_caller_identity", {"Account": "123456789012"}),
        "connect": (
            "connect",
            "describe_instance",
            {"Instance": {"Id": INSTANCE, "InstanceStatus": "ACTIVE"}},
        ),
        "ssm": ("ssm", "get_parameter", {"Parameter": {"Value": "30"}}),
        "apigateway": (
            "apigateway",
            "get_account",
            {"cloudwatchRoleArn": "arn:aws:iam::123456789012:role/apigw-logs"},
        ),
    }
    for key, (service, operation, response) in answers.items():
        answer = overrides.get(key, response)
        if isinstance(answer, str):
            session.stub(service).add_client_error(operation, service_error_code=answer)
        else:
            session.stub(service).add_response(operation, answer)
    return session


@pytest.fixture(scope="module")
def stubbed_session() -> StubbedSession:
    """One stubbed session for the module (creating clients loads their service models)."""
    return StubbedSession()


@pytest.fixture
def session(stubbed_session: StubbedSession) -> Iterator[StubbedSession]:
    yield stubbed_session
    for stub in stubbed_session.stubs.values():
        stub.assert_no_pending_responses()


def test_an_account_ready_for_the_tests_has_no_problem(session: StubbedSession) -> None:
    assert integ.check_account(INSTANCE, healthy(session)) == []


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        (
            {"connect": "ResourceNotFoundException"},
            f"no Connect instance {INSTANCE} in account 123456789012, eu-west-2",
        ),
        (
            {"connect": {"Instance": {"Id": INSTANCE, "InstanceStatus": "CREATION_FAILED"}}},
            f"Connect instance {INSTANCE} is CREATION_FAILED, not ACTIVE",
        ),
        (
            {"ssm": "ParameterNotFound"},
            "account 123456789012, eu-west-2 is not bootstrapped: "
            "cdk bootstrap aws://123456789012/eu-west-2",
        ),
        (
            {"apigateway": {}},
            "account 123456789012, eu-west-2 has no API Gateway CloudWatch role, so the broker's "
            "stage cannot deploy: set it once (Settings > CloudWatch log role ARN in the API "
            "Gateway console, or aws apigateway update-account)",
        ),
    ],
)
def test_what_keeps_an_account_from_the_tests_is_named(
    session: StubbedSession, override: dict[str, Any], problem: str
) -> None:
    assert integ.check_account(INSTANCE, healthy(session, **override)) == [problem]


def test_without_a_region_nothing_is_called() -> None:
    assert integ.check_account(INSTANCE, StubbedSession(region=None)) == [
        "no Region: set AWS_REGION (the Region of the Connect instance) or a profile's"
    ]


def test_assertion_results_are_read_from_the_assertion_outputs() -> None:
    outputs = {
        "ParticipantBrokerIntegDefault": {"BrokerApiEndpoint2D532D2F": "https://x/v1/"},
        "ParticipantBrokerIntegDefaultAssertions": {
            "AssertionResultsUnsignedCallRefused": '{"status":"success"}',
            "AssertionResultsSignedCallReachesConnect": json.dumps(
                {"status": "fail", "message": "Expected 404 but received 500"}
            ),
            "AssertionResultsApi5xxAlarmQuiet": "not json",
        },
    }
    Result = integ.Result
    app = "integ_default.py"
    assert integ.assertion_results(app, outputs) == [
        Result(app, "Api5xxAlarmQuiet", False, "unreadable result 'not json'"),
        Result(app, "SignedCallReachesConnect", False, "Expected 404 but received 500"),
        Result(app, "UnsignedCallRefused", True),
    ]


def test_apps_are_found_by_file_name_or_stem() -> None:
    default, invitations = integ.find_apps([])
    assert (default.name, invitations.name) == ("integ_default.py", "integ_invitations.py")
    assert integ.find_apps(["integ_invitations", "integ_default.py"]) == [invitations, default]
    with pytest.raises(SystemExit, match="no integration test app integ_x; the apps are "):
        integ.find_apps(["integ_x"])


def test_deployed_templates_leave_out_what_snapshots_leave_out() -> None:
    command = integ.cdk_command(integ.INTEG_DIR / "integ_default.py", "deploy")
    assert command[0] == str(ROOT / "node_modules" / ".bin" / "cdk")
    switches = {
        "--no-version-reporting": "aws:cdk:version-reporting",
        "--no-path-metadata": "aws:cdk:enable-path-metadata",
        "--no-asset-metadata": "aws:cdk:enable-asset-metadata",
    }
    assert set(integ.CDK_SWITCHES) == set(switches) and set(switches) <= set(command)
    assert all(SNAPSHOT_CONTEXT[key] is False for key in switches.values())


class FakeCli:
    """Stands in for the CDK CLI: records commands; ``deploy`` writes the outputs file."""

    def __init__(self, outputs: dict[str, Any] | None, *, deploys: bool = True) -> None:
        self.outputs, self.deploys = outputs, deploys
        self.commands: list[str] = []

    def __call__(self, command: Sequence[str], env: Any) -> bool:
        verb = next(word for word in ("deploy", "destroy") if word in command)
        self.commands.append(verb)
        if verb == "deploy" and self.outputs is not None:
            path = Path(command[command.index("--outputs-file") + 1])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.outputs))
        return self.deploys if verb == "deploy" else True


@pytest.fixture
def deleted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """No AWS: the stacks' names and their leftover log groups are made up; what the run
    deletes is recorded."""
    monkeypatch.setattr(integ, "OUT_DIR", tmp_path)
    monkeypatch.setattr(integ, "stack_names", lambda app, env: ["A", "AAssertions"])
    monkeypatch.setattr(integ, "leftover_log_groups", lambda stacks: ["/aws/lambda/A-x"])
    found: list[str] = []
    monkeypatch.setattr(integ, "delete_log_groups", found.extend)
    return found


def run(cli: FakeCli, monkeypatch: pytest.MonkeyPatch, *, keep: bool = False) -> Any:
    monkeypatch.setattr(integ, "cli", cli)
    return integ.run_app(integ.INTEG_DIR / "integ_default.py", {}, keep=keep)


def test_a_run_deploys_reads_the_results_and_destroys(
    monkeypatch: pytest.MonkeyPatch, deleted: list[str]
) -> None:
    cli = FakeCli({"AAssertions": {"AssertionResultsX": '{"status":"success"}'}})
    assert run(cli, monkeypatch) == [integ.Result("integ_default.py", "X", True)]
    assert cli.commands == ["deploy", "destroy"]
    assert deleted == ["/aws/lambda/A-x"]


def test_a_failed_deploy_is_a_failure_and_still_destroys(
    monkeypatch: pytest.MonkeyPatch, deleted: list[str]
) -> None:
    cli = FakeCli(None, deploys=False)
    assert run(cli, monkeypatch) == [
        integ.Result("integ_default.py", "deploy", False, "cdk deploy failed (its output is above)")
    ]
    assert cli.commands == ["deploy", "destroy"]
    assert deleted == ["/aws/lambda/A-x"]


def test_keep_leaves_the_stacks(monkeypatch: pytest.MonkeyPatch, deleted: list[str]) -> None:
    cli = FakeCli({"AAssertions": {}})
    assert run(cli, monkeypatch, keep=True) == [
        integ.Result(
            "integ_default.py", "outputs", False, "the assertion stack has no AssertionResults"
        )
    ]
    assert cli.commands == ["deploy"]
    assert deleted == []


def test_run_needs_the_instance_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CONNECT_INSTANCE_ID", raising=False)
    assert integ.main(["run"]) == 2
    assert (
        "set CONNECT_INSTANCE_ID to the ID of an Amazon Connect instance" in capsys.readouterr().out
    )
