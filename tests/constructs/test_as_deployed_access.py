"""Who gets through API Gateway, evaluated over the synthesized resource policy with AWS's
documented authorization workflow (aws_rules.resource_policy): principal allowlists against
same-account admins and other accounts, the CORS preflight, private endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_rules.intrinsics import PSEUDO, evaluate
from aws_rules.resource_policy import AuthType, Caller, authorized
from broker_support import Synthesized, new_stack, synth_broker

from constructs_lib import BrokerAuthorization, BrokerEndpoint, ConnectInstance, ParticipantBroker

API_ACCOUNT = PSEUDO["AWS::AccountId"]
PARTNER = "210987654321"
STRANGER = "555555555555"
LISTED_ROLE = f"arn:aws:iam::{API_ACCOUNT}:role/app/broker-caller"
ADMIN_ROLE = f"arn:aws:iam::{API_ACCOUNT}:role/Admin"
PARTNER_ROLE = f"arn:aws:iam::{PARTNER}:role/partner-app"
STRANGER_ROLE = f"arn:aws:iam::{STRANGER}:role/app"
ENDPOINT = "vpce-0123456789abcdef0"
POST = "execute-api:/v1/POST/contacts/c-1/participants"
OPTIONS = "execute-api:/v1/OPTIONS/contacts/c-1/participants"
ORIGIN = "https://app.example.com"


def caller(arn: str | None, *, allows: bool = False, vpce: str | None = None) -> Caller:
    account = None if arn is None else arn.split(":")[4]
    return Caller(arn, account, source_vpce=vpce, identity_allows=allows)


ANONYMOUS = caller(None)


def policy_of(synth: Synthesized) -> dict[str, Any] | None:
    policy = synth.only("AWS::ApiGateway::RestApi").get("Policy")
    return None if policy is None else evaluate(policy, {})


def with_endpoint(stack: cdk.Stack) -> dict[str, Any]:
    endpoint = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "Endpoint", vpc_endpoint_id=ENDPOINT, port=443
    )
    return {"endpoint": BrokerEndpoint.private([endpoint])}


@pytest.fixture(scope="module")
def allowlisted(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(
        app_factory,
        authorization=BrokerAuthorization.iam(
            allowed_principals=[iam.ArnPrincipal(LISTED_ROLE), iam.AccountPrincipal(PARTNER)]
        ),
        cors_allowed_origins=[ORIGIN],
    )


@pytest.fixture(scope="module")
def private(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, setup=with_endpoint, cors_allowed_origins=[ORIGIN])


@pytest.fixture(scope="module")
def private_allowlisted(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(
        app_factory,
        setup=with_endpoint,
        authorization=BrokerAuthorization.iam(allowed_principals=[iam.ArnPrincipal(LISTED_ROLE)]),
    )


@pytest.fixture(scope="module")
def private_cognito(app_factory: Callable[..., cdk.App]) -> Synthesized:
    def setup(stack: cdk.Stack) -> dict[str, Any]:
        pool = cognito.UserPool(stack, "Pool")
        return {**with_endpoint(stack), "authorization": BrokerAuthorization.cognito(pool)}

    return synth_broker(app_factory, setup=setup, cors_allowed_origins=[ORIGIN])


#: (broker, method auth, caller, resource, let through?) — each row one documented case.
CASES = [
    # allowed_principals: only the listed role and the partner account's principals
    ("allowlisted", "AWS_IAM", caller(LISTED_ROLE, allows=True), POST, True),
    ("allowlisted", "AWS_IAM", caller(LISTED_ROLE), POST, True),
    ("allowlisted", "AWS_IAM", caller(ADMIN_ROLE, allows=True), POST, False),
    ("allowlisted", "AWS_IAM", caller(ADMIN_ROLE), POST, False),
    ("allowlisted", "AWS_IAM", caller(PARTNER_ROLE, allows=True), POST, True),
    ("allowlisted", "AWS_IAM", caller(PARTNER_ROLE), POST, False),
    ("allowlisted", "AWS_IAM", caller(STRANGER_ROLE, allows=True), POST, False),
    ("allowlisted", "AWS_IAM", ANONYMOUS, POST, False),
    ("allowlisted", "NONE", ANONYMOUS, OPTIONS, True),
    # a private API: any principal of the account its identity policy allows, through the
    # endpoint only; the preflight through the endpoint only
    ("private", "AWS_IAM", caller(ADMIN_ROLE, allows=True, vpce=ENDPOINT), POST, True),
    ("private", "AWS_IAM", caller(ADMIN_ROLE, allows=True), POST, False),
    ("private", "AWS_IAM", caller(ADMIN_ROLE, vpce=ENDPOINT), POST, False),
    ("private", "AWS_IAM", caller(PARTNER_ROLE, allows=True, vpce=ENDPOINT), POST, False),
    ("private", "NONE", caller(None, vpce=ENDPOINT), OPTIONS, True),
    ("private", "NONE", ANONYMOUS, OPTIONS, False),
    # both: listed and through the endpoint
    ("private_allowlisted", "AWS_IAM", caller(LISTED_ROLE, vpce=ENDPOINT), POST, True),
    ("private_allowlisted", "AWS_IAM", caller(LISTED_ROLE), POST, False),
    ("private_allowlisted", "AWS_IAM", caller(ADMIN_ROLE, allows=True, vpce=ENDPOINT), POST, False),
    # Cognito on a private API: the resource policy must allow explicitly
    ("private_cognito", "COGNITO_USER_POOLS", caller(None, vpce=ENDPOINT), POST, True),
    ("private_cognito", "COGNITO_USER_POOLS", ANONYMOUS, POST, False),
    ("private_cognito", "NONE", caller(None, vpce=ENDPOINT), OPTIONS, True),
]


@pytest.mark.parametrize(("broker", "auth", "who", "resource", "expected"), CASES)
def test_api_gateway_lets_through_exactly_who_it_should(
    request: pytest.FixtureRequest,
    broker: str,
    auth: AuthType,
    who: Caller,
    resource: str,
    expected: bool,
) -> None:
    synth: Synthesized = request.getfixturevalue(broker)
    methods = {
        m["Properties"]["HttpMethod"]: m["Properties"]["AuthorizationType"]
        for m in synth.template.find_resources("AWS::ApiGateway::Method").values()
    }
    assert methods[resource.split("/")[2]] == auth
    assert authorized(policy_of(synth), auth, who, resource, API_ACCOUNT) is expected


def test_without_allowlist_the_account_identity_policies_decide(
    app_factory: Callable[..., cdk.App],
) -> None:
    synth = synth_broker(app_factory)
    assert policy_of(synth) is None
    assert authorized(None, "AWS_IAM", caller(ADMIN_ROLE, allows=True), POST, API_ACCOUNT)
    assert not authorized(None, "AWS_IAM", caller(PARTNER_ROLE, allows=True), POST, API_ACCOUNT)


def test_a_role_allowlisted_by_its_construct_is_matched_by_its_arn(
    app_factory: Callable[..., cdk.App],
) -> None:
    stack = new_stack(app_factory)
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal(), path="/app/")
    ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id("i-1"),
        authorization=BrokerAuthorization.iam(allowed_principals=[role]),
    )
    template = cdk.assertions.Template.from_stack(stack).to_json()
    policy = next(
        r["Properties"]["Policy"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::RestApi"
    )
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": [stack.resolve(role.role_arn)]}}


def test_allowlist_takes_roles_users_and_accounts_only(
    app_factory: Callable[..., cdk.App],
) -> None:
    # Wildcards and principals with conditions: test_allowed_principals.py.
    with pytest.raises(ValueError, match="allowed_principals takes IAM roles, IAM users and"):
        ParticipantBroker(
            new_stack(app_factory),
            "Broker",
            instance=ConnectInstance.from_id("i-1"),
            authorization=BrokerAuthorization.iam(
                allowed_principals=[iam.ServicePrincipal("lambda.amazonaws.com")]
            ),
        )
