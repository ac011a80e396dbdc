"""Who may reach the API: its resource policy (principal allowlist, CORS preflight, private
endpoints), as API Gateway evaluates it.

API Gateway developer guide, "How API Gateway resource policies affect authorization workflow":

* with AWS_IAM, a caller in the API's own account is let in by an Allow in *either* its identity
  policy *or* the resource policy; only an explicit Deny keeps out a same-account principal whose
  identity policy allows ``execute-api:Invoke`` on ``*``. So a principal allowlist is an Allow for
  the listed principals *and* a Deny for everyone else (``aws:PrincipalArn`` /
  ``aws:PrincipalAccount``);
* a caller in another account needs an Allow in both: the resource policy names it, and its own
  identity policy must allow ``execute-api:Invoke`` on the method;
* a method without authentication (the CORS preflight, the invitation redeem route) is let in
  only by an explicit Allow of the resource policy, so whenever a resource policy exists, the
  preflight (exactly ``OPTIONS``) and redeem (exactly ``POST /invitations/redeem``) are allowed
  for anyone, and the principal allowlist's Deny names the authenticated routes only, never
  them; the VPC-endpoint Deny still applies to both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam

from . import defaults
from ._validation import is_unresolved

#: Every method and resource the API serves, in resource-policy form.
_ALL = "execute-api:/*"


def route_arn(method: str, path: str = defaults.RESOURCE_PATH) -> str:
    """A route in resource-policy form, any stage, path parameters as ``*``:
    ``execute-api:/*/POST/contacts/*/participants``."""
    segments = ["*" if part.startswith("{") else part for part in path.strip("/").split("/")]
    return f"execute-api:/*/{method}/{'/'.join(segments)}"


@dataclass(frozen=True)
class Allowlist:
    """The principals of ``allowed_principals``, as the resource policy's Deny matches them."""

    principals: tuple[iam.IPrincipal, ...]
    arns: tuple[str, ...]
    """Role and user ARNs, matched against ``aws:PrincipalArn``."""
    accounts: tuple[str, ...]
    """Account IDs (an account principal admits every principal of that account)."""


#: What to pass instead of a refused principal.
_LIST_THEM = (
    "list roles, users or accounts by name (iam.Role, "
    "iam.ArnPrincipal('arn:aws:iam::123456789012:role/app'), "
    "iam.AccountPrincipal('123456789012'))"
)


def _wildcard(value: object) -> bool:
    """An IAM wildcard in a literal value (a token is not checked)."""
    text = str(value)
    return not is_unresolved(text) and ("*" in text or "?" in text)


def _refuse_unmatchable(principal: iam.IPrincipal) -> None:
    """Refuse what the allowlist's Allow and Deny cannot both apply as written.

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
    if fragment.conditions:
        org = " (aws:PrincipalOrgID)" if "aws:PrincipalOrgID" in str(fragment.conditions) else ""
        raise ValueError(
            f"allowed_principals contains a principal with conditions{org}, got "
            f"{type(principal).__name__} {shown!r} with {dict(fragment.conditions)!r}; the "
            "allowlist's Deny matches principal ARNs and accounts only, so the conditions would "
            f"not keep a listed principal out: pass it without conditions, or {_LIST_THEM}; an "
            "organization is not supported, list its accounts instead"
        )
    values = [*shown.get("AWS", []), *shown.get("LiteralString", [])]
    if "*" in values:
        raise ValueError(
            f"allowed_principals contains '*' (every AWS principal), got "
            f"{type(principal).__name__} {shown!r}, which would let any AWS account call the "
            f"API; {_LIST_THEM}, or leave allowed_principals unset for the principals of this "
            "account"
        )
    if isinstance(principal, iam.AccountPrincipal) and _wildcard(principal.account_id):
        raise ValueError(
            f"allowed_principals contains the account {principal.account_id!r}, which has a "
            "wildcard ('*' or '?'); a policy's Principal cannot match part of an account or "
            "ARN: name each 12-digit account ID, iam.AccountPrincipal('123456789012')"
        )
    wild = [value for value in values if _wildcard(value)]
    if wild and not isinstance(principal, iam.AccountPrincipal):
        raise ValueError(
            f"allowed_principals contains the ARN {wild[0]!r}, which has a wildcard ('*' or "
            "'?'); a policy's Principal cannot match part of an ARN, so the Allow would not "
            "name it: list each role or user by its full ARN, or its account with "
            "iam.AccountPrincipal"
        )


def allowlist(principals: Sequence[iam.IPrincipal]) -> Allowlist:
    """Sort ``allowed_principals`` into ARNs and accounts; reject what the Allow and the Deny
    cannot match (unresolved tokens are not checked)."""
    arns: list[str] = []
    accounts: list[str] = []
    for principal in principals:
        _refuse_unmatchable(principal)
        if isinstance(principal, iam.AccountPrincipal):
            accounts.append(str(principal.account_id))
            continue
        values = principal.policy_fragment.principal_json.get("AWS")
        if values is None or len(values) != 1:
            raise ValueError(
                f"allowed_principals takes IAM roles, IAM users and accounts (iam.Role, "
                f"iam.ArnPrincipal, iam.AccountPrincipal), got {type(principal).__name__} "
                f"{principal.policy_fragment.principal_json!r}; for any caller of the account, "
                "leave allowed_principals unset"
            )
        arns.append(values[0])
    return Allowlist(tuple(principals), tuple(arns), tuple(accounts))


def _not_listed(listed: Allowlist) -> dict[str, dict[str, list[str]]]:
    """Conditions true for a principal that is not in the allowlist (conditions are ANDed)."""
    conditions: dict[str, dict[str, list[str]]] = {}
    if listed.arns:
        conditions["ArnNotLike"] = {"aws:PrincipalArn": list(listed.arns)}
    if listed.accounts:
        conditions["StringNotEquals"] = {"aws:PrincipalAccount": list(listed.accounts)}
    return conditions


def authenticated_routes(invitations: bool) -> list[str]:
    """The routes with the API's authorization, in resource-policy form."""
    routes = [route_arn("POST")]
    if invitations:
        routes += [
            route_arn("POST", defaults.INVITATIONS_PATH),
            route_arn("GET", defaults.INVITATIONS_PATH),
            route_arn("DELETE", defaults.INVITATION_PATH),
        ]
    return routes


