"""cfn-lint over every template the security stacks synthesize: no error, and no warning
unless it is listed below with its reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.rules import Match
from cfnlint.runner import Runner
from integ_support import IntegApp, committed_stacks
from security_stacks import EXAMPLE, VARIANTS, SecurityStacks

#: Regions the broker is checked for: a US Region and a European Region with Amazon Connect.
REGIONS = ["us-east-1", "eu-west-2"]
#: (rule, resource type) -> why the warning is kept.
KEPT_WARNINGS: dict[tuple[str, str], str] = {
    ("W3005", "AWS::Lambda::Function"): (
        "aws-cdk-lib's lambda.Function always adds DependsOn on its role (and on its default "
        "policy, if any) so the permissions exist before the function is invoked; the role's "
        "entry is also implied by the GetAtt on Role. Emitted by CDK, not by the broker; "
        "harmless."
    ),
}


#: The same, kept only in the integration tests' assertion stacks (resources of
#: aws-cdk.integ-tests-alpha, not of the broker).
KEPT_IN_ASSERTION_STACKS: dict[tuple[str, str], str] = {
    ("W3037", "AWS::IAM::Role"): (
        "aws-cdk.integ-tests-alpha's assertion provider lists 'lambda:Invoke' (the SDK call's "
        "name, which is no IAM action and grants nothing) beside the lambda:InvokeFunction it "
        "needs to run a probe. Emitted by integ-tests-alpha for invoke_function; harmless."
    ),
}


@pytest.fixture(scope="module")
def runner() -> Runner:
    """One cfn-lint runner (rules loaded once) for every template."""
    return Runner(ConfigMixIn(regions=REGIONS))


def lint(runner: Runner, template: dict[str, Any]) -> list[Match]:
    """Lint a synthesized template."""
    decoded, errors = decode_str(json.dumps(template))
    assert not errors and decoded is not None, errors
    return list(runner.validate_template(decoded))


def where(template: dict[str, Any], match: Match) -> str:
    """The resource type a match is about (or the template section)."""
    path = list(getattr(match, "path", None) or [])
    if len(path) >= 2 and path[0] == "Resources":
        return str(template["Resources"].get(path[1], {}).get("Type", path[1]))
    return str(path[0]) if path else "template"


def describe(template: dict[str, Any], matches: list[Match]) -> str:
    return "\n".join(f"{m.rule.id} {where(template, m)}: {m.message}" for m in matches)


@pytest.mark.parametrize("name", [EXAMPLE, *VARIANTS])
def test_template_has_no_cfn_lint_error_or_unlisted_warning(
    security_stacks: SecurityStacks, runner: Runner, name: str
) -> None:
    template = security_stacks.template(name)
    matches = lint(runner, template)
    left = [m for m in matches if (m.rule.id, where(template, m)) not in KEPT_WARNINGS]
    assert not left, f"cfn-lint on {name}:\n{describe(template, left)}"


@pytest.mark.parametrize(("app", "name"), committed_stacks())
def test_integration_template_has_no_cfn_lint_error_or_unlisted_warning(
    integ_apps: dict[str, IntegApp], runner: Runner, app: str, name: str
) -> None:
    integ = integ_apps[app]
    template = integ.template(name)
    kept = KEPT_WARNINGS | (KEPT_IN_ASSERTION_STACKS if name in integ.assertion_stacks else {})
    left = [m for m in lint(runner, template) if (m.rule.id, where(template, m)) not in kept]
    assert not left, f"cfn-lint on {name}:\n{describe(template, left)}"


def test_kept_warnings_have_reasons() -> None:
    for (rule, resource_type), reason in (KEPT_WARNINGS | KEPT_IN_ASSERTION_STACKS).items():
        assert rule.startswith("W") and resource_type.startswith("AWS::"), rule
        assert len(reason) >= 60, reason
