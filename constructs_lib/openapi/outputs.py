"""A deployed broker's URL, read from ``cdk deploy --outputs-file`` (standard library only).

The file maps each stack name to its outputs: ``{"Stack": {"BrokerApiEndpoint2D532D2F":
"https://abc123.execute-api.eu-west-1.amazonaws.com/v1/"}}``. Each broker's REST API adds one
output, whose logical ID aws-cdk-lib makes from the construct path of the API's ``Endpoint``
output (``<broker path>/Api/Endpoint``): the path's components without non-alphanumerics, then
the first 8 hex digits (upper case) of the MD5 of the path (aws-cdk-lib ``core/lib/private/
uniqueid.ts``: ``makeUniqueId``; ``Default`` components are left out, ``Resource`` only from
the readable part, repeated neighbours once).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

_ENDPOINT_KEY: Final = re.compile(r"[A-Za-z0-9]*ApiEndpoint[0-9A-F]{8}")
_URL: Final = re.compile(r"https://[^/\s]+/\S*")


def endpoint_output_key(broker_path: str) -> str:
    """The output logical ID of the broker at ``broker_path`` (relative to its stack, for
    example ``"Broker"`` or ``"Contacts/Broker"``)."""
    components = [part for part in [*broker_path.split("/"), "Api", "Endpoint"] if part]
    components = [part for part in components if part != "Default"]
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()
    readable: list[str] = []
    for part in components:
        if part != "Resource" and (not readable or readable[-1] != part):
            readable.append(part)
    human = "".join(re.sub(r"[^A-Za-z0-9]", "", part) for part in readable)
    return human[:240] + digest[:8].upper()


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
