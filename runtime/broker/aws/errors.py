"""The client's exceptions, and error answers parsed as botocore parses them.

:class:`ClientError` carries botocore's ``response`` (``Error.Code``/``Message``,
``ResponseMetadata``, the modeled error's members) and message. Failures without an answer
are :class:`HTTPClientError`\\ s named as botocore names them; every one is retryable.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from typing import Any


class ConfigurationError(Exception):
    """The environment cannot make a request (credentials, Region, endpoint)."""


class HTTPClientError(Exception):
    """No answer: the request may not have reached AWS."""

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
    """AWS answered with an error status (botocore's ``ClientError``)."""

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


def json_body(body: bytes) -> Any:
    """The body as botocore reads it: ``{}`` when empty, ``{"message": text}`` if not JSON."""
    if not body:
        return {}
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return {"message": text}


def _short_code(code: str) -> str:
    """``prefix#Code:suffix`` -> ``Code``."""
    return code.split(":", 1)[0].rsplit("#", 1)[-1]


def parse_error(
    status: int, headers: Mapping[str, str], body: bytes, *, rest: bool
) -> dict[str, Any]:
    """``Error`` and ``ResponseMetadata.RequestId`` of an error answer (``headers`` lowercased;
    ``rest``: REST-JSON, else JSON 1.0)."""
    if status >= 500 and (not body.strip() or body.strip().startswith(b"<html>")):
        message = http.client.responses.get(status, "")
        return {"Error": {"Code": str(status), "Message": message}, "ResponseMetadata": {}}
    parsed = json_body(body)
    error = {"Message": parsed.get("message", parsed.get("Message", "")), "Code": ""}
    code: Any = parsed.get("__type", str(status))
    error["Code"] = _short_code(code)
    if rest and "x-amzn-errortype" in headers:
        error["Code"] = _short_code(headers["x-amzn-errortype"])
    elif rest and ("code" in parsed or "Code" in parsed):
        code = parsed.get("code", parsed.get("Code", ""))
        error["Code"] = _short_code(code) if isinstance(code, str) else code
    metadata = {}
    if "x-amzn-requestid" in headers:
        metadata["RequestId"] = headers["x-amzn-requestid"]
    return {"Error": error, "ResponseMetadata": metadata}
