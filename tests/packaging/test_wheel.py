"""The release artifacts are a complete product: a team that only has the wheel, a brand-new
virtualenv and the README gets a broker that synthesizes with the pinned CDK CLI, a client that
talks to the local broker, and no warning the README does not explain.

The artifacts and the virtualenv come from ``consumer_env.py`` (see there and ``conftest.py``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import Consumer
from consumer_env import BUILD, CLI, PACKAGES, SOURCES

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
REFERENCE = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def explained_warnings() -> set[str]:
    """The warning IDs the "Synth warnings" table (docs/reference.md) explains."""
    section = REFERENCE.split("## Synth warnings", 1)[1].split("\n## ", 1)[0]
    return {
        "connect-participant-broker:" + code
        for code in re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.MULTILINE)
    }


def unexplained(output: str) -> list[str]:
    """Warnings in a CLI or app output that the README does not explain: every CDK warning
    must carry an explained acknowledgement ID; jsii's banners and Python warnings never may."""
    found = []
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("WARNING") or "[Warning at" in line:
            acks = (re.search(r"Annotation::([\w:-]+)'", n) for n in lines[index : index + 4])
            ack = next((match for match in acks if match), None)
            inline = re.search(r"\[ack: ([\w:-]+)\]", line)
            code = (ack.group(1) if ack else None) or (inline.group(1) if inline else None)
            if code not in explained_warnings():
                found.append(line)
        elif line.startswith("!!") or re.search(r"\w+Warning: ", line):
            found.append(line)
    return found


def test_the_warning_check_catches_what_it_should() -> None:
    explained = (
        "WARNING throttling_burst_limit (5) is below ...\n   Stack/Broker\n"
        "   Acknowledge with 'Annotation::connect-participant-broker:burst-below-rate'\n"
    )
    assert unexplained(explained) == []
    other = "WARNING something else\n   Stack/X\n   Acknowledge with 'Annotation::other:id'\n"
    assert unexplained(other) == ["WARNING something else"]
    assert unexplained("!!  Node 20 is end-of-life  !!\n") == ["!!  Node 20 is end-of-life  !!"]
    assert unexplained("x.py:3: DeprecationWarning: old\n") == ["x.py:3: DeprecationWarning: old"]


def test_make_dist_builds_and_checks_as_the_test_does() -> None:
    recipe = (REPO / "Makefile").read_text().split("\ndist:", 1)[1].split("\n\n", 1)[0]
    assert f"$(PY) {' '.join(BUILD)} dist ." in recipe
    assert "twine check --strict dist/*" in recipe


def test_release_artifacts_pass_twine_check(consumer: Consumer) -> None:
    with (REPO / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]  # the version's one source
    assert (consumer.wheel.name, consumer.sdist.name) == (
        f"connect_participant_broker-{version}-py3-none-any.whl",
        f"connect_participant_broker-{version}.tar.gz",
    )
    with zipfile.ZipFile(consumer.wheel) as wheel:
        metadata = wheel.read(f"connect_participant_broker-{version}.dist-info/METADATA")
    assert f"\nVersion: {version}\n".encode() in metadata
    assert consumer.twine.count("PASSED") == 2, consumer.twine


