"""What a browser needs to send a cross-origin POST to the broker and read the answer.

WHATWG Fetch Standard, "CORS protocol" (https://fetch.spec.whatwg.org/#http-cors-protocol), and
MDN "Cross-Origin Resource Sharing (CORS)": a POST with ``Content-Type: application/json`` or
any non-safelisted header (``Authorization``, ``Idempotency-Key``, ``X-Amz-*``) is preceded by
an ``OPTIONS`` preflight carrying ``Origin``, ``Access-Control-Request-Method`` and
``Access-Control-Request-Headers``, without credentials. The browser sends the POST only when
the preflight's status is 2xx, ``Access-Control-Allow-Origin`` is the page's origin (or ``*``),
``Access-Control-Allow-Methods`` lists the method (or ``*``), and
``Access-Control-Allow-Headers`` lists every requested header (case-insensitively, or ``*``).
The page reads the actual response only if it carries an ``Access-Control-Allow-Origin`` that
matches (:func:`readable`), and reads a header of it only if the header is readable
(:func:`header_readable`).
API Gateway developer guide, "Enabling CORS for a REST API resource": for a REST API the
preflight is an OPTIONS method (a mock integration returning these headers), the actual
response's headers come from the integration (here, the function) and from gateway responses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Response headers a page may always read (Fetch, "CORS-safelisted response-header name";
#: :func:`header_readable`).
SAFELISTED_RESPONSE = {
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
}


@dataclass(frozen=True)
class Preflight:
    """The preflight a browser sends."""

    origin: str
    method: str
    headers: tuple[str, ...]


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _origin(headers: Mapping[str, str]) -> str | None:
    return headers.get("access-control-allow-origin")


def _listed(value: str | None) -> set[str]:
    return {item.strip().lower() for item in (value or "").split(",") if item.strip()}


def preflight_passes(preflight: Preflight, status: int, headers: Mapping[str, str]) -> list[str]:
    """What is missing for the browser to go on with the request (empty: it goes on)."""
    found = _lower(headers)
    problems = []
    if not 200 <= status <= 299:
        problems.append(f"status {status} is not 2xx")
    if _origin(found) not in (preflight.origin, "*"):
        problems.append(
            f"Access-Control-Allow-Origin is {found.get('access-control-allow-origin')!r}"
        )
    methods = _listed(found.get("access-control-allow-methods"))
    if preflight.method.lower() not in methods and "*" not in methods:
        problems.append(f"Access-Control-Allow-Methods lacks {preflight.method}")
    allowed = _listed(found.get("access-control-allow-headers"))
    missing = [h for h in preflight.headers if h.lower() not in allowed and "*" not in allowed]
    if missing:
        problems.append(f"Access-Control-Allow-Headers lacks {missing}")
    return problems


def header_readable(name: str, headers: Mapping[str, str], credentials: bool = False) -> bool:
    """Whether a script may read the response header ``name`` of a cross-origin response.

    WHATWG Fetch Standard, "CORS-safelisted response-header name"
    (https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name), and MDN
    "Access-Control-Expose-Headers"
    (https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Expose-Headers):
    only the CORS-safelisted response headers (Cache-Control, Content-Language, Content-Length,
    Content-Type, Expires, Last-Modified, Pragma) and the headers the response names in
    ``Access-Control-Expose-Headers`` (comma-separated, case-insensitive) are exposed to the
    page; ``*`` there exposes every header only for a request without credentials, and is the
    literal name ``*`` otherwise.
    """
    exposed = _listed(_lower(headers).get("access-control-expose-headers"))
    if name.lower() in SAFELISTED_RESPONSE or name.lower() in exposed:
        return True
    return "*" in exposed and not credentials


def readable(origin: str, headers: Mapping[str, str], read: Iterable[str] = ()) -> list[str]:
    """What keeps a page on ``origin`` from reading the response and the headers ``read``."""
    found = _lower(headers)
    problems = []
    if _origin(found) not in (origin, "*"):
        problems.append(
            f"Access-Control-Allow-Origin is {found.get('access-control-allow-origin')!r}"
        )
    hidden = [h for h in read if not header_readable(h, headers)]
    if hidden:
        problems.append(f"Access-Control-Expose-Headers lacks {hidden}")
    return problems
