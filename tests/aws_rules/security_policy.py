"""What API Gateway says about changing a deployed REST API's security policy and endpoint
access mode.

API Gateway developer guide, "Security policies for REST APIs in API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html):
* ``TLS_1_0`` and ``TLS_1_2`` are legacy policies; a policy that starts with
  ``SecurityPolicy_`` is enhanced, and "you must also set the endpoint access mode";
* "To migrate an existing API or domain name to use strict endpoint access mode, first update
  your security policy to an enhanced security policy and keep the endpoint access mode set to
  ``BASIC``. After you validate your traffic and access logs, set the endpoint access mode to
  ``STRICT``";
* "When you migrate the endpoint access mode from ``STRICT`` to ``BASIC``, your endpoint will
  be unavailable for around 15 minutes";
* "When you change a security policy from a policy that begins with ``SecurityPolicy_`` to a
  legacy policy, you must unset the endpoint access mode".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _enhanced(policy: str | None) -> bool:
    return (policy or "").startswith("SecurityPolicy_")


def update_problems(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What goes wrong when a deployed ``AWS::ApiGateway::RestApi`` changes from the
    properties ``before`` to ``after`` (``SecurityPolicy``, ``EndpointAccessMode``)."""
    policy, mode = after.get("SecurityPolicy"), after.get("EndpointAccessMode")
    was_mode = before.get("EndpointAccessMode")
    problems = []
    if _enhanced(policy) and mode not in ("BASIC", "STRICT"):
        problems.append(f"an enhanced policy needs an endpoint access mode, got {mode!r}")
    if not _enhanced(policy) and mode is not None:
        problems.append(f"a legacy policy takes no endpoint access mode, got {mode!r}")
    if not _enhanced(before.get("SecurityPolicy")) and mode == "STRICT":
        problems.append("a deployed API reaches STRICT through BASIC, after checking its traffic")
    if was_mode == "STRICT" and mode == "BASIC":
        problems.append("STRICT to BASIC leaves the endpoint unavailable for about 15 minutes")
    return problems
