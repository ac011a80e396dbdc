"""Whether API Gateway lets a caller invoke a method, given the API's resource policy.

API Gateway developer guide, "How API Gateway resource policies affect authorization workflow"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html):
* resource policy only (a method without authentication, such as a CORS preflight): the caller
  needs an explicit Allow; an implicit or explicit deny denies it;
* IAM authentication: the caller must sign its request; then, same account (Table A): any
  explicit Deny denies, otherwise an Allow in *either* the identity policy or the resource
  policy allows; another account (Table B): it needs an Allow in *both*;
* Amazon Cognito authentication: after the token is validated, the resource policy must
  explicitly allow the caller;
* Lambda authorizer: an explicit Deny of the resource policy denies before the authorizer runs;
  then Table A, with the authorizer's policy in place of the identity policy.
With no resource policy, the method's authorization alone decides (and another account's IAM
principal is never allowed).

IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements: Condition operators":
an explicit Deny overrides any Allow; the conditions of a statement are ANDed; a condition on
a key the request does not have is false, except with a negated operator (``...Not...``),
where it is true. "AWS global condition context keys": ``aws:PrincipalArn`` is the ARN of the
role (not of the session) or user making the request; ``aws:PrincipalAccount`` its account;
``aws:SourceVpce`` is present only for requests through a VPC endpoint. A resource policy whose
principal is an account (``arn:...:iam::ACCOUNT:root``) grants to the account, which delegates
to its identity policies ("Cross account resource access in IAM"): it lets a principal in only
together with an Allow of that principal's identity policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

AuthType = Literal["AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "NONE"]
Verdict = Literal["Allow", "AllowAccount", "Deny", None]
_ACCOUNT_ROOT = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):root")


@dataclass(frozen=True)
class Caller:
    """Who calls: ``principal_arn`` None is an anonymous (unsigned) caller."""

    principal_arn: str | None
    account: str | None
    source_vpce: str | None = None
    identity_allows: bool = False
    """Its identity policy (or the Lambda authorizer's policy) allows ``execute-api:Invoke``."""

    def context(self) -> dict[str, str]:
        keys = {
            "aws:PrincipalArn": self.principal_arn,
            "aws:PrincipalAccount": self.account,
            "aws:SourceVpce": self.source_vpce,
        }
        return {key: value for key, value in keys.items() if value is not None}


def _pattern(value: str) -> re.Pattern[str]:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
    )


def _values(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


_OPERATORS = {
    "StringEquals": (False, lambda actual, wanted: actual == wanted),
    "StringNotEquals": (True, lambda actual, wanted: actual == wanted),
    "ArnEquals": (False, lambda actual, wanted: bool(_pattern(wanted).fullmatch(actual))),
    "ArnLike": (False, lambda actual, wanted: bool(_pattern(wanted).fullmatch(actual))),
    "ArnNotEquals": (True, lambda actual, wanted: bool(_pattern(wanted).fullmatch(actual))),
    "ArnNotLike": (True, lambda actual, wanted: bool(_pattern(wanted).fullmatch(actual))),
}


def _conditions_hold(
    conditions: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]
) -> bool:
    for operator, keys in conditions.items():
        negated, matches = _OPERATORS[operator]
        for key, wanted in keys.items():
            if key not in context:
                if not negated:
                    return False
                continue
            hit = any(matches(context[key], value) for value in _values(wanted))
            if hit == negated:
                return False
    return True


def _principal(statement: Mapping[str, Any], caller: Caller) -> Verdict:
    """``Allow`` when the statement names the caller, ``AllowAccount`` when it names the
    caller's account, else None."""
    principal = statement["Principal"]
    names = _values(principal) if isinstance(principal, str) else _values(principal["AWS"])
    if "*" in names:
        return "Allow"
    if caller.principal_arn is not None and caller.principal_arn in names:
        return "Allow"
    accounts = {m.group(1) for m in map(_ACCOUNT_ROOT.fullmatch, names) if m}
    accounts |= {name for name in names if re.fullmatch(r"\d{12}", name)}
    return "AllowAccount" if caller.account in accounts else None


def evaluate(policy: Mapping[str, Any] | None, caller: Caller, resource: str) -> Verdict:
    """The resource policy's verdict for ``execute-api:Invoke`` on ``resource``
    (``execute-api:/STAGE/METHOD/PATH``): Deny, Allow, AllowAccount, or None (neither)."""
    if policy is None:
        return None
    verdict: Verdict = None
    for statement in policy["Statement"]:
        unknown = set(statement) - {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
        if unknown:
            raise NotImplementedError(f"policy elements {sorted(unknown)} are not transcribed")
        if "execute-api:Invoke" not in _values(statement["Action"]):
            continue
        if not any(_pattern(r).fullmatch(resource) for r in _values(statement["Resource"])):
            continue
        if not _conditions_hold(statement.get("Condition", {}), caller.context()):
            continue
        named = _principal(statement, caller)
        if named is None:
            continue
        if statement["Effect"] == "Deny":
            return "Deny"
        if verdict != "Allow":
            verdict = named
    return verdict


def authorized(
    policy: Mapping[str, Any] | None,
    auth_type: AuthType,
    caller: Caller,
    resource: str,
    api_account: str,
) -> bool:
    """Whether API Gateway lets ``caller`` reach the method (its authorization passed)."""
    verdict = evaluate(policy, caller, resource)
    if verdict == "Deny":
        return False
    if auth_type == "NONE":
        return policy is None or verdict == "Allow"
    if auth_type == "COGNITO_USER_POOLS":
        return policy is None or verdict == "Allow"
    if auth_type == "CUSTOM":
        return caller.identity_allows or verdict == "Allow"
    if caller.principal_arn is None:
        return False  # IAM authentication rejects an unsigned request
    if caller.account == api_account:
        return caller.identity_allows or verdict == "Allow"
    return caller.identity_allows and verdict in ("Allow", "AllowAccount")


def principal_problems(principal: str | Mapping[str, Any]) -> list[str]:
    """What is wrong with a ``Principal`` element that is meant to name callers.

    IAM User Guide, "AWS JSON policy elements: Principal"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
    ``"*"`` or ``{"AWS": "*"}`` is every principal, and with ``Allow`` in a resource-based policy
    "grants access to all users, including anonymous users (public access)"; "You cannot use a
    wildcard to match part of a principal name or ARN".
    """
    names = _values(principal) if isinstance(principal, str) else _values(principal["AWS"])
    problems = []
    for name in names:
        if name == "*":
            problems.append("'*' names every principal")
        elif "*" in name or "?" in name:
            problems.append(f"{name!r} matches part of an ARN")
    return problems
