"""Every synth-time message is written in constructs_lib/checks (and the throttle allocation of
constructs_lib/edge/throttling.py, whose refusals depend on computed shares), once, in one
style (aws-cdk's): it starts lowercase or with the code it names, and has no final period."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "constructs_lib"
CHECKS = [*sorted((PACKAGE / "checks").glob("*.py")), PACKAGE / "edge" / "throttling.py"]
#: Where the CDK side may raise or annotate at synth (the rest of what deploys must not).
DEPLOYING = [PACKAGE / room for room in ("broker", "edge", "invitations", "monitoring")]


def _messages() -> list[tuple[str, str]]:
    """``(where, message text with {…} for each value)`` of each raise and annotation."""
    found = []
    for path in CHECKS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                argument = node.exc.args[0]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if not node.func.attr.startswith(("add_warning", "add_info")):
                    continue
                argument = node.args[-1]
            else:
                continue
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{…}"
                for part in (argument.values if isinstance(argument, ast.JoinedStr) else [argument])
            )
            found.append((f"{path.name}:{node.lineno}", text))
    return found


def test_there_are_messages_to_check() -> None:
    assert len(_messages()) > 40


def test_each_message_starts_lowercase_or_with_code_and_has_no_final_period() -> None:
    def styled(text: str) -> bool:
        first = text.split()[0] if text.split() else ""
        code = "(" in first or "." in first or "_" in first or first.startswith("{")
        return (first[:1].islower() or code) and not text.rstrip().endswith(".")

    assert [where for where, text in _messages() if not styled(text)] == []


def test_no_message_is_written_twice() -> None:
    counts = Counter(text for _, text in _messages())
    assert {text: n for text, n in counts.items() if n > 1} == {}


def test_nothing_else_that_deploys_raises_a_value_error_or_annotates() -> None:
    elsewhere = []
    for room in DEPLOYING:
        for path in room.rglob("*.py"):
            if path in CHECKS:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                raised = isinstance(node, ast.Raise) and "ValueError" in ast.unparse(node)
                noted = isinstance(node, ast.Attribute) and node.attr.startswith(
                    ("add_warning", "add_info", "add_error")
                )
                if raised or noted:
                    elsewhere.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert elsewhere == []
