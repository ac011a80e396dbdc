"""Signature Version 4 in headers, as botocore's ``SigV4Auth``: the path normalized and
encoded again, every header but botocore's unsigned ones, the session token signed."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote, urlsplit

from .credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
TIMESTAMP = "%Y%m%dT%H%M%SZ"
#: Headers botocore never signs (``SIGNED_HEADERS_BLACKLIST``).
UNSIGNED = frozenset(
    {
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)
Headers = list[tuple[str, str]]


def remove_dot_segments(path: str) -> str:
    """RFC 3986's dot-segment removal, empty segments dropped too."""
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and kept else ""
    return first + "/".join(kept) + last


def host_of(url: str) -> str:
    """A URL's ``Host``: lowercase, no userinfo, no default port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = sorted(pair.partition("=")[::2] for pair in query.split("&"))
    return "&".join(f"{key}={value}" for key, value in pairs)


def signed_headers(url: str, headers: Headers) -> dict[str, list[str]]:
    signed: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() not in UNSIGNED:
            signed.setdefault(name.lower(), []).append(value)
    if "host" not in signed:
        signed["host"] = [host_of(url)]
    return signed


def canonical_request(method: str, url: str, headers: Headers, payload_hash: str) -> str:
    parts = urlsplit(url)
    signed = signed_headers(url, headers)
    names = sorted(signed)
    lines = [f"{name}:{','.join(' '.join(v.split()) for v in signed[name])}" for name in names]
    return "\n".join(
        [
            method.upper(),
            quote(remove_dot_segments(parts.path), safe="/~"),
            canonical_query(parts.query),
            "\n".join(lines) + "\n",
            ";".join(names),
            payload_hash,
        ]
    )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signature(secret_key: str, scope: str, string_to_sign: str) -> str:
    """``scope``: ``date/region/service/aws4_request``."""
    key = f"AWS4{secret_key}".encode()
    for part in scope.split("/"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _replace(headers: Headers, name: str, value: str) -> None:
    headers[:] = [(n, v) for n, v in headers if n.lower() != name.lower()]
    headers.append((name, value))


def sign(
    *,
    method: str,
    url: str,
    headers: Headers,
    body: bytes | None,
    credentials: Credentials,
    region: str,
    service: str,
    now: datetime,
) -> None:
    """Append (replacing) ``X-Amz-Date``, ``X-Amz-Security-Token`` and ``Authorization``."""
    timestamp = now.strftime(TIMESTAMP)
    headers[:] = [(n, v) for n, v in headers if n.lower() != "authorization"]
    _replace(headers, "X-Amz-Date", timestamp)
    if credentials.token:
        _replace(headers, "X-Amz-Security-Token", credentials.token)
    given = [v for n, v in headers if n.lower() == "x-amz-content-sha256"]
    payload_hash = given[0] if given else hashlib.sha256(body or b"").hexdigest()
    request = canonical_request(method, url, headers, payload_hash)
    scope = f"{timestamp[:8]}/{region}/{service}/aws4_request"
    to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n" + hashlib.sha256(request.encode()).hexdigest()
    headers.append(
        (
            "Authorization",
            f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
            f"SignedHeaders={';'.join(sorted(signed_headers(url, headers)))}, "
            f"Signature={signature(credentials.secret_key, scope, to_sign)}",
        )
    )
