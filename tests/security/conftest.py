"""Fixtures for the security tests: the scanned stacks, synthesized once per session.

The runtime tests' helpers (``tests/runtime/runtime_support.py``: API Gateway events, the
fake Lambda context, the default configuration) are reused, not copied.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import aws_cdk as cdk
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))

from security_stacks import SecurityStacks, build


@pytest.fixture(scope="session")
def security_stacks(app_factory: Callable[..., cdk.App]) -> SecurityStacks:
    """The example stack and one stack per access and network option, synthesized once."""
    return build(app_factory())
