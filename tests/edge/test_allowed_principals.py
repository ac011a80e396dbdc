"""``allowed_principals`` names callers one by one: every wildcard, and every principal with
conditions, is refused at synth with what was received and what to pass instead; why, in IAM's
terms (aws_rules.resource_policy.principal_problems)."""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_rules.intrinsics import evaluate
from aws_rules.resource_policy import principal_problems
from broker_support import new_stack

from constructs_lib import BrokerAuthorization, ConnectInstance, ParticipantBroker

ROLE = "arn:aws:iam::123456789012:role/app"
LIST_THEM = (
    "list roles, users or accounts by name (iam.Role, "
    "iam.ArnPrincipal('arn:aws:iam::123456789012:role/app'), iam.AccountPrincipal('123456789012'))"
)
EVERYONE = (
    "allowed_principals contains '*' (every AWS principal), got {kind} {json}, which would let "
    f"any AWS account call the API; {LIST_THEM}, or leave allowed_principals unset for the "
    "principals of this account"
)
PARTIAL_ARN = (
    "allowed_principals contains the ARN {arn!r}, which has a wildcard ('*' or '?'); a policy's "
    "Principal cannot match part of an ARN, so the Allow would not name it: list each role or "
    "user by its full ARN, or its account with iam.AccountPrincipal"
)
PARTIAL_ACCOUNT = (
    "allowed_principals contains the account {account!r}, which has a wildcard ('*' or '?'); a "
    "policy's Principal cannot match part of an account or ARN: name each 12-digit account ID, "
    "iam.AccountPrincipal('123456789012')"
)
WITH_CONDITIONS = (
    "allowed_principals contains a principal with conditions{org}, got {kind} {json} with "
    "{conditions}; the allowlist's Deny matches principal ARNs and accounts only, so the "
    "conditions would not keep a listed principal out: pass it without conditions, or "
    f"{LIST_THEM}; an organization is not supported, list its accounts instead"
)
ORG = "o-abcdefghij"
VPCE = {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}

#: (principal, the exact message)
REFUSED: dict[str, tuple[Callable[[], iam.IPrincipal], str]] = {
    "any": (
        iam.AnyPrincipal,
        EVERYONE.format(kind="AnyPrincipal", json="{'AWS': ['*']}"),
    ),
    "star": (
        iam.StarPrincipal,
        EVERYONE.format(kind="StarPrincipal", json="{'LiteralString': ['*']}"),
    ),
    "arn-star": (
        lambda: iam.ArnPrincipal("*"),
        EVERYONE.format(kind="ArnPrincipal", json="{'AWS': ['*']}"),
    ),
    "account-star": (
        lambda: iam.AccountPrincipal("*"),
        PARTIAL_ACCOUNT.format(account="*"),
    ),
    "account-question-mark": (
        lambda: iam.AccountPrincipal("12345678901?"),
        PARTIAL_ACCOUNT.format(account="12345678901?"),
    ),
    "arn-prefix": (
        lambda: iam.ArnPrincipal("arn:aws:iam::123456789012:role/app-*"),
        PARTIAL_ARN.format(arn="arn:aws:iam::123456789012:role/app-*"),
    ),
    "arn-any-account": (
        lambda: iam.ArnPrincipal("arn:aws:iam::*:role/app"),
        PARTIAL_ARN.format(arn="arn:aws:iam::*:role/app"),
    ),
    "arn-question-mark": (
        lambda: iam.ArnPrincipal("arn:aws:iam::123456789012:user/ap?"),
        PARTIAL_ARN.format(arn="arn:aws:iam::123456789012:user/ap?"),
    ),
    "with-conditions": (
        lambda: iam.ArnPrincipal(ROLE).with_conditions(VPCE),
        WITH_CONDITIONS.format(
            org="",
            kind="PrincipalWithConditions",
            json=f"{{'AWS': [{ROLE!r}]}}",
            conditions=repr(VPCE),
        ),
    ),
    "role-session": (
        lambda: iam.ArnPrincipal("arn:aws-cn:sts::123456789012:assumed-role/app/i-0abc"),
        "allowed_principals contains the role session "
        "'arn:aws-cn:sts::123456789012:assumed-role/app/i-0abc'; a session's requests carry its "
        "role's ARN as aws:PrincipalArn, so the allowlist's Deny would refuse it: list the role, "
        "iam.ArnPrincipal('arn:aws-cn:iam::123456789012:role/app') (with the role's path, if it "
        "has one)",
    ),
    "organization": (
        lambda: iam.OrganizationPrincipal(ORG),
        WITH_CONDITIONS.format(
            org=" (aws:PrincipalOrgID)",
            kind="OrganizationPrincipal",
            json="{'AWS': ['*']}",
            conditions=repr({"StringEquals": {"aws:PrincipalOrgID": ORG}}),
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_wildcards_conditions_and_sessions_are_refused_at_synth(
    app_factory: Callable[..., cdk.App], case: str
) -> None:
    make, message = REFUSED[case]
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(
            new_stack(app_factory),
            "Broker",
            instance=ConnectInstance.from_id("i-1"),
            authorization=BrokerAuthorization.iam(
                allowed_principals=[iam.ArnPrincipal(ROLE), make()]
            ),
        )
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "case", ["any", "star", "arn-star", "account-star", "arn-prefix", "arn-any-account"]
)
def test_each_refused_wildcard_is_one_iam_says_cannot_name_callers(
    app_factory: Callable[..., cdk.App], case: str
) -> None:
    # What the Allow statement's Principal would have held, as CloudFormation resolves it.
    stack = new_stack(app_factory)
    principal = evaluate(stack.resolve(REFUSED[case][0]().policy_fragment.principal_json), {})
    assert principal_problems({"AWS": principal.get("AWS") or principal["LiteralString"]}) != []


def test_unresolved_principals_are_not_checked(app_factory: Callable[..., cdk.App]) -> None:
    stack = new_stack(app_factory)
    arn = cdk.CfnParameter(stack, "CallerArn").value_as_string
    account = cdk.CfnParameter(stack, "PartnerAccount").value_as_string
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id("i-1"),
        authorization=BrokerAuthorization.iam(
            allowed_principals=[iam.ArnPrincipal(arn), iam.AccountPrincipal(account)]
        ),
    )
    assert broker.rest_api is not None
