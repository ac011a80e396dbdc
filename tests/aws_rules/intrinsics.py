"""CloudFormation intrinsic functions, evaluated on a template value for given parameter values.

AWS CloudFormation User Guide, "Intrinsic function reference":
* ``Ref`` of a parameter or pseudo parameter is its value ("Ref", "Pseudo parameters reference");
* ``Fn::Join [delimiter, [values]]`` concatenates the values with the delimiter ("Fn::Join");
* ``Fn::Split [delimiter, source]`` is the list of the parts of ``source`` ("Fn::Split");
* ``Fn::Select [index, list]`` is the element at the zero-based index; an index past the end is
  an error ("Fn::Select").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::Region": "eu-west-1"}


def evaluate(value: Any, refs: Mapping[str, Any]) -> Any:
    """Evaluate ``value``; ``refs`` maps parameter names (and pseudo parameters) to values."""
    if isinstance(value, list):
        return [evaluate(item, refs) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1 or not next(iter(value)).startswith(("Ref", "Fn::")):
        return {key: evaluate(item, refs) for key, item in value.items()}
    ((name, argument),) = value.items()
    if name == "Ref":
        return {**PSEUDO, **refs}[argument]
    if name == "Fn::Join":
        delimiter, items = argument
        return delimiter.join(str(evaluate(item, refs)) for item in items)
    if name == "Fn::Split":
        delimiter, source = argument
        return str(evaluate(source, refs)).split(delimiter)
    if name == "Fn::Select":
        index, items = argument
        values = evaluate(items, refs)
        position = int(evaluate(index, refs))
        if position >= len(values):
            raise IndexError(f"Fn::Select index {position} past the end of {values!r}")
        return values[position]
    raise NotImplementedError(f"intrinsic {name} is not transcribed here")
