"""Endpoints as botocore resolves them, from the service tables and ``partitions.json`` (its
rule sets resolved for every partition and Region, ``scripts/generate_aws_tables.py``) and the
settings it reads:
``AWS_USE_FIPS_ENDPOINT``, ``AWS_USE_DUALSTACK_ENDPOINT``, ``AWS_ENDPOINT_URL(_<SERVICE>)``,
``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``. No shared config files, no account-based endpoints.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .errors import ConfigurationError

DIRECTORY = os.path.dirname(__file__)
PARTITIONS = os.path.join(DIRECTORY, "partitions.json")
#: botocore's Region check (a host label, not all digits).
_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)")
#: A host name or an IP address (botocore refuses others).
_HOST = re.compile(r"[a-zA-Z0-9.:-]+")
_DUALSTACK_OVERRIDE = (
    "Endpoint override is not supported for dual-stack endpoints. Please enable dual-stack "
    "functionality by enabling the configuration. For more details, see: "
    "https://docs.aws.amazon.com/sdkref/latest/guide/feature-endpoints.html"
)


class Endpoint(NamedTuple):
    url: str
    """The service's base URL (scheme, host, optional port and path)."""
    signing_region: str


def _read(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def service_table(service: str) -> dict[str, Any]:
    """``<service>.json`` (its ``endpoints``, and what its answers need), read once."""
    table: dict[str, Any] = _read(os.path.join(DIRECTORY, f"{service}.json"))
    return table


@functools.cache
def partitions() -> list[list[Any]]:
    """``[id, pattern, dual-stack DNS suffix, Regions]`` of each partition, ``aws`` first."""
    listed: list[list[Any]] = _read(PARTITIONS)
    return listed


def _true(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").lower() == "true"


def configured_url(service: str, environ: Mapping[str, str]) -> str | None:
    """The endpoint URL the environment sets for ``service``."""
    if _true(environ, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        return None
    return environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or environ.get("AWS_ENDPOINT_URL")


def partition(region: str) -> list[Any]:
    """``[id, pattern, dual-stack DNS suffix, Regions]``: listed, else matched, else ``aws``."""
    listed = partitions()
    for candidate in listed:
        if region in candidate[3] or re.match(candidate[1], region):
            return candidate
    return listed[0]


def _valid(url: str) -> bool:
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(_HOST.fullmatch(parts.hostname or ""))


def _override(service: str, region: str, url: str) -> Endpoint:
    if not _valid(url):
        raise ConfigurationError(
            f"invalid endpoint URL {url!r} for {service}: set AWS_ENDPOINT_URL_"
            f"{service.upper()} or AWS_ENDPOINT_URL to an http(s) URL with a host"
        )
    dualstack = partition(region)[2]
    if service == "dynamodb" and urlsplit(url).netloc in (
        f"dynamodb.{region}.{dualstack}",
        f"search-dynamodb.{region}.{dualstack}",
    ):
        raise ConfigurationError(_DUALSTACK_OVERRIDE)
    return Endpoint(url, region)


def resolve(service: str, region: str | None, environ: Mapping[str, str]) -> Endpoint:
    """The endpoint; a :class:`ConfigurationError` (botocore's message) where it refuses."""
    if not region:
        raise ConfigurationError("no AWS Region: set AWS_REGION (Lambda sets it)")
    if not _REGION.fullmatch(region):
        raise ConfigurationError(f"invalid AWS Region {region!r}: expected a name like eu-west-2")
    variant = _true(environ, "AWS_USE_FIPS_ENDPOINT") + 2 * _true(
        environ, "AWS_USE_DUALSTACK_ENDPOINT"
    )
    table = service_table(service)["endpoints"]
    entries = table["regions"].get(region) or table[partition(region)[0]]
    entry: str = entries[variant]
    if entry.startswith("!!"):  # botocore refuses the variant, whatever the endpoint URL
        raise ConfigurationError(entry[2:])
    url = configured_url(service, environ)
    if url:
        return _override(service, region, url)
    if entry.startswith("!"):
        raise ConfigurationError(entry[1:])
    url, _, signing_region = entry.replace("{region}", region).partition(" ")
    return Endpoint(url, signing_region or region)
