"""Optional dependencies: the extra that brings each one, and a check that fails early.

The client and the local broker need botocore, which a CDK-only install lacks; the local
broker's invitation table needs moto. Each checks when it is created (not on its first
request) and names the extra that installs what is missing.
"""

from __future__ import annotations

import importlib.util
from typing import Final

DISTRIBUTION: Final = "connect-participant-broker"
#: The extra that installs what ``BrokerClient`` and ``participant-broker-local`` need.
CLIENT_EXTRA: Final = "client"
#: The extra that installs what the local broker's invitation routes need (moto's DynamoDB).
LOCAL_EXTRA: Final = "local"


class MissingExtraError(ModuleNotFoundError):
    """A module an optional feature needs is not installed; the message names the extra."""


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(
    module: str, *, feature: str, extra: str = CLIENT_EXTRA, package: str | None = None
) -> None:
    """Raise :class:`MissingExtraError` naming ``extra`` unless ``module`` can be imported;
    ``package``: what else installs it (by default ``module``)."""
    if is_installed(module):
        return
    alone = f"'{package}'" if package else module
    raise MissingExtraError(
        f"{feature} needs {module}, which is not installed; install the package with its "
        f"{extra!r} extra: pip install '{DISTRIBUTION}[{extra}]' (or pip install {alone})",
        name=module,
    )
