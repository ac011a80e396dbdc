"""What a REST API method with a MOCK integration (the CORS preflight) answers.

API Gateway developer guide, "Enabling CORS for a REST API resource": the preflight is an
OPTIONS method whose mock integration returns the CORS headers; its integration response's
``ResponseParameters`` map ``method.response.header.<name>`` to a static value in single quotes.
API Gateway developer guide, "Override your API's request and response parameters and status
codes for REST APIs": a response mapping template that sets
``$context.responseOverride.header.<name>`` replaces that header of the answer. The only template
read here is the one aws-cdk-lib's ``addCorsPreflight`` writes for several origins (the request's
``Origin``, or ``origin``, when it equals one of the listed values, replaces
``Access-Control-Allow-Origin``); any other template raises instead of being guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_PREFIX = "method.response.header."
_ORIGIN_OVERRIDE = re.compile(
    r'#set\(\$origin = \$input\.params\(\)\.header\.get\("Origin"\)\)\n'
    r'#if\(\$origin == ""\)\n  #set\(\$origin = \$input\.params\(\)\.header\.get\("origin"\)\)\n'
    r"#end\n"
    r"#if\((?P<conditions>[^\n]*)\)\n"
    r"  #set\(\$context\.responseOverride\.header\.Access-Control-Allow-Origin = \$origin\)\n"
    r"#end"
)
_CONDITION = re.compile(r'\$origin == "([^"]*)"')


def answer(
    method: Mapping[str, Any], request_headers: Mapping[str, str]
) -> tuple[int, dict[str, str]]:
    """The status and headers the mock integration of ``method`` (the properties of an
    ``AWS::ApiGateway::Method``) answers a request carrying ``request_headers`` with."""
    integration = method["Integration"]
    assert integration["Type"] == "MOCK"
    (response,) = integration["IntegrationResponses"]
    headers = {
        name[len(_PREFIX) :]: _static(value)
        for name, value in response.get("ResponseParameters", {}).items()
    }
    template = response.get("ResponseTemplates", {}).get("application/json")
    if template is not None:
        match = _ORIGIN_OVERRIDE.fullmatch(template)
        if match is None:
            raise ValueError(f"a response template these rules do not read: {template!r}")
        origins = _CONDITION.findall(match.group("conditions"))
        origin = request_headers.get("Origin") or request_headers.get("origin") or ""
        if origin in origins:
            headers["Access-Control-Allow-Origin"] = origin
    return int(response["StatusCode"]), headers


def _static(value: str) -> str:
    if not (len(value) >= 2 and value[0] == value[-1] == "'"):
        raise ValueError(f"not a static header value: {value!r}")
    return value[1:-1]
