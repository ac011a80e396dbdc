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


def allowlist(principals: Sequence[iam.IPrincipal]) -> Allowlist:
    """Sort ``allowed_principals`` (checked: ``_checks.allowed_principals``) into ARNs and
    accounts."""
    arns: list[str] = []
    accounts: list[str] = []
    for principal in principals:
        if isinstance(principal, iam.AccountPrincipal):
            accounts.append(str(principal.account_id))
        else:
            arns.append(principal.policy_fragment.principal_json["AWS"][0])
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
