"""How fast API Gateway lets requests through to each method, and how fast Amazon Connect takes
the broker's calls.

API Gateway developer guide, "Throttle requests to your REST APIs for better throughput in API
Gateway" (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html):
"Per-API, per-stage throttling limits are applied at the API method level for a stage. You can
configure the same settings for all methods, or configure different throttle settings for each
method": the stage's default (the method setting of ``/*``, ``*``) limits each method on its
own, and a method's own setting replaces it for that method.

AWS CloudFormation, "AWS::ApiGateway::Stage MethodSetting"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html):
``ResourcePath`` is the method's resource path with each ``/`` encoded as ``~1``, after an
initial ``/`` (``/resource/subresource`` is ``/~1resource~1subresource``).

Amazon Connect administrator guide, "Amazon Connect service quotas", section "Amazon Connect
API throttling quotas"
(https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html):
the quotas are "by account, and per Region, not by user and not by instance", one per API; in
Service Quotas, "Rate of CreateParticipant API requests" defaults to 5 requests per second and
"Rate of DescribeContact API requests" to 10.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

CONNECT_DEFAULT_RATES = {"CreateParticipant": 5.0, "DescribeContact": 10.0}


def _path(resource_path: str) -> str:
    """A method setting's ``ResourcePath`` (``/`` and the path with each ``/`` escaped as
    ``~1``; AWS::ApiGateway::Stage MethodSetting) as a resource path."""
    return resource_path.removeprefix("/").replace("~1", "/")


def method_rate(method_settings: Sequence[Mapping[str, Any]], method: str, path: str) -> float:
    """The steady-state rate API Gateway lets through to ``method`` on ``path`` (requests/s)."""
    own = [
        s for s in method_settings if s["HttpMethod"] == method and _path(s["ResourcePath"]) == path
    ]
    stage = [s for s in method_settings if s["HttpMethod"] == "*" and s["ResourcePath"] == "/*"]
    (setting,) = own or stage
    return float(setting["ThrottlingRateLimit"])
