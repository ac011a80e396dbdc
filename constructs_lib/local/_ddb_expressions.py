"""DynamoDB's condition, key condition and update expressions, for the simulated DynamoDB.

A small interpreter of the grammar the DynamoDB Developer Guide documents ("Condition and filter
expressions, operators, and functions", "Using update expressions", "Key condition expressions
for the Query operation"), limited to top-level attributes: the comparisons ``= <> < <= > >=``;
``AND``, ``OR``, ``NOT`` and parentheses (``NOT`` binds tightest, then ``AND``, then ``OR``);
the functions ``attribute_exists``, ``attribute_not_exists``, ``contains`` and
``if_not_exists``; the update clauses ``SET a = operand``, ``SET a = operand + operand`` (or
``-``), ``ADD`` (to a number or a set), ``DELETE`` (from a set; a set left empty is removed)
and ``REMOVE``, each clause at most once and each attribute in one action.

Values are DynamoDB's typed attribute values (``{"S": ...}``, ``{"N": "1"}``, ``{"SS": [...]}``,
``{"M": {...}}``, ``{"BOOL": ...}``). As in DynamoDB, a comparison of two values of different
types is false, an attribute missing from the item compares false, a name or value placeholder
that the expressions do not use is an error, and so is one they use that the request does not
define.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Item = dict[str, Any]
_TOKEN = re.compile(
    r"\s*(?:(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<name>#[A-Za-z0-9_]+)|(?P<value>:[A-Za-z0-9_]+)"
    r"|(?P<op><>|<=|>=|[=<>(),+-]))"
)
_KEYWORDS = {"AND", "OR", "NOT", "SET", "ADD", "DELETE", "REMOVE"}
_PATH = re.compile(r"#?[A-Za-z_][A-Za-z0-9_]*")


class ExpressionError(ValueError):
    """The expression is not valid (DynamoDB answers ``ValidationException``)."""


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"Invalid expression: syntax error near {text[position:]!r}")
        tokens.append(match.group(match.lastgroup or 0))
        position = match.end()
    return tokens


@dataclass
class Placeholders:
    """The request's ``ExpressionAttributeNames`` and ``...Values``, and which were used."""

    names: Mapping[str, str]
    values: Mapping[str, Any]
    used: set[str] = field(default_factory=set)

    def name(self, token: str) -> str:
        if not token.startswith("#"):
            return token
        if token not in self.names:
            raise ExpressionError(f"An expression attribute name used is not defined: {token}")
        self.used.add(token)
        return self.names[token]

    def value(self, token: str) -> Any:
        if token not in self.values:
            raise ExpressionError(f"An expression attribute value used is not defined: {token}")
        self.used.add(token)
        return self.values[token]

    def check_all_used(self) -> None:
        unused = sorted(set(self.names).union(self.values).difference(self.used))
        if unused:
            raise ExpressionError(f"Value provided in expression attributes unused: {unused}")


def _number(value: Mapping[str, Any]) -> Decimal:
    return Decimal(str(value["N"]))


def _compare(left: Any, operator: str, right: Any) -> bool:
    if left is None or right is None:
        return False
    (left_type, left_value), (right_type, right_value) = (
        next(iter(left.items())),
        next(iter(right.items())),
    )
    if left_type != right_type:
        return operator == "<>"
    a, b = (_number(left), _number(right)) if left_type == "N" else (left_value, right_value)
    checks: dict[str, Callable[[], bool]] = {
        "=": lambda: a == b,
        "<>": lambda: a != b,
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
    }
    return checks[operator]()


def _contains(container: Any, wanted: Any) -> bool:
    if container is None or wanted is None:
        return False
    kind, value = next(iter(container.items()))
    wanted_kind, wanted_value = next(iter(wanted.items()))
    if kind == "S":
        return wanted_kind == "S" and wanted_value in value
    if kind in ("SS", "NS", "BS"):
        return wanted_kind == kind[0] and wanted_value in value
    if kind == "L":
        return wanted in value
    return False


class _Parser:
    """Recursive descent over one expression's tokens."""

    def __init__(self, text: str, placeholders: Placeholders) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.placeholders = placeholders

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise ExpressionError(f"Invalid expression: expected {expected or 'a token'}")
        self.position += 1
        return token

    def done(self) -> bool:
        return self.position == len(self.tokens)

    # -- conditions: each parse returns a predicate over the item ---------------------------

    def condition(self) -> Callable[[Item], bool]:
        parts = [self.conjunction()]
        while (self.peek() or "").upper() == "OR":
            self.take()
            parts.append(self.conjunction())
        return lambda item: any(part(item) for part in parts)

    def conjunction(self) -> Callable[[Item], bool]:
        parts = [self.negation()]
        while (self.peek() or "").upper() == "AND":
            self.take()
            parts.append(self.negation())
        return lambda item: all(part(item) for part in parts)

    def negation(self) -> Callable[[Item], bool]:
        if (self.peek() or "").upper() == "NOT":
            self.take()
            inner = self.negation()
            return lambda item: not inner(item)
        return self.primary()

    def primary(self) -> Callable[[Item], bool]:
        lexeme = self.peek()
        if lexeme == "(":
            self.take()
            inner = self.condition()
            self.take(")")
            return inner
        if lexeme in ("attribute_exists", "attribute_not_exists"):
            self.take()
            self.take("(")
            name = self.path()
            self.take(")")
            exists = lexeme == "attribute_exists"
            return lambda item: (name in item) == exists
        if lexeme == "contains":
            self.take()
            self.take("(")
            container = self.operand()
            self.take(",")
            wanted = self.operand()
            self.take(")")
            return lambda item: _contains(container(item), wanted(item))
        left = self.operand()
        operator = self.take()
        if operator not in ("=", "<>", "<", "<=", ">", ">="):
            raise ExpressionError(f"Invalid expression: unexpected {operator!r}")
        right = self.operand()
        return lambda item: _compare(left(item), operator, right(item))

    def path(self) -> str:
        token = self.take()
        if not _PATH.fullmatch(token) or token.upper() in _KEYWORDS:
            raise ExpressionError(f"Invalid expression: {token!r} is not an attribute")
        return self.placeholders.name(token)

    def operand(self) -> Callable[[Item], Any]:
        lexeme = self.peek()
        if lexeme is not None and lexeme.startswith(":"):
            value = self.placeholders.value(self.take())
            return lambda item: value
        if lexeme == "if_not_exists":
            self.take()
            self.take("(")
            name = self.path()
            self.take(",")
            fallback = self.operand()
            self.take(")")
            return lambda item: item.get(name, fallback(item))
        name = self.path()
        return lambda item: item.get(name)


