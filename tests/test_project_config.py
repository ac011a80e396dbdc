"""The project's own configuration: cdk.json's feature flags, the pinned CLI, CI's entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import aws_cdk
import pytest
from cdk_support import CDK_CONTEXT, ROOT


def _recommended_flags() -> dict[str, Any]:
    """The flags ``cdk init`` writes for the installed aws-cdk-lib (shipped in its jsii bundle)."""
    (bundle,) = (Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz")
    with tarfile.open(bundle) as archive:
        member = archive.extractfile("package/recommended-feature-flags.json")
        assert member is not None
        flags: dict[str, Any] = json.load(member)
    return flags


def test_cdk_json_carries_every_recommended_feature_flag() -> None:
    recommended = _recommended_flags()
    assert recommended, "aws-cdk-lib shipped no recommended flags"
    differing = {k: v for k, v in recommended.items() if CDK_CONTEXT.get(k) != v}
    assert differing == {}, f"cdk.json lacks or changes these recommended flags: {differing}"


def test_cdk_json_fails_synth_on_invalid_templates() -> None:
    assert CDK_CONTEXT["@aws-cdk/core:validateAgainstDefaultRules"] is True


def test_cdk_json_runs_the_example_app() -> None:
    assert json.loads((ROOT / "cdk.json").read_text())["app"] == "python3 app.py"


def test_cdk_cli_is_pinned_exactly_with_a_lock_file() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = package["devDependencies"]["aws-cdk"]
    assert pinned[0].isdigit(), f"aws-cdk must be an exact version, got {pinned!r}"
    assert lock["packages"]["node_modules/aws-cdk"]["version"] == pinned


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make synth" in readme and "make test" in readme


def test_loading_the_runtime_tests_fixtures_prints_nothing() -> None:
    """``make test`` prints no log line while collecting: the runtime tests' conftest imports
    the handler (whose init phase reads the configuration) with the function's environment."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import conftest"],
        cwd=ROOT / "tests" / "runtime",
        env={
            **_without_function_environment(),
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert (loaded.stdout, loaded.stderr) == ("", "")


def _without_function_environment() -> dict[str, str]:
    """This process's environment without what a Lambda function would be given."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in ("INSTANCE_ID", "AWS_REGION", "AWS_DEFAULT_REGION")
    }


def test_benchmarks_synthesize_with_bytecode_cached_and_without_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``make bench`` times synth as a user's machine runs it: Python caches bytecode (an
    environment that turns that off would charge every synth for compiling the library), and
    no AWS credentials or default account reach the app."""
    from benchmarks.common import tool_env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "123456789012")
    env = tool_env()
    assert not {"PYTHONDONTWRITEBYTECODE", "AWS_ACCESS_KEY_ID", "CDK_DEFAULT_ACCOUNT"} & set(env)
