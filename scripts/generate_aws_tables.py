"""Write the tables of the runtime's AWS client from the installed botocore: one per service
(``runtime/broker/aws/<service>.json``, its ``endpoints`` and what its ``operations`` need, so a
broker without invitations ships no DynamoDB table) and ``partitions.json``.

Endpoints: what botocore's endpoint rule sets
(``data/<service>/*/endpoint-rule-set-1.json``) resolve for Amazon Connect and DynamoDB from
``data/partitions.json``. For each partition its ID, Region pattern, dual-stack DNS suffix and
Regions; for each service and partition one URL template per variant (plain, FIPS, dual-stack,
both; ``{region}`` for the Region), and the Regions whose endpoint differs from their
partition's template. An entry is a URL, a URL and a signing Region (space-separated) when the
rule set names another, ``!`` and the rule set's error, or ``!!`` and the error of a variant
botocore refuses to create a client with, whatever the endpoint URL (its legacy endpoint data,
``data/endpoints.json``, has no such variant in the partition). Every Region of every partition
is resolved with botocore's own resolvers, plus the names a rule set compares the Region with
(DynamoDB's ``local``).

Operations: what the client needs of the full service models to answer as botocore does.
Per service, every modeled error (code and members, which botocore adds beside ``Error``) and
those marked retryable (and whether as a throttle); per operation, its modeled errors and the
paths of the timestamps in its answer. The script refuses a model
the client cannot follow: a renamed or header-bound answer member, a timestamp format, a
timestamp in a recursive shape, a blob outside DynamoDB's attribute values.

tests/runtime/aws/test_aws_tables.py checks that the committed tables are what this script
writes from the installed botocore. Output is deterministic: sorted keys, compact separators,
a trailing newline.

Usage: ``python scripts/generate_aws_tables.py [--check]``. ``--check`` exits 1 when a
committed table differs from what the installed botocore would produce.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.regions
import botocore.session
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError, EndpointVariantError

#: A botocore model shape (its stubs type members per subclass; the walks take any shape).
Shape = Any
#: The operations of the runtime's client, by botocore's service name.
OPERATIONS = {
    "connect": ("CreateParticipant", "DescribeContact"),
    "dynamodb": ("PutItem", "Query", "UpdateItem"),
}
#: ``(UseFIPS, UseDualStack)`` in the table's order.
VARIANTS = ((False, False), (True, False), (False, True), (True, True))
#: DynamoDB's attribute value: its binary members are decoded by the client's own code.
ATTRIBUTE_VALUE = "AttributeValue"
OUTPUT = Path(__file__).resolve().parents[1] / "runtime" / "broker" / "aws"


def _literals(rules: Any) -> Iterator[str]:
    """The strings a rule set compares the ``Region`` parameter with."""
    if isinstance(rules, dict):
        argv = rules.get("argv")
        if (
            rules.get("fn") == "stringEquals"
            and isinstance(argv, list)
            and {"ref": "Region"} in argv
        ):
            yield from (arg for arg in argv if isinstance(arg, str))
        for value in rules.values():
            yield from _literals(value)
    elif isinstance(rules, list):
        for value in rules:
            yield from _literals(value)


Resolvers = tuple[EndpointProvider, botocore.regions.EndpointResolver]


def _entry(resolvers: Resolvers, service: str, region: str, fips: bool, dual: bool) -> str:
    """One resolution: the URL, the URL and a signing Region, or ``!`` (``!!``) and the error."""
    provider, legacy = resolvers
    try:
        legacy.construct_endpoint(
            service, region, use_dualstack_endpoint=dual, use_fips_endpoint=fips
        )
    except EndpointVariantError as error:
        return "!!" + str(error)
    try:
        endpoint = provider.resolve_endpoint(Region=region, UseFIPS=fips, UseDualStack=dual)
    except EndpointResolutionError as error:
        return "!" + str(error)
    if endpoint.headers:
        raise SystemExit(f"{service} {region}: endpoint headers are not supported")
    signing_region = region
    for scheme in endpoint.properties.get("authSchemes", []):
        if scheme.get("name") != "sigv4" or scheme.get("signingName", service) != service:
            raise SystemExit(f"{service} {region}: unsupported auth scheme {scheme}")
        signing_region = scheme.get("signingRegion", region)
    return endpoint.url if signing_region == region else f"{endpoint.url} {signing_region}"


def _templates(entries: list[str], region: str) -> list[str]:
    return [entry.replace(region, "{region}") for entry in entries]


def _unlisted(partition: dict[str, Any]) -> str:
    """A Region the partition does not list but its pattern matches (a future Region)."""
    for region in sorted(partition["regions"]):
        if re.match(partition["regionRegex"], region):
            probe = re.sub(r"\d+$", "99", region)
            if probe not in partition["regions"]:
                return probe
    raise SystemExit(f"no Region of {partition['id']} matches its pattern")


def _service_endpoints(
    resolvers: Resolvers, service: str, partitions: list[dict[str, Any]], extra: set[str]
) -> dict[str, Any]:
    """Per partition the templates an unlisted Region gets; the Regions that differ."""
    table: dict[str, Any] = {}
    exceptions: dict[str, list[str]] = {}
    for partition in partitions:
        probe = _unlisted(partition)
        templates = _templates(
            [_entry(resolvers, service, probe, *variant) for variant in VARIANTS], probe
        )
        table[partition["id"]] = templates
        for region in sorted(partition["regions"]):
            entries = [_entry(resolvers, service, region, *variant) for variant in VARIANTS]
            if _templates(entries, region) != templates:
                exceptions[region] = entries
    for region in sorted(extra):
        entries = [_entry(resolvers, service, region, *variant) for variant in VARIANTS]
        if _templates(entries, region) != table[partitions[0]["id"]]:
            exceptions[region] = entries
    table["regions"] = exceptions
    return table


def endpoints() -> dict[str, Any]:
    """The endpoint table from the installed botocore."""
    loader = botocore.loaders.create_loader()
    partition_data = loader.load_data("partitions")
    partitions = partition_data["partitions"]
    known = {region for partition in partitions for region in partition["regions"]}
    legacy = botocore.regions.EndpointResolver(loader.load_data("endpoints"))
    table: dict[str, Any] = {
        "partitions": [
            [p["id"], p["regionRegex"], p["outputs"]["dualStackDnsSuffix"], sorted(p["regions"])]
            for p in partitions
        ]
    }
    for service in OPERATIONS:
        ruleset = loader.load_service_model(service, "endpoint-rule-set-1")
        provider = EndpointProvider(ruleset_data=ruleset, partition_data=partition_data)
        table[service] = _service_endpoints(
            (provider, legacy), service, partitions, set(_literals(ruleset)) - known
        )
    return table


def _refuse(shape: Shape, path: str, reason: str) -> None:
    raise SystemExit(f"{shape.name} at {path or 'the top'}: {reason}")


def _types(shape: Shape, seen: frozenset[str] = frozenset()) -> set[str]:
    """Every type under ``shape`` (recursion followed once)."""
    if shape.name in seen:
        return set()
    inner = seen | {shape.name}
    kinds = {shape.type_name}
    if shape.type_name == "structure":
        for member in shape.members.values():
            kinds |= _types(member, inner)
    elif shape.type_name == "list":
        kinds |= _types(shape.member, inner)
    elif shape.type_name == "map":
        kinds |= _types(shape.value, inner)
    return kinds


def _timestamps(shape: Shape, path: str = "", seen: frozenset[str] = frozenset()) -> list[str]:
    """The paths of the timestamps under ``shape`` (``[]`` a list, ``{}`` a map)."""
    if shape.name == ATTRIBUTE_VALUE:
        return []
    if shape.name in seen:
        if {"timestamp", "blob"} & _types(shape):
            _refuse(shape, path, "a timestamp or blob in a recursive shape")
        return []
    inner = seen | {shape.name}
    kind = shape.type_name
    if kind == "timestamp":
        if "timestampFormat" in shape.serialization or "timestampFormat" in shape.metadata:
            _refuse(shape, path, "a timestamp format")
        return [path]
    if kind == "blob":
        _refuse(shape, path, "a blob outside DynamoDB's attribute values")
    if kind == "list":
        return _timestamps(shape.member, path + "[]", inner)
    if kind == "map":
        return _timestamps(shape.value, path + "{}", inner)
    found: list[str] = []
    for name, member in (shape.members if kind == "structure" else {}).items():
        if member.serialization.get("name", name) != name or "location" in member.serialization:
            _refuse(shape, path, f"member {name} is renamed or not in the body")
        found += _timestamps(member, f"{path}.{name}".lstrip("."), inner)
    return found


def _output_timestamps(operation: Any) -> list[str]:
    output = operation.output_shape
    return [] if output is None else _timestamps(output)


def operations() -> dict[str, Any]:
    """The operations table from the installed botocore's full service models."""
    session = botocore.session.Session()
    table: dict[str, Any] = {}
    for service, names in OPERATIONS.items():
        model = session.get_service_model(service)
        shapes: list[Shape] = [model.shape_for(name) for name in model.shape_names]
        errors = [shape for shape in shapes if shape.metadata.get("exception")]
        for error in errors:
            if "code" in error.metadata.get("error", {}) or _timestamps(error):
                _refuse(error, "", "an error code of its own, or a timestamp")
        table[service] = {
            "errors": {error.name: list(error.members) for error in errors},
            "retryable": {
                error.name: bool(error.metadata["retryable"].get("throttling"))
                for error in errors
                if error.metadata.get("retryable") is not None
            },
            "operations": {
                name: {
                    "errors": sorted(e.name for e in model.operation_model(name).error_shapes),
                    "timestamps": _output_timestamps(model.operation_model(name)),
                }
                for name in names
            },
        }
    return table


def render(table: Any) -> str:
    return json.dumps(table, sort_keys=True, separators=(",", ":")) + "\n"


def tables() -> dict[Path, str]:
    """Each table's path and text."""
    endpoint_table, operation_table = endpoints(), operations()
    written = {OUTPUT / "partitions.json": render(endpoint_table.pop("partitions"))}
    for service in OPERATIONS:
        own = {"endpoints": endpoint_table[service], **operation_table[service]}
        written[OUTPUT / f"{service}.json"] = render(own)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    differs = False
    for path, text in tables().items():
        if not args.check:
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} differs from the installed botocore's", file=sys.stderr)
            differs = True
    return 1 if differs else 0


if __name__ == "__main__":
    raise SystemExit(main())
