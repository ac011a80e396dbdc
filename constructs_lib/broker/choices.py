"""The broker's choices: each exclusive choice is a class with static factories, so a
combination the broker cannot serve cannot be written (``ConnectInstance``,
``BrokerAuthorization``, ``BrokerSecurityPolicy``, ``BrokerEndpoint``; the opt-in
``InvitationOptions`` live with the invitations, ``constructs_lib/invitations/options.py``).

Each factory checks what it is given at once (the value received and the fix); values that are
unresolved tokens are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass
from typing import TYPE_CHECKING, ClassVar

from aws_cdk import Fn
from aws_cdk import aws_apigateway as apigateway

from .. import checks as _checks
from .. import defaults
from ..edge import access as _access

if TYPE_CHECKING:
    from aws_cdk import aws_cognito as cognito
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_ssm as ssm

#: Proves a union was made by one of its factories (their constructors are private).
_FACTORY = object()


@dataclass(frozen=True, kw_only=True)
class _Union:
    """A choice made with one of the class's static factories; immutable, so the shared
    defaults (``BrokerAuthorization.IAM``, ...) stay what they say."""

    made_by: InitVar[object] = None

    def __post_init__(self, made_by: object) -> None:
        if made_by is not _FACTORY:
            raise TypeError(
                f"{type(self).__name__}(...) is private, got a direct call; create one with "
                f"a static method of {type(self).__name__}"
            )


@dataclass(frozen=True, kw_only=True)
class ConnectInstance(_Union):
    """The Amazon Connect instance the broker adds participants to, fixed at deploy time."""

    instance_id: str
    """The instance ID as CloudFormation resolves it (a literal, or a token)."""
    parameter: ssm.IStringParameter | None
    """The SSM parameter given to :meth:`from_parameter`; ``None``: the broker creates one."""

    @staticmethod
    def from_id(instance_id: str) -> ConnectInstance:
        """An instance ID (the last part of the instance ARN), a literal or a token; the broker
        keeps it in an SSM String parameter it creates."""
        if _checks.is_unresolved(instance_id):
            return ConnectInstance(
                made_by=_FACTORY, instance_id=_id_in(instance_id), parameter=None
            )
        return ConnectInstance(
            made_by=_FACTORY, instance_id=_checks.instance_id(instance_id), parameter=None
        )

    @staticmethod
    def from_arn(instance_arn: str) -> ConnectInstance:
        """An instance ARN (a literal or a token); the broker uses its ID."""
        if _checks.is_unresolved(instance_arn):
            return ConnectInstance(
                made_by=_FACTORY, instance_id=_id_in(instance_arn), parameter=None
            )
        return ConnectInstance(
            made_by=_FACTORY, instance_id=_checks.instance_arn(instance_arn), parameter=None
        )

    @staticmethod
    def from_parameter(parameter: ssm.IStringParameter) -> ConnectInstance:
        """An existing SSM String parameter holding the instance ID or ARN, read at deploy
        time."""
        return ConnectInstance(
            made_by=_FACTORY, instance_id=_id_in(parameter.string_value), parameter=parameter
        )


@dataclass(frozen=True, kw_only=True)
class BrokerAuthorization(_Union):
    """How API Gateway authenticates callers (the invitation redeem route has none)."""

    IAM: ClassVar[BrokerAuthorization]
    """``BrokerAuthorization.iam()``, the default."""

    authorization_type: apigateway.AuthorizationType
    """The authorization type the choice stands for (CUSTOM for an authorizer)."""
    user_pool: cognito.IUserPool | None = None
    scopes: Sequence[str] | None = None
    custom_authorizer: apigateway.IAuthorizer | None = None
    allowlist: _access.Allowlist | None = None
    """With AWS_IAM and ``allowed_principals``: the principals the resource policy lists."""
    session_identity: bool = False

    @staticmethod
    def iam(
        *,
        allowed_principals: Sequence[iam.IPrincipal] | None = None,
        session_identity: bool = False,
    ) -> BrokerAuthorization:
        """AWS_IAM: callers sign with SigV4; ``broker.grant_invoke(role)`` lets them.

        :param allowed_principals: only these IAM roles, users or accounts may call: the
            resource policy allows them and denies every other principal, even one whose
            identity policy allows ``execute-api:Invoke`` on ``*``. Default: no resource
            policy.
        :param session_identity: ``True`` makes each assumed-role session a caller of its own
            (docs/security.md, "Caller identity"); safe only when every calling role's trust
            policy fixes the session name with ``sts:RoleSessionName``. Default: ``False``, the
            role is the caller.
        """
        allowlist = None
        if allowed_principals is not None:
            _checks.allowed_principals(allowed_principals)
            allowlist = _access.allowlist(allowed_principals)
        return BrokerAuthorization(
            made_by=_FACTORY,
            authorization_type=apigateway.AuthorizationType.IAM,
            allowlist=allowlist,
            session_identity=session_identity,
        )

    @staticmethod
    def cognito(
        user_pool: cognito.IUserPool, *, scopes: Sequence[str] | None = None
    ) -> BrokerAuthorization:
        """A Cognito user pool authorizer: callers send the pool's ID token, or an access
        token, in ``Authorization``.

        :param scopes: OAuth scopes the access token must carry. Default: any valid token
            of the pool.
        """
        return BrokerAuthorization(
            made_by=_FACTORY,
            authorization_type=apigateway.AuthorizationType.COGNITO,
            user_pool=user_pool,
            scopes=scopes,
        )

    @staticmethod
    def authorizer(authorizer: apigateway.IAuthorizer) -> BrokerAuthorization:
        """Your own authorizer (a Lambda token or request authorizer, a Cognito one, ...)."""
        return BrokerAuthorization(
            made_by=_FACTORY,
            authorization_type=apigateway.AuthorizationType.CUSTOM,
            custom_authorizer=authorizer,
        )

    @staticmethod
    def allow_unauthenticated_access() -> BrokerAuthorization:
        """No authentication: anyone who can reach the API can mint participant tokens (a
        synth warning says so)."""
        return BrokerAuthorization(
            made_by=_FACTORY, authorization_type=apigateway.AuthorizationType.NONE
        )

    def method_authorization_type(self) -> apigateway.AuthorizationType:
        """The methods' authorization type (an authorizer brings its own, CUSTOM by default)."""
        if self.custom_authorizer is not None:
            return self.custom_authorizer.authorization_type or apigateway.AuthorizationType.CUSTOM
        return self.authorization_type


