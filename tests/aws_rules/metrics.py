"""What the latency metrics AWS publishes for the broker's API and function measure.

API Gateway developer guide, "Amazon API Gateway dimensions and metrics"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html):
* ``IntegrationLatency``: "The time between when API Gateway relays a request to the backend and
  when it receives a response from the backend";
* ``Latency``: "The time between when API Gateway receives a request from a client and when it
  returns a response to the client. The latency includes the integration latency and other API
  Gateway overhead."
AWS Lambda developer guide, "Types of metrics for Lambda functions"
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html):
* ``Duration``: "The amount of time that your function code spends processing an event".
"""

from __future__ import annotations

#: The metrics whose value for one request includes all the time the function spent on it.
INCLUDE_THE_FUNCTION = {
    ("AWS/ApiGateway", "Latency"),
    ("AWS/ApiGateway", "IntegrationLatency"),
    ("AWS/Lambda", "Duration"),
}


def least_value_ms(namespace: str, metric: str, function_ms: float) -> float:
    """The least value one request that kept the function busy ``function_ms`` gives the
    metric; a metric these pages do not describe raises."""
    if (namespace, metric) not in INCLUDE_THE_FUNCTION:
        raise NotImplementedError(f"{namespace} {metric} is not transcribed")
    return function_ms