def _resource_paths(invitations: bool) -> list[str]:
    """Every resource with methods (each has a CORS preflight when CORS is on)."""
    paths = [defaults.RESOURCE_PATH]
    if invitations:
        paths += [defaults.INVITATIONS_PATH, defaults.INVITATION_PATH, defaults.REDEEM_PATH]
    return paths


def resource_policy(
    *,
    authorization_type: apigateway.AuthorizationType,
    listed: Allowlist | None,
    vpce_ids: Sequence[str],
    cors: bool,
    invitations: bool = False,
) -> iam.PolicyDocument | None:
    """The API's resource policy, or ``None`` when neither an allowlist nor a private endpoint
    asks for one (then the method's authorization alone decides)."""
    if listed is None and not vpce_ids:
        return None
    authenticated = authenticated_routes(invitations)
    statements: list[iam.PolicyStatement] = []
    if listed is not None:
        statements += [
            iam.PolicyStatement(
                sid="AllowListedPrincipals",
                actions=["execute-api:Invoke"],
                resources=authenticated,
                principals=list(listed.principals),
            ),
            iam.PolicyStatement(
                sid="DenyUnlistedPrincipals",
                effect=iam.Effect.DENY,
                actions=["execute-api:Invoke"],
                resources=authenticated,
                principals=[iam.AnyPrincipal()],
                conditions=_not_listed(listed),
            ),
        ]
    else:
        # A private API without an allowlist: its methods' authorization decides. With AWS_IAM
        # the account's identity policies do (an account principal delegates to them); an
        # authorizer or Cognito needs an explicit Allow here to be consulted at all.
        everyone: iam.IPrincipal = (
            iam.AccountRootPrincipal()
            if authorization_type == apigateway.AuthorizationType.IAM
            else iam.AnyPrincipal()
        )
        statements.append(
            iam.PolicyStatement(
                sid="AllowInvoke",
                actions=["execute-api:Invoke"],
                resources=authenticated,
                principals=[everyone],
            )
        )
    if invitations:
        statements.append(
            iam.PolicyStatement(
                sid="AllowInvitationRedemption",
                actions=["execute-api:Invoke"],
                resources=[route_arn("POST", defaults.REDEEM_PATH)],
                principals=[iam.AnyPrincipal()],
            )
        )
    if cors:
        statements.append(
            iam.PolicyStatement(
                sid="AllowCorsPreflight",
                actions=["execute-api:Invoke"],
                resources=[route_arn("OPTIONS", path) for path in _resource_paths(invitations)],
                principals=[iam.AnyPrincipal()],
            )
        )
    if vpce_ids:
        statements.append(
            iam.PolicyStatement(
                sid="DenyOutsideVpcEndpoints",
                effect=iam.Effect.DENY,
                actions=["execute-api:Invoke"],
                resources=[_ALL],
                principals=[iam.AnyPrincipal()],
                conditions={"StringNotEquals": {"aws:SourceVpce": list(vpce_ids)}},
            )
        )
    return iam.PolicyDocument(statements=statements)
