"""cdk-nag v3 (AwsSolutions and Serverless packs) over the example stack and every option.

Zero findings without an acknowledgement, and every acknowledgement the construct records
carries a written reason specific to this construct.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks, NagPack, ServerlessChecks
from integ_support import IntegApp, committed_stacks
from security_stacks import EXAMPLE, UNAUTHENTICATED, VARIANTS, SecurityStacks

PACKS: dict[str, type[NagPack]] = {
    "AwsSolutions": AwsSolutionsChecks,
    "Serverless": ServerlessChecks,
}
SCANNED = [EXAMPLE, *VARIANTS]
POST = "Broker/Api/Default/contacts/{contactId}/participants/POST/Resource"
#: Findings the broker leaves to the app on purpose when it opts out of authentication: the
#: app that makes the API public must see them and acknowledge them itself.
LEFT_TO_THE_APP = {
    ("AwsSolutions-APIG3", "Broker/Api/DeploymentStage.v1/Resource"),
    ("AwsSolutions-APIG4", POST),
    ("AwsSolutions-COG4", POST),
}
#: A reason must name something concrete about this construct.
CONCRETE_TERMS = ("CreateParticipant", "Connect", "X-Ray", "API Gateway", "broker", "web_acl_arn")
PLACEHOLDERS = ("todo", "tbd", "fixme", "not needed", "n/a", "suppress", "false positive", "ok")
MIN_REASON_LENGTH = 80


#: The integration tests' stacks: test stacks (a broker and its probes) and assertion stacks.
INTEG_STACKS = committed_stacks()
#: Where an integration test stack may acknowledge findings: its broker and its probes.
INTEG_OWNERS = ("Broker/", "Caller/", "Outsider/")


def unacknowledged(stacks: SecurityStacks, name: str, pack: type[NagPack]) -> set[tuple[str, str]]:
    """Run ``pack`` over stack ``name``; return (rule id, path in the stack) per finding left."""
    return scan(stacks.app, stacks.stacks[name], pack)


def scan(app: cdk.App, stack: cdk.Stack, pack: type[NagPack]) -> set[tuple[str, str]]:
    """Run ``pack`` over ``stack``; return (rule id, path in the stack) per finding left."""
    name = stack.node.id
    report = pack(app).validate_scope(stack)
    return {
        (violation.rule_name, resource.construct_path.removeprefix(f"{name}/"))
        for violation in report.violations
        for resource in violation.violating_resources
    }


def acknowledgements(stack: cdk.Stack) -> list[tuple[str, str, str]]:
    """Return (construct path, rule id, reason) for every acknowledgement in ``stack``."""
    key = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found = []
    for construct in stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == key:
                for rule, reason in dict(entry.data).items():
                    found.append((construct.node.path, rule.removeprefix("Annotation::"), reason))
    return found


def _describe(findings: set[tuple[str, str]]) -> str:
    return "\n".join(f"{rule} at {path}" for rule, path in sorted(findings))


@pytest.mark.parametrize("pack", PACKS.values(), ids=PACKS.keys())
@pytest.mark.parametrize("name", [name for name in SCANNED if name != UNAUTHENTICATED])
def test_no_finding_without_an_acknowledgement(
    security_stacks: SecurityStacks, name: str, pack: type[NagPack]
) -> None:
    findings = unacknowledged(security_stacks, name, pack)
    assert not findings, f"unacknowledged cdk-nag findings in {name}:\n{_describe(findings)}"


def test_unauthenticated_api_leaves_its_findings_to_the_app(
    security_stacks: SecurityStacks,
) -> None:
    findings = unacknowledged(security_stacks, UNAUTHENTICATED, AwsSolutionsChecks)
    assert findings == LEFT_TO_THE_APP, _describe(findings)


def test_unauthenticated_api_has_no_serverless_finding(security_stacks: SecurityStacks) -> None:
    findings = unacknowledged(security_stacks, UNAUTHENTICATED, ServerlessChecks)
    assert not findings, _describe(findings)


@pytest.mark.parametrize("pack", PACKS.values(), ids=PACKS.keys())
@pytest.mark.parametrize(("app", "name"), INTEG_STACKS)
def test_integration_stack_has_no_finding_without_an_acknowledgement(
    integ_apps: dict[str, IntegApp], app: str, name: str, pack: type[NagPack]
) -> None:
    integ = integ_apps[app]
    found = scan(integ.app, integ.stack(name), pack)
    assert not found, f"unacknowledged cdk-nag findings in {name}:\n{_describe(found)}"


@pytest.mark.parametrize(("app", "name"), committed_stacks(assertions=False))
def test_integration_stack_acknowledgements_are_reasoned_and_narrow(
    integ_apps: dict[str, IntegApp], app: str, name: str
) -> None:
    """On the broker or a probe function only, each with a specific reason."""
    found = acknowledgements(integ_apps[app].stack(name))
    assert_specific_reasons(name, found)
    owned = tuple(f"{name}/{owner}" for owner in INTEG_OWNERS)
    for path, rule, _ in found:
        assert path.startswith(owned), f"{rule} acknowledged on {path}"


@pytest.mark.parametrize("name", SCANNED)
def test_every_acknowledgement_has_a_specific_reason(
    security_stacks: SecurityStacks, name: str
) -> None:
    assert_specific_reasons(name, acknowledgements(security_stacks.stacks[name]))


def assert_specific_reasons(name: str, found: list[tuple[str, str, str]]) -> None:
    """At least one acknowledgement, each with a long, concrete reason (no placeholder)."""
    assert found, f"{name}: no acknowledgement recorded (the scan above would find them)"
    for path, rule, reason in found:
        words = reason.lower()
        assert len(reason) >= MIN_REASON_LENGTH, f"{rule} at {path}: reason too short: {reason!r}"
        assert any(term in reason for term in CONCRETE_TERMS), f"{rule} at {path}: {reason!r}"
        assert not any(f" {p} " in f" {words} " for p in PLACEHOLDERS), f"{rule}: {reason!r}"


@pytest.mark.parametrize("name", SCANNED)
def test_acknowledgements_are_narrow(security_stacks: SecurityStacks, name: str) -> None:
    """On the broker's own constructs (or its account settings), never on a stack; wildcard
    findings acknowledged one resource at a time."""
    owned = (f"{name}/Broker/", f"{name}/ParticipantBrokerApiGatewayAccount/")
    for path, rule, _ in acknowledgements(security_stacks.stacks[name]):
        assert path.startswith(owned), f"{rule} acknowledged on {path}"
        if rule.startswith("AwsSolutions-IAM5"):
            assert rule.startswith("AwsSolutions-IAM5[Resource::"), rule
