"""Who is calling: the caller identity the API's authorization established (CONTRACT v2).

The construct tells the function how the API authenticates (``AUTH_TYPE``), and the identity
is read from the place API Gateway puts it for that type, never from a header the caller
controls:

* ``AWS_IAM``: the IAM principal's ARN, ``requestContext.identity.userArn`` (for a role
  session ``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``);
* ``COGNITO_USER_POOLS``: the token's ``sub`` claim, ``requestContext.authorizer.claims.sub``;
* ``CUSTOM``: the Lambda authorizer's ``principalId``, ``requestContext.authorizer.principalId``;
* ``NONE``: no identity; every caller shares one scope (the empty string).

Sources: API Gateway developer guide, "Set up a proxy integration with a proxy resource"
(the input format of a Lambda function for proxy integration) and "$context variables for
data models, authorizers, mapping templates, and access logging".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

AUTH_TYPES = ("AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "NONE")
#: The identity of every caller of an API without authentication.
ANONYMOUS = ""


class MissingIdentity(LookupError):
    """The event lacks the identity its API's authorization type always provides."""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def caller_identity(event: Mapping[str, Any], auth_type: str) -> str:
    """Return the caller's identity for an API authorized by ``auth_type``.

    Raises :class:`MissingIdentity` when the place that type fills is empty (API Gateway
    always fills it, so this means the function is not behind the API it was built for).
    """
    if auth_type == "NONE":
        return ANONYMOUS
    context = _mapping(event.get("requestContext"))
    if auth_type == "AWS_IAM":
        value = _text(_mapping(context.get("identity")).get("userArn"))
    elif auth_type == "COGNITO_USER_POOLS":
        claims = _mapping(_mapping(context.get("authorizer")).get("claims"))
        value = _text(claims.get("sub"))
    else:
        value = _text(_mapping(context.get("authorizer")).get("principalId"))
    if value is None:
        # The handler logs the authorization type, never this message:
        raise MissingIdentity(f"no {auth_type} caller identity in the event")  # pragma: no mutate
    return value
