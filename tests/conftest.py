"""Fixtures shared by the whole suite; helpers live in ``cdk_support``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from cdk_support import new_app


@pytest.fixture(scope="session")
def app_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., cdk.App]:
    """Build a fresh ``App`` (cdk.json context, temporary outdir); keyword args add context."""

    def factory(**context: Any) -> cdk.App:
        return new_app(tmp_path_factory.mktemp("cdk"), **context)

    return factory
