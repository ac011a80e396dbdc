"""``ParticipantBroker``'s choices: each exclusive choice is a class with static factories, so a
combination the broker cannot serve cannot be written.

Each factory checks what it is given at once (the value received and the fix); values that are
unresolved tokens are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aws_cdk import Fn
from aws_cdk import aws_apigateway as apigateway

from . import _access, _validation

if TYPE_CHECKING:
    from aws_cdk import aws_cognito as cognito
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_ssm as ssm

#: Proves a union was made by one of its factories (their constructors are private).
_FACTORY = object()


class _Union:
    """A choice made with one of the class's static factories."""

    def __init__(self, made_by: object) -> None:
        if made_by is not _FACTORY:
            raise TypeError(
                f"{type(self).__name__}(...) is private, got a direct call; create one with "
                f"a static method of {type(self).__name__}"
            )


class ConnectInstance(_Union):
    """The Amazon Connect instance the broker adds participants to, fixed at deploy time.

    ``ConnectInstance.from_id("11111111-...")``, ``ConnectInstance.from_arn("arn:...")`` or
    ``ConnectInstance.from_parameter(parameter)``.
    """

    def __init__(
        self, made_by: object, *, instance_id: str, parameter: ssm.IStringParameter | None
    ) -> None:
        super().__init__(made_by)
        self.instance_id = instance_id
        """The instance ID as CloudFormation resolves it (a literal, or a token)."""
        self.parameter = parameter
        """The SSM parameter given to :meth:`from_parameter`; ``None``: the broker creates one."""

    @staticmethod
    def from_id(instance_id: str) -> ConnectInstance:
        """An instance ID, such as ``11111111-2222-3333-4444-555555555555`` (the last part of
        the instance ARN), or a token such as a ``CfnParameter``'s value (CloudFormation reduces
        a token that holds the instance ARN to its ID). The broker creates an SSM String
        parameter holding it."""
        if _validation.is_unresolved(instance_id):
            return ConnectInstance(_FACTORY, instance_id=_id_in(instance_id), parameter=None)
        return ConnectInstance(
            _FACTORY, instance_id=_validation.check_instance_id(instance_id), parameter=None
        )

    @staticmethod
    def from_arn(instance_arn: str) -> ConnectInstance:
        """An instance ARN, ``arn:<partition>:connect:<region>:<account>:instance/<id>`` (a
        literal or a token); the broker uses its ID, in an SSM String parameter it creates."""
        if _validation.is_unresolved(instance_arn):
            return ConnectInstance(_FACTORY, instance_id=_id_in(instance_arn), parameter=None)
        return ConnectInstance(
            _FACTORY, instance_id=_validation.check_instance_arn(instance_arn), parameter=None
        )

    @staticmethod
    def from_parameter(parameter: ssm.IStringParameter) -> ConnectInstance:
        """An existing SSM String parameter holding the instance ID or the instance ARN (for
        example published by your Connect stack); read at deploy time, never by the
        function."""
        return ConnectInstance(
            _FACTORY, instance_id=_id_in(parameter.string_value), parameter=parameter
        )


class BrokerAuthorization(_Union):
    """How API Gateway authenticates the callers of the routes (the invitation redeem route
    has none): ``BrokerAuthorization.iam()`` (the default), ``.cognito(user_pool)``,
    ``.authorizer(authorizer)`` or ``.allow_unauthenticated_access()``."""

    def __init__(
        self,
        made_by: object,
        *,
        authorization_type: apigateway.AuthorizationType,
        user_pool: cognito.IUserPool | None = None,
        scopes: Sequence[str] | None = None,
        custom_authorizer: apigateway.IAuthorizer | None = None,
        allowlist: _access.Allowlist | None = None,
        session_identity: bool = False,
    ) -> None:
        super().__init__(made_by)
        self.authorization_type = authorization_type
        """The authorization type the choice stands for (CUSTOM for an authorizer)."""
        self.user_pool = user_pool
        self.scopes = scopes
        self.custom_authorizer = custom_authorizer
        self.allowlist = allowlist
        """With AWS_IAM and ``allowed_principals``: the principals the resource policy lists."""
        self.session_identity = session_identity

    @staticmethod
    def iam(
        *,
        allowed_principals: Sequence[iam.IPrincipal] | None = None,
        session_identity: bool = False,
    ) -> BrokerAuthorization:
        """AWS_IAM: callers sign requests with SigV4; give them the right with
        ``broker.grant_invoke(role)``.

        :param allowed_principals: only these IAM roles, users or accounts may call the API:
            the resource policy allows them and denies every other principal, including
            same-account principals whose identity policy allows ``execute-api:Invoke`` on
            ``*``. A principal of another account also needs its own identity policy to allow
            the call. Default: no resource policy; any IAM principal of the account whose
            identity policy allows ``execute-api:Invoke`` may call.
        :param session_identity: ``True`` makes each assumed-role session a caller of its own
            (its full ARN, session name included) for idempotency scopes, contact-bound callers
            and invitation ownership. Safe only when the trust policy of every role that calls
            fixes the session name with an ``sts:RoleSessionName`` condition (for example
            ``${aws:username}``): without it, whoever may assume the role chooses the name,
            and refreshed credentials change it. ``sts:SourceIdentity`` does not fix the
            session name, so it is not enough alone. Default: ``False``, the role is the
            caller (CONTRACT v2.1).
        """
        allowlist = None
        if allowed_principals is not None:
            if not allowed_principals:
                raise ValueError(
                    "allowed_principals must name at least one principal, got []; leave it "
                    "unset for no resource policy"
                )
            allowlist = _access.allowlist(allowed_principals)
        return BrokerAuthorization(
            _FACTORY,
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
            _FACTORY,
            authorization_type=apigateway.AuthorizationType.COGNITO,
            user_pool=user_pool,
            scopes=scopes,
        )

    @staticmethod
    def authorizer(authorizer: apigateway.IAuthorizer) -> BrokerAuthorization:
        """Your own authorizer (a Lambda token or request authorizer, a Cognito one, ...)."""
        return BrokerAuthorization(
            _FACTORY,
            authorization_type=apigateway.AuthorizationType.CUSTOM,
            custom_authorizer=authorizer,
        )

    @staticmethod
    def allow_unauthenticated_access() -> BrokerAuthorization:
        """No authentication: anyone who can reach the API can mint participant tokens. A
        synth warning (``connect-participant-broker:unauthenticated``) says so; use it only
        when the API is protected some other way."""
        return BrokerAuthorization(_FACTORY, authorization_type=apigateway.AuthorizationType.NONE)

    def method_authorization_type(self) -> apigateway.AuthorizationType:
        """The methods' authorization type (an authorizer brings its own, CUSTOM by default)."""
        if self.custom_authorizer is not None:
            return self.custom_authorizer.authorization_type or apigateway.AuthorizationType.CUSTOM
        return self.authorization_type


def _id_in(token: str) -> str:
    """The instance ID in a token that holds an ID or an instance ARN, resolved by
    CloudFormation without a custom resource: the value joined to itself with a ``/`` and split
    on ``/`` has the ID at index 1 whether it held an ID (``id/id``) or an ARN
    (``arn:...:instance/id/arn:...:instance/id``); an ID has no ``/``."""
    return Fn.select(1, Fn.split("/", Fn.join("", [token, "/", token])))
