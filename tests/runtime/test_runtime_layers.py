"""The runtime's modules as a reader meets them, read from their source (nothing imported): in
layers (docs/development.md, "The runtime"), each importing from its own or a lower one; no import
circle; no private name imported or read across modules; imports inside the package relative; no
module over 400 lines (left out of ``make mutate``: mutmut's copies are longer)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "runtime" / "broker"
MAX_LINES = 400
#: Top to bottom; a package's name holds its modules.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("handler",),
    ("participants", "invitations", "invitation_redeem", "invitation_tally"),
    ("context",),
    (
        "contacts",
        "idempotency",
        "identity",
        "config",
        "invitation_settings",
        "invitation_schema",
        "invitation_store",
        "invitation_tokens",
        "media_type",
        "apigw",
    ),
    ("connect", "dynamodb", "tracing"),
    ("aws",),
    ("contract", "problems", "budget", "logs", "metrics", "settings", ""),
)


def layer(module: str) -> int:
    """The layer of ``broker.<module>`` (``broker`` itself: the bottom one)."""
    inner = module.partition(".")[2]
    for depth, names in enumerate(LAYERS):
        if any(inner == name or inner.startswith(f"{name}.") for name in names if name):
            return depth
    if not inner:
        return len(LAYERS) - 1
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and docs/development.md)")


def module_name(path: Path, package: Path) -> str:
    """``broker.x`` for ``x.py``, ``broker.sub`` for ``sub/__init__.py``."""
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        found[module_name(path, package)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def imports(
    name: str, path: Path, tree: ast.Module, known: set[str]
) -> Iterator[tuple[str, str, int]]:
    """``(module imported, name taken from it or "", line)`` for each import of the package,
    at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    yield submodule, "", node.lineno
                else:
                    yield target, alias.name, node.lineno


def graph(found: dict[str, tuple[Path, ast.Module]]) -> dict[str, set[str]]:
    known = set(found)
    return {
        name: {target for target, _, _ in imports(name, path, tree, known) if target != name}
        for name, (path, tree) in found.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, each once, as the path that closes it."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            circle = [*path[path.index(node) :], node]
            if not any(set(circle) == set(known) for known in found):
                found.append(circle)
            return
        if node in done:
            return
        for target in sorted(edges.get(node, ())):
            visit(target, [*path, node])
        done.add(node)

    for node in sorted(edges):
        visit(node, [])
    return found


def private_uses(found: dict[str, tuple[Path, ast.Module]]) -> list[str]:
    """``module:line name`` for each private name imported from, or read on, another module."""
    known = set(found)
    uses = []
    for name, (path, tree) in found.items():
        aliases: dict[str, str] = {}
        for target, taken, line in imports(name, path, tree, known):
            if taken and private(taken):
                uses.append(f"{name}:{line} {target}.{taken}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                for alias in node.names:
                    aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and private(node.attr)
            ):
                uses.append(f"{name}:{node.lineno} {node.value.id}.{node.attr}")
    return uses


def test_the_runtime_has_modules_to_check() -> None:
    found = modules()
    assert {"broker.handler", "broker.participants", "broker.invitations"} <= set(found)
    assert graph(found)["broker.handler"] >= {"broker.participants", "broker.invitations"}


def test_each_module_imports_from_its_own_layer_or_a_lower_one() -> None:
    upward = [
        f"{name} -> {target}"
        for name, targets in graph(modules()).items()
        for target in sorted(targets)
        if layer(target) < layer(name)
    ]
    assert upward == []


def test_no_import_circle() -> None:
    assert cycles(graph(modules())) == []


def test_a_circle_is_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c", "a"]]


def test_no_private_name_is_imported_or_read_across_modules() -> None:
    assert private_uses(modules()) == []


def absolute_names(node: ast.AST) -> list[str]:
    """The modules an ``import`` or an absolute ``from ... import`` names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level and node.module:
        return [node.module]
    return []


def test_imports_inside_the_package_are_relative() -> None:
    absolute = [
        f"{name}:{node.lineno} {imported}"
        for name, (_, tree) in modules().items()
        for node in ast.walk(tree)
        for imported in absolute_names(node)
        if imported.split(".")[0] in ("broker", "runtime")
    ]
    assert absolute == []


def test_no_module_is_over_400_lines() -> None:
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, (path, _) in modules().items()
    }
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
