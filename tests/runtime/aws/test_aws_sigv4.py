"""SigV4: AWS's published test vectors (sigv4_testsuite/README.md says which and why), and the
signer against botocore's ``SigV4Auth`` for generated requests."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from unittest import mock

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.broker.aws import sigv4
from runtime.broker.aws.credentials import Credentials

SUITE = Path(__file__).with_name("sigv4_testsuite")
CASES = sorted(path.parent for path in SUITE.rglob("*.req"))
NOW = datetime.datetime(2015, 8, 30, 12, 36, 0)
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def _read(case: Path, suffix: str) -> str:
    return (case / f"{case.name}{suffix}").read_text(encoding="utf-8").replace("\r", "")


def _parse(raw: str) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """Method, URL, headers (continuation lines joined) and body of a raw request."""
    head, _, body = raw.partition("\n\n")
    request_line, *lines = head.split("\n")
    method, target, _ = request_line.split(" ")
    headers: list[tuple[str, str]] = []
    for line in filter(None, lines):
        if line[:1] in (" ", "\t"):
            name, value = headers.pop()
            headers.append((name, f"{value}\n{line}"))
        else:
            name, _, value = line.partition(":")
            headers.append((name, value))
    host = next(value for name, value in headers if name.lower() == "host")
    return method, f"https://{host}{target}", headers, body.encode()


def _token(case: Path) -> str | None:
    for line in _read(case, ".creq").split("\n"):
        if line.startswith("x-amz-security-token:"):
            return line.partition(":")[2]
    return None


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(SUITE)) for c in CASES])
def test_the_published_vectors(case: Path) -> None:
    """The canonical request, the string to sign and the Authorization header of each case."""
    method, url, headers, body = _parse(_read(case, ".req"))
    token = _token(case)
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, token)
    if token and "X-Amz-Security-Token" not in dict(headers):
        headers.append(("X-Amz-Security-Token", token))
    payload = hashlib.sha256(body).hexdigest()
    canonical = sigv4.canonical_request(method, url, headers, payload)
    assert canonical == _read(case, ".creq")
    scope = "20150830/us-east-1/service/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            "20150830T123600Z",
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    assert to_sign == _read(case, ".sts")
    sigv4.sign(
        method=method,
        url=url,
        headers=headers,
        body=body,
        credentials=credentials,
        region="us-east-1",
        service="service",
        now=NOW,
    )
    assert headers[-1] == ("Authorization", _read(case, ".authz"))


def test_the_suite_is_the_documented_subset() -> None:
    """Every case the README lists is here (a lost file would silently skip a case)."""
    names = {str(case.relative_to(SUITE)) for case in CASES}
    assert len(names) == 22
    assert {
        "get-utf8",
        "post-sts-token/post-sts-header-before",
        "normalize-path/get-slashes",
    } <= names


HEADER_NAMES = st.sampled_from(
    [
        "Content-Type",
        "X-Amz-Target",
        "x-custom",
        "X-CUSTOM",
        "User-Agent",
        "X-Amzn-Trace-Id",
        "Expect",
    ]
)
HEADER_VALUES = st.text(st.characters(codec="ascii", categories=["L", "N", "P", "Zs"]), max_size=12)
SEGMENTS = st.text(st.characters(codec="utf-8", exclude_characters="/?#"), max_size=6)


@st.composite
def _requests(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]], bytes, str | None]:
    host = draw(st.sampled_from(["connect.eu-west-2.amazonaws.com", "localhost:4566", "h:443"]))
    path = "/" + "/".join(draw(st.lists(st.one_of(SEGMENTS, st.sampled_from([".", ".."])))))
    query = draw(st.sampled_from(["", "?a=1", "?b=2&a=1", "?x=%20y&x=z"]))
    headers = draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4))
    body = draw(st.binary(max_size=20))
    token = draw(st.none() | st.text(st.characters(codec="ascii", min_codepoint=33), min_size=1))
    return (
        draw(st.sampled_from(["GET", "POST"])),
        f"https://{host}{path}{query}",
        headers,
        body,
        token,
    )


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(request=_requests())
def test_signs_as_botocore_sigv4auth(
    request: tuple[str, str, list[tuple[str, str]], bytes, str | None],
) -> None:
    """Paths (dot segments, unicode), queries, repeated and unsigned headers, bodies, with and
    without a token: the same headers, in the same order, as botocore's signer adds."""
    method, url, headers, body, token = request
    expected = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        expected.headers[name] = value
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: NOW):
        botocore.auth.SigV4Auth(
            BotocoreCredentials(ACCESS_KEY, SECRET_KEY, token), "connect", "eu-west-2"
        ).add_auth(expected)
    actual = list(headers)
    sigv4.sign(
        method=method,
        url=url,
        headers=actual,
        body=body,
        credentials=Credentials(ACCESS_KEY, SECRET_KEY, token),
        region="eu-west-2",
        service="connect",
        now=NOW,
    )
    assert actual == list(expected.headers.items())
