"""ParticipantBroker rejects invalid props with the exact message; tokens are not checked."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template
from broker_support import INSTANCE_ID, new_stack

from constructs_lib import (
    BrokerAuthorization,
    BrokerEndpoint,
    BrokerSecurityPolicy,
    ConnectInstance,
    ParticipantBroker,
)

ROLES = "AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT, SUPERVISOR"

CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "cors-wildcard",
        {"cors_allowed_origins": ["https://app.example.com", "*"]},
        "cors_allowed_origins contains '*', which would let any web site read the participant "
        "tokens this API returns; list the origins of your web apps, for example "
        "cors_allowed_origins=['https://app.example.com']",
    ),
    (
        "roles-string",
        {"allowed_roles": "AGENT"},
        "allowed_roles must be a list of roles, got the string 'AGENT'; "
        "write allowed_roles=['AGENT']",
    ),
    (
        "roles-empty",
        {"allowed_roles": []},
        f"allowed_roles must name at least one role, got []; valid roles: {ROLES}",
    ),
    (
        "roles-unknown",
        {"allowed_roles": ["CUSTOMER", "customer"]},
        f"allowed_roles contains 'customer', which is not a participant role; valid roles: {ROLES}",
    ),
    (
        "default-role-not-allowed",
        {"default_role": "AGENT"},
        "default_role must be one of allowed_roles ['CUSTOMER'], got 'AGENT'; add it to "
        "allowed_roles or choose an allowed role",
    ),
    (
        "default-role-ambiguous",
        {"allowed_roles": ["AGENT", "SYSTEM"]},
        "default_role is required when allowed_roles has several roles and not CUSTOMER, got "
        "allowed_roles=['AGENT', 'SYSTEM']; pass default_role= one of them",
    ),
    (
        "log-level",
        {"log_level": "info"},
        "log_level must be one of DEBUG, INFO, WARNING, ERROR, got 'info'; use the upper-case name",
    ),
    (
        "namespace-aws",
        {"metrics_namespace": "AWS/Lambda"},
        "metrics_namespace must be a CloudWatch custom namespace (1-255 letters, digits and "
        ". - _ / # : space, not starting with 'AWS/'), got 'AWS/Lambda'; for example "
        "'ConnectParticipantBroker'",
    ),
    (
        "memory",
        {"memory_size": 64},
        "memory_size must be between 128 and 10240 (MB), got 64; the default is 512",
    ),
    (
        "timeout",
        {"timeout": Duration.seconds(29)},
        "timeout must be between 1 and 28 seconds so the function answers before API "
        "Gateway's 29 s integration timeout, got 29 seconds; the default is 25 seconds",
    ),
    (
        "reserved-concurrency",
        {"reserved_concurrency": 0},
        "reserved_concurrency must be at least 1, got 0; leave it unset to use the account's "
        "unreserved concurrency",
    ),
    (
        "rate",
        {"throttling_rate_limit": 0},
        "throttling_rate_limit must be greater than 0 (requests per second), got 0; the "
        "default is 5",
    ),
    (
        "burst",
        {"throttling_burst_limit": 0},
        "throttling_burst_limit must be a whole number of at least 1, got 0; the default is 10",
    ),
    (
        "web-acl",
        {"web_acl_arn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"},
        "web_acl_arn must be the ARN of a REGIONAL WAFv2 web ACL "
        "(arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>), got "
        "'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1'; create the web ACL with "
        "scope REGIONAL in the API's Region",
    ),
    (
        "cors-empty",
        {"cors_allowed_origins": []},
        "cors_allowed_origins must be a non-empty list of origins, got []; for example "
        "cors_allowed_origins=['https://app.example.com'], or leave it unset for no CORS",
    ),
    (
        "cors-path",
        {"cors_allowed_origins": ["https://app.example.com/"]},
        "cors_allowed_origins contains 'https://app.example.com/', which is not an origin; "
        "write scheme://host[:port] with no path or trailing slash, for example "
        "'https://app.example.com'",
    ),
]


@pytest.mark.parametrize(("props", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_prop_is_rejected_with_exact_message(
    app_factory: Callable[..., cdk.App], props: dict[str, Any], message: str
) -> None:
    merged = {"instance": ConnectInstance.from_id(INSTANCE_ID), **props}
    with pytest.raises(ValueError) as raised:
        ParticipantBroker(new_stack(app_factory), "Broker", **merged)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("factory", "given", "message"),
    [
        (
            ConnectInstance.from_id,
            "",
            "instance_id must be an Amazon Connect instance ID (1-100 letters, digits and '-'), "
            "got ''; copy the ID from the Amazon Connect console (the last part of the "
            "instance ARN)",
        ),
        (
            ConnectInstance.from_id,
            f"arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE_ID}",
            "instance_id must be an Amazon Connect instance ID, got "
            f"'arn:aws:connect:eu-west-1:123456789012:instance/{INSTANCE_ID}', an instance ARN; "
            f"pass the ARN to ConnectInstance.from_arn, or the ID '{INSTANCE_ID}' to "
            "ConnectInstance.from_id",
        ),
        (
            ConnectInstance.from_arn,
            "arn:aws:connect:eu-west-1:123456789012:instance/abc/contact/x",
            "instance_arn must be an Amazon Connect instance ARN "
            "(arn:<partition>:connect:<region>:<account>:instance/<id>), got "
            "'arn:aws:connect:eu-west-1:123456789012:instance/abc/contact/x'; copy it from the "
            "instance's overview in the Amazon Connect console, or pass the instance ID to "
            "ConnectInstance.from_id",
        ),
    ],
    ids=["id-empty", "id-given-an-arn", "arn-of-a-contact"],
)
def test_invalid_instance_is_rejected_with_exact_message(
    factory: Callable[[str], ConnectInstance], given: str, message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        factory(given)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("policy", "shown"),
    [
        ("TLS_1_0", "'TLS_1_0'"),
        ("SecurityPolicy_TLS13_2025_EDGE", "'SecurityPolicy_TLS13_2025_EDGE'"),
    ],
    ids=["legacy-tls-1-0", "edge-policy"],
)
def test_a_policy_that_is_not_enhanced_for_regional_apis_is_rejected(
    policy: str, shown: str
) -> None:
    with pytest.raises(ValueError) as raised:
        BrokerSecurityPolicy.enhanced(
            policy, endpoint_access_mode=apigateway.EndpointAccessMode.STRICT
        )
    assert str(raised.value) == (
        "security_policy must be an enhanced policy for regional and private APIs "
        f"('SecurityPolicy_...', not '..._EDGE'), got {shown}; for TLS 1.2 use "
        "BrokerSecurityPolicy.TLS_1_2 (the default), for TLS 1.3 "
        "'SecurityPolicy_TLS13_1_3_2025_09'"
    )


def test_a_private_endpoint_needs_a_vpc_endpoint() -> None:
    with pytest.raises(ValueError) as raised:
        BrokerEndpoint.private([])
    assert str(raised.value) == (
        "vpc_endpoints must name at least one execute-api VPC endpoint, got []; use "
        "BrokerEndpoint.regional() for a public endpoint"
    )


def test_an_empty_allowlist_is_rejected() -> None:
    with pytest.raises(ValueError) as raised:
        BrokerAuthorization.iam(allowed_principals=[])
    assert str(raised.value) == (
        "allowed_principals must name at least one principal, got []; leave it unset for no "
        "resource policy"
    )


def test_a_union_is_made_by_its_factories_only_and_never_changes() -> None:
    with pytest.raises(TypeError) as raised:
        ConnectInstance(instance_id=INSTANCE_ID, parameter=None)
    assert str(raised.value) == (
        "ConnectInstance(...) is private, got a direct call; create one with a static method "
        "of ConnectInstance"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        BrokerAuthorization.IAM.session_identity = True  # type: ignore[misc]


def test_unresolved_tokens_are_not_validated(app_factory: Callable[..., cdk.App]) -> None:
    stack = new_stack(app_factory)
    token = cdk.CfnParameter(stack, "Id").value_as_string
    acl = cdk.CfnParameter(stack, "Acl").value_as_string
    level = cdk.CfnParameter(stack, "Level").value_as_string
    broker = ParticipantBroker(
        stack, "Broker", instance=ConnectInstance.from_id(token), web_acl_arn=acl, log_level=level
    )
    assert cdk.Token.is_unresolved(broker.instance_id_parameter.string_value)


def test_single_non_customer_role_becomes_the_default(app_factory: Callable[..., cdk.App]) -> None:
    broker = ParticipantBroker(
        new_stack(app_factory),
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        allowed_roles=["CUSTOM_BOT"],
    )
    template = Template.from_stack(cdk.Stack.of(broker))
    function = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    variables = function["Properties"]["Environment"]["Variables"]
    assert (variables["ALLOWED_ROLES"], variables["DEFAULT_ROLE"]) == ("CUSTOM_BOT", "CUSTOM_BOT")


def test_private_endpoint_accepts_a_cognito_api(app_factory: Callable[..., cdk.App]) -> None:
    stack = new_stack(app_factory)
    endpoint = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "Endpoint", vpc_endpoint_id="vpce-1", port=443
    )
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        authorization=BrokerAuthorization.cognito(cdk.aws_cognito.UserPool(stack, "Pool")),
        endpoint=BrokerEndpoint.private([endpoint]),
    )
    policy = stack.resolve(broker.rest_api.node.default_child.policy)  # type: ignore[union-attr]
    assert policy["Statement"][0]["Principal"] == {"AWS": "*"}
