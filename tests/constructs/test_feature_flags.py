"""What cdk.json's feature flags change in a broker's template (the README, "Install in your
app", says to copy them): an app without them gets the same broker but for these parts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk.assertions import Template
from broker_support import INSTANCE_ID
from cdk_support import CDK_CONTEXT, app_with

from constructs_lib import BrokerAuthorization, ConnectInstance, ParticipantBroker


def _template(app: cdk.App) -> dict[str, Any]:
    stack = cdk.Stack(app, "Stack")
    pool = cognito.UserPool(stack, "Pool")
    ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        authorization=BrokerAuthorization.cognito(pool),
    )
    template: dict[str, Any] = Template.from_stack(stack).to_json()
    return template


def _leaves(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, str(index)))
    else:
        yield path, node


def test_flags_change_only_the_access_log_arn_and_the_deployment_id(
    app_factory: Callable[..., cdk.App],
) -> None:
    with_flags = dict(_leaves(_template(app_factory())))
    without = dict(_leaves(_template(app_with(Path(app_factory().outdir), {}))))
    changed = {
        path
        for path in with_flags.keys() | without.keys()
        if with_flags.get(path) != without.get(path)
    }
    assert {path[0] for path in changed} == {"Resources"}
    stage = "BrokerApiDeploymentStagev1100505F0"
    resources = {path[1] for path in changed} - {stage}
    stage_changes = {path[2:5] for path in changed if path[1] == stage}
    # @aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId: the deployment's logical ID
    # also hashes the authorizer, so each app has its own deployment and its stage points at it.
    assert len(resources) == 2 and all(r.startswith("BrokerApiDeployment") for r in resources)
    # @aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard: the access-log
    # destination is the log group's ARN without the ":*" its GetAtt Arn ends with.
    assert stage_changes == {
        ("Properties", "AccessLogSetting", "DestinationArn"),
        ("Properties", "DeploymentId", "Ref"),
    }
    assert CDK_CONTEXT["@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard"] is True
    assert CDK_CONTEXT["@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId"] is True
