"""The Lambda asset ships the runtime stripped of docstrings, comments and blank lines, its JSON
files compact (``constructs_lib/broker/bundling.py``); nothing else changes.

The oracle is ``ast``: each stripped module parses to the same tree as its source with the
docstrings taken out (``ast.dump`` leaves positions out), so only docstrings, comments and
blank lines can have changed. The file set is the largest one (a broker with invitations).
"""

from __future__ import annotations

import ast
import io
import json
import stat
import tokenize
from pathlib import Path

import pytest

from constructs_lib.broker import bundling

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "runtime"


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runtime as a broker with invitations ships it."""
    output = tmp_path_factory.mktemp("stripped")
    bundling.stage(RUNTIME, output, bundling.asset_files(RUNTIME, invitations=True))
    return output


def files(directory: Path, suffix: str) -> list[Path]:
    return sorted(path.relative_to(directory) for path in directory.rglob(f"*{suffix}"))


def without_docstrings(tree: ast.Module) -> ast.Module:
    """``tree`` without its module, class and function docstrings; an emptied body is ``pass``."""
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(tree):
        if isinstance(node, documented) and ast.get_docstring(node, clean=False) is not None:
            node.body = node.body[1:]
            if not node.body and not isinstance(node, ast.Module):
                node.body = [ast.Pass()]
    return tree


def docstrings(tree: ast.Module) -> list[str]:
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return [
        text
        for node in ast.walk(tree)
        if isinstance(node, documented)
        and (text := ast.get_docstring(node, clean=False)) is not None
    ]


def test_the_staged_asset_holds_the_source_files(staged: Path) -> None:
    assert files(staged, ".py") and files(staged, ".json")
    assert "broker/invitations.py" in {str(path) for path in files(staged, ".py")}
    assert not files(staged, ".md") and not files(staged, ".pyc")


def test_each_module_differs_from_its_source_by_docstrings_comments_and_blank_lines_only(
    staged: Path,
) -> None:
    stripped_any = False
    for relative in files(staged, ".py"):
        source = (RUNTIME / relative).read_text(encoding="utf-8")
        stripped = (staged / relative).read_text(encoding="utf-8")
        expected = ast.dump(without_docstrings(ast.parse(source)))
        assert ast.dump(ast.parse(stripped)) == expected, relative
        stripped_any = stripped_any or len(stripped) < len(source)
    assert stripped_any


def test_each_json_file_holds_its_source_document_compact(staged: Path) -> None:
    for relative in files(staged, ".json"):
        source = (RUNTIME / relative).read_bytes()
        stripped = (staged / relative).read_bytes()
        document = json.loads(source)
        assert json.loads(stripped) == document, relative
        # No whitespace between tokens, the keys in their order, non-ASCII text as UTF-8.
        compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        assert stripped == compact.encode("utf-8"), relative


def test_the_asset_is_the_broker_package_python_and_json_files() -> None:
    """Every ``.py`` and ``.json`` file of ``runtime/broker`` but the answers' schema (read by
    the docs and tests only); without invitations, not their modules either."""
    package = sorted(
        path.relative_to(RUNTIME).as_posix()
        for path in (RUNTIME / "broker").rglob("*")
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts
    )
    with_invitations = bundling.asset_files(RUNTIME, invitations=True)
    assert list(with_invitations) == [p for p in package if p != "broker/answers.schema.json"]
    without = bundling.asset_files(RUNTIME, invitations=False)
    assert {"broker/handler.py", "broker/aws/client.py", "broker/problems.json"} <= set(without)
    assert sorted(set(with_invitations) - set(without)) == [
        "broker/aws/dynamodb.json",
        "broker/aws/dynamodb.py",
        "broker/dynamodb.py",
        "broker/invitation_redeem.py",
        "broker/invitation_schema.py",
        "broker/invitation_settings.py",
        "broker/invitation_store.py",
        "broker/invitation_table.json",
        "broker/invitation_tally.py",
        "broker/invitation_tokens.py",
        "broker/invitations.py",
        "broker/invitations.schema.json",
    ]


def test_tests_caches_notes_and_the_root_package_never_ship(tmp_path: Path) -> None:
    for junk in (
        "__init__.py",
        "tests/test_x.py",
        ".pytest_cache/v.json",
        "broker/notes.md",
        "broker/py.typed",
        "broker/__pycache__/m.cpython-314.pyc",
        "broker/__pycache__/cache.json",
        "broker/tests/test_m.py",
        "broker/.hypothesis/examples.json",
        "broker/.#m.py",
        "broker/m.py",
        "broker/sub/n.py",
        "broker/data.json",
    ):
        (tmp_path / junk).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / junk).write_text("{}")
    assert bundling.asset_files(tmp_path, invitations=True) == (
        "broker/data.json",
        "broker/m.py",
        "broker/sub/n.py",
    )


def test_the_asset_hash_follows_each_name_each_content_and_the_stripper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broker").mkdir()
    for name in ("a.py", "b.py"):
        (tmp_path / "broker" / name).write_text("x = 1\n")
    files = ["broker/a.py", "broker/b.py"]
    first = bundling.source_hash(tmp_path, files)
    assert bundling.source_hash(tmp_path, list(files)) == first
    assert bundling.source_hash(tmp_path, files[:1]) != first  # a file less
    (tmp_path / "broker" / "b.py").write_text("x = 2\n")
    changed = bundling.source_hash(tmp_path, files)
    assert changed != first
    (tmp_path / "broker" / "b.py").rename(tmp_path / "broker" / "c.py")
    assert bundling.source_hash(tmp_path, ["broker/a.py", "broker/c.py"]) != changed  # renamed
    monkeypatch.setattr(bundling, "_stripper_digest", lambda: "0" * 64)
    assert bundling.source_hash(tmp_path, ["broker/a.py", "broker/c.py"]) != changed


def test_no_comment_docstring_or_blank_line_is_left(staged: Path) -> None:
    for relative in files(staged, ".py"):
        text = (staged / relative).read_text(encoding="utf-8")
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        assert not [token for token in tokens if token.type == tokenize.COMMENT], relative
        blank = [t for t in tokens if t.type == tokenize.NL and not t.line.strip()]
        assert not blank, relative
        assert docstrings(ast.parse(text)) == [], relative
        # Nothing is left to strip.
        assert bundling.strip_python(text.encode("utf-8")) == text, relative


def test_stripping_twice_gives_the_same_bytes(
    staged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundling, "_STRIPPED", {})  # strip afresh, not from the process's memo
    again = tmp_path / "again"
    bundling.stage(RUNTIME, again, bundling.asset_files(RUNTIME, invitations=True))
    assert files(again, "") == files(staged, "")
    for relative in files(staged, ""):
        if (staged / relative).is_file():
            assert (again / relative).read_bytes() == (staged / relative).read_bytes()


@pytest.mark.parametrize(
    ("source", "stripped"),
    [
        ('def f():\n    """Doc."""\n', "def f():\n    pass\n"),
        (
            'class A:\n    """Doc\n    on two lines."""\n\n    x = 1  # one\n',
            "class A:\n    x = 1\n",
        ),
        ('def f(): "kept: it shares its line"; return 1\n', None),
        ('x = """a\n\n# not a comment\n"""\n', None),
        ('"""Module."""\n# comment\n\nimport os\n', "import os\n"),
        ("x = (1,  # one\n     2)\r\n", "x = (1,\n     2)\n"),
        # A backslash joins the next line, blank or a comment: kept, or f(x) would call (y).
        ("f(x) \\\n\n(y)\n", None),
        ("x = 1 \\\n# c\ny = 2\n", None),
        ('def f():\n    """d""" \\\n    ; return 1\n', None),
        (
            'try:\n    def f():\n        """Doc."""\nexcept ImportError:\n'
            '    class A:\n        """Doc."""\n',
            "try:\n    def f():\n        pass\nexcept ImportError:\n    class A:\n        pass\n",
        ),
        (
            'if x:\n    pass\nelse:\n    async def f():\n        """Doc."""\n        return 1\n',
            "if x:\n    pass\nelse:\n    async def f():\n        return 1\n",
        ),
        (
            'try:\n    pass\nfinally:\n    def f():\n        """Doc."""\n        return 1\n',
            "try:\n    pass\nfinally:\n    def f():\n        return 1\n",
        ),
        (
            'match x:\n    case 1:\n        class A:\n            """Doc."""\n',
            "match x:\n    case 1:\n        class A:\n            pass\n",
        ),
    ],
)
def test_the_stripper_keeps_every_line_of_code_as_written(
    source: str, stripped: str | None
) -> None:
    assert bundling.strip_python(source.encode("utf-8")) == (stripped or source)


