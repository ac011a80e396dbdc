"""The function's code as it ships: ``runtime/`` without docstrings, comments and blank lines,
its JSON files compact, everything else byte for byte. The CDK's local bundling builds it, in
this process and never in Docker; the source stays as readable as it is.

The stripping is deterministic across Python versions: ``tokenize`` finds the comments and the
lines that hold code, ``ast`` only locates the docstrings, and the kept lines are the source's
own text (no ``ast.unparse``). The asset hash is the CDK's SOURCE hash (the runtime's files, the
exclude list and the bundling options, which name this module's digest), so it is known before
bundling and a second synth into the same ``cdk.out`` reuses the staged asset."""

from __future__ import annotations

import ast
import functools
import hashlib
import io
import json
import stat
import tokenize
from collections.abc import Iterator, Sequence
from pathlib import Path

import jsii
from aws_cdk import (
    BundlingOptions,
    BundlingOutput,
    CopyOptions,
    DockerImage,
    FileSystem,
    ILocalBundling,
)
from aws_cdk import aws_lambda as lambda_

#: The image the bundling options must name; never pulled, as the local bundling always succeeds.
_IMAGE = "local-bundling-only"
#: Tokens that hold no code: a line with nothing else is dropped.
_LAYOUT = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
        tokenize.ENDMARKER,
    }
)
#: Nodes whose body may open with a docstring.
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def asset_code(source: str, exclude: Sequence[str]) -> lambda_.Code:
    """The Lambda code of ``source`` without ``exclude``, stripped by local bundling."""
    return lambda_.Code.from_asset(
        source,
        exclude=list(exclude),
        bundling=BundlingOptions(
            image=_image(),
            local=_bundler(source, tuple(exclude)),
            output_type=BundlingOutput.NOT_ARCHIVED,
            # Part of the asset hash: a changed stripper changes the asset.
            environment={"STRIPPER_DIGEST": _stripper_digest()},
        ),
    )


def stage(source: Path, output_dir: Path, exclude: Sequence[str]) -> None:
    """Copy ``source`` into ``output_dir`` as the CDK copies an asset (``exclude`` glob
    patterns), then strip the copied Python and JSON files in place."""
    source, output_dir = source.resolve(), output_dir.resolve()
    FileSystem.copy_directory(str(source), str(output_dir), CopyOptions(exclude=list(exclude)))
    for path in sorted(output_dir.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            origin = source / path.relative_to(output_dir)
            stripped = _stripped(path.suffix, path.read_bytes(), origin)
            mode = path.stat().st_mode  # a read-only source is copied read-only
            path.chmod(mode | stat.S_IWUSR)
            path.write_bytes(stripped)
            path.chmod(mode)


@jsii.implements(ILocalBundling)
class _StrippingBundler:
    """Local bundling that always succeeds, so the CDK never starts Docker."""

    def __init__(self, source: str, exclude: tuple[str, ...]) -> None:
        self._source = Path(source)
        self._exclude = exclude

    def try_bundle(self, output_dir: str, *_options: object, **_fields: object) -> bool:
        """Write the stripped runtime into ``output_dir`` (the CDK's bundling directory); the
        bundling options (passed as one ``BundlingOptions``) say nothing it needs."""
        stage(self._source, Path(output_dir), self._exclude)
        return True


@functools.cache
def _bundler(source: str, exclude: tuple[str, ...]) -> _StrippingBundler:
    """One bundler per source and file set, shared by every stack of the process."""
    return _StrippingBundler(source, exclude)


@functools.cache
def _image() -> DockerImage:
    return DockerImage.from_registry(_IMAGE)


@functools.cache
def _stripper_digest() -> str:
    """This module's own SHA-256: a changed stripper changes the asset hash."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


#: Stripped files by suffix and source digest: each distinct file is stripped once a process,
#: however many apps and stacks bundle it.
_STRIPPED: dict[tuple[str, bytes], bytes] = {}


def _stripped(suffix: str, content: bytes, origin: Path) -> bytes:
    key = (suffix, hashlib.sha256(content).digest())
    if key not in _STRIPPED:
        try:
            if suffix == ".py":
                _STRIPPED[key] = strip_python(content).encode("utf-8")
            else:
                _STRIPPED[key] = compact_json(content).encode("utf-8")
        except (SyntaxError, ValueError, tokenize.TokenError) as error:
            # Not a prop's check (``checks``): a file of the package's runtime is broken.
            kind = "Python" if suffix == ".py" else "JSON"
            raise RuntimeError(
                f"cannot strip {origin} for the Lambda asset: {error}; the file must be valid "
                f"{kind}"
            ) from error
    return _STRIPPED[key]


def compact_json(content: bytes) -> str:
    """The JSON document without whitespace, its keys in their order."""
    return json.dumps(
        json.loads(content), separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def strip_python(content: bytes) -> str:
    """The module's source without its docstrings, comments and blank lines; a body left
    empty gets ``pass``. Every line kept is the source's own text."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(content).readline)
    # Python reads every line ending as "\n", inside strings too.
    text = content.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    tree = ast.parse(text)  # a file that does not parse is named here, before tokenize
    lines = io.StringIO(text).readlines()
    code_lines: set[int] = set()  # lines that hold a token of code
    other_lines: set[int] = set()  # lines that hold code other than a string
    comments: dict[int, int] = {}  # the column where a line's comment starts
    for kind, _, (first, start), (last, _), _ in tokenize.generate_tokens(
        io.StringIO(text).readline
    ):
        if kind == tokenize.COMMENT:
            comments[first] = start
        elif kind not in _LAYOUT:
            spanned = (first,) if first == last else range(first, last + 1)
            code_lines.update(spanned)
            if kind != tokenize.STRING:
                other_lines.update(spanned)
    replaced = dict(_docstring_lines(tree, other_lines, lines))
    kept: list[str] = []
    for number, line in enumerate(lines, start=1):
        if kept and kept[-1].rstrip("\n").endswith("\\"):
            kept.append(line)  # the line a backslash joins to the one before: as written
        elif number in replaced:
            kept.append(replaced[number])
        elif number in code_lines:
            column = comments.get(number)
            if column is not None:
                line = line[:column].rstrip() + ("\n" if line.endswith("\n") else "")
            kept.append(line)
    return "".join(kept)


def _docstring_lines(
    tree: ast.Module, other_lines: set[int], lines: Sequence[str]
) -> Iterator[tuple[int, str]]:
    """The lines of each docstring alone on its lines (no code but strings in ``other_lines``),
    each with what replaces it: nothing, then ``pass`` on the first line of a docstring that is
    all of its body."""
    for node in _documented(tree):
        if not node.body:
            continue
        first = node.body[0]
        if not (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            continue
        span = range(first.lineno, (first.end_lineno or first.lineno) + 1)
        if other_lines.intersection(span) or lines[span[-1] - 1].rstrip("\n").endswith("\\"):
            continue  # it shares a line with code (or a backslash joins code to it): kept
        yield from ((number, "") for number in span)
        if len(node.body) == 1 and not isinstance(node, ast.Module):
            opening = lines[first.lineno - 1]
            yield first.lineno, opening[: len(opening) - len(opening.lstrip())] + "pass\n"


def _documented(
    node: ast.AST,
) -> Iterator[ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef]:
    """``node`` if it may hold a docstring, then every such node among its statements, at any
    depth (a function defined in an ``if`` too); expressions are not visited, as no docstring
    is in one."""
    if isinstance(node, _DOCUMENTED):
        yield node
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(node, field, ()):
            yield from _documented(child)
