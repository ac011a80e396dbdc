"""The integration test apps (``tests/integ/integ_*.py``) as their snapshots see them.

Each app is synthesized in-process with the placeholder instance ID and compared with its
committed ``<app>.snapshot/`` directory: ``integ.json`` (the test cases) and one
``<stack>.template.json`` per stack (the test stack and its assertion stack). As integ-runner
compares snapshots, asset hashes do not count (editing runtime/ or the probe changes only
them); nor do the assertion custom resources' ``salt`` (``Date.now()`` at synth, so that every
deploy runs them again). The committed files hold exactly what is compared: hashes and salts
masked. ``make integ-update`` (``pytest tests/integ --snapshot-update``) rewrites them.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import cx_api
from cdk_support import CDK_CONTEXT, ROOT, app_with, mask_assets

INTEG_DIR = ROOT / "tests" / "integ"
#: cdk.json's flags, without the path, asset and version metadata and the creation stack
#: traces, which integ-runner also leaves out of snapshots (they record the machine, not the
#: infrastructure). ``make integ`` deploys with the same switches.
SNAPSHOT_CONTEXT: dict[str, Any] = {
    **CDK_CONTEXT,
    "aws:cdk:disable-creation-stack-traces": True,
    "aws:cdk:enable-path-metadata": False,
    "aws:cdk:enable-asset-metadata": False,
    "aws:cdk:version-reporting": False,
}
UPDATE_COMMAND = "make integ-update"
SALT = "<salt>"


def app_files() -> list[Path]:
    """The integration test apps, as integ-runner's Python preset finds them."""
    return sorted(INTEG_DIR.glob("integ_*.py"))


def committed_stacks(*, assertions: bool = True) -> list[tuple[str, str]]:
    """(app file name, stack name) of every stack the committed snapshots name: each test
    stack, then (``assertions``) its assertion stack. Known before anything is synthesized, for
    parametrizing tests."""
    found = []
    for path in app_files():
        integ = path.with_name(f"{path.name}.snapshot") / "integ.json"
        if not integ.is_file():
            continue
        for case in json.loads(integ.read_text(encoding="utf-8"))["testCases"].values():
            found += [(path.name, name) for name in case["stacks"]]
            if assertions:
                found.append((path.name, case["assertionStackName"]))
    return found


@dataclass(frozen=True)
class IntegApp:
    """One integration test app, synthesized."""

    path: Path
    app: cdk.App
    assembly: cx_api.CloudAssembly
    test_cases: dict[str, Any]
    """``integ.json``'s test cases."""

    @property
    def snapshot_dir(self) -> Path:
        return self.path.with_name(f"{self.path.name}.snapshot")

    def stack(self, name: str) -> cdk.Stack:
        """The stack ``name`` (the construct, for cdk-nag)."""
        found = self.app.node.find_child(name)
        assert isinstance(found, cdk.Stack), name
        return found

    @property
    def test_stacks(self) -> list[str]:
        return [name for case in self.test_cases.values() for name in case["stacks"]]

    @property
    def assertion_stacks(self) -> list[str]:
        return [case["assertionStackName"] for case in self.test_cases.values()]

    def template(self, name: str) -> dict[str, Any]:
        template: dict[str, Any] = self.assembly.get_stack_by_name(name).template
        return template

    def snapshot(self) -> dict[str, Any]:
        """File name -> content, as the snapshot directory holds it."""
        files: dict[str, Any] = {"integ.json": {"testCases": self.test_cases}}
        for name in self.test_stacks + self.assertion_stacks:
            files[f"{name}.template.json"] = comparable(self.template(name))
        return files


def synthesize(path: Path, outdir: Path) -> IntegApp:
    """Synthesize the app at ``path`` into ``outdir`` with the placeholder instance ID."""
    if str(INTEG_DIR) not in sys.path:
        sys.path.insert(0, str(INTEG_DIR))
    harness = importlib.import_module("harness")
    app = app_with(outdir, SNAPSHOT_CONTEXT)
    importlib.import_module(path.stem).build(app, harness.PLACEHOLDER_INSTANCE_ID)
    assembly = app.synth()
    test_cases = json.loads((outdir / "integ.json").read_text(encoding="utf-8"))["testCases"]
    return IntegApp(path=path, app=app, assembly=assembly, test_cases=test_cases)


