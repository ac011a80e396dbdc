"""Endpoints: the runtime's client resolves every Region of every partition botocore knows,
with each variant and endpoint URL override, as botocore does.

Two oracles. For every Region and variant, botocore's resolvers themselves (its endpoint rule
engine over the service's rule set, after its legacy endpoint data's check of the variant), as
scripts/generate_aws_tables.py evaluates them: this holds the table's compression and the
client's lookup. For a Region of each partition, a botocore client created (as the broker's
is) in an environment with ``AWS_USE_FIPS_ENDPOINT``, ``AWS_USE_DUALSTACK_ENDPOINT``,
``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>`` or ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``,
then calling DescribeContact or Query: the URL it sends to and the Region it signs for, or its
error; this holds how settings are read and combined. Besides the Regions partitions.json
lists, each partition gets one Region it does not list but its pattern matches (a Region
launched after this botocore), and a name no pattern matches.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.regions
import botocore.session
import pytest
from aws_oracle import ACCESS_KEY, SECRET_KEY, tables_script
from botocore.awsrequest import AWSResponse
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError, EndpointVariantError

from runtime.broker.aws import client, endpoints
from runtime.broker.aws.errors import ConfigurationError

SERVICES = {"connect": ("describe_contact", {"InstanceId": "i", "ContactId": "c"}, "/contacts/i/c")}
SERVICES["dynamodb"] = ("query", {"TableName": "t"}, "/")
PARTITIONS = json.loads(Path(endpoints.PARTITIONS).read_text(encoding="utf-8"))
#: A Region each partition does not list yet but its pattern matches, and names none match.
UNLISTED = [
    "us-west-9",
    "cn-south-9",
    "eusc-de-west-9",
    "us-iso-north-9",
    "us-isob-north-9",
    "eu-isoe-north-9",
    "us-isof-north-9",
    "us-gov-north-9",
    "xx-nowhere-1",
    "local",
]
REGIONS = sorted({r for p in PARTITIONS for r in p[3]}) + UNLISTED
VARIANTS = {
    "plain": {},
    "fips": {"AWS_USE_FIPS_ENDPOINT": "true"},
    "dualstack": {"AWS_USE_DUALSTACK_ENDPOINT": "TRUE"},
    "both": {"AWS_USE_FIPS_ENDPOINT": "True", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
}
#: Listed Regions of each partition, the unlisted ones, and DynamoDB's ``local``.
SOME_REGIONS = sorted({p[3][-1] for p in PARTITIONS}) + UNLISTED
CONFIG = (
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_CONNECT",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


@pytest.fixture(scope="module")
def session() -> botocore.session.Session:
    return botocore.session.Session()


def botocore_resolves(session: Any, service: str, region: str, env: dict[str, str]) -> str:
    """``URL signing-Region`` of botocore's request, or ``!`` and its error."""
    method, params, _ = SERVICES[service]
    with pytest.MonkeyPatch.context() as patch:
        for name in CONFIG:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        try:
            made = session.create_client(
                service,
                region_name=region,
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
            )
        except (ValueError, EndpointVariantError) as error:  # refused at creation
            return f"!{error}"
    sent: list[Any] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        sent.append(request)
        return AWSResponse(request.url, 200, {}, None)

    made.meta.events.register("before-send", answer)
    made.meta.events.register("before-parse", lambda **kwargs: None)
    try:
        getattr(made, method)(**params)
    except EndpointResolutionError as error:
        return f"!{error}"
    except Exception:  # the empty answer does not parse; the request was sent
        pass
    scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", sent[0].headers["Authorization"].decode())
    assert scope is not None
    return f"{sent[0].url} {scope[1]}"


