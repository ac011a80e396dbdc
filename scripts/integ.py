"""Run the integration tests (tests/integ/integ_*.py) in an AWS account.

For each app: deploy its test stack and its assertion stack with the pinned CDK CLI, read
every assertion's result (the assertion stack's ``AssertionResults<Name>`` outputs), then
destroy both stacks and the log groups Lambda and API Gateway created outside them.

    python scripts/integ.py run [--keep] [APP ...]   # make integ
    python scripts/integ.py destroy [APP ...]        # make integ-destroy

Needs credentials for a bootstrapped account, a Region (``AWS_REGION`` or the profile's), and
``CONNECT_INSTANCE_ID``: an Amazon Connect instance in that Region. This is integ-runner's
deploy-assert-destroy workflow; integ-runner itself cannot read the cloud assembly
aws-cdk-lib 2.275.0 writes yet (docs/integration.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INTEG_DIR = ROOT / "tests" / "integ"
OUT_DIR = ROOT / "cdk-integ.out"
INSTANCE_ID_VARIABLE = "CONNECT_INSTANCE_ID"
#: The instance ID ``destroy`` synthesizes with when none is set (destroying needs the stack
#: names only).
PLACEHOLDER_INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
#: Left out of the deployed templates as out of the snapshots (tests/integ_support.py).
CDK_SWITCHES = ("--no-version-reporting", "--no-path-metadata", "--no-asset-metadata")
ASSERTION_PREFIX = "AssertionResults"
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"


@dataclass(frozen=True)
class Result:
    """One assertion's result, from its stack output."""

    app: str
    name: str
    passed: bool
    message: str = ""


def find_apps(names: Sequence[str]) -> list[Path]:
    """The apps named (``integ_default.py`` or ``integ_default``), or all of them."""
    found = sorted(INTEG_DIR.glob("integ_*.py"))
    if not names:
        return found
    by_name = {path.name: path for path in found} | {path.stem: path for path in found}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise SystemExit(
            f"no integration test app {', '.join(unknown)}; the apps are "
            f"{', '.join(path.name for path in found)}"
        )
    return [by_name[name] for name in names]


def cdk_command(app: Path, *args: str) -> list[str]:
    """The pinned CDK CLI on ``app``, with its own cloud assembly directory."""
    return [
        str(ROOT / "node_modules" / ".bin" / "cdk"),
        "--app",
        shlex.join([sys.executable, str(app)]),
        "--output",
        str(OUT_DIR / app.stem),
        *CDK_SWITCHES,
        "--no-notices",
        *args,
    ]


def environment(instance_id: str) -> dict[str, str]:
    """The CLI's environment: the virtualenv's Node.js and Python first, the instance ID."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env[INSTANCE_ID_VARIABLE] = instance_id
    env.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "1")
    return env


def assertion_results(app: str, outputs: Mapping[str, Mapping[str, str]]) -> list[Result]:
    """Every ``AssertionResults<Name>`` output of ``outputs`` (``cdk deploy --outputs-file``)."""
    results = []
    for stack_outputs in outputs.values():
        for key, value in sorted(stack_outputs.items()):
            if not key.startswith(ASSERTION_PREFIX):
                continue
            name = key.removeprefix(ASSERTION_PREFIX)
            try:
                result = json.loads(value)
            except ValueError:
                result = {"status": "fail", "message": f"unreadable result {value!r}"}
            passed = result.get("status") == "success"
            results.append(Result(app, name, passed, str(result.get("message", ""))))
    return results


def check_account(instance_id: str, session: Any = None) -> list[str]:
    """What keeps this account and Region from running the tests (empty: nothing found).

    Read-only calls: the caller, the Connect instance, the CDK bootstrap version and API
    Gateway's CloudWatch role (without it the broker's stage cannot deploy). A check that
    cannot run (no permission) is reported as such, not as a failure.
    """
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = session or boto3.session.Session()
    region = session.region_name
    if not region:
        return ["no Region: set AWS_REGION (the Region of the Connect instance) or a profile's"]
    problems: list[str] = []
    try:
        account = session.client("sts").get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as error:
        return [f"no usable AWS credentials ({error}): configure them, e.g. AWS_PROFILE"]
    where = f"account {account}, {region}"
    try:
        instance = session.client("connect").describe_instance(InstanceId=instance_id)
        status = instance["Instance"].get("InstanceStatus")
        if status != "ACTIVE":
            problems.append(f"Connect instance {instance_id} is {status}, not ACTIVE")
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            problems.append(f"no Connect instance {instance_id} in {where}")
        else:
            print(f"note: could not check the Connect instance: {error}")
    try:
        version = session.client("ssm").get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
        if int(version["Parameter"]["Value"]) < 6:
            problems.append(
                f"{where} needs a newer bootstrap: cdk bootstrap aws://{account}/{region}"
            )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ParameterNotFound":
            problems.append(f"{where} is not bootstrapped: cdk bootstrap aws://{account}/{region}")
        else:
            print(f"note: could not check the CDK bootstrap: {error}")
    try:
        if not session.client("apigateway").get_account().get("cloudwatchRoleArn"):
            problems.append(
                f"{where} has no API Gateway CloudWatch role, so the broker's stage cannot "
                "deploy: set it once (Settings > CloudWatch log role ARN in the API Gateway "
                "console, or aws apigateway update-account)"
            )
    except ClientError as error:
        print(f"note: could not check API Gateway's CloudWatch role: {error}")
    return problems


def leftover_log_groups(stack_names: Sequence[str], session: Any = None) -> list[str]:
    """Log groups the stacks' services create outside them (``/aws/lambda/<function>``, API
    Gateway's execution logs), to delete after the stacks; read while the stacks exist."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = session or boto3.session.Session()
    cloudformation, logs = session.client("cloudformation"), session.client("logs")
    names = []
    for stack in stack_names:
        try:
            resources = cloudformation.describe_stack_resources(StackName=stack)
            for resource in resources["StackResources"]:
                physical = resource.get("PhysicalResourceId")
                if resource["ResourceType"] == "AWS::Lambda::Function" and physical:
                    names.append(f"/aws/lambda/{physical}")
                elif resource["ResourceType"] == "AWS::ApiGateway::RestApi" and physical:
                    prefix = f"API-Gateway-Execution-Logs_{physical}/"
                    groups = logs.describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]
                    names += [group["logGroupName"] for group in groups]
        except (BotoCoreError, ClientError) as error:
            print(f"note: could not list what {stack} leaves behind: {error}")
    return names


