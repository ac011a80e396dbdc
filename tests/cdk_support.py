"""Helpers for tests that synthesize: a CDK ``App`` with the same context as ``cdk.json``.

Tests that synthesize never write to ``cdk.out/``: every app gets its own temporary outdir.
Import from here (``from cdk_support import ...``), never from a ``conftest`` module: with
several ``conftest.py`` files, which one ``import conftest`` finds depends on the run.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import aws_cdk as cdk

ROOT = Path(__file__).resolve().parents[1]
#: The ``context`` block of cdk.json: the feature flags ``cdk synth`` runs with.
CDK_CONTEXT: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
#: An asset hash (the SHA-256 in an S3Key, an asset path or an asset manifest).
ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def new_app(outdir: Path, **context: Any) -> cdk.App:
    """An ``App`` with cdk.json's context (plus ``context``), synthesizing into ``outdir``."""
    return app_with(outdir, {**CDK_CONTEXT, **context})


def app_with(outdir: Path, context: dict[str, Any]) -> cdk.App:
    """An ``App`` with exactly ``context``, synthesizing into ``outdir``.

    aws-cdk-lib's built-in CloudFormation validation is off: it costs 2-3 s of CPU per process
    before it checks anything, cfn-lint checks every template the tests write, and the
    packaging test synthesizes a consumer app through the pinned CLI with it on.
    """
    return cdk.App(outdir=str(outdir), context=context, builtin_cloud_formation_validation=False)


def load_module(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` (for files not on ``sys.path``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def load_example_app() -> ModuleType:
    """Import the repository's ``app.py`` as a module (it is not on ``sys.path``)."""
    return load_module(ROOT / "app.py", "example_app")


def mask_assets(value: Any) -> Any:
    """Replace every asset hash (S3Key, asset metadata) with a fixed marker."""
    if isinstance(value, dict):
        return {key: mask_assets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_assets(item) for item in value]
    if isinstance(value, str):
        return ASSET_HASH.sub("<asset-hash>", value)
    return value