def ours(service: str, region: str, env: dict[str, str]) -> str:
    """The same for the runtime's client."""
    try:
        endpoint = endpoints.resolve(service, region, env)
    except ConfigurationError as error:
        return f"!{error}"
    return f"{client.join_url(endpoint.url, SERVICES[service][2])} {endpoint.signing_region}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_region_and_variant_resolves_as_botocores_resolvers(service: str) -> None:
    """Every Region (listed, unlisted, none) and variant: the URL and signing Region, or the
    error, of botocore's resolvers."""
    script = tables_script()
    loader = botocore.loaders.create_loader()
    partitions = loader.load_data("partitions")
    resolvers = (
        EndpointProvider(loader.load_service_model(service, "endpoint-rule-set-1"), partitions),
        botocore.regions.EndpointResolver(loader.load_data("endpoints")),
    )
    different = []
    for region in REGIONS:
        for (fips, dual), env in zip(script.VARIANTS, VARIANTS.values(), strict=True):
            entry = script._entry(resolvers, service, region, fips, dual)
            url, _, signing = entry.lstrip("!").partition(" ")
            if entry.startswith("!"):
                expected = "!" + entry.lstrip("!")
            else:
                expected = f"{client.join_url(url, SERVICES[service][2])} {signing or region}"
            if ours(service, region, env) != expected:
                different.append((region, fips, dual, expected))
    assert different == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_region_of_each_partition_resolves_as_a_botocore_client(
    session: Any, service: str
) -> None:
    """A client created in each variant's environment: its request's URL and signing Region."""
    different = []
    for region in SOME_REGIONS:
        for variant, env in VARIANTS.items():
            expected = botocore_resolves(session, service, region, env)
            if ours(service, region, env) != expected:
                different.append((region, variant, expected))
    assert different == []


def _overrides(service: str) -> dict[str, dict[str, str]]:
    name = f"AWS_ENDPOINT_URL_{service.upper()}"
    return {
        "global": {"AWS_ENDPOINT_URL": "https://example.com"},
        "service": {name: "http://localhost:4566", "AWS_ENDPOINT_URL": "https://example.com"},
        "empty service": {name: "", "AWS_ENDPOINT_URL": "https://example.com:8443/base/"},
        "ignored": {name: "http://localhost:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        "not ignored": {name: "http://localhost:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "1"},
        "with variants": {name: "http://[::1]:8000/p", **VARIANTS["both"]},
        "variants not true": {"AWS_USE_FIPS_ENDPOINT": "yes", "AWS_USE_DUALSTACK_ENDPOINT": "1"},
    }


@pytest.mark.parametrize("service", SERVICES)
def test_endpoint_url_overrides_resolve_as_botocore(session: Any, service: str) -> None:
    """Each way to set an endpoint URL (and variants not ``true``), in Regions of partitions
    that differ: botocore's URL, or its error."""
    different = []
    for region in ("us-east-1", "cn-north-1", "us-gov-west-1", "eu-isoe-west-1", "us-west-9"):
        for case, env in _overrides(service).items():
            expected = botocore_resolves(session, service, region, env)
            if ours(service, region, env) != expected:
                different.append((region, case, expected, ours(service, region, env)))
    assert different == []


@pytest.mark.parametrize("service", SERVICES)
def test_an_override_with_the_dual_stack_endpoint_resolves_as_botocore(
    session: Any, service: str
) -> None:
    """The service's own dual-stack endpoint as an override, in a Region of each partition:
    DynamoDB's rule set refuses it (dual-stack has its own setting), Connect's takes it."""
    different = []
    for region in SOME_REGIONS:
        dualstack = f"https://{service}.{region}.{endpoints.partition(region)[2]}"
        env = {f"AWS_ENDPOINT_URL_{service.upper()}": dualstack}
        expected = botocore_resolves(session, service, region, env)
        if ours(service, region, env) != expected:
            different.append((region, expected, ours(service, region, env)))
    assert different == []


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (None, "no AWS Region: set AWS_REGION (Lambda sets it)"),
        ("", "no AWS Region: set AWS_REGION (Lambda sets it)"),
        ("eu_west_2", "invalid AWS Region 'eu_west_2': expected a name like eu-west-2"),
        ("-eu-west-2", "invalid AWS Region '-eu-west-2': expected a name like eu-west-2"),
        ("1234", "invalid AWS Region '1234': expected a name like eu-west-2"),
    ],
)
def test_a_missing_or_invalid_region_is_a_configuration_error(
    region: str | None, message: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        endpoints.resolve("connect", region, {})
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com", "https://", "example.com", "http://a b", "http://[::1", "http://h:x"],
)
def test_an_endpoint_url_without_http_or_host_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        endpoints.resolve("connect", "eu-west-2", {"AWS_ENDPOINT_URL_CONNECT": url})
    assert str(raised.value) == (
        f"invalid endpoint URL {url!r} for connect: set AWS_ENDPOINT_URL_CONNECT or "
        "AWS_ENDPOINT_URL to an http(s) URL with a host"
    )
