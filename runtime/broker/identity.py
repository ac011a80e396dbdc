"""The caller identity (CONTRACT v2.1), read where API Gateway puts it for ``AUTH_TYPE``;
docs/security.md says which string each authorization gives and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .apigw import mapping

AUTH_TYPES = ("AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "NONE")
#: The identity of every caller of an API without authentication.
ANONYMOUS = ""


class MissingIdentity(LookupError):
    """The event lacks the identity its API's authorization type always provides."""


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def principal(arn: str) -> str:
    """An assumed-role session's ARN without the session name (the role); others as they are."""
    parts = arn.split(":")
    resource = parts[-1].split("/")
    if (
        len(parts) == 6
        and parts[2] == "sts"
        and resource[0] == "assumed-role"
        and len(resource) == 3
    ):
        return arn.rpartition("/")[0]
    return arn


def caller_identity(event: Mapping[str, Any], auth_type: str, sessions: bool = False) -> str:
    """Return the caller's identity for an API authorized by ``auth_type`` (``sessions``: an
    assumed role's session ARN as it is). Raises :class:`MissingIdentity` when the place that
    type fills is empty (API Gateway always fills it)."""
    if auth_type == "NONE":
        return ANONYMOUS
    context = mapping(event.get("requestContext"))
    authorizer = mapping(context.get("authorizer"))
    if auth_type == "AWS_IAM":
        identity = mapping(context.get("identity"))
        pooled = identity.get("cognitoIdentityId")
        if pooled in (None, ""):
            arn = _text(identity.get("userArn"))
            value = arn if sessions or arn is None else principal(arn)
        else:
            value = _text(pooled)
    elif auth_type == "COGNITO_USER_POOLS":
        value = _text(mapping(authorizer.get("claims")).get("sub"))
    else:
        value = _text(authorizer.get("principalId"))
    if value is None:
        # The handler logs the authorization type, never this message:
        raise MissingIdentity(f"no {auth_type} caller identity in the event")  # pragma: no mutate
    return value
