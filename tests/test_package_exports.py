"""The package's public names, and that importing the package alone loads no CDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

import constructs_lib
from constructs_lib import props
from constructs_lib.broker import ParticipantBroker
from constructs_lib.monitoring import BrokerMonitoring


def test_public_names_resolve_to_the_constructs() -> None:
    assert constructs_lib.ParticipantBroker is ParticipantBroker
    assert constructs_lib.BrokerMonitoring is BrokerMonitoring
    assert constructs_lib.BrokerAuthorization is props.BrokerAuthorization
    assert constructs_lib.ConnectInstance is props.ConnectInstance
    assert sorted(constructs_lib.__all__) == [
        "BrokerAuthorization",
        "BrokerEndpoint",
        "BrokerMonitoring",
        "BrokerSecurityPolicy",
        "ConnectInstance",
        "InvitationOptions",
        "ParticipantBroker",
    ]


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(constructs_lib, "NoSuchThing")


def test_importing_the_package_loads_no_cdk() -> None:
    code = (
        "import sys, constructs_lib; "
        "print(sorted(m for m in ('aws_cdk', 'jsii') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_a_broker_without_invitations_loads_no_invitation_module() -> None:
    """The invitation resources and aws_dynamodb (tens of ms of every synth) load only for a
    broker that serves invitations."""
    code = (
        "import sys\n"
        "from aws_cdk import App, Stack\n"
        "from constructs_lib import ConnectInstance, ParticipantBroker\n"
        "ParticipantBroker(Stack(App(), 'S'), 'B', instance=ConnectInstance.from_id('i-1'))\n"
        "names = ('aws_cdk.aws_dynamodb', 'constructs_lib.invitations.resources')\n"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