@pytest.mark.parametrize(
    ("source", "stripped"),
    [
        # A "#" in a string, bytes or f-string (its format spec too) is the string's.
        ('x = "a # b"  # c\n', 'x = "a # b"\n'),
        ("x = b'#' + rb\"\\#\"  # c\n", "x = b'#' + rb\"\\#\"\n"),
        ("x = f\"{y:#x} #{z!r:#>4} {d['#']}\"  # c\n", "x = f\"{y:#x} #{z!r:#>4} {d['#']}\"\n"),
        ('x = (f"{a}#"  f"#{b}")  # c\n', 'x = (f"{a}#"  f"#{b}")\n'),
        # A comment alone on its line in brackets goes, as does a blank line.
        ("x = [\n    1,\n    # one\n\n    2,  # two\n]\n", "x = [\n    1,\n    2,\n]\n"),
        # A string on several lines keeps each of its lines, blank and "#" ones too.
        ('x = f"""{a}\n\n  # b\n"""  # c\ny = 1\n', 'x = f"""{a}\n\n  # b\n"""\ny = 1\n'),
        ("x = b'''\n#'''; y = '#'  # c\n", "x = b'''\n#'''; y = '#'\n"),
        ('x = """a\n\nc"""\n', None),
        ('x = """a\n\\\nc"""\n', None),
        # A lone backslash outside a string joins two lines: no code of its own.
        ("x = (1,\n     \\\n     2)\n", "x = (1,\n     2)\n"),
        ('x = ("a"\n     \\\n     "b")\n', 'x = ("a"\n     "b")\n'),
        # Between the parts of a concatenation, comments and blank lines go.
        (
            'x = ("a"  # one\n\n     # two\n     "#"\n     f"""b\n\n#"""  # three\n)\n',
            'x = ("a"\n     "#"\n     f"""b\n\n#"""\n)\n',
        ),
        # Non-ASCII text before a string: ast counts UTF-8 bytes, a line characters.
        ('d = {"éü": "#"}  # ça\n# ü\n', 'd = {"éü": "#"}\n'),
        ('if x:\n\ty = "\t#"\t# c\n', 'if x:\n\ty = "\t#"\n'),
        # The line a backslash joins to the one before is as written, its comment too.
        ("x = 1 + \\\n    2  # c\n", None),
        # A decorator's strings are above its definition's first line.
        ('@d("#")  # c\nclass A:\n    x = 1\n', '@d("#")\nclass A:\n    x = 1\n'),
        # A docstring that shares a line with code is kept.
        ('def f():\n    """Doc."""; return 1  # c\n', 'def f():\n    """Doc."""; return 1\n'),
        ('class A: """Doc."""\n', None),
    ],
)
def test_a_hash_outside_every_string_starts_a_comment(source: str, stripped: str | None) -> None:
    assert bundling.strip_python(source.encode("utf-8")) == (stripped or source)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"def f(:\n", "invalid syntax (<unknown>, line 1); the file must be valid Python"),
        (
            b"def f():\n  return (\n",
            "'(' was never closed (<unknown>, line 2); the file must be valid Python",
        ),
    ],
)
def test_a_module_that_does_not_parse_is_named(content: bytes, message: str) -> None:
    broken = Path("runtime/broker/broken.py")
    with pytest.raises(RuntimeError) as raised:
        bundling._stripped(".py", content, broken)
    assert str(raised.value) == f"cannot strip {broken} for the Lambda asset: {message}"


