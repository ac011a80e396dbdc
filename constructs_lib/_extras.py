"""Optional dependencies: the extra that brings each one, and a check that fails early.

The client and the local broker need botocore, which a CDK-only install lacks. They check for it
when they are created (not on their first request) and name the extra that installs it.
"""

from __future__ import annotations

import importlib.util
from typing import Final

DISTRIBUTION: Final = "connect-participant-broker"
#: The extra that installs what ``BrokerClient`` and ``participant-broker-local`` need.
CLIENT_EXTRA: Final = "client"


class MissingExtraError(ModuleNotFoundError):
    """A module an optional feature needs is not installed; the message names the extra."""


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module: str, *, feature: str, extra: str = CLIENT_EXTRA) -> None:
    """Raise :class:`MissingExtraError` naming ``extra`` unless ``module`` can be imported."""
    if is_installed(module):
        return
    raise MissingExtraError(
        f"{feature} needs {module}, which is not installed; install the package with its "
        f"{extra!r} extra: pip install '{DISTRIBUTION}[{extra}]' (or pip install {module})",
        name=module,
    )
