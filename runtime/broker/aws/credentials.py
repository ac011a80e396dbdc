"""The execution role's credentials that Lambda sets in ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .errors import ConfigurationError


class Credentials(NamedTuple):
    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(access_key={self.access_key!r}, secret_key=..., token=...)"


def from_environ(environ: Mapping[str, str]) -> Credentials:
    """The credentials; a :class:`ConfigurationError` naming what is missing."""
    access_key = environ.get("AWS_ACCESS_KEY_ID", "")
    secret_key = environ.get("AWS_SECRET_ACCESS_KEY", "")
    missing = [
        name
        for name, value in (
            ("AWS_ACCESS_KEY_ID", access_key),
            ("AWS_SECRET_ACCESS_KEY", secret_key),
        )
        if not value
    ]
    if missing:
        raise ConfigurationError(
            f"no AWS credentials: {' and '.join(missing)} not set in the environment; Lambda "
            "sets them from the function's execution role (outside Lambda, export them)"
        )
    return Credentials(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)
