"""The client's exceptions, named and worded as botocore's; every failure to get an answer is
an :class:`HTTPClientError`, which is retried."""

from __future__ import annotations

from typing import Any


class ConfigurationError(Exception):
    """The environment cannot make a request (credentials, Region, endpoint)."""


class HTTPClientError(Exception):
    fmt = "An HTTP client raised an unhandled exception: {error}"

    def __init__(self, endpoint_url: str, error: object = None) -> None:
        super().__init__(self.fmt.format(endpoint_url=endpoint_url, error=error))
        self.endpoint_url = endpoint_url


class EndpointConnectionError(HTTPClientError):
    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(HTTPClientError):
    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class SSLError(HTTPClientError):
    fmt = "SSL validation failed for {endpoint_url} {error}"


class ReadTimeoutError(HTTPClientError):
    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectionClosedError(HTTPClientError):
    fmt = (
        "Connection was closed before we received a valid response "
        'from endpoint URL: "{endpoint_url}".'
    )


class ClientError(Exception):
    """An error answer: ``response`` as botocore's (``Error``, ``ResponseMetadata``, the
    modeled error's members)."""

    def __init__(self, response: dict[str, Any], operation_name: str) -> None:
        error = response.get("Error", {})
        metadata = response.get("ResponseMetadata", {})
        retries = ""
        if metadata.get("MaxAttemptsReached") and "RetryAttempts" in metadata:
            retries = f" (reached max retries: {metadata['RetryAttempts']})"
        super().__init__(
            f"An error occurred ({error.get('Code', 'Unknown')}) when calling the "
            f"{operation_name} operation{retries}: {error.get('Message', 'Unknown')}"
        )
        self.response = response
        self.operation_name = operation_name
