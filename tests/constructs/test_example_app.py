"""The example app (app.py): its stack's template as a snapshot, with asset hashes masked.

Editing runtime/ must never change the snapshot; any infrastructure change must.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from aws_rules.intrinsics import evaluate
from cdk_support import load_example_app, mask_assets
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from constructs_lib import _contract


def synth_example(app: cdk.App) -> dict[str, Any]:
    _, stack = load_example_app().build_app(app)
    template: dict[str, Any] = Template.from_stack(stack).to_json()
    return template


@pytest.fixture(scope="module")
def template(app_factory: Callable[..., cdk.App]) -> dict[str, Any]:
    return synth_example(app_factory())


@pytest.fixture(scope="module")
def edited_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of runtime/ with a changed handler and files that must stay out of the asset."""
    copy = tmp_path_factory.mktemp("runtime") / "runtime"
    shutil.copytree(_contract.RUNTIME_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    handler = copy / "broker" / "handler.py"
    handler.write_text(handler.read_text() + "\n# an edit that changes the asset hash\n")
    for junk in (
        "tests/test_x.py",
        "broker/__pycache__/handler.cpython-314.pyc",
        ".pytest_cache/v",
        "broker/notes.md",
    ):
        (copy / junk).parent.mkdir(parents=True, exist_ok=True)
        (copy / junk).write_text("x")
    return copy


@pytest.fixture(scope="module")
def edited_app(
    app_factory: Callable[..., cdk.App], edited_runtime: Path
) -> tuple[cdk.App, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_contract, "RUNTIME_DIR", edited_runtime)
        app = app_factory()
        return app, synth_example(app)


def test_example_stack_matches_snapshot(
    template: dict[str, Any], snapshot: SnapshotAssertion
) -> None:
    assert mask_assets(template) == snapshot(extension_class=JSONSnapshotExtension)


def test_runtime_edit_changes_the_asset_but_not_the_masked_template(
    template: dict[str, Any], edited_app: tuple[cdk.App, dict[str, Any]]
) -> None:
    _, edited = edited_app
    assert json.dumps(edited) != json.dumps(template)
    assert mask_assets(edited) == mask_assets(template)


def test_asset_leaves_out_tests_caches_and_docs(
    edited_app: tuple[cdk.App, dict[str, Any]],
) -> None:
    app, _ = edited_app
    [asset] = Path(app.outdir).glob("asset.*")
    files = {p.relative_to(asset).as_posix() for p in asset.rglob("*") if p.is_file()}
    assert "broker/handler.py" in files
    assert not [f for f in files if f.startswith(("tests/", ".pytest_cache/"))]
    assert not [f for f in files if "__pycache__" in f or f.endswith((".pyc", ".md"))]


def test_without_context_the_instance_id_is_a_parameter(template: dict[str, Any]) -> None:
    assert template["Parameters"]["InstanceId"]["Type"] == "String"
    ssm_parameter = next(
        r for r in template["Resources"].values() if r["Type"] == "AWS::SSM::Parameter"
    )
    # The parameter's value is reduced to the ID whether the deployer passes the ID or the ARN.
    arn = "arn:aws:connect:eu-west-1:123456789012:instance/abcd-1234"
    for value in ("abcd-1234", arn):
        assert evaluate(ssm_parameter["Properties"]["Value"], {"InstanceId": value}) == "abcd-1234"


def test_context_instance_id_is_used_literally(app_factory: Callable[..., cdk.App]) -> None:
    template = synth_example(app_factory(instanceId="abcd-1234"))
    assert "InstanceId" not in template.get("Parameters", {})
    ssm_parameter = next(
        r for r in template["Resources"].values() if r["Type"] == "AWS::SSM::Parameter"
    )
    assert ssm_parameter["Properties"]["Value"] == "abcd-1234"


def test_example_stack_is_environment_agnostic(app_factory: Callable[..., cdk.App]) -> None:
    _, stack = load_example_app().build_app(app_factory())
    assert cdk.Token.is_unresolved(stack.account) and cdk.Token.is_unresolved(stack.region)


def test_a_second_synth_into_the_same_cloud_assembly_reuses_the_staged_asset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The asset's hash is known before bundling (docs/performance.md), so a synth into an
    output directory that already holds the asset does not strip the runtime again; a new
    output directory does."""
    from cdk_support import new_app

    from constructs_lib.broker import bundling

    staged: list[Path] = []
    stage = bundling.stage

    def spy(source: Path, output_dir: Path, files: Sequence[str]) -> None:
        staged.append(output_dir)
        stage(source, output_dir, files)

    monkeypatch.setattr(bundling, "stage", spy)

    def synth_into(outdir: Path) -> set[str]:
        cdk.AssetStaging.clear_asset_hash_cache()  # as a new process starts
        app = new_app(outdir)
        synth_example(app)
        return {path.name for path in outdir.glob("asset.*")}

    first = synth_into(tmp_path / "out")
    assert len(first) == 1 and len(staged) == 1
    assert synth_into(tmp_path / "out") == first
    assert len(staged) == 1, "the staged asset was bundled again"
    assert synth_into(tmp_path / "other") == first
    assert len(staged) == 2
