"""``invitations=InvitationOptions(...)``: the table, the function's access to it, the four
methods, the redeem method's throttling, the alarm, the options' checks; and a broker without
invitations has none of it, not even the code in its asset."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from broker_support import Synthesized, methods, new_stack, synth_broker

from constructs_lib import (
    BrokerAuthorization,
    ConnectInstance,
    InvitationOptions,
    ParticipantBroker,
)

ROOT = Path(__file__).resolve().parents[2]
TABLE_LAYOUT = json.loads((ROOT / "runtime" / "broker" / "invitation_table.json").read_text())
KEY_ARN = "arn:aws:kms:eu-west-2:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
#: Every module of the invitation routes, their files and the DynamoDB client.
INVITATION_FILES = {
    *(f"broker/{p.name}" for p in (ROOT / "runtime/broker").glob("invitation*.py")),
    "broker/invitation_table.json",
    "broker/invitations.schema.json",
    "broker/dynamodb.py",
    "broker/aws/dynamodb.py",
}


@pytest.fixture(scope="module")
def on(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, invitations=InvitationOptions())


@pytest.fixture(scope="module")
def tuned(app_factory: Callable[..., cdk.App]) -> Synthesized:
    def setup(stack: cdk.Stack) -> dict[str, Any]:
        return {
            "invitations": InvitationOptions(
                lifetime=Duration.minutes(5),
                max_lifetime=Duration.hours(2),
                max_uses=3,
                encryption_key=kms.Key.from_key_arn(stack, "Key", KEY_ARN),
                point_in_time_recovery=False,
                removal_policy=RemovalPolicy.RETAIN,
                redeem_throttling_rate_limit=1,
                redeem_throttling_burst_limit=2,
                failed_redemptions_threshold=4,
            ),
            "authorization": BrokerAuthorization.cognito(
                cognito.UserPool.from_user_pool_id(stack, "Pool", "eu-west-2_AbCdEfGhI")
            ),
        }

    return synth_broker(app_factory, setup=setup, cors_allowed_origins=["https://app.example.com"])


@pytest.fixture(scope="module")
def off(app_factory: Callable[..., cdk.App]) -> Synthesized:
    return synth_broker(app_factory, alarms=False)


def role_statements(synth: Synthesized) -> dict[str, dict[str, Any]]:
    role = synth.only("AWS::IAM::Role")
    (policy,) = role["Policies"]
    return {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}


def table_logical_id(synth: Synthesized) -> str:
    (logical_id,) = synth.template.find_resources("AWS::DynamoDB::Table")
    return logical_id


# -- the table ------------------------------------------------------------------------------


def test_the_table_is_on_demand_with_ttl_pitr_and_the_contact_index(on: Synthesized) -> None:
    table = on.template.find_resources("AWS::DynamoDB::Table")[table_logical_id(on)]
    ((index_name, index),) = TABLE_LAYOUT["indexes"].items()
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Delete"
    assert table["Properties"] == {
        "AttributeDefinitions": [
            {"AttributeName": "invitationId", "AttributeType": "S"},
            {"AttributeName": "contactId", "AttributeType": "S"},
            {"AttributeName": "expiresAt", "AttributeType": "N"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "invitationId", "KeyType": "HASH"}],
        "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": False},
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index_name,
                "KeySchema": [
                    {"AttributeName": "contactId", "KeyType": "HASH"},
                    {"AttributeName": "expiresAt", "KeyType": "RANGE"},
                ],
                "Projection": {
                    "NonKeyAttributes": index["projected"],
                    "ProjectionType": "INCLUDE",
                },
            }
        ],
    }


def test_the_index_never_holds_the_secret_hash_the_creator_or_redemptions() -> None:
    (index,) = TABLE_LAYOUT["indexes"].values()
    assert not {"secretHash", "createdBy", "redemptions"} & set(index["projected"])


def test_a_customer_managed_key_retain_and_no_pitr(tuned: Synthesized) -> None:
    (logical_id,) = tuned.template.find_resources("AWS::DynamoDB::Table")
    table = tuned.template.find_resources("AWS::DynamoDB::Table")[logical_id]
    assert table["DeletionPolicy"] == "Retain"
    assert table["Properties"]["SSESpecification"] == {
        "KMSMasterKeyId": KEY_ARN,
        "SSEEnabled": True,
        "SSEType": "KMS",
    }
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": False
    }


def test_the_table_is_an_attribute(on: Synthesized) -> None:
    assert on.broker.invitation_table is not None
    assert on.resolve(on.broker.invitation_table.table_name) == {"Ref": table_logical_id(on)}


# -- the function ---------------------------------------------------------------------------


def test_the_function_may_use_only_this_table_and_only_the_actions_it_calls(
    on: Synthesized,
) -> None:
    statements = role_statements(on)
    table_arn = {"Fn::GetAtt": [table_logical_id(on), "Arn"]}
    assert statements["WriteInvitations"] == {
        "Sid": "WriteInvitations",
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        "Resource": table_arn,
    }
    assert statements["ListInvitationsOfAContact"] == {
        "Sid": "ListInvitationsOfAContact",
        "Effect": "Allow",
        "Action": "dynamodb:Query",
        "Resource": {"Fn::Join": ["", [table_arn, "/index/byContact"]]},
    }
    assert "DecryptInvitationTableKey" not in statements
    dynamodb_actions = {
        action
        for statement in statements.values()
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
        if action.startswith("dynamodb:")
    }
    assert dynamodb_actions == {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"}


def test_a_customer_managed_key_is_decrypted_through_dynamodb_only(tuned: Synthesized) -> None:
    assert role_statements(tuned)["DecryptInvitationTableKey"] == {
        "Sid": "DecryptInvitationTableKey",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": KEY_ARN,
        "Condition": {
            "StringEquals": {
                "kms:ViaService": {
                    "Fn::Join": ["", ["dynamodb.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]
                }
            }
        },
    }


def test_the_function_learns_the_table_and_the_bounds(on: Synthesized, tuned: Synthesized) -> None:
    env = on.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert {k: v for k, v in env.items() if k.startswith("INVITATION")} == {
        "INVITATIONS_TABLE": {"Ref": table_logical_id(on)},
        "INVITATION_LIFETIME_SECONDS": "900",
        "INVITATION_MAX_LIFETIME_SECONDS": "3600",
        "INVITATION_MAX_USES": "5",
    }
    env = tuned.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert (
        env["INVITATION_LIFETIME_SECONDS"],
        env["INVITATION_MAX_LIFETIME_SECONDS"],
        env["INVITATION_MAX_USES"],
    ) == ("300", "7200", "3")


def asset_files(synth: Synthesized) -> set[str]:
    outdir = Path(cdk.Stage.of(synth.stack).outdir)  # type: ignore[union-attr]
    cdk.Stage.of(synth.stack).synth()  # type: ignore[union-attr]
    key = synth.only("AWS::Lambda::Function")["Code"]["S3Key"]
    asset = outdir / f"asset.{key.removesuffix('.zip')}"
    return {str(p.relative_to(asset)) for p in asset.rglob("*") if p.is_file()}


def test_only_a_broker_with_invitations_ships_their_code(on: Synthesized, off: Synthesized) -> None:
    assert asset_files(on) >= INVITATION_FILES
    assert not INVITATION_FILES & asset_files(off)


# -- the API --------------------------------------------------------------------------------


def test_three_methods_are_authorized_like_the_participants_route(on: Synthesized) -> None:
    found = methods(on)
    expected = {
        ("POST", "/contacts/{contactId}/participants"),
        ("POST", "/contacts/{contactId}/invitations"),
        ("GET", "/contacts/{contactId}/invitations"),
        ("DELETE", "/contacts/{contactId}/invitations/{invitationId}"),
        ("POST", "/invitations/redeem"),
    }
    assert set(found) == expected
    for route in expected - {("POST", "/invitations/redeem")}:
        assert found[route]["AuthorizationType"] == "AWS_IAM", route
    assert found[("POST", "/invitations/redeem")]["AuthorizationType"] == "NONE"


def test_with_cognito_the_invitation_methods_use_the_same_authorizer(tuned: Synthesized) -> None:
    found = methods(tuned)
    participants = found[("POST", "/contacts/{contactId}/participants")]
    for route in [
        ("POST", "/contacts/{contactId}/invitations"),
        ("GET", "/contacts/{contactId}/invitations"),
        ("DELETE", "/contacts/{contactId}/invitations/{invitationId}"),
    ]:
        assert found[route]["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert found[route]["AuthorizerId"] == participants["AuthorizerId"]
    assert found[("POST", "/invitations/redeem")]["AuthorizationType"] == "NONE"
    preflights = sorted(path for verb, path in found if verb == "OPTIONS")
    assert preflights == [
        "/contacts/{contactId}/invitations",
        "/contacts/{contactId}/invitations/{invitationId}",
        "/contacts/{contactId}/participants",
        "/invitations/redeem",
    ]


def test_the_redeem_method_has_its_own_throttling(on: Synthesized, tuned: Synthesized) -> None:
    # By default its share of the Connect quotas (test_as_deployed_throttling), else as given.
    base = {"DataTraceEnabled": False, "LoggingLevel": "ERROR", "MetricsEnabled": True}
    for synth, rate, burst in ((on, 0.95, 5), (tuned, 1, 2)):
        settings = synth.only("AWS::ApiGateway::Stage")["MethodSettings"]
        assert [s for s in settings if s["ResourcePath"] == "/~1invitations~1redeem"] == [
            {
                **base,
                "HttpMethod": "POST",
                "ResourcePath": "/~1invitations~1redeem",
                "ThrottlingBurstLimit": burst,
                "ThrottlingRateLimit": rate,
            }
        ]
        assert settings[0]["ResourcePath"] == "/*"


def test_the_methods_are_attributes(on: Synthesized) -> None:
    invitation_methods = on.broker.invitation_methods
    assert invitation_methods is not None
    assert [m.http_method for m in invitation_methods.authenticated] == ["POST", "GET", "DELETE"]
    assert invitation_methods.redeem.resource.path == "/invitations/redeem"


def test_grant_invite_names_exactly_the_three_authorized_methods(
    app_factory: Callable[..., cdk.App],
) -> None:
    stack = new_stack(app_factory)
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id("i-1"),
        invitations=InvitationOptions(),
        alarms=False,
    )
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    broker.grant_invite(role)
    template = cdk.assertions.Template.from_stack(stack)
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "execute-api:Invoke"
    paths = {part[-1] for part in (r["Fn::Join"][1] for r in statement["Resource"])}
    assert paths == {
        "/POST/contacts/*/invitations",
        "/GET/contacts/*/invitations",
        "/DELETE/contacts/*/invitations/*",
    }


def test_grant_invite_needs_invitations(app_factory: Callable[..., cdk.App]) -> None:
    stack = new_stack(app_factory)
    broker = ParticipantBroker(
        stack, "Broker", instance=ConnectInstance.from_id("i-1"), alarms=False
    )
    with pytest.raises(ValueError) as raised:
        broker.grant_invite(iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal()))
    assert str(raised.value) == (
        "grant_invite needs a broker with invitations, got a broker without invitations; pass "
        "invitations=InvitationOptions()"
    )


def test_the_failed_redemptions_alarm(on: Synthesized, tuned: Synthesized) -> None:
    for synth, threshold in ((on, 10), (tuned, 4)):
        assert synth.broker.failed_redemptions_alarm is not None
        (found,) = [
            a["Properties"]
            for a in synth.template.find_resources("AWS::CloudWatch::Alarm").values()
            if a["Properties"]["Metrics"][0]["MetricStat"]["Metric"]["MetricName"]
            == "InvitationRedemptionsRefused"
        ]
        (metric,) = found["Metrics"]
        assert (
            found["Threshold"],
            metric["MetricStat"]["Stat"],
            metric["MetricStat"]["Period"],
        ) == (
            threshold,
            "Sum",
            300,
        )
        assert found["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert found["TreatMissingData"] == "notBreaching"


# -- off ------------------------------------------------------------------------------------


def test_without_invitations_nothing_of_them_exists(off: Synthesized) -> None:
    assert not off.template.find_resources("AWS::DynamoDB::Table")
    assert set(methods(off)) == {("POST", "/contacts/{contactId}/participants")}
    assert not any(
        sid.startswith(("WriteInvitations", "ListInvitations")) for sid in role_statements(off)
    )
    env = off.only("AWS::Lambda::Function")["Environment"]["Variables"]
    assert not any(name.startswith("INVITATION") for name in env)
    assert (off.broker.invitation_table, off.broker.invitation_methods) == (None, None)
    settings = off.only("AWS::ApiGateway::Stage")["MethodSettings"]
    assert not any("invitations" in setting["ResourcePath"] for setting in settings)


# -- the props' checks ----------------------------------------------------------------------

INVALID = [
    (
        {"lifetime": Duration.seconds(30)},
        "lifetime must be at least 1 minute, got 30 seconds; the default is 15 minutes",
    ),
    (
        {"lifetime": Duration.hours(2)},
        "lifetime (7200 seconds) must not exceed max_lifetime (3600 seconds); shorten the "
        "lifetime or raise the maximum",
    ),
    (
        {"max_lifetime": Duration.hours(25)},
        "max_lifetime must be between 1 minute and 24 hours, got 90000 seconds; the "
        "default is 1 hour",
    ),
    (
        {"lifetime": Duration.millis(90500)},
        "lifetime must be a whole number of seconds, got 90.5 seconds; for example "
        "Duration.seconds(90)",
    ),
    (
        {"max_uses": 0},
        "max_uses must be a whole number from 1 to 100, got 0; a WebRTC call takes "
        "at most six participants, so the default is 5",
    ),
    (
        {"max_uses": 101},
        "max_uses must be a whole number from 1 to 100, got 101; a WebRTC call takes "
        "at most six participants, so the default is 5",
    ),
    (
        {"redeem_throttling_rate_limit": 0},
        "redeem_throttling_rate_limit must be greater than 0 (requests per second), got 0; by "
        "default the route takes its share of the Connect quotas",
    ),
    (
        {"redeem_throttling_burst_limit": 0},
        "redeem_throttling_burst_limit must be a whole number of at least 1, got 0; the default "
        "is 5",
    ),
    (
        {"failed_redemptions_threshold": 0},
        "failed_redemptions_threshold must be a whole number of at least 1 (a count per five "
        "minutes), got 0; pass 1 to alarm on the first occurrence, or alarms=False to turn the "
        "alarms off",
    ),
]


@pytest.mark.parametrize(("props", "message"), INVALID)
def test_invalid_invitation_options_are_rejected_with_the_fix(
    props: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        InvitationOptions(**props)
    assert str(caught.value) == message


def test_unresolved_lifetimes_and_counts_are_not_checked(
    app_factory: Callable[..., cdk.App],
) -> None:
    stack = new_stack(app_factory)
    seconds = cdk.CfnParameter(stack, "Seconds", type="Number").value_as_number
    uses = cdk.CfnParameter(stack, "Uses", type="Number").value_as_number
    ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id("i-1"),
        invitations=InvitationOptions(max_lifetime=Duration.seconds(seconds), max_uses=uses),
        alarms=False,
    )
    env = cdk.assertions.Template.from_stack(stack).find_resources("AWS::Lambda::Function")
    (function,) = env.values()
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["INVITATION_MAX_LIFETIME_SECONDS"] == {"Ref": "Seconds"}
    assert variables["INVITATION_MAX_USES"] == {"Ref": "Uses"}


def test_the_store_calls_budget_is_the_runtimes() -> None:
    from constructs_lib import checks as _checks
    from runtime.broker import dynamodb

    assert 2 * dynamodb.call_seconds() == _checks.STORE_CALLS_SECONDS


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"timeout": Duration.seconds(20)},
            "timeout=20 seconds is too short for a redemption: it may need 23 seconds (the "
            "participants route's calls, plus 8 seconds for consuming a use and giving it "
            "back); raise timeout to 23 seconds",
        ),
        (
            {"timeout": Duration.seconds(12), "contact_checks": False},
            "timeout=12 seconds is too short for a redemption: it may need 16 seconds (the "
            "participants route's calls, plus 8 seconds for consuming a use and giving it "
            "back); raise timeout to 16 seconds",
        ),
    ],
)
def test_the_timeout_must_cover_a_redemption(
    app_factory: Callable[..., cdk.App], props: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        ParticipantBroker(
            new_stack(app_factory),
            "Broker",
            instance=ConnectInstance.from_id("i-1"),
            invitations=InvitationOptions(),
            agent_wait=Duration.seconds(0),
            **props,
        )
    assert str(caught.value) == message
