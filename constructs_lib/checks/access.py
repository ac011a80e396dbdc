"""Checks of who may call: the principal allowlist, the private endpoint, the grants."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import aws_iam as iam

from .tokens import is_unresolved

# -- who may call: the principal allowlist and the private endpoint ---------------------------

#: What to pass instead of a refused principal.
_LIST_THEM = (
    "list roles, users or accounts by name (iam.Role, "
    "iam.ArnPrincipal('arn:aws:iam::123456789012:role/app'), "
    "iam.AccountPrincipal('123456789012'))"
)


def allowed_principals(principals: Sequence[iam.IPrincipal]) -> None:
    """A non-empty allowlist of principals the resource policy can name one by one."""
    if not principals:
        raise ValueError(
            "allowed_principals must name at least one principal, got []; leave it unset for no "
            "resource policy"
        )
    for principal in principals:
        allowed_principal(principal)


#: A role session's ARN (IAM User Guide, "IAM identifiers"): its requests carry the role's ARN
#: as ``aws:PrincipalArn``, so the allowlist's Deny would refuse the session it names.
_ROLE_SESSION = re.compile(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.+")


def _wildcard(value: object) -> bool:
    """An IAM wildcard in a literal value (a token is not checked)."""
    text = str(value)
    return not is_unresolved(text) and ("*" in text or "?" in text)


def allowed_principal(principal: iam.IPrincipal) -> None:
    """A role, a user or an account, which the allowlist's Allow and Deny both apply as written.

    IAM User Guide, "AWS JSON policy elements: Principal": a ``*`` principal with Allow grants
    every principal of every account (and "You cannot use a wildcard to match part of a
    principal name or ARN"); the Deny matches ``aws:PrincipalArn`` and
    ``aws:PrincipalAccount`` only, so a principal's own conditions would bind the Allow alone
    and leave the Deny letting the principal through when they do not hold. Organizations
    (``aws:PrincipalOrgID``) are refused with them: an organization admits the principals of
    every account that joins it later, with no change a reviewer of this stack would see.
    """
    fragment = principal.policy_fragment
    shown = fragment.principal_json
    kind = type(principal).__name__
    if fragment.conditions:
        org = " (aws:PrincipalOrgID)" if "aws:PrincipalOrgID" in str(fragment.conditions) else ""
        raise ValueError(
            f"allowed_principals contains a principal with conditions{org}, got {kind} "
            f"{shown!r} with {dict(fragment.conditions)!r}; the allowlist's Deny matches "
            "principal ARNs and accounts only, so the conditions would not keep a listed "
            f"principal out: pass it without conditions, or {_LIST_THEM}; an organization is "
            "not supported, list its accounts instead"
        )
    values = [*shown.get("AWS", []), *shown.get("LiteralString", [])]
    if "*" in values:
        raise ValueError(
            f"allowed_principals contains '*' (every AWS principal), got {kind} {shown!r}, "
            f"which would let any AWS account call the API; {_LIST_THEM}, or leave "
            "allowed_principals unset for the principals of this account"
        )
    if isinstance(principal, iam.AccountPrincipal):
        if _wildcard(principal.account_id):
            raise ValueError(
                f"allowed_principals contains the account {principal.account_id!r}, which has "
                "a wildcard ('*' or '?'); a policy's Principal cannot match part of an account "
                "or ARN: name each 12-digit account ID, iam.AccountPrincipal('123456789012')"
            )
        return
    wild = [value for value in values if _wildcard(value)]
    if wild:
        raise ValueError(
            f"allowed_principals contains the ARN {wild[0]!r}, which has a wildcard ('*' or "
            "'?'); a policy's Principal cannot match part of an ARN, so the Allow would not "
            "name it: list each role or user by its full ARN, or its account with "
            "iam.AccountPrincipal"
        )
    session = next((m for m in map(_ROLE_SESSION.fullmatch, map(str, values)) if m), None)
    if session:
        partition, account, role = session.groups()
        raise ValueError(
            f"allowed_principals contains the role session {session.group(0)!r}; a session's "
            "requests carry its role's ARN as aws:PrincipalArn, so the allowlist's Deny would "
            f"refuse it: list the role, iam.ArnPrincipal('arn:{partition}:iam::{account}:role/"
            f"{role}') (with the role's path, if it has one)"
        )
    arns = shown.get("AWS")
    if arns is None or len(arns) != 1:
        raise ValueError(
            f"allowed_principals takes IAM roles, IAM users and accounts (iam.Role, "
            f"iam.ArnPrincipal, iam.AccountPrincipal), got {kind} {shown!r}; for any caller of "
            "the account, leave allowed_principals unset"
        )


def vpc_endpoints(endpoints: Sequence[object]) -> None:
    """A private API needs at least one VPC endpoint to be reached through."""
    if isinstance(endpoints, str) or not endpoints:
        raise ValueError(
            f"vpc_endpoints must name at least one execute-api VPC endpoint, got "
            f"{endpoints!r}; use BrokerEndpoint.regional() for a public endpoint"
        )


# -- grants -------------------------------------------------------------------------------------


def iam_grant(name: str, authorization: str) -> None:
    """API Gateway checks ``execute-api:Invoke`` permissions only for AWS_IAM methods, so a
    grant on a broker ``authorization`` (the runtime's name of it) authorizes otherwise would
    have no effect."""
    if authorization != "AWS_IAM":
        raise ValueError(
            f"{name} has no effect on a broker authorized by {authorization}: API Gateway "
            "checks execute-api:Invoke permissions only for AWS_IAM methods; give the caller a "
            "token of the user pool or authorizer instead, or use AWS_IAM (the default) and "
            f"{name}"
        )


def invitation_grant(invitations: bool) -> None:
    """``grant_invite`` names the invitation methods, which only a broker with invitations has."""
    if not invitations:
        raise ValueError(
            "grant_invite needs a broker with invitations, got a broker without invitations; "
            "pass invitations=InvitationOptions()"
        )