BrokerAuthorization.IAM = BrokerAuthorization.iam()


@dataclass(frozen=True, kw_only=True)
class BrokerSecurityPolicy(_Union):
    """The API's minimum TLS, for example
    ``BrokerSecurityPolicy.enhanced("SecurityPolicy_TLS13_1_3_2025_09",
    endpoint_access_mode=apigateway.EndpointAccessMode.BASIC)``."""

    TLS_1_2: ClassVar[BrokerSecurityPolicy]
    """TLS 1.2 or newer, the default."""

    security_policy: str
    endpoint_access_mode: apigateway.EndpointAccessMode | None

    @staticmethod
    def enhanced(
        security_policy: str, *, endpoint_access_mode: apigateway.EndpointAccessMode
    ) -> BrokerSecurityPolicy:
        """An enhanced policy for regional and private APIs, such as
        ``SecurityPolicy_TLS13_1_3_2025_09`` (TLS 1.3 only).

        :param endpoint_access_mode: ``BASIC`` or ``STRICT``, with no default: a deployed API
            moves through ``BASIC`` (docs/security.md, "Endpoint access mode").
        """
        _checks.security_policy(security_policy)
        return BrokerSecurityPolicy(
            made_by=_FACTORY,
            security_policy=security_policy,
            endpoint_access_mode=endpoint_access_mode,
        )


BrokerSecurityPolicy.TLS_1_2 = BrokerSecurityPolicy(
    made_by=_FACTORY, security_policy=defaults.SECURITY_POLICY, endpoint_access_mode=None
)


@dataclass(frozen=True, kw_only=True)
class BrokerEndpoint(_Union):
    """Where callers reach the API."""

    REGIONAL: ClassVar[BrokerEndpoint]
    """``BrokerEndpoint.regional()``, the default."""

    vpc_endpoints: Sequence[ec2.IVpcEndpoint] | None
    """The endpoints of a private API; ``None``: a regional API."""
    vpc_endpoint_ids: Sequence[str]
    """Every VPC endpoint ID a private API accepts requests from (empty when regional)."""
    security_policy: BrokerSecurityPolicy

    @staticmethod
    def regional(
        *, security_policy: BrokerSecurityPolicy = BrokerSecurityPolicy.TLS_1_2
    ) -> BrokerEndpoint:
        """A REGIONAL endpoint, reachable from the internet.

        :param security_policy: the minimum TLS. Default: ``BrokerSecurityPolicy.TLS_1_2``.
        """
        return BrokerEndpoint(
            made_by=_FACTORY,
            vpc_endpoints=None,
            vpc_endpoint_ids=(),
            security_policy=security_policy,
        )

    @staticmethod
    def private(
        vpc_endpoints: Sequence[ec2.IVpcEndpoint],
        *,
        allowed_vpc_endpoint_ids: Sequence[str] | None = None,
        security_policy: BrokerSecurityPolicy = BrokerSecurityPolicy.TLS_1_2,
    ) -> BrokerEndpoint:
        """A PRIVATE endpoint, reachable only through these ``execute-api`` interface VPC
        endpoints.

        :param allowed_vpc_endpoint_ids: further VPC endpoint IDs (of other VPCs or accounts)
            the API accepts requests from. Default: none.
        :param security_policy: the minimum TLS. Default: ``BrokerSecurityPolicy.TLS_1_2``.
        """
        _checks.vpc_endpoints(vpc_endpoints)
        ids = [endpoint.vpc_endpoint_id for endpoint in vpc_endpoints]
        return BrokerEndpoint(
            made_by=_FACTORY,
            vpc_endpoints=tuple(vpc_endpoints),
            vpc_endpoint_ids=(*ids, *(allowed_vpc_endpoint_ids or ())),
            security_policy=security_policy,
        )


BrokerEndpoint.REGIONAL = BrokerEndpoint.regional()


def _id_in(token: str) -> str:
    """The instance ID in a token that holds an ID or an instance ARN, resolved by
    CloudFormation without a custom resource: the value joined to itself with a ``/`` and split
    on ``/`` has the ID at index 1 whether it held an ID (``id/id``) or an ARN
    (``arn:...:instance/id/arn:...:instance/id``); an ID has no ``/``."""
    return Fn.select(1, Fn.split("/", Fn.join("", [token, "/", token])))
