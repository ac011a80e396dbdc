"""The Connect model shipped in the asset, and the client built on it."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore
import botocore.loaders
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ParamValidationError
from botocore.model import OperationModel, ServiceModel, Shape
from runtime_support import api_gateway_event, body_of

from runtime.broker import budget, connect


def _load_script() -> ModuleType:
    """Import ``scripts/reduce_connect_model.py`` (``scripts`` is not a package)."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "reduce_connect_model.py"
    spec = importlib.util.spec_from_file_location("reduce_connect_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reduce_connect_model = _load_script()
MODEL_FILE = connect.DATA_PATH / "connect" / "2017-08-08" / "service-2.json"
OPERATION = "CreateParticipant"
OPERATIONS = ["CreateParticipant", "DescribeContact"]
PRUNED = reduce_connect_model.OUTPUT_MEMBERS


@pytest.fixture(scope="module")
def installed() -> dict[str, Any]:
    """The installed botocore's full Connect model."""
    return reduce_connect_model.load_installed_model()


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return result


def shape_names(operation: OperationModel) -> set[str]:
    """Every shape ``operation`` references, walked with botocore's own model classes."""
    seen: set[str] = set()
    pending: list[Shape] = [operation.input_shape, operation.output_shape, *operation.error_shapes]
    while pending:
        shape = pending.pop()
        if shape.name in seen:
            continue
        seen.add(shape.name)
        pending.extend(getattr(shape, "members", {}).values())
        pending.extend(
            getattr(shape, attribute)
            for attribute in ("member", "key", "value")
            if hasattr(shape, attribute)
        )
    return seen


def without_docs(definition: dict[str, Any]) -> dict[str, Any]:
    result = {k: v for k, v in definition.items() if k not in ("documentation", "documentationUrl")}
    if "members" in result:
        result["members"] = {name: without_docs(m) for name, m in result["members"].items()}
    return result


def pruned(name: str, definition: dict[str, Any]) -> dict[str, Any]:
    """The installed shape as the broker ships it: only the members it reads, if listed."""
    if name not in PRUNED:
        return definition
    return {**definition, "members": {m: definition["members"][m] for m in PRUNED[name]}}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_shipped_model_is_what_the_script_generates_from_installed_botocore() -> None:
    assert reduce_connect_model.main(["--check", str(MODEL_FILE)]) == 0


def test_shipped_operations_are_exactly_the_ones_the_runtime_calls(shipped: dict[str, Any]) -> None:
    called = sorted(name for name in vars(connect.ConnectClient) if not name.startswith("_"))
    assert called == [snake(name) for name in OPERATIONS]
    assert sorted(shipped["operations"]) == OPERATIONS


def test_shipped_model_holds_exactly_the_shapes_the_operations_reference(
    shipped: dict[str, Any],
) -> None:
    reduced = ServiceModel(shipped, "connect")
    referenced = set().union(*(shape_names(reduced.operation_model(op)) for op in OPERATIONS))
    assert set(shipped["shapes"]) == referenced


def test_every_shipped_shape_equals_the_installed_one_but_pruned_outputs(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    full = ServiceModel(installed, "connect")
    inputs = set().union(*(shape_names_of_input(full.operation_model(op)) for op in OPERATIONS))
    constraints = {"enum", "min", "max", "pattern"}
    for name, definition in shipped["shapes"].items():
        expected = pruned(name, without_docs(installed["shapes"][name]))
        if name not in inputs:
            expected = {k: v for k, v in expected.items() if k not in constraints}
        assert definition == expected, name
    assert set(PRUNED) <= set(shipped["shapes"])


def test_request_shapes_keep_their_constraints(shipped: dict[str, Any]) -> None:
    assert shipped["shapes"]["ContactId"] == {"max": 256, "min": 1, "type": "string"}
    assert shipped["shapes"]["ParticipantRole"]["enum"] == [
        "AGENT",
        "CUSTOMER",
        "SYSTEM",
        "CUSTOM_BOT",
        "SUPERVISOR",
    ]
    assert shipped["shapes"]["ContactInitiationMethod"] == {"type": "string"}  # answers only


def test_pruned_shapes_are_outputs_only(installed: dict[str, Any]) -> None:
    full = ServiceModel(installed, "connect")
    inputs = set().union(*(shape_names_of_input(full.operation_model(op)) for op in OPERATIONS))
    assert inputs.isdisjoint(PRUNED)


def shape_names_of_input(operation: OperationModel) -> set[str]:
    seen: set[str] = set()
    pending: list[Shape] = [operation.input_shape]
    while pending:
        shape = pending.pop()
        if shape.name not in seen:
            seen.add(shape.name)
            pending.extend(getattr(shape, "members", {}).values())
    return seen


def test_script_refuses_to_prune_an_input_shape(installed: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="ParticipantDetailsToAdd"):
        original = dict(PRUNED)
        try:
            PRUNED["ParticipantDetailsToAdd"] = ("DisplayName",)
            reduce_connect_model.reduce_model(installed)
        finally:
            PRUNED.clear()
            PRUNED.update(original)


def test_script_fails_when_botocore_drops_a_member_the_broker_reads(
    installed: dict[str, Any],
) -> None:
    model = json.loads(json.dumps(installed))
    del model["shapes"]["Contact"]["members"]["DisconnectTimestamp"]
    with pytest.raises(KeyError, match="Contact shape has no member DisconnectTimestamp"):
        reduce_connect_model.reduce_model(model)


def test_shipped_operations_equal_the_installed_ones(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    for name in OPERATIONS:
        assert shipped["operations"][name] == without_docs(installed["operations"][name])
    assert shipped["metadata"] == installed["metadata"]


def test_shipped_model_has_the_same_errors_and_traits(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    for name in OPERATIONS:
        full = ServiceModel(installed, "connect").operation_model(name)
        reduced = ServiceModel(shipped, "connect").operation_model(name)
        assert [s.name for s in reduced.error_shapes] == [s.name for s in full.error_shapes]
        assert {s.name: s.metadata for s in reduced.error_shapes} == {
            s.name: s.metadata for s in full.error_shapes
        }
        assert reduced.idempotent_members == full.idempotent_members
        assert reduced.http == full.http
    create = ServiceModel(shipped, "connect").operation_model(OPERATION)
    assert create.idempotent_members == ["ClientToken"]
    details = create.input_shape.members["ParticipantDetails"]
    assert set(details.members) == {"ParticipantRole", "DisplayName", "ParticipantCapabilities"}


def test_shipped_model_is_compact_json() -> None:
    text = MODEL_FILE.read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("}\n")
    assert ": " not in text and ", " not in text.replace('", "', "")
    assert len(text.encode()) < 8 * 1024


def test_client_loads_the_shipped_model(shared_client: Any) -> None:
    assert shared_client.meta.service_model.operation_names == OPERATIONS


def test_client_uses_the_time_budget(shared_client: Any) -> None:
    config = shared_client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (
        budget.CONNECT_TIMEOUT_SECONDS,
        budget.READ_TIMEOUT_SECONDS,
    )
    assert config.retries == {"mode": "standard", "total_max_attempts": budget.MAX_ATTEMPTS}


# --- An old botocore, which knows neither ParticipantCapabilities nor a contact's Attributes ---


@pytest.fixture
def old_botocore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: dict[str, Any]
) -> Iterator[None]:
    """Make every botocore Loader see built-in data whose Connect model predates capabilities,
    DescribeContact's ``Attributes`` and ``SegmentAttributes``, and ``WEBRTC_API`` (as botocore
    1.34.0's does).

    All built-in data (endpoints, partitions, other services, Connect's endpoint rules) stays
    the installed one; only Connect's service-2 is replaced by an old shape of it.
    """
    real = Path(botocore.__file__).parent / "data"
    fake = tmp_path / "botocore-data"
    fake.mkdir()
    for entry in real.iterdir():
        if entry.name != "connect":
            (fake / entry.name).symlink_to(entry)
    version_dir = fake / "connect" / "2017-08-08"
    version_dir.mkdir(parents=True)
    for entry in (real / "connect" / "2017-08-08").iterdir():
        if not entry.name.startswith("service-2."):
            (version_dir / entry.name).symlink_to(entry)
    old = json.loads(json.dumps(installed))
    del old["shapes"]["ParticipantDetailsToAdd"]["members"]["ParticipantCapabilities"]
    del old["shapes"]["AgentInfo"]["members"]["Capabilities"]
    for member in ("Attributes", "SegmentAttributes"):
        del old["shapes"]["Contact"]["members"][member]
    old["shapes"]["ContactInitiationMethod"]["enum"].remove("WEBRTC_API")
    for name in ("ParticipantCapabilities", "VideoCapability", "ScreenShareCapability"):
        del old["shapes"][name]
    (version_dir / "service-2.json").write_text(json.dumps(old), encoding="utf-8")
    monkeypatch.setattr(botocore.loaders.Loader, "BUILTIN_DATA_PATH", str(fake))
    monkeypatch.setattr(botocore.loaders.Loader, "CUSTOMER_DATA_PATH", str(tmp_path / "none"))
    yield


CAPABLE_CALL = {
    "InstanceId": "i-1",
    "ContactId": "c-1",
    "ParticipantDetails": {
        "ParticipantRole": "CUSTOMER",
        "DisplayName": "Ana",
        "ParticipantCapabilities": {"Video": "SEND"},
    },
}


def test_old_botocore_alone_rejects_capabilities(old_botocore: None) -> None:
    client = botocore.session.Session().create_client("connect", region_name="eu-west-1")
    assert len(client.meta.service_model.operation_names) > 1
    with pytest.raises(ParamValidationError, match="ParticipantCapabilities"):
        client.create_participant(**CAPABLE_CALL)


class RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def test_broker_client_sends_capabilities_with_old_botocore(old_botocore: None) -> None:
    client = connect.create_client("eu-west-1")
    sent: list[bytes] = []

    def capture(request: Any, **_: Any) -> AWSResponse:
        sent.append(request.body)
        body = (
            b'{"ParticipantId":"p","ParticipantCredentials":{"ParticipantToken":"t","Expiry":"x"}}'
        )
        return AWSResponse(request.url, 200, {}, RawBody(body))

    client.meta.events.register("before-send.connect.CreateParticipant", capture)
    assert client.meta.service_model.operation_names == OPERATIONS
    connect.set_client(client)
    from runtime.broker import handler

    event = api_gateway_event({"displayName": "Ana", "capabilities": {"screenShare": "SEND"}})
    response = handler.handler(event, None)
    assert response["statusCode"] == 201, body_of(response)
    (payload,) = sent
    details = json.loads(payload)["ParticipantDetails"]
    assert details["ParticipantCapabilities"] == {"ScreenShare": "SEND"}


def test_old_botocore_alone_drops_contact_attributes(old_botocore: None) -> None:
    client = botocore.session.Session().create_client("connect", region_name="eu-west-1")
    contact = client.meta.service_model.shape_for("Contact")
    assert not {"Attributes", "SegmentAttributes"} & set(contact.members)


def test_broker_client_reads_contact_attributes_with_old_botocore(old_botocore: None) -> None:
    client = connect.create_client("eu-west-1")
    body = (
        b'{"Contact":{"Channel":"VOICE","InitiationMethod":"WEBRTC_API",'
        b'"AgentInfo":{"ConnectedToAgentTimestamp":1795657290.5},'
        b'"SegmentAttributes":{"connect:Subtype":{"ValueString":"connect:WebRTC"}},'
        b'"Attributes":{"caller":"sub-1"},'
        b'"CustomerEndpoint":{"Address":"+15550100","Type":"TELEPHONE_NUMBER"}}}'
    )

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, {}, RawBody(body))

    client.meta.events.register("before-send.connect.DescribeContact", answer)
    contact = client.describe_contact(InstanceId="i-1", ContactId="c-1")["Contact"]
    assert contact["Attributes"] == {"caller": "sub-1"}
    assert contact["SegmentAttributes"] == {"connect:Subtype": {"ValueString": "connect:WebRTC"}}
    assert set(contact["AgentInfo"]) == {"ConnectedToAgentTimestamp"}
    # The pruned model never parses what the broker does not read, such as the customer's number.
    assert "CustomerEndpoint" not in contact