def condition(text: str, placeholders: Placeholders) -> Callable[[Item], bool]:
    """Compile a condition (or filter) expression."""
    parser = _Parser(text, placeholders)
    predicate = parser.condition()
    if not parser.done():
        raise ExpressionError(f"Invalid expression: unexpected {parser.peek()!r}")
    return predicate


def key_condition(text: str, placeholders: Placeholders) -> tuple[str, Any, Callable[[Item], bool]]:
    """Compile a key condition: the partition key's name and value, and the whole predicate."""
    predicate = condition(text, placeholders)
    parser = _Parser(text, placeholders)
    name = parser.path()
    if parser.take() != "=":
        raise ExpressionError("Query key condition not supported: the partition key needs =")
    token = parser.take()
    if not token.startswith(":"):
        raise ExpressionError("Query key condition not supported: compare the key to a value")
    return name, placeholders.value(token), predicate


def _arithmetic(left: Any, operator: str, right: Any) -> dict[str, str]:
    if left is None or right is None or "N" not in left or "N" not in right:
        raise ExpressionError("An operand in the update expression has an incorrect data type")
    total = _number(left) + _number(right) if operator == "+" else _number(left) - _number(right)
    return {"N": str(total)}


def _set_update(kind: str, current: Any, change: Any, add: bool) -> Any:
    """``ADD`` to (or ``DELETE`` from) a set, or ``ADD`` to a number."""
    if kind == "N" and add:
        return _arithmetic(current or {"N": "0"}, "+", change)
    if kind not in ("SS", "NS", "BS") or (current is not None and kind not in current):
        raise ExpressionError("An operand in the update expression has an incorrect data type")
    members = list(current[kind]) if current else []
    for member in change[kind]:
        if add and member not in members:
            members.append(member)
        elif not add and member in members:
            members.remove(member)
    return {kind: members} if members else None


Action = Callable[[Item, Item], None]
"""One update clause: reads the old item, writes the new one."""


def _actions(parser: _Parser) -> Iterator[Action]:
    """Yield each clause's action. As in DynamoDB, each clause keyword appears at most once and
    no two actions name the same attribute."""
    clauses: set[str] = set()
    names: set[str] = set()
    while not parser.done():
        clause = parser.take().upper()
        if clause not in ("SET", "ADD", "DELETE", "REMOVE"):
            raise ExpressionError(f"Invalid UpdateExpression: unexpected {clause!r}")
        if clause in clauses:
            raise ExpressionError(
                f'Invalid UpdateExpression: The "{clause}" section can only be used once'
            )
        clauses.add(clause)
        while True:
            name, action = _action(parser, clause)
            if name in names:
                raise ExpressionError(
                    f"Invalid UpdateExpression: Two document paths overlap: [{name}]"
                )
            names.add(name)
            yield action
            if parser.peek() != ",":
                break
            parser.take(",")


def _action(parser: _Parser, clause: str) -> tuple[str, Action]:
    name = parser.path()
    if clause == "REMOVE":

        def remove(old: Item, new: Item) -> None:
            new.pop(name, None)

        return name, remove
    if clause == "SET":
        parser.take("=")
        first = parser.operand()
        operator = parser.take() if parser.peek() in ("+", "-") else None
        second = parser.operand() if operator is not None else None

        def set_value(old: Item, new: Item) -> None:
            value = first(old)
            if operator is not None and second is not None:
                value = _arithmetic(value, operator, second(old))
            new[name] = value

        return name, set_value
    change = parser.operand()

    def update_set(old: Item, new: Item) -> None:
        value = change(old)
        result = _set_update(next(iter(value)), old.get(name), value, add=clause == "ADD")
        if result is None:
            new.pop(name, None)
        else:
            new[name] = result

    return name, update_set


def update(text: str, placeholders: Placeholders) -> Callable[[Item], Item]:
    """Compile an update expression into a function from the old item to the new one. Every
    operand reads the item as it was before the update, as in DynamoDB."""
    actions = list(_actions(_Parser(text, placeholders)))

    def apply(item: Item) -> Item:
        new = dict(item)
        for action in actions:
            action(item, new)
        return new

    return apply
