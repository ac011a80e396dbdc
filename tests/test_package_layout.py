"""The package's rooms, read from each module's imports: what deploys (the construct and its
helpers) never imports what only helps callers (``constructs_lib.client``) or local development
(``constructs_lib.local``), and those two never import the CDK; no import circle in
``constructs_lib``; no source file over 400 lines and no function over 60 lines (its body,
without the docstring) in ``constructs_lib`` or ``runtime``."""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "constructs_lib"
CALLERS = "constructs_lib.client"
LOCAL = "constructs_lib.local"


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (relative imports resolved), and every
    ``module.name`` it takes from one."""
    return {
        found
        for base, names in _imported(path, ROOT)
        for found in (base, *(f"{base}.{name}" for name in names))
    }


def _imported(path: Path, root: Path) -> list[tuple[str, list[str]]]:
    """``(module, names taken from it)`` of each import of ``path``, relative ones resolved."""
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    package = name.removesuffix(".__init__") if path.name == "__init__.py" else name
    package = package if path.name == "__init__.py" else package.rpartition(".")[0]
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.append((base, [alias.name for alias in node.names]))
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


def _runtime_layers() -> Any:
    """tests/runtime/test_runtime_layers.py, for its circle finder (``runtime`` is the Lambda
    code's package name, so the test module is loaded from its path)."""
    path = ROOT / "tests" / "runtime" / "test_runtime_layers.py"
    spec = importlib.util.spec_from_file_location("runtime_layers_checks", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cycles: Callable[[dict[str, set[str]]], list[list[str]]] = _runtime_layers().cycles

SOURCES = (PACKAGE, ROOT / "runtime")
MAX_LINES = 400
MAX_FUNCTION_LINES = 60


def sources() -> Iterator[Path]:
    for root in SOURCES:
        yield from sorted(root.rglob("*.py"))


def module_name(path: Path, root: Path = ROOT) -> str:
    """``constructs_lib.x.y`` for ``x/y.py``, ``constructs_lib.x`` for ``x/__init__.py``."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_imports(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """The modules of the package ``path`` imports, anywhere in it (under ``TYPE_CHECKING``
    too); a name taken from a package is its module when it is one."""
    found: set[str] = set()
    for base, names in _imported(path, root):
        found.add(base)
        found.update(f"{base}.{name}" for name in names if f"{base}.{name}" in known)
    taken = {module for module in found if module in known}
    for base, names in _imported(path, root):
        if names and all(f"{base}.{name}" in known for name in names):
            taken.discard(base)
    return taken - {module_name(path, root)}


def graph() -> dict[str, set[str]]:
    paths = list(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    return {module_name(path): package_imports(path, known) for path in paths}


def function_lengths(path: Path) -> Iterator[tuple[str, int]]:
    """``(name:line, lines)`` of each function, its body counted without the docstring."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            first = body[0]
            if (
                len(body) > 1
                and isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
            ):
                body = body[1:] if isinstance(first.value.value, str) else body
            end = node.end_lineno or body[-1].lineno
            yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", end - body[0].lineno + 1


def test_the_house_has_modules_to_check() -> None:
    edges = graph()
    assert {"constructs_lib.broker.construct", "constructs_lib.openapi.document"} <= set(edges)
    assert "constructs_lib.broker.nag" in edges["constructs_lib.broker.construct"]


def test_no_import_circle_in_constructs_lib() -> None:
    assert cycles(graph()) == []


def test_a_circle_through_a_package_is_found(tmp_path: Path) -> None:
    package = tmp_path / "constructs_lib"
    (package / "room").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "room" / "__init__.py").write_text("from . import a\n")
    (package / "room" / "a.py").write_text("from .. import b\n")
    (package / "b.py").write_text("from .room import a\n")
    known = {"constructs_lib", "constructs_lib.room", "constructs_lib.room.a", "constructs_lib.b"}
    edges = {
        name: package_imports(tmp_path / path, known, tmp_path)
        for name, path in (
            ("constructs_lib.room.a", "constructs_lib/room/a.py"),
            ("constructs_lib.b", "constructs_lib/b.py"),
        )
    }
    assert edges == {
        "constructs_lib.room.a": {"constructs_lib.b"},
        "constructs_lib.b": {"constructs_lib.room.a"},
    }
    assert cycles(edges) == [["constructs_lib.b", "constructs_lib.room.a", "constructs_lib.b"]]


def test_no_source_file_is_over_400_lines() -> None:
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sources()
    }
    assert {path: n for path, n in lengths.items() if n > MAX_LINES} == {}


def test_no_function_is_over_60_lines() -> None:
    long = {
        name: n
        for path in sources()
        for name, n in function_lengths(path)
        if n > MAX_FUNCTION_LINES
    }
    assert long == {}
