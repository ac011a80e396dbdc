"""The client's own promises beside botocore's: credentials from Lambda's environment (and a
clear error without them), what an observer learns of each call, the UUIDs it generates, and
that it imports nothing outside the standard library."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from aws_oracle import Answer, Exchange, environ, our_client, run_ours

from runtime.broker.aws import client, credentials, errors
from runtime.broker.aws.connect import ConnectClient
from runtime.broker.aws.credentials import Credentials

ROOT = Path(__file__).resolve().parents[3]
DESCRIBE = {"InstanceId": "i", "ContactId": "c"}


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ({"AWS_ACCESS_KEY_ID": "AKID"}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"}, "AWS_ACCESS_KEY_ID"),
        ({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"}, "AWS_ACCESS_KEY_ID"),
    ],
)
def test_missing_credentials_are_a_configuration_error_naming_them(
    env: dict[str, str], missing: str
) -> None:
    with pytest.raises(errors.ConfigurationError) as raised:
        credentials.from_environ(env)
    assert str(raised.value) == (
        f"no AWS credentials: {missing} not set in the environment; Lambda sets them from the "
        "function's execution role (outside Lambda, export them)"
    )


def test_a_call_without_credentials_sends_nothing() -> None:
    ours = our_client(ConnectClient, "eu-west-2", {})
    exchange = Exchange([Answer()])
    with pytest.raises(errors.ConfigurationError):
        run_ours(ours, "describe_contact", DESCRIBE, exchange)
    assert exchange.sent == []


@pytest.mark.parametrize(("token", "expected"), [("t", "t"), ("", None), (None, None)])
def test_the_session_token_is_optional(token: str | None, expected: str | None) -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"}
    if token is not None:
        env["AWS_SESSION_TOKEN"] = token
    assert credentials.from_environ(env) == Credentials("AKID", "secret", expected)


def test_credentials_never_show_the_secret_or_token() -> None:
    shown = repr(Credentials("AKID", "very-secret", "the-token"))
    assert "very-secret" not in shown
    assert "the-token" not in shown
    assert "AKID" in shown


def test_the_region_comes_from_lambdas_environment() -> None:
    made = ConnectClient(
        environ={"AWS_REGION": "ap-southeast-2", "AWS_DEFAULT_REGION": "eu-west-1"},
        connect_timeout=1,
        read_timeout=2,
        max_attempts=2,
    )
    assert (made.region, made.endpoint.url) == (
        "ap-southeast-2",
        "https://connect.ap-southeast-2.amazonaws.com",
    )


def test_observers_learn_each_call_and_its_outcome() -> None:
    ours = our_client(ConnectClient, "eu-west-2", environ(token=False))
    seen: list[client.Call] = []
    ours.observers.append(seen.append)
    answers = [Answer(500, {}, b""), Answer(200, {"x-amzn-RequestId": "r1"}, b"{}")]
    run_ours(ours, "describe_contact", DESCRIBE, Exchange(answers))
    run_ours(ours, "describe_contact", DESCRIBE, Exchange([Answer(failure="read-timeout")] * 2))
    assert [(c.operation, c.region, c.status) for c in seen] == [
        ("DescribeContact", "eu-west-2", 200),
        ("DescribeContact", "eu-west-2", None),
    ]
    assert seen[0].metadata is not None
    assert (seen[0].metadata["RequestId"], seen[0].metadata["RetryAttempts"]) == ("r1", 1)
    assert seen[1].metadata is None


def test_an_error_after_retries_says_so_as_botocore() -> None:
    ours = our_client(ConnectClient, "eu-west-2", environ(token=False))
    body = json.dumps({"__type": "ThrottlingException", "Message": "Rate exceeded"}).encode()
    outcome = run_ours(ours, "describe_contact", DESCRIBE, Exchange([Answer(429, {}, body)]))
    assert outcome[0] == "error"
    assert outcome[1][2] == (
        "An error occurred (ThrottlingException) when calling the DescribeContact operation "
        "(reached max retries: 1): Rate exceeded"
    )


def test_generated_ids_are_random_version_4_uuids() -> None:
    made = {client.new_uuid() for _ in range(100)}
    assert len(made) == 100
    for value in made:
        assert uuid.UUID(value).version == 4
        assert str(uuid.UUID(value)) == value


@pytest.mark.parametrize("random", [bytes(range(16)), bytes(range(255, 239, -1)), bytes(16)])
def test_a_generated_id_is_its_random_bytes_made_version_4(
    random: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``uuid.uuid4`` makes it: the version and variant bits set, every other bit random."""
    monkeypatch.setattr(client.os, "urandom", lambda size: random[:size])
    assert client.new_uuid() == str(uuid.UUID(bytes=random, version=4))


@pytest.mark.parametrize(
    ("random", "expected"),
    [(bytes(7), 0.0), (b"\x80" + bytes(6), 0.5), (b"\xff" * 7, (2**56 - 1) / 2**56)],
)
def test_jitter_is_seven_random_bytes_as_a_fraction_of_one(
    random: bytes, expected: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client.os, "urandom", lambda size: random[:size])
    assert client.jitter() == expected


def test_the_clock_is_utc_whatever_the_local_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: never UTC's wall clock
    time.tzset()
    try:
        now = datetime.now(UTC).replace(tzinfo=None)
        assert abs(client.utc_now() - now) < timedelta(seconds=5)
        assert client.utc_now().tzinfo is None
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_client_sends_its_own_user_agent() -> None:
    ours = our_client(ConnectClient, "eu-west-2", environ(token=False))
    sent: list[Any] = []
    ours.transport = type("T", (), {"send": lambda self, **r: sent.append(r) or _ok()})()
    ours.describe_contact(**DESCRIBE)
    version = ".".join(map(str, sys.version_info[:3]))
    assert ("User-Agent", f"connect-participant-broker/1 lang/python#{version}") in sent[0][
        "headers"
    ]


def _ok() -> Any:
    from runtime.broker.aws.transport import Response

    return Response(200, {}, b"{}")


def test_the_package_imports_only_the_standard_library() -> None:
    """Imported alone in a fresh interpreter, the client loads no third-party module."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import broker.aws.connect, broker.aws.dynamodb; "
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(ROOT / "runtime")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loaded = set(json.loads(out.replace("'", '"')))
    assert loaded.isdisjoint({"botocore", "boto3", "urllib3", "dateutil", "jmespath"})
    assert loaded - set(sys.stdlib_module_names) == {"__main__", "broker"}


def test_the_default_jitter_is_uniform_in_the_unit_interval() -> None:
    from runtime.broker.aws.client import jitter

    drawn = [jitter() for _ in range(2000)]
    assert all(0.0 <= value < 1.0 for value in drawn)
    assert 0.45 < sum(drawn) / len(drawn) < 0.55
    assert len(set(drawn)) == len(drawn)
