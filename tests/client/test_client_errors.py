"""Every failure of a call is a ``BrokerError``: botocore's credential and signing errors before
anything is sent, and transport errors (no HTTP answer) after the retries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import exceptions as botocore_errors
from client_support import RawServer, ScriptedServer

from constructs_lib import client as client_module
from constructs_lib.client import (
    BrokerClient,
    BrokerError,
    BrokerUnreachable,
    CredentialsError,
    SigningError,
)

#: Exceptions botocore's credential chain raises (constructed as botocore raises them).
CREDENTIAL_ERRORS: dict[str, botocore_errors.BotoCoreError | botocore_errors.ClientError] = {
    "NoCredentialsError": botocore_errors.NoCredentialsError(),
    "PartialCredentialsError": botocore_errors.PartialCredentialsError(
        provider="env", cred_var="AWS_SECRET_ACCESS_KEY"
    ),
    "ProfileNotFound": botocore_errors.ProfileNotFound(profile="missing"),
    "CredentialRetrievalError": botocore_errors.CredentialRetrievalError(
        provider="custom-process", error_msg="process exited with 1"
    ),
    "TokenRetrievalError": botocore_errors.TokenRetrievalError(
        provider="sso", error_msg="the token has expired"
    ),
    "SSOTokenLoadError": botocore_errors.SSOTokenLoadError(error_msg="run aws sso login"),
    "UnauthorizedSSOTokenError": botocore_errors.UnauthorizedSSOTokenError(),
    "InvalidConfigError": botocore_errors.InvalidConfigError(error_msg="bad config"),
    "ClientError (AssumeRole refused)": botocore_errors.ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "not authorized to assume the role"}},
        "AssumeRole",
    ),
    "BotoCoreError": botocore_errors.BotoCoreError(),
}


def unsent(server: ScriptedServer, session: Any, **kwargs: Any) -> BrokerError:
    """The error a call raises; the server must have seen nothing."""
    server.script()
    client = BrokerClient(server.url, session, max_attempts=1, **kwargs)
    with pytest.raises(BrokerError) as caught:
        client.create_participant("c-1", "Ana")
    assert server.seen == []
    return caught.value


def _raiser(error: BaseException) -> Any:
    def raise_it(*args: object) -> Any:
        raise error

    return raise_it


@pytest.mark.parametrize("name", sorted(CREDENTIAL_ERRORS))
def test_credential_chain_error_is_a_credentials_error(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    cause = CREDENTIAL_ERRORS[name]
    session = botocore.session.Session()
    monkeypatch.setattr(session, "get_credentials", _raiser(cause))
    error = unsent(server, session, region="eu-west-2")
    assert (type(error), error.__cause__, error.status, error.title, error.detail) == (
        CredentialsError,
        cause,
        None,
        "No usable AWS credentials",
        str(cause),
    )


def test_no_credentials_at_all_is_a_credentials_error(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = botocore.session.Session()
    monkeypatch.setattr(session, "get_credentials", lambda: None)
    error = unsent(server, session, region="eu-west-2")
    assert isinstance(error, CredentialsError)
    assert isinstance(error.__cause__, botocore_errors.NoCredentialsError)
    assert str(error) == "No usable AWS credentials: Unable to locate credentials"


def test_failed_credential_refresh_is_a_credentials_error(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Expired:
        def get_frozen_credentials(self) -> Any:
            raise botocore_errors.RefreshWithMFAUnsupportedError()

    session = botocore.session.Session()
    monkeypatch.setattr(session, "get_credentials", lambda: Expired())
    error = unsent(server, session, region="eu-west-2")
    assert isinstance(error, CredentialsError)
    assert isinstance(error.__cause__, botocore_errors.RefreshWithMFAUnsupportedError)


@pytest.fixture
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No credentials or config from this machine, no instance metadata; returns the config."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


def test_real_partial_environment_credentials(
    server: ScriptedServer, isolated_aws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    error = unsent(server, botocore.session.Session(), region="eu-west-2")
    assert isinstance(error, CredentialsError)
    assert isinstance(error.__cause__, botocore_errors.PartialCredentialsError)
    assert error.detail == "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"


def test_real_missing_profile(
    server: ScriptedServer, isolated_aws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "missing")
    error = unsent(server, botocore.session.Session(), region="eu-west-2")
    assert isinstance(error, CredentialsError)
    assert error.detail == "The config profile (missing) could not be found"


def test_real_failing_credential_process(server: ScriptedServer, isolated_aws: Path) -> None:
    isolated_aws.write_text("[default]\ncredential_process = false\n")
    error = unsent(server, botocore.session.Session(), region="eu-west-2")
    assert isinstance(error, CredentialsError)
    assert isinstance(error.__cause__, botocore_errors.CredentialRetrievalError)


def test_botocore_error_while_reading_the_region_is_a_signing_error(
    server: ScriptedServer, session: botocore.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cause = botocore_errors.ProfileNotFound(profile="missing")
    monkeypatch.setattr(session, "get_config_variable", _raiser(cause))
    error = unsent(server, session)
    assert (type(error), error.__cause__, error.title) == (
        SigningError,
        cause,
        "The request could not be signed",
    )


def test_unknown_region_is_a_signing_error(
    server: ScriptedServer, session: botocore.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "get_config_variable", lambda name: None)
    error = unsent(server, session)
    assert type(error) is SigningError
    assert error.detail.startswith("cannot tell the AWS region from 'http://127.0.0.1:")
    assert error.detail.endswith("pass region=, for example BrokerClient(url, region='eu-west-2')")


def test_signing_errors_are_not_retried(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = botocore.session.Session()
    calls: list[int] = []

    def no_credentials() -> None:
        calls.append(1)
        raise botocore_errors.NoCredentialsError()

    monkeypatch.setattr(session, "get_credentials", no_credentials)
    client = BrokerClient(server.url, session, region="eu-west-2", max_attempts=3, backoff=0)
    with pytest.raises(CredentialsError):
        client.create_participant("c-1", "Ana")
    assert calls == [1]


@pytest.mark.parametrize(
    ("behaviour", "detail"),
    [
        ("close", "RemoteDisconnected: Remote end closed connection without response"),
        ("reset", "ConnectionResetError: [Errno 104] Connection reset by peer"),
        ("garbage", "BadStatusLine: this is not HTTP\r\n"),
        ("short", "IncompleteRead: IncompleteRead(16 bytes read, 84 more expected)"),
    ],
)
def test_transport_error_is_broker_unreachable_after_retries(
    session: botocore.session.Session, behaviour: str, detail: str
) -> None:
    with RawServer(behaviour) as raw:
        client = BrokerClient(raw.url, session, region="eu-west-2", max_attempts=2, backoff=0)
        with pytest.raises(BrokerUnreachable) as caught:
            client.create_participant("c-1", "Ana")
        assert raw.connections == 2
    assert (caught.value.status, caught.value.title, caught.value.detail) == (
        None,
        "The broker could not be reached",
        detail,
    )


def test_tls_failure_is_broker_unreachable(
    server: ScriptedServer, session: botocore.session.Session
) -> None:
    plain_http = server.url.replace("http://", "https://")
    client = BrokerClient(plain_http, session, region="eu-west-2", max_attempts=1, timeout=2)
    with pytest.raises(BrokerUnreachable, match=r"SSLError: \[SSL"):
        client.create_participant("c-1", "Ana")


def _documented_exceptions() -> set[str]:
    """The exceptions named in the first column of docs/calling.md's exception table."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "calling.md").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}


def test_every_exception_the_client_raises_is_in_the_docs_table() -> None:
    raised = {
        name
        for name in client_module.__all__
        if isinstance(getattr(client_module, name), type)
        and issubclass(getattr(client_module, name), BrokerError)
        and name != "BrokerError"
    }
    assert raised - _documented_exceptions() == set()
