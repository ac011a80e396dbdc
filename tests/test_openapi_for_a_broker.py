"""The OpenAPI document of one deployed broker: its URL as the server, given or read from
``cdk deploy --outputs-file`` output (whose keys are the synthesized output logical IDs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from constructs import Construct

from constructs_lib import ConnectInstance, ParticipantBroker
from constructs_lib._outputs import endpoint_output_key
from constructs_lib.openapi import broker_url_from_outputs, build_openapi, main, render_openapi

URL = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1/"
OTHER_URL = "https://f6g7h8i9j0.execute-api.eu-west-2.amazonaws.com/v1/"
LOCAL = {
    "url": "http://127.0.0.1:8787",
    "description": "The local development broker (`make serve`); NOT for production.",
}
#: What `cdk deploy --outputs-file` writes for a stack holding the example app's broker.
OUTPUTS = {"ParticipantBroker": {"BrokerApiEndpoint2D532D2F": URL}}


def test_the_broker_url_is_the_first_server_without_its_final_slash() -> None:
    assert build_openapi(URL)["servers"] == [
        {"url": URL.rstrip("/"), "description": "This broker."},
        LOCAL,
    ]


def test_without_a_url_the_server_is_a_template() -> None:
    first, local = build_openapi()["servers"]
    assert (first["url"], local) == (
        "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}",
        LOCAL,
    )


def test_only_the_servers_change() -> None:
    with_url, without = build_openapi(URL), build_openapi()
    assert {k: v for k, v in with_url.items() if k != "servers"} == {
        k: v for k, v in without.items() if k != "servers"
    }


def test_a_server_url_must_be_a_url() -> None:
    with pytest.raises(ValueError, match=r"server_url must be the broker's URL \(https://...\)"):
        build_openapi("abc123.execute-api.eu-west-2.amazonaws.com")


def test_the_only_broker_of_the_outputs_file(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({**OUTPUTS, "Other": {"BucketName": "b"}}))
    assert broker_url_from_outputs(outputs) == URL


def test_several_brokers_need_the_broker_path() -> None:
    outputs = {"Stack": {"BrokerApiEndpoint2D532D2F": URL, "SecondApiEndpoint9686B081": OTHER_URL}}
    with pytest.raises(ValueError) as caught:
        broker_url_from_outputs(outputs)
    assert str(caught.value) == (
        "the outputs file holds several broker endpoints (Stack.BrokerApiEndpoint2D532D2F, "
        "Stack.SecondApiEndpoint9686B081); say which with stack and broker (the broker's "
        "construct path in its stack, for example 'Broker')"
    )
    assert broker_url_from_outputs(outputs, broker="Second") == OTHER_URL


def test_the_stack_narrows_the_search() -> None:
    outputs = {**OUTPUTS, "Staging": {"BrokerApiEndpoint2D532D2F": OTHER_URL}}
    assert broker_url_from_outputs(outputs, stack="Staging") == OTHER_URL
    with pytest.raises(ValueError, match=r"^the outputs file has no stack 'Prod'; it has "):
        broker_url_from_outputs(outputs, stack="Prod")


def test_no_broker_in_the_outputs_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"^the outputs file holds no endpoint of a broker;"):
        broker_url_from_outputs({"Stack": {"BucketName": "b"}})
    with pytest.raises(
        ValueError, match=r"no endpoint for the broker 'Nope' \(output NopeApiEndpoint"
    ):
        broker_url_from_outputs(OUTPUTS, broker="Nope")


BROKER_PATHS = ["Broker", "Site/Default/Broker", "Team-1/Hub/Hub"]


@pytest.fixture(scope="module")
def synthesized_outputs(app_factory: Callable[..., cdk.App]) -> dict[str, Any]:
    stack = cdk.Stack(app_factory(), "Stack")
    for path in BROKER_PATHS:
        scope: Any = stack
        *parents, name = path.split("/")
        for parent in parents:
            scope = scope.node.try_find_child(parent) or Construct(scope, parent)
        ParticipantBroker(scope, name, instance=ConnectInstance.from_id("i-0123456789"))
    outputs: dict[str, Any] = Template.from_stack(stack).to_json()["Outputs"]
    return outputs


@pytest.mark.parametrize("path", BROKER_PATHS)
def test_the_output_key_is_the_one_aws_cdk_synthesizes(
    synthesized_outputs: dict[str, Any], path: str
) -> None:
    assert endpoint_output_key(path) in synthesized_outputs, sorted(synthesized_outputs)


def test_every_broker_has_one_endpoint_output(synthesized_outputs: dict[str, Any]) -> None:
    assert sorted(synthesized_outputs) == sorted(endpoint_output_key(p) for p in BROKER_PATHS)


def test_cli_writes_the_document_for_the_deployed_broker(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(OUTPUTS))
    target = tmp_path / "openapi.json"
    assert main([str(target), "--outputs-file", str(outputs)]) == 0
    assert target.read_text("utf-8") == render_openapi(URL)


def test_cli_takes_the_url_itself(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert main([str(target), "--server-url", URL]) == 0
    assert json.loads(target.read_text("utf-8"))["servers"][0]["url"] == URL.rstrip("/")


def test_cli_reports_an_outputs_file_without_a_broker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"Stack": {}}))
    assert main(["--outputs-file", str(outputs)]) == 1
    assert capsys.readouterr().err.startswith(
        "participant-broker-openapi: the outputs file holds no endpoint of a broker;"
    )


def test_cli_reports_a_missing_outputs_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--outputs-file", str(tmp_path / "nope.json")]) == 1
    assert "No such file or directory" in capsys.readouterr().err


def test_cli_refuses_stack_without_outputs_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--stack", "Prod"])
    assert capsys.readouterr().err.endswith(
        "error: --stack and --broker only apply with --outputs-file\n"
    )
