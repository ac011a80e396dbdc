"""Invitations on the construct side (``invitations=InvitationOptions(...)``): the DynamoDB
table, the function's access to it and the four routes (their throttling: ``_throttling``).

Nothing here runs for a broker without invitations: it creates no table, adds no statement to
the function's role, no route, and leaves the invitation code out of the Lambda asset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import Stack, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from . import _checks, _contract, _gateway_answers, defaults

if TYPE_CHECKING:
    from .props import InvitationOptions


@dataclass(frozen=True)
class InvitationMethods:
    """The four invitation methods of the API."""

    create: apigateway.Method
    list: apigateway.Method
    revoke: apigateway.Method
    redeem: apigateway.Method

    @property
    def authenticated(self) -> tuple[apigateway.Method, ...]:
        """The methods with the participants route's authorization."""
        return (self.create, self.list, self.revoke)


# -- the table and the function's access ----------------------------------------------------


def create_table(scope: Construct, props: InvitationOptions) -> dynamodb.Table:
    """The invitation table: on-demand, TTL on ``expiresAt``, the ``byContact`` index; keys,
    TTL attribute and index from the runtime's ``invitation_table.json``."""
    layout = _contract.invitation_table()
    customer_key = props.encryption_key is not None
    table = dynamodb.Table(
        scope,
        "InvitationTable",
        partition_key=dynamodb.Attribute(
            name=layout["partitionKey"], type=dynamodb.AttributeType.STRING
        ),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        time_to_live_attribute=layout["timeToLiveAttribute"],
        encryption=(
            dynamodb.TableEncryption.CUSTOMER_MANAGED
            if customer_key
            else dynamodb.TableEncryption.DEFAULT
        ),
        encryption_key=props.encryption_key,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=props.point_in_time_recovery
        ),
        removal_policy=props.removal_policy,
    )
    for name, index in layout["indexes"].items():
        table.add_global_secondary_index(
            index_name=name,
            partition_key=dynamodb.Attribute(
                name=index["partitionKey"], type=dynamodb.AttributeType.STRING
            ),
            sort_key=dynamodb.Attribute(name=index["sortKey"], type=dynamodb.AttributeType.NUMBER),
            projection_type=dynamodb.ProjectionType.INCLUDE,
            non_key_attributes=list(index["projected"]),
        )
    return table


def index_arn(table: dynamodb.Table) -> str:
    """The ARN of the ``byContact`` index (the only one)."""
    (name,) = _contract.invitation_table()["indexes"]
    return f"{table.table_arn}/index/{name}"


def policy_statements(table: dynamodb.Table, props: InvitationOptions) -> list[iam.PolicyStatement]:
    """What the function needs: the three DynamoDB actions it calls on this table and its
    index only, and with a customer managed key, ``kms:Decrypt`` on that key through DynamoDB
    only (the table key is decrypted with the caller's permission on every access)."""
    statements = [
        iam.PolicyStatement(
            sid="WriteInvitations",
            actions=["dynamodb:PutItem", "dynamodb:UpdateItem"],
            resources=[table.table_arn],
        ),
        iam.PolicyStatement(
            sid="ListInvitationsOfAContact",
            actions=["dynamodb:Query"],
            resources=[index_arn(table)],
        ),
    ]
    if props.encryption_key is not None:
        statements.append(
            iam.PolicyStatement(
                sid="DecryptInvitationTableKey",
                actions=["kms:Decrypt"],
                resources=[props.encryption_key.key_arn],
                conditions={
                    "StringEquals": {
                        "kms:ViaService": f"dynamodb.{Stack.of(table).region}.amazonaws.com"
                    }
                },
            )
        )
    return statements


def environment(table: dynamodb.Table, props: InvitationOptions) -> dict[str, str]:
    """The function's invitation variables (``broker.config``)."""
    return {
        "INVITATIONS_TABLE": table.table_name,
        "INVITATION_LIFETIME_SECONDS": _text(props.lifetime.to_seconds()),
        "INVITATION_MAX_LIFETIME_SECONDS": _text(props.max_lifetime.to_seconds()),
        "INVITATION_MAX_USES": _text(props.max_uses),
    }


def _text(number: float) -> str:
    """A whole number as an environment value (a token stays a token)."""
    return Token.as_string(number) if _checks.is_unresolved(number) else str(int(number))


# -- the routes -----------------------------------------------------------------------------


def _preflight(
    resource: apigateway.Resource, methods: Sequence[str], origins: Sequence[str]
) -> None:
    resource.add_cors_preflight(
        allow_origins=list(origins),
        allow_methods=[*methods, "OPTIONS"],
        allow_headers=list(defaults.CORS_ALLOW_HEADERS),
        max_age=defaults.CORS_MAX_AGE,
    )


def add_routes(
    api: apigateway.RestApi,
    contact: apigateway.Resource,
    integration: apigateway.Integration,
    *,
    authorization_type: apigateway.AuthorizationType | None,
    authorizer: apigateway.IAuthorizer | None,
    scopes: Sequence[str] | None,
    cors_allowed_origins: Sequence[str] | None,
) -> InvitationMethods:
    """Add the invitation routes: three authorized like the participants route (under the
    contact's resource), and the redeem route without authorization."""

    def authorized(resource: apigateway.Resource, http_method: str) -> apigateway.Method:
        return resource.add_method(
            http_method,
            integration,
            authorization_type=authorization_type,
            authorizer=authorizer,
            authorization_scopes=list(scopes) if scopes else None,
        )

    invitations = contact.add_resource("invitations")
    one = invitations.add_resource("{invitationId}")
    redeem_resource = api.root.add_resource("invitations").add_resource("redeem")
    methods = InvitationMethods(
        create=authorized(invitations, "POST"),
        list=authorized(invitations, "GET"),
        revoke=authorized(one, "DELETE"),
        redeem=redeem_resource.add_method(
            "POST", integration, authorization_type=apigateway.AuthorizationType.NONE
        ),
    )
    if cors_allowed_origins:
        for resource in (invitations, one, redeem_resource):
            methods_of = _gateway_answers.INVITATION_ROUTES[resource.path]
            _preflight(resource, methods_of, cors_allowed_origins)
    return methods
