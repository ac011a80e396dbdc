"""CloudWatch metrics in the Embedded Metric Format, one line per invocation (docs/operating.md):
the :data:`COUNTERS` always (alarms see data whenever the function runs), ``ConnectLatency`` and
``ConnectErrors`` when they apply. Never the contact ID or display name."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Mapping
from typing import Any

from .settings import CONNECT_ERRORS, CONNECT_LATENCY, COUNTERS

COUNT = "Count"
MILLISECONDS = "Milliseconds"


class Invocation:
    """What one invocation did, in metric terms."""

    participants_created: int = 0
    validation_rejections: int = 0
    policy_rejections: int = 0
    connect_throttles: int = 0
    connect_latency_ms: float | None = None
    connect_error_code: str | None = None
    connect_error_operation: str | None = None
    contact_rejection: str | None = None
    """The check that refused the contact (``ContactCheck``), if one did."""

    def __init__(self, **values: Any) -> None:
        if values:
            unknown = set(values) - set(Invocation.__annotations__)
            if unknown:
                raise TypeError(f"Invocation has no {', '.join(sorted(unknown))}")
            self.__dict__.update(values)

    def counters(self) -> dict[str, int]:
        values = (
            self.participants_created,
            self.validation_rejections,
            self.policy_rejections,
            int(self.contact_rejection is not None),
            self.connect_throttles,
        )
        return dict(zip(COUNTERS, values, strict=True))


#: A record is a tree: no circular reference to look for.
_ENCODER = json.JSONEncoder(
    check_circular=False,  # pragma: no mutate (JSON-equal)
    separators=(",", ":"),  # pragma: no mutate (JSON-equal)
)


class Directives(tuple[dict[str, Any], ...]):
    """The ``CloudWatchMetrics`` of a kind of record: shared by its records, encoded once."""

    encoded: str


def _shared(directives: list[dict[str, Any]]) -> Directives:
    shared = Directives(directives)
    shared.encoded = _ENCODER.encode(shared)
    return shared


@functools.cache
def _directives(namespace: str, latency: bool, error: bool, check: bool) -> Directives:
    """One per kind of record, shared by its records: a tuple, and never changed."""
    metrics = [{"Name": name, "Unit": COUNT} for name in COUNTERS]
    if latency:
        metrics.append({"Name": CONNECT_LATENCY, "Unit": MILLISECONDS})
    directives = [{"Namespace": namespace, "Dimensions": [["FunctionName"]], "Metrics": metrics}]
    if error:
        directives.append(
            {
                "Namespace": namespace,
                "Dimensions": [
                    ["FunctionName"],
                    ["FunctionName", "ErrorCode"],
                    ["FunctionName", "Operation", "ErrorCode"],
                ],
                "Metrics": [{"Name": CONNECT_ERRORS, "Unit": COUNT}],
            }
        )
    if check:
        directives.append(
            {
                "Namespace": namespace,
                "Dimensions": [["FunctionName", "ContactCheck"]],
                "Metrics": [{"Name": "ContactRejections", "Unit": COUNT}],
            }
        )
    return _shared(directives)


def record(
    invocation: Invocation,
    *,
    namespace: str,
    function_name: str,
    properties: Mapping[str, str | None],
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """Return the EMF record of an invocation; ``properties`` are extra searchable members.
    Its ``CloudWatchMetrics`` are shared by the records of its kind: read, never change them."""
    latency, error = invocation.connect_latency_ms, invocation.connect_error_code
    check = invocation.contact_rejection
    document: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000) if timestamp_ms is None else timestamp_ms,
            "CloudWatchMetrics": _directives(
                namespace, latency is not None, error is not None, check is not None
            ),
        },
        "FunctionName": function_name,
        **invocation.counters(),
    }
    if latency is not None:
        document[CONNECT_LATENCY] = round(latency, 3)
    if error is not None:
        document["ErrorCode"] = error
        document["Operation"] = invocation.connect_error_operation or "CreateParticipant"
        document[CONNECT_ERRORS] = 1
    if check is not None:
        document["ContactCheck"] = check
    document.update({key: value for key, value in properties.items() if value is not None})
    return document


def line(document: Mapping[str, Any]) -> str:
    """``document`` as JSON. A :func:`record`'s shared directives are not encoded again: its
    ``_aws`` (first) holds its ``Timestamp`` and them, and only the members after it are."""
    aws = document["_aws"]
    directives = aws["CloudWatchMetrics"]
    if not isinstance(directives, Directives):
        return _ENCODER.encode(document)
    rest = _ENCODER.encode({key: value for key, value in document.items() if key != "_aws"})
    timestamp = aws["Timestamp"]
    return (
        f'{{"_aws":{{"Timestamp":{timestamp},"CloudWatchMetrics":{directives.encoded}}},{rest[1:]}'
    )


def emit(document: Mapping[str, Any]) -> None:
    sys.stdout.write(line(document) + "\n")
    sys.stdout.flush()