def comparable(template: dict[str, Any]) -> dict[str, Any]:
    """``template`` with its asset hashes and the assertions' salts masked."""
    masked: dict[str, Any] = mask_assets(template)
    for resource in masked.get("Resources", {}).values():
        if "salt" in resource.get("Properties", {}):
            resource["Properties"]["salt"] = SALT
    return masked


def read_snapshot(directory: Path) -> dict[str, Any] | None:
    """The committed snapshot (file name -> content), ``None`` if there is none."""
    if not directory.is_dir():
        return None
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.json"))
    }


def write_snapshot(app: IntegApp) -> None:
    """Replace the app's snapshot directory with what it synthesizes now."""
    shutil.rmtree(app.snapshot_dir, ignore_errors=True)
    app.snapshot_dir.mkdir()
    for name, content in app.snapshot().items():
        (app.snapshot_dir / name).write_text(json.dumps(content, indent=1) + "\n", "utf-8")


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between two snapshots, one line per file, section or resource."""
    found = [f"{name}: only in the snapshot" for name in sorted(expected.keys() - actual)]
    found += [f"{name}: not in the snapshot" for name in sorted(actual.keys() - expected)]
    for name in sorted(expected.keys() & actual):
        old, new = expected[name], actual[name]
        if old == new:
            continue
        sections = sorted(set(old) | set(new))
        for section in sections:
            before, after = old.get(section), new.get(section)
            if before == after:
                continue
            if section == "Resources" and isinstance(before, dict) and isinstance(after, dict):
                found += [
                    f"{name}: resource {key} {_change(before.get(key), after.get(key))}"
                    for key in sorted(set(before) | set(after))
                    if before.get(key) != after.get(key)
                ]
            else:
                found.append(f"{name}: {section} changed")
    return found


def _change(before: Any, after: Any) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "changed"


def mismatches(pattern: Any, actual: Any, path: str = "", *, partial: bool = False) -> list[str]:
    """Where ``actual`` fails an assertion's ``expected`` (decoded from its JSON), as the
    assertion function judges it: aws-cdk.integ-tests-alpha's handler (``assertion.ts``,
    ``MatchCreator``) turns ``$ObjectLike``, ``$Exact``, ``$StringLike``, ``$SerializedJson`` and
    ``$ArrayWith`` into aws-cdk-lib's ``assertions.Match``; under ``objectLike`` nested objects
    are matched partially too, and arrays element by element at their full length."""
    where = path or "the answer"
    if isinstance(pattern, dict) and len(pattern) == 1 and next(iter(pattern)).startswith("$"):
        marker, value = next(iter(pattern.items()))
        if marker == "$ObjectLike":
            return mismatches(value, actual, path, partial=True)
        if marker == "$Exact":
            return mismatches(value, actual, path)
        if marker == "$StringLike":
            ok = isinstance(actual, str) and re.search(value, actual) is not None
            return [] if ok else [f"{where}: {actual!r} does not match /{value}/"]
        if marker == "$SerializedJson":
            if not isinstance(actual, str):
                return [f"{where}: {actual!r} is not a JSON string"]
            return mismatches(value, json.loads(actual), path)
        if marker == "$ArrayWith":
            return _array_with(value, actual, where)
        raise ValueError(f"{where}: unknown matcher {marker}")
    if isinstance(pattern, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        found = [f"{path}.{key}: missing" for key in pattern if key not in actual]
        if not partial:
            found += [f"{path}.{key}: unexpected" for key in actual if key not in pattern]
        for key in pattern.keys() & actual.keys():
            found += mismatches(pattern[key], actual[key], f"{path}.{key}", partial=partial)
        return found
    if isinstance(pattern, list):
        if not isinstance(actual, list) or len(actual) != len(pattern):
            return [f"{where}: expected {len(pattern)} items, got {actual!r}"]
        found = []
        for index, (item, got) in enumerate(zip(pattern, actual, strict=True)):
            found += mismatches(item, got, f"{path}[{index}]", partial=partial)
        return found
    return [] if pattern == actual else [f"{where}: expected {pattern!r}, got {actual!r}"]


def _array_with(pattern: list[Any], actual: Any, where: str) -> list[str]:
    """``arrayWith``: the items in this order, others between them allowed."""
    if not isinstance(actual, list):
        return [f"{where}: expected a list, got {actual!r}"]
    items = iter(actual)
    for item in pattern:
        if not any(not mismatches(item, got) for got in items):
            return [f"{where}: no item like {item!r} (in order)"]
    return []
