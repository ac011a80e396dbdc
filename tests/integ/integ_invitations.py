"""Integration test: a broker with a principal allowlist (``allowed_principals``), CORS for two
origins and invitations, called through API Gateway in the user's account.

Assertions (docs/integration.md says what each proves): those of every broker
(``UnsignedCallRefused``, ``SignedCallReachesConnect``, ``ParameterHoldsInstanceId``,
``<Alarm>Quiet``), plus ``UnlistedCallerRefused``, ``InvitationForMissingContact``,
``MadeUpSecretRefused``, ``PreflightFromAllowedOrigin`` and ``PreflightFromOtherOrigin``.
Run by ``make integ``; synthesizing it needs the Connect instance ID (``CONNECT_INSTANCE_ID``).
"""

from __future__ import annotations

import aws_cdk as cdk
import harness
from aws_cdk.integ_tests_alpha import IntegTest

from constructs_lib import (
    BrokerAuthorization,
    ConnectInstance,
    InvitationOptions,
    ParticipantBroker,
    defaults,
)

STACK_NAME = "ParticipantBrokerIntegInvitations"
#: The broker's CORS origins: the inviting app's and the join page's. With two, API Gateway's
#: preflight picks the answer with a mapping template, which runs only there.
ORIGINS = ("https://app.example.com", "https://join.example.com")
#: An origin the broker does not allow.
OTHER_ORIGIN = "https://elsewhere.example.com"
#: A secret of the shape the broker issues (16 + 43 URL-safe characters) that it never issued:
#: the broker looks it up in the table (a malformed one is refused before that).
MADE_UP_SECRET = f"{'integprobe'.ljust(16, '0')}.{'never-issued-by-this-broker'.ljust(43, '0')}"
#: What a browser asks before a signed cross-origin POST.
PREFLIGHT_HEADERS = "authorization,content-type,idempotency-key,x-amz-date,x-amz-security-token"


def preflight(origin: str, allowed: str) -> dict[str, object]:
    """The preflight's answer to ``origin``: ``allowed`` as the origin a browser compares."""
    return {
        "status": 204,
        "headers": {
            "access-control-allow-origin": [allowed],
            "access-control-allow-methods": [",".join(defaults.CORS_ALLOW_METHODS)],
            "access-control-allow-headers": [",".join(defaults.CORS_ALLOW_HEADERS)],
        },
    }


def build(app: cdk.App, instance_id: str) -> IntegTest:
    """Add the test stack, its assertion stack and the ``IntegTest`` to ``app``."""
    stack = cdk.Stack(
        app,
        STACK_NAME,
        description="Participant broker: allowlist, CORS, invitations (integration test)",
    )
    caller = harness.Probe(stack, "Caller")
    outsider = harness.Probe(stack, "Outsider")
    broker = ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(instance_id),
        authorization=BrokerAuthorization.iam(allowed_principals=[caller.role]),
        cors_allowed_origins=list(ORIGINS),
        invitations=InvitationOptions(),
    )
    caller.calls(broker, invite=True)
    outsider.calls(broker)  # granted, but not in allowed_principals

    integ, assertions = harness.new_integ_test(app, stack)
    harness.expect_broker_basics(assertions, broker, instance_id, caller)
    outsider.expect(assertions, "UnlistedCallerRefused", "create_participant", 403, "access-denied")
    caller.expect(
        assertions, "InvitationForMissingContact", "create_invitation", 404, "contact-not-found"
    )
    harness.expect_http(
        assertions,
        "MadeUpSecretRefused",
        f"{broker.url}invitations/redeem",
        harness.problem_answer(
            "invitation-not-valid", headers={"access-control-allow-origin": [ORIGINS[1]]}
        ),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": ORIGINS[1]},
        body={"secret": MADE_UP_SECRET, "displayName": "Integration probe"},
    )
    for name, origin, allowed in (
        ("PreflightFromAllowedOrigin", ORIGINS[1], ORIGINS[1]),
        ("PreflightFromOtherOrigin", OTHER_ORIGIN, ORIGINS[0]),
    ):
        harness.expect_http(
            assertions,
            name,
            harness.participants_url(broker),
            preflight(origin, allowed),
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": PREFLIGHT_HEADERS,
            },
        )
    return integ


if __name__ == "__main__":
    integ_app = cdk.App()
    build(integ_app, harness.instance_id(integ_app))
    integ_app.synth()
