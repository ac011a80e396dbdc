"""``ParticipantBroker``'s choices: each exclusive choice is a class with static factories, so a
combination the broker cannot serve cannot be written.

Each factory checks what it is given at once (the value received and the fix); values that are
unresolved tokens are not checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Fn

from . import _validation

if TYPE_CHECKING:
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


def _id_in(token: str) -> str:
    """The instance ID in a token that holds an ID or an instance ARN, resolved by
    CloudFormation without a custom resource: the value joined to itself with a ``/`` and split
    on ``/`` has the ID at index 1 whether it held an ID (``id/id``) or an ARN
    (``arn:...:instance/id/arn:...:instance/id``); an ID has no ``/``."""
    return Fn.select(1, Fn.split("/", Fn.join("", [token, "/", token])))
