"""Fixtures shared by the whole suite; helpers live in ``cdk_support``.

The CDK is imported only when a test asks for an app: importing ``aws_cdk`` starts a Node.js
process, which the runtime tests do not need (and ``make mutate`` keeps out of its workers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import aws_cdk as cdk
    from integ_support import IntegApp


@pytest.fixture(scope="session")
def app_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., cdk.App]:
    """Build a fresh ``App`` (cdk.json context, temporary outdir); keyword args add context."""
    from cdk_support import new_app

    def factory(**context: Any) -> cdk.App:
        return new_app(tmp_path_factory.mktemp("cdk"), **context)

    return factory


@pytest.fixture(scope="session")
def integ_apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, IntegApp]:
    """The integration test apps (tests/integ/integ_*.py), synthesized once: file name -> app."""
    from integ_support import app_files, synthesize

    return {path.name: synthesize(path, tmp_path_factory.mktemp(path.stem)) for path in app_files()}
