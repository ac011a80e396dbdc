"""The function's code as it ships: the runtime's files (:func:`asset_files`) without
docstrings, comments and blank lines, its JSON files compact. The CDK's local bundling builds it,
in this process and never in Docker; the source stays as readable as it is.

The stripping is deterministic across Python versions: ``ast`` locates the docstrings and the
string literals (a ``#`` outside them starts a comment), and the kept lines are the source's own
text (no ``ast.unparse``). The asset hash is a CUSTOM one, of the files' names and contents and
this module's digest, so it is known before bundling: a second synth into the same ``cdk.out``
reuses the staged asset, and the CDK neither fingerprints nor copies ``runtime/`` itself."""

from __future__ import annotations

import ast
import fnmatch
import functools
import hashlib
import io
import itertools
import json
import os
import tokenize
from collections.abc import Iterator, Sequence
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, BundlingOutput, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from .. import defaults

#: The image the bundling options must name; never pulled, as the local bundling always succeeds.
_IMAGE = "local-bundling-only"
#: Literals taken whole, not their parts: f-strings (and t-strings from Python 3.14).
_WHOLE: tuple[type[ast.expr], ...] = tuple(
    getattr(ast, name) for name in ("JoinedStr", "TemplateStr") if hasattr(ast, name)
)
#: The tokens that open and close an f-string or t-string (Python 3.12 and later).
_OPENING = frozenset(getattr(tokenize, name, -1) for name in ("FSTRING_START", "TSTRING_START"))
_CLOSING = frozenset(getattr(tokenize, name, -1) for name in ("FSTRING_END", "TSTRING_END"))
#: The letters a string literal's prefix is made of.
_PREFIXES = "bBfFrRtTuU"
#: Nodes whose body may open with a docstring.
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
#: Nodes whose children lie on their lines (a definition's decorators excepted).
_POSITIONED = (ast.stmt, ast.expr, ast.arg, ast.keyword)
#: The fields that hold statements (a docstring among them, perhaps).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
#: Nodes that may be decorated.
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def asset_files(source: Path, *, invitations: bool) -> tuple[str, ...]:
    """The files of ``source`` (``runtime/``) the asset holds, as sorted POSIX paths relative to
    it: ``defaults.ASSET_PACKAGE``'s Python and JSON files, without ``defaults.ASSET_LEFT_OUT``
    and, unless ``invitations``, ``defaults.INVITATION_ASSET_FILES``."""
    left_out = defaults.ASSET_LEFT_OUT + (() if invitations else defaults.INVITATION_ASSET_FILES)
    found: list[str] = []
    for directory, subdirectories, names in os.walk(source / defaults.ASSET_PACKAGE):
        subdirectories[:] = [
            name
            for name in subdirectories
            if name not in ("tests", "__pycache__") and not name.startswith(".")
        ]
        relative = Path(directory).relative_to(source).as_posix()
        found.extend(
            f"{relative}/{name}"
            for name in names
            if name.endswith(defaults.ASSET_SUFFIXES) and not name.startswith(".")
        )
    return tuple(
        sorted(
            path
            for path in found
            if not any(fnmatch.fnmatchcase(path, pattern) for pattern in left_out)
        )
    )


def asset_code(source: str, files: Sequence[str]) -> lambda_.Code:
    """The Lambda code of ``files`` of ``source``, stripped by local bundling."""
    return lambda_.Code.from_asset(
        source,
        asset_hash=source_hash(Path(source), files),
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(
            image=_image(),
            local=_bundler(source, tuple(files)),
            output_type=BundlingOutput.NOT_ARCHIVED,
        ),
    )


def source_hash(source: Path, files: Sequence[str]) -> str:
    """SHA-256 of the stripper's digest and each file's name and content: a changed file, a
    file more or less, or a changed stripper changes the asset."""
    digest = hashlib.sha256(_stripper_digest().encode("ascii"))
    for name in files:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256((source / name).read_bytes()).digest())
    return digest.hexdigest()


