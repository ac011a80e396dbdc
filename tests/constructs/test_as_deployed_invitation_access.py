"""Who gets through API Gateway to the invitation routes, evaluated over the synthesized resource
policy with AWS's documented authorization workflow (aws_rules.resource_policy): the redeem
route is open to anyone (through the VPC endpoint of a private API), never caught by the
principal allowlist's Deny; the other three routes are guarded exactly like the participants
route."""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_rules.resource_policy import AuthType, Caller, authorized
from broker_support import Synthesized, synth_broker
from test_as_deployed_access import (
    ADMIN_ROLE,
    ANONYMOUS,
    API_ACCOUNT,
    ENDPOINT,
    LISTED_ROLE,
    ORIGIN,
    PARTNER_ROLE,
    caller,
    policy_of,
    with_endpoint,
)

from constructs_lib import BrokerAuthorization, InvitationOptions

CREATE = "execute-api:/v1/POST/contacts/c-1/invitations"
LIST = "execute-api:/v1/GET/contacts/c-1/invitations"
REVOKE = "execute-api:/v1/DELETE/contacts/c-1/invitations/Vh2kQ9xW1mZr8TfA"
REDEEM = "execute-api:/v1/POST/invitations/redeem"
PREFLIGHTS = [
    "execute-api:/v1/OPTIONS/contacts/c-1/invitations",
    "execute-api:/v1/OPTIONS/contacts/c-1/invitations/Vh2kQ9xW1mZr8TfA",
    "execute-api:/v1/OPTIONS/invitations/redeem",
]


@pytest.fixture(scope="module")
def allowlisted(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(
        app_factory,
        invitations=InvitationOptions(),
        authorization=BrokerAuthorization.iam(allowed_principals=[iam.ArnPrincipal(LISTED_ROLE)]),
        cors_allowed_origins=[ORIGIN],
    )


@pytest.fixture(scope="module")
def private(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(
        app_factory,
        setup=with_endpoint,
        invitations=InvitationOptions(),
        cors_allowed_origins=[ORIGIN],
    )


THROUGH = caller(None, vpce=ENDPOINT)
CASES = [
    # the allowlist guards the three authorized routes as it guards the participants route
    *[
        ("allowlisted", "AWS_IAM", caller(LISTED_ROLE), route, True)
        for route in (CREATE, LIST, REVOKE)
    ],
    *[
        ("allowlisted", "AWS_IAM", caller(ADMIN_ROLE, allows=True), route, False)
        for route in (CREATE, LIST, REVOKE)
    ],
    ("allowlisted", "AWS_IAM", caller(PARTNER_ROLE, allows=True), CREATE, False),
    ("allowlisted", "AWS_IAM", ANONYMOUS, CREATE, False),
    # ... and never catches the redeem route or the preflights in its Deny
    ("allowlisted", "NONE", ANONYMOUS, REDEEM, True),
    ("allowlisted", "NONE", caller(ADMIN_ROLE), REDEEM, True),
    *[("allowlisted", "NONE", ANONYMOUS, route, True) for route in PREFLIGHTS],
    # a private API: the redeem route through the endpoint only
    ("private", "NONE", THROUGH, REDEEM, True),
    ("private", "NONE", ANONYMOUS, REDEEM, False),
    ("private", "AWS_IAM", caller(ADMIN_ROLE, allows=True, vpce=ENDPOINT), CREATE, True),
    ("private", "AWS_IAM", caller(ADMIN_ROLE, allows=True), CREATE, False),
    *[("private", "NONE", THROUGH, route, True) for route in PREFLIGHTS],
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
    assert authorized(policy_of(synth), auth, who, resource, API_ACCOUNT) is expected


def test_the_participants_route_is_guarded_as_before(allowlisted: Synthesized) -> None:
    post = "execute-api:/v1/POST/contacts/c-1/participants"
    policy = policy_of(allowlisted)
    assert not authorized(policy, "AWS_IAM", caller(ADMIN_ROLE, allows=True), post, API_ACCOUNT)
    assert not authorized(policy, "NONE", ANONYMOUS, post, API_ACCOUNT)