def delete_log_groups(names: Sequence[str], session: Any = None) -> None:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    logs = (session or boto3.session.Session()).client("logs")
    for name in names:
        try:
            logs.delete_log_group(logGroupName=name)
            print(f"deleted log group {name}")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                print(f"note: could not delete log group {name}: {error}")
        except BotoCoreError as error:
            print(f"note: could not delete log group {name}: {error}")


def cli(command: Sequence[str], env: Mapping[str, str]) -> bool:
    """Run the CLI from the repository root; whether it succeeded (its output goes through)."""
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode == 0  # noqa: S603


def stack_names(app: Path, env: Mapping[str, str]) -> list[str]:
    """The app's stacks (``cdk list``)."""
    listed = subprocess.run(  # noqa: S603 (the pinned CLI, arguments from this script)
        cdk_command(app, "list"), cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return listed.stdout.split()


def run_app(app: Path, env: Mapping[str, str], *, keep: bool) -> list[Result]:
    """Deploy, read the assertions' results, destroy (unless ``keep``)."""
    outputs_file = OUT_DIR / app.stem / "outputs.json"
    outputs_file.unlink(missing_ok=True)
    print(f"== {app.name}: deploying", flush=True)
    try:
        deployed = cli(
            cdk_command(
                app,
                "deploy",
                "--all",
                "--require-approval",
                "never",
                "--outputs-file",
                str(outputs_file),
            ),
            env,
        )
        if not deployed or not outputs_file.is_file():
            return [Result(app.name, "deploy", False, "cdk deploy failed (its output is above)")]
        outputs = json.loads(outputs_file.read_text(encoding="utf-8"))
        return assertion_results(app.name, outputs) or [
            Result(app.name, "outputs", False, "the assertion stack has no AssertionResults")
        ]
    finally:
        if keep:
            print(f"== {app.name}: kept its stacks (make integ-destroy removes them)")
        else:
            destroy_app(app, env)


def destroy_app(app: Path, env: Mapping[str, str]) -> bool:
    """Destroy the app's stacks, then the log groups Lambda and API Gateway made for them."""
    print(f"== {app.name}: destroying", flush=True)
    leftovers = leftover_log_groups(stack_names(app, env))
    destroyed = cli(cdk_command(app, "destroy", "--all", "--force"), env)
    if not destroyed:
        print(f"cdk destroy failed for {app.name}: run make integ-destroy, or delete its stacks")
    delete_log_groups(leftovers)
    return destroyed


def report(results: Sequence[Result]) -> bool:
    """Print one line per assertion; whether all passed."""
    for result in results:
        line = f"{'PASS' if result.passed else 'FAIL'}  {result.app}  {result.name}"
        print(f"{line}: {result.message}" if result.message else line)
    passed = sum(result.passed for result in results)
    print(f"{passed} of {len(results)} assertions passed")
    return passed == len(results)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("run", "destroy"))
    parser.add_argument("apps", nargs="*", help="integ_default.py, integ_invitations.py (all)")
    parser.add_argument("--keep", action="store_true", help="leave the stacks deployed")
    parser.add_argument(
        "--skip-checks", action="store_true", help="do not check the account before deploying"
    )
    args = parser.parse_intermixed_args(argv)
    apps = find_apps(args.apps)
    if os.environ.get("AWS_REGION"):  # the CDK CLI reads it; boto3 reads AWS_DEFAULT_REGION
        os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    instance_id = os.environ.get(INSTANCE_ID_VARIABLE, "")
    if args.command == "destroy":
        env = environment(instance_id or PLACEHOLDER_INSTANCE_ID)
        return 0 if all([destroy_app(app, env) for app in apps]) else 1
    if not instance_id:
        print(f"set {INSTANCE_ID_VARIABLE} to the ID of an Amazon Connect instance in the Region")
        return 2
    problems = [] if args.skip_checks else check_account(instance_id)
    if problems:
        print("cannot run the integration tests here:\n" + "\n".join(f"- {p}" for p in problems))
        return 2
    env = environment(instance_id)
    results = [result for app in apps for result in run_app(app, env, keep=args.keep)]
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