def stage(source: Path, output_dir: Path, files: Sequence[str]) -> None:
    """Write ``files`` of ``source`` (its Python and JSON files, :func:`asset_files`) into
    ``output_dir`` stripped, each with its source's permissions (a read-only source is staged
    read-only)."""
    for name in files:
        origin, target = source / name, output_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_stripped(origin.suffix, origin.read_bytes(), origin))
        target.chmod(origin.stat().st_mode & 0o7777)


@jsii.implements(ILocalBundling)
class _StrippingBundler:
    """Local bundling that always succeeds, so the CDK never starts Docker."""

    def __init__(self, source: str, files: tuple[str, ...]) -> None:
        self._source = Path(source)
        self._files = files

    def try_bundle(self, output_dir: str, *_options: object, **_fields: object) -> bool:
        """Write the stripped runtime into ``output_dir`` (the CDK's bundling directory); the
        bundling options (passed as one ``BundlingOptions``) say nothing it needs."""
        stage(self._source, Path(output_dir), self._files)
        return True


@functools.cache
def _bundler(source: str, files: tuple[str, ...]) -> _StrippingBundler:
    """One bundler per source and file set, shared by every stack of the process."""
    return _StrippingBundler(source, files)


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
        except (SyntaxError, ValueError) as error:
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
    return _strip(text)


def _strip(text: str) -> str:
    """``strip_python`` of the module's text, its line endings read."""
    tree = ast.parse(text)  # a file that does not parse is named here
    lines = io.StringIO(text).readlines()
    texts = [line.strip() for line in lines]
    strings = _string_columns(tree, lines, texts)
    # Lines that hold code besides the strings located; a backslash that ends a line joins the
    # next one: like blanks, no code. First the lines with no "#" and no string located.
    other_lines = {
        number
        for number, text in enumerate(texts, start=1)
        if text not in ("", "\\") and "#" not in text and number not in strings
    }
    comments: dict[int, int] = {}  # the column where a line's comment starts
    for number in strings.keys() | {n for n, text in enumerate(texts, start=1) if "#" in text}:
        line, code, start = lines[number - 1], "", 0
        # The first "#" outside the line's strings starts a comment.
        for begin, end in (*strings.get(number, ()), (len(line), len(line))):
            comment = line.find("#", start, begin)
            code += line[start : begin if comment < 0 else comment]
            if comment >= 0:
                comments[number] = comment
                break
            start = end
        if code.strip() not in ("", "\\"):
            other_lines.add(number)
    replaced = dict(_docstring_lines(tree, other_lines, lines))
    kept: list[str] = []
    for number, line in enumerate(lines, start=1):
        if kept and kept[-1].rstrip("\n").endswith("\\"):
            kept.append(line)  # the line a backslash joins to the one before: as written
        elif number in replaced:
            kept.append(replaced[number])
        elif number in other_lines or number in strings:  # a line of code
            column = comments.get(number)
            if column is not None:
                line = line[:column].rstrip() + ("\n" if line.endswith("\n") else "")
            kept.append(line)
    return "".join(kept)


def _string_columns(
    tree: ast.Module, lines: Sequence[str], texts: Sequence[str]
) -> dict[int, list[tuple[int, int]]]:
    """The columns string literals take, by line number, in order: a literal on several lines
    takes the rest of its first line, all of the lines between and the start of its last."""
    columns: dict[int, list[tuple[int, int]]] = {}
    for first, start, last, end in _literals(tree, lines, texts):
        if first == last:
            columns.setdefault(first, []).append((start, end))
            continue
        columns.setdefault(first, []).append((start, len(lines[first - 1])))
        for number in range(first + 1, last):
            columns[number] = [(0, len(lines[number - 1]))]
        columns.setdefault(last, []).append((0, end))
    for spans in columns.values():
        spans.sort()
    return columns