def test_sdist_holds_the_sources_and_no_tests(consumer: Consumer) -> None:
    with tarfile.open(consumer.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert set(SOURCES) <= names
    assert {f"{package}/__init__.py" for package in PACKAGES} <= names
    assert "runtime/broker/handler.py" in names
    assert [n for n in names if n.startswith("tests/") or "__pycache__" in n] == []


def test_wheel_ships_runtime_asset_and_contract(consumer: Consumer) -> None:
    names = set(zipfile.ZipFile(consumer.wheel).namelist())
    for required in (
        "constructs_lib/__init__.py",
        "constructs_lib/py.typed",
        "constructs_lib/_runtime/broker/handler.py",
        "constructs_lib/_runtime/broker/contract.schema.json",
        "constructs_lib/_runtime/broker/problems.json",
        "constructs_lib/_runtime/broker/aws/connect.json",
        "constructs_lib/_runtime/broker/aws/dynamodb.json",
        "constructs_lib/_runtime/broker/aws/partitions.json",
    ):
        assert required in names, f"{required} missing from {consumer.wheel.name}"
    checkout = {
        f"constructs_lib/_runtime/{path.relative_to(REPO / 'runtime').as_posix()}"
        for path in (REPO / "runtime").rglob("*")
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts
    }
    assert checkout <= names, f"missing from the wheel: {sorted(checkout - names)}"


def test_wheel_ships_no_tests_or_caches(consumer: Consumer) -> None:
    names = zipfile.ZipFile(consumer.wheel).namelist()
    assert [n for n in names if n.startswith("tests/") or "__pycache__" in n] == []


def test_wheel_installs_no_top_level_package_but_its_own(consumer: Consumer) -> None:
    tops = {name.split("/")[0] for name in zipfile.ZipFile(consumer.wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"constructs_lib"}
    shown = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        consumer.python,
        "show",
        "-f",
        "connect-participant-broker",
        cwd=consumer.work,
    ).split("Files:", 1)[1]
    files = [line.strip() for line in shown.splitlines() if line.strip()]
    assert files and not [f for f in files if f.startswith("runtime/")]


def test_a_fresh_app_synthesizes_with_the_pinned_cli_and_no_unexplained_warning(
    consumer: Consumer,
) -> None:
    assert consumer.node_version.startswith("v24."), consumer.node_version
    assert unexplained(consumer.synth_output) == [], consumer.synth_output
    # docs/reference.md, "Synth warnings": besides warnings, only the account role INFO note.
    notes = [line for line in consumer.synth_output.splitlines() if line.startswith("INFO")]
    assert len(notes) == 1 and "create_api_gateway_account_role=True" in notes[0], notes
    imported_from = Path((consumer.app / "imported_from.txt").read_text()).resolve()
    assert consumer.python.parent.parent.resolve() in imported_from.parents
    assert REPO not in imported_from.parents
    out = consumer.app / "out"
    template = json.loads((out / "ContactCentre.template.json").read_text())
    handlers = {
        r["Properties"].get("Handler")
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
    }
    assert handlers == {"broker.handler.handler"}
    assets = [p for p in out.glob("asset.*") if (p / "broker" / "handler.py").is_file()]
    assert assets, "the cloud assembly holds no asset with broker/handler.py"


def test_the_cli_is_the_version_the_readme_names() -> None:
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert f"aws-cdk@{pinned}" in README
    assert CLI.resolve().parent.parent.joinpath("package.json").is_file()
    cli_package = json.loads((CLI.resolve().parent.parent / "package.json").read_text())
    assert cli_package["version"] == pinned


def test_the_readme_names_the_node_package_installed(consumer: Consumer) -> None:
    assert consumer.node_requirement in README


def test_the_client_extra_brings_botocore_but_not_moto(consumer: Consumer) -> None:
    installed = set(consumer.client_distributions)
    assert {"connect-participant-broker", "botocore"} <= installed
    assert not {"moto", "flask", "werkzeug", "boto3"} & installed, sorted(installed)


def test_invitations_without_the_local_extra_stop_and_name_it(consumer: Consumer) -> None:
    assert consumer.without_local == {
        "returncode": 1,
        "stderr": "participant-broker-local: LocalDynamoDB (the local broker's invitation table) "
        "needs moto, which is not installed; install the package with its 'local' extra: pip "
        "install 'connect-participant-broker[local]' (or pip install 'moto[server,dynamodb]')\n",
    }


def test_the_local_extra_serves_invitations_on_pinned_moto(consumer: Consumer) -> None:
    participant_id, moto = consumer.invitations_call["client"].split()
    assert re.fullmatch(r"[0-9a-f-]{36}", participant_id), participant_id
    pinned = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert f"moto[server,dynamodb]=={moto}" in pinned["optional-dependencies"]["local"]
    assert unexplained(consumer.invitations_call["broker"]) == []


def test_the_client_calls_the_local_broker_with_the_client_extra_alone(
    consumer: Consumer,
) -> None:
    printed = consumer.client_call["client"].split()
    assert len(printed) == 2 and re.fullmatch(r"[0-9a-f-]{36}", printed[0]), printed
    assert unexplained(consumer.client_call["broker"]) == []


def test_the_openapi_command_names_the_deployed_broker(consumer: Consumer) -> None:
    url = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1/"
    printed = _run(
        consumer.bin / "participant-broker-openapi", "--server-url", url, cwd=consumer.work
    )
    assert json.loads(printed)["servers"][0]["url"] == url.rstrip("/")