def test_json_that_python_reads_but_json_forbids_is_refused() -> None:
    with pytest.raises(RuntimeError) as raised:
        bundling._stripped(".json", b'{"limit": 1e400}', Path("runtime/broker/x.json"))
    assert str(raised.value) == (
        "cannot strip runtime/broker/x.json for the Lambda asset: Out of range float values "
        "are not JSON compliant; the file must be valid JSON"
    )


def test_the_runtime_never_reads_a_docstring() -> None:
    """Stripping cannot change behaviour: no module reads ``__doc__`` or its own source."""
    for path in sorted(RUNTIME.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        strings = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "__doc__" not in names | strings, path
        assert not {"inspect", "pydoc", "linecache"} & imported, path


def test_a_read_only_source_is_stripped_and_stays_read_only(tmp_path: Path) -> None:
    """A runtime installed read-only (a locked site-packages) is copied read-only: the
    stripped copy is written all the same and keeps the source's mode."""
    module = tmp_path / "source" / "broker" / "m.py"
    module.parent.mkdir(parents=True)
    module.write_text('"""Doc."""\nx = 1  # one\n', encoding="utf-8")
    module.chmod(0o444)
    bundling.stage(tmp_path / "source", tmp_path / "out", ["broker/m.py"])
    staged = tmp_path / "out" / "broker" / "m.py"
    assert staged.read_text(encoding="utf-8") == "x = 1\n"
    assert stat.S_IMODE(staged.stat().st_mode) == 0o444