def _literals(
    tree: ast.Module, lines: Sequence[str], texts: Sequence[str]
) -> Iterator[tuple[int, int, int, int]]:
    """The first line, start column, last line and end column of the string literals
    ``_strings`` finds: each part of an implicit concatenation with a comment, blank line or
    lone backslash between its lines (which tokenize tells apart), any other one whole."""
    for node in _strings(tree, texts):
        first, last = node.lineno, node.end_lineno or node.lineno
        start = _column(lines[first - 1], node.col_offset)
        end = _column(lines[last - 1], node.end_col_offset or 0)
        if first == last:
            yield first, start, last, end
            continue
        source = "".join(
            (lines[first - 1][start:], *lines[first : last - 1], lines[last - 1][:end])
        )
        prefix = len(source) - len(source.lstrip(_PREFIXES))
        quote = source[prefix : prefix + 3]
        quote = quote if quote in ('"""', "'''") else source[prefix]
        if source.find(quote, prefix + len(quote)) == len(source) - len(quote) or (
            "#" not in source and all(text not in ("", "\\") for text in texts[first : last - 1])
        ):
            # One literal (its first closing quote ends it), or nothing between its lines
            # but code.
            yield first, start, last, end
            continue
        # In brackets, so that tokenize reads no indentation.
        for (row, column), (end_row, end_column) in _parts("(" + source + ")"):
            yield (
                first + row - 1,
                column - 1 + start if row == 1 else column,
                first + end_row - 1,
                end_column - 1 + start if end_row == 1 else end_column,
            )


def _strings(tree: ast.Module, texts: Sequence[str]) -> Iterator[ast.expr]:
    """The string and bytes literals on the lines where they change what is kept, and some
    others. A node is searched whole if one of its lines has a ``#`` (a comment's or a
    string's), is blank or a lone backslash (code only inside a string); else, if one of its
    lines opens with a string, only for the statements that are a string alone (a docstring
    perhaps); else not at all: its lines hold code and no comment, whatever their strings. An
    f-string is one literal: the positions of its parts are unreliable before Python 3.12."""
    marked = [0, *itertools.accumulate(["#" in text or text in ("", "\\") for text in texts])]
    opening = [
        0,
        *itertools.accumulate([text.lstrip(_PREFIXES)[:1] in ('"', "'") for text in texts]),
    ]
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (str, bytes)):
                yield node
            continue
        if isinstance(node, _WHOLE):
            yield node
            continue
        if isinstance(node, _POSITIONED) and node.end_lineno is not None:
            first, last = node.lineno, node.end_lineno
            if isinstance(node, _DEFINITIONS) and node.decorator_list:
                first = node.decorator_list[0].lineno  # decorators are above a definition
            if marked[last] == marked[first - 1]:
                if opening[last] == opening[first - 1] or isinstance(node, ast.expr):
                    continue
                if isinstance(node, ast.Expr):
                    stack.append(node.value)
                else:
                    stack.extend(child for field in _BODIES for child in getattr(node, field, ()))
                continue
        for field in node._fields:
            value = getattr(node, field)
            if isinstance(value, list):
                stack.extend([item for item in value if isinstance(item, ast.AST)])
            elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
                stack.append(value)


def _parts(source: str) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    """The start and end of each string token of ``source``, an f-string from its start token
    to the end token that closes it (Python 3.12 and later tokenize an f-string's parts)."""
    depth = 0
    opening = (0, 0)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in _OPENING:
            depth += 1
            opening = token.start if depth == 1 else opening
        elif token.type in _CLOSING:
            depth -= 1
            if depth == 0:
                yield opening, token.end
        elif token.type == tokenize.STRING and depth == 0:
            yield token.start, token.end


def _column(line: str, offset: int) -> int:
    """The column of the character at ``offset``, which ``ast`` counts in UTF-8 bytes."""
    if line.isascii():
        return offset
    return len(line.encode("utf-8")[:offset].decode("utf-8"))


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
    for field in _BODIES:
        for child in getattr(node, field, ()):
            yield from _documented(child)
