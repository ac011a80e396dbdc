"""A deployed broker's URL, read from ``cdk deploy --outputs-file`` (standard library only, but
for naming one broker of several).

The file maps each stack name to its outputs: ``{"Stack": {"BrokerApiEndpoint2D532D2F":
"https://abc123.execute-api.eu-west-1.amazonaws.com/v1/"}}``. Each broker's REST API adds one
output, ``<broker path>/Api/Endpoint``, whose logical ID aws-cdk-lib makes from that construct
path: :func:`endpoint_output_key` asks aws-cdk-lib for it (``Stack.get_logical_id``) rather
than repeating its algorithm.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

#: The shape of such an output's logical ID (its readable part, then aws-cdk-lib's 8-digit
#: hash), to find the only broker of a file without naming it.
_ENDPOINT_KEY: Final = re.compile(r"[A-Za-z0-9]*ApiEndpoint[0-9A-F]{8}")
_URL: Final = re.compile(r"https://[^/\s]+/\S*")


def endpoint_output_key(broker_path: str) -> str:
    """The output logical ID of the broker at ``broker_path`` (relative to its stack, for
    example ``"Broker"`` or ``"Contacts/Broker"``), as aws-cdk-lib names it: the ID
    ``Stack.get_logical_id`` gives a ``CfnOutput`` at ``<broker_path>/Api/Endpoint`` of a
    stand-in tree (imports the CDK)."""
    from aws_cdk import App, CfnOutput, Stack
    from constructs import Construct

    stack = Stack(App(), "Stack")
    scope: Construct = stack
    for part in (part for part in broker_path.split("/") if part):
        scope = Construct(scope, part)
    output = CfnOutput(Construct(scope, "Api"), "Endpoint", value="-")
    key: str = stack.resolve(stack.get_logical_id(output))
    return key


def broker_url_from_outputs(
    outputs: str | Path | Mapping[str, Any],
    *,
    stack: str | None = None,
    broker: str | None = None,
) -> str:
    """The URL of one deployed broker, from ``cdk deploy --outputs-file`` output.

    Args:
        outputs: the outputs file's path, or its parsed content.
        stack: the stack's name; needed when the file holds brokers of several stacks.
        broker: the broker's construct path in its stack (``"Broker"``); needed when the stack
            holds several brokers.

    Raises:
        ValueError: no such broker, or several and nothing says which (the message lists them).
    """
    content = _load(outputs)
    stacks = {name: values for name, values in content.items() if isinstance(values, Mapping)}
    if stack is not None:
        if stack not in stacks:
            raise ValueError(
                f"the outputs file has no stack {stack!r}; it has {sorted(stacks)!r}: pass one "
                "of them as stack"
            )
        stacks = {stack: stacks[stack]}
    wanted = endpoint_output_key(broker) if broker is not None else None
    found = {
        (name, key): str(value)
        for name, values in stacks.items()
        for key, value in values.items()
        if (key == wanted if wanted else _ENDPOINT_KEY.fullmatch(key))
        and _URL.fullmatch(str(value))
    }
    if len(found) == 1:
        return next(iter(found.values()))
    seen = sorted(f"{name}.{key}" for name, key in found)
    if not found:
        which = f"for the broker {broker!r} (output {wanted})" if broker else "of a broker"
        raise ValueError(
            f"the outputs file holds no endpoint {which}; check the stack and the broker's "
            "construct path, or pass the URL itself"
        )
    raise ValueError(
        f"the outputs file holds several broker endpoints ({', '.join(seen)}); say which with "
        "stack and broker (the broker's construct path in its stack, for example 'Broker')"
    )


def _load(outputs: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(outputs, Mapping):
        return outputs
    content = json.loads(Path(outputs).read_text(encoding="utf-8"))
    if not isinstance(content, dict):
        raise ValueError(f"{outputs} is not a cdk deploy --outputs-file file (not an object)")
    return content
