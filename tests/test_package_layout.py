"""The package's rooms, read from each module's imports: what deploys (the construct and its
helpers) never imports what only helps callers (``constructs_lib.client``) or local development
(``constructs_lib.local``), and those two never import the CDK."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "constructs_lib"
CALLERS = "constructs_lib.client"
LOCAL = "constructs_lib.local"


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules(room: str | None) -> dict[str, set[str]]:
    """``room``'s modules (None: every module outside the client and local rooms)."""
    result = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        inside = [r for r in (CALLERS, LOCAL) if name == r or name.startswith(r + ".")]
        if (room is None and not inside) or (room is not None and room in inside):
            result[name] = imports(path)
    return result


def test_each_room_has_its_modules() -> None:
    assert {"constructs_lib.broker", "constructs_lib.monitoring"} <= set(modules(None))
    assert {CALLERS, f"{CALLERS}.client", f"{CALLERS}.errors"} <= set(modules(CALLERS))
    assert {LOCAL, f"{LOCAL}.fake_connect"} <= set(modules(LOCAL))


def test_what_deploys_never_imports_the_client_or_local_development() -> None:
    for name, imported in modules(None).items():
        wrong = sorted(i for i in imported if i.startswith((CALLERS, LOCAL)))
        assert wrong == [], f"{name} imports {wrong}"


def test_client_and_local_development_never_import_the_cdk() -> None:
    for room in (CALLERS, LOCAL):
        for name, imported in modules(room).items():
            wrong = sorted(i for i in imported if i.split(".")[0] in ("aws_cdk", "constructs"))
            assert wrong == [], f"{name} imports {wrong}"


def test_the_client_needs_nothing_from_local_development() -> None:
    wrong = sorted(
        i for imported in modules(CALLERS).values() for i in imported if i.startswith(LOCAL)
    )
    assert wrong == []
