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
* a method without authentication (the CORS preflight) is let in only by an explicit Allow of
  the resource policy, so a preflight is allowed for anyone (exactly ``OPTIONS``) whenever a
  resource policy exists; the VPC-endpoint Deny still applies to it.
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
    """Sort ``allowed_principals`` into ARNs and accounts; reject what the Deny cannot match."""
    arns: list[str] = []
    accounts: list[str] = []
    for principal in principals:
        if isinstance(principal, iam.AccountPrincipal):
            accounts.append(str(principal.account_id))
            continue
        values = principal.policy_fragment.principal_json.get("AWS")
        if values is None or len(values) != 1 or isinstance(principal, iam.AnyPrincipal):
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


def resource_policy(
    *,
    authorization_type: apigateway.AuthorizationType,
    listed: Allowlist | None,
    vpce_ids: Sequence[str],
    cors: bool,
) -> iam.PolicyDocument | None:
    """The API's resource policy, or ``None`` when neither an allowlist nor a private endpoint
    asks for one (then the method's authorization alone decides)."""
    if listed is None and not vpce_ids:
        return None
    post = route_arn("POST")
    statements: list[iam.PolicyStatement] = []
    if listed is not None:
        statements += [
            iam.PolicyStatement(
                sid="AllowListedPrincipals",
                actions=["execute-api:Invoke"],
                resources=[post],
                principals=list(listed.principals),
            ),
            iam.PolicyStatement(
                sid="DenyUnlistedPrincipals",
                effect=iam.Effect.DENY,
                actions=["execute-api:Invoke"],
                resources=[post],
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
                resources=[post],
                principals=[everyone],
            )
        )
    if cors:
        statements.append(
            iam.PolicyStatement(
                sid="AllowCorsPreflight",
                actions=["execute-api:Invoke"],
                resources=[route_arn("OPTIONS")],
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
