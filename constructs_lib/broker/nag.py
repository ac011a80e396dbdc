"""Acknowledgements of cdk-nag findings the broker's design accepts, each with its reason.

They live in the construct so every app that uses the broker inherits them. Each one is
recorded on the narrowest construct and for the specific finding ID, never for a whole rule on
a whole stack. Findings that describe a choice the user made (no authentication, through
``BrokerAuthorization.allow_unauthenticated_access()``, without a web ACL) are deliberately
left for the user to see and acknowledge in their app.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from constructs import IConstruct

if TYPE_CHECKING:
    from aws_cdk import aws_lambda as lambda_

    from ..invitations.resources import InvitationMethods


CONTACT_WILDCARD_REASON = (
    "connect:CreateParticipant and connect:DescribeContact (the contact checks) are authorized "
    "on the contact ARN (instance/{InstanceId}/contact/{ContactId}); contacts are created at "
    "run time, so the policy names this broker's one Connect instance and allows any contact "
    "of that instance only (instance/<id>/contact/*). No other instance, no other action."
)
XRAY_REASON = (
    "Active X-Ray tracing on the broker's Lambda function: xray:PutTraceSegments and "
    "xray:PutTelemetryRecords support no resource-level permissions, so AWS requires "
    "Resource '*' for them. The statement WriteXRayTraces holds these two write-only X-Ray "
    "actions only; every other statement of the role names its resources."
)
DLQ_REASON = (
    "The broker's function is invoked synchronously by API Gateway (Lambda proxy "
    "integration); a dead-letter queue only receives failed asynchronous invocations, so it "
    "would never hold a message. Failures reach the caller as problem+json responses and the "
    "function's error and throttle alarms."
)
COG4_IAM_REASON = (
    "The POST method uses AWS_IAM authorization (SigV4-signed requests, execute-api:Invoke "
    "granted per principal with grant_invoke), the broker's secure default. A Cognito user "
    "pool authorizer is available through BrokerAuthorization.cognito."
)
COG4_CUSTOM_REASON = (
    "The POST method uses the API Gateway authorizer the app passed to the broker "
    "(BrokerAuthorization.authorizer, a Lambda token/request authorizer); callers are "
    "authenticated by it rather than by a Cognito user pool."
)
WAF_REASON = (
    "A WAFv2 web ACL is opt-in through the broker's web_acl_arn prop: its rules and its cost "
    "(per web ACL and per request) are the owner's choice. Without one, every request must "
    "still pass the method's authorization and the method throttles, which keep the routes "
    "within the account's Amazon Connect quotas."
)
WAF_WITH_INVITATIONS_REASON = (
    "A WAFv2 web ACL is opt-in through the broker's web_acl_arn prop: its rules and its cost "
    "are the owner's choice. Without one, every authenticated method must pass its "
    "authorization, and the one unauthenticated method, POST /invitations/redeem, takes "
    "only a 256-bit invitation secret (a guess is hopeless) and has its own method "
    "throttling (its share of the Connect quotas, or redeem_throttling_rate_limit)."
)
REDEEM_REASON = (
    "POST /invitations/redeem has no API Gateway authorization by design: the invitee has "
    "no account, and the credential is the invitation secret in the JSON body (256 bits "
    "from the secrets module, stored only as a SHA-256 hash, consumed by a conditional "
    "DynamoDB write), which the broker's function checks. The method has its own "
    "throttling, and the web ACL of web_acl_arn covers it."
)
ACCOUNT_ROLE_REASON = (
    "API Gateway's CloudWatch role is a Region-wide account setting shared by every REST API "
    "in the account: it must write execution and access logs to log groups of any API, whose "
    "names are not known here (API-Gateway-Execution-Logs_<apiId>/<stage> and each API's "
    "access log group). Scoped to this account's and Region's log groups, logs actions only."
)
VALIDATION_REASON = (
    "Requests are validated by the broker's function against the contract's JSON Schema "
    "(contract.schema.json), which answers 400 with every failing field in `errors`, as the "
    "broker's HTTP contract requires. An API Gateway request validator would answer first with "
    "a fixed message and no `errors` (a gateway response can only substitute variables, and "
    "the validator's message is not safe JSON). Bodies are capped by the function at 8 KiB."
)
#: The actions Lambda's active tracing needs (``Resource: *``), in the function's inline policy.
XRAY_ACTIONS_SORTED = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")


# cdk-nag v3 names an IAM5 finding after the resource, flattened by its internal
# ``flattenCfnReference`` (lib/utils/flatten-cfn-reference.ts), which it does not export; v3
# acknowledges one finding ID at a time (no prefix matching), and the contact ARN's partition,
# Region and account are tokens. So the ID is computed here, the one copy of upstream
# behaviour left; tests/security/test_nag.py runs cdk-nag itself on every broker shape and
# fails if a finding stops matching its acknowledgement.
def flatten_reference(value: object) -> str:
    """Flatten a resolved CloudFormation value the way cdk-nag names a finding.

    ``{"Ref": "AWS::Region"}`` becomes ``<AWS::Region>``, ``Fn::Join`` joins, ``Fn::GetAtt``
    becomes ``<Logical.Attr>``; other objects are JSON (cdk-nag's fallback).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("${", "<").replace("}", ">")
    if isinstance(value, dict):
        if "Fn::Join" in value:
            delimiter, items = value["Fn::Join"]
            return str(delimiter).join(flatten_reference(item) for item in items)
        if "Fn::Sub" in value:
            return flatten_reference(value["Fn::Sub"])
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in value:
            return flatten_reference(value["Fn::ImportValue"])
        if "Ref" in value:
            return f"<{flatten_reference(value['Ref'])}>"
    return json.dumps(value, separators=(",", ":"))


def _acknowledge(scope: IConstruct, *findings: tuple[str, str]) -> None:
    """Record acknowledgements, each ``(finding ID, reason)``, on ``scope`` in one call."""
    Validations.of(scope).acknowledge(
        *(Acknowledgment(id=finding_id, reason=reason) for finding_id, reason in findings)
    )


def _wildcard_finding(scope: IConstruct, arn: str, stack: Stack | None = None) -> str:
    """The IAM5 finding ID of the wildcard resource ``arn``, flattened as cdk-nag flattens it,
    so it holds for a literal instance ID as well as for a parameter or an SSM-resolved one.
    ``stack`` is ``scope``'s, when the caller has it (finding it is a call into the CDK)."""
    resolved = (stack or Stack.of(scope)).resolve(arn)
    return f"AwsSolutions-IAM5[Resource::{flatten_reference(resolved)}]"


def acknowledge_function_role(role: iam.Role, contacts_arn: str, stack: Stack) -> None:
    """The two wildcards of the function's role: ``instance/<id>/contact/*`` of
    CreateParticipant and DescribeContact, and X-Ray's ``Resource: *`` (IAM5, and the Serverless
    pack's rule against wildcards in a function's role)."""
    _acknowledge(
        role,
        (_wildcard_finding(role, contacts_arn, stack), CONTACT_WILDCARD_REASON),
        ("AwsSolutions-IAM5[Resource::*]", XRAY_REASON),
        ("Serverless-LambdaStarPermissions", XRAY_REASON),
    )


def acknowledge_account_role(role: iam.Role, log_groups_arn: str, stack: Stack) -> None:
    """``log-group:*`` of API Gateway's account-wide CloudWatch role (IAM5); once per stack,
    where the role is created."""
    _acknowledge(role, (_wildcard_finding(role, log_groups_arn, stack), ACCOUNT_ROLE_REASON))


def _acknowledge_api(
    stage: apigateway.Stage,
    method: apigateway.Method,
    invitation_methods: InvitationMethods | None,
    authorization: apigateway.AuthorizationType,
    web_acl: bool,
) -> None:
    """COG4 (no Cognito authorizer) with IAM or a custom authorizer; APIG3 without a web ACL."""
    if authorization == apigateway.AuthorizationType.IAM:
        _acknowledge(method, ("AwsSolutions-COG4", COG4_IAM_REASON))
    elif authorization == apigateway.AuthorizationType.CUSTOM:
        _acknowledge(method, ("AwsSolutions-COG4", COG4_CUSTOM_REASON))
    authenticated = authorization != apigateway.AuthorizationType.NONE
    if authenticated and not web_acl:
        reason = WAF_REASON if invitation_methods is None else WAF_WITH_INVITATIONS_REASON
        _acknowledge(stage, ("AwsSolutions-APIG3", reason))
    if invitation_methods is None:
        return
    _acknowledge(
        invitation_methods.redeem,
        ("AwsSolutions-APIG4", REDEEM_REASON),
        ("AwsSolutions-COG4", REDEEM_REASON),
    )
    if authorization in (apigateway.AuthorizationType.IAM, apigateway.AuthorizationType.CUSTOM):
        reason = (
            COG4_IAM_REASON
            if authorization == apigateway.AuthorizationType.IAM
            else COG4_CUSTOM_REASON
        )
        for authenticated_method in invitation_methods.authenticated:
            _acknowledge(authenticated_method, ("AwsSolutions-COG4", reason))


def acknowledge_findings(
    *,
    function: lambda_.Function,
    api: apigateway.RestApi,
    stage: apigateway.Stage,
    method: apigateway.Method,
    invitation_methods: InvitationMethods | None,
    authorization: apigateway.AuthorizationType,
    web_acl: bool,
) -> None:
    """Acknowledge the findings of the finished broker's parts, each with its reason.

    ``stage`` is ``api``'s deployment stage, ``authorization`` the POST method's authorization
    type; ``web_acl`` says whether the broker associated a web ACL (each passed in: looking it
    up is a call into the CDK). The IAM5
    wildcards are acknowledged where the broker writes them (:func:`acknowledge_function_role`,
    :func:`acknowledge_account_role`): knowing the resource spares resolving whole policy
    documents for every broker.
    """
    _acknowledge(function, ("Serverless-LambdaDLQ", DLQ_REASON))
    _acknowledge(api, ("AwsSolutions-APIG2", VALIDATION_REASON))
    _acknowledge_api(stage, method, invitation_methods, authorization, web_acl)
