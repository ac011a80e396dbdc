"""The Connect model shipped in the asset, and the client built on it."""

from __future__ import annotations

import importlib.util
import json
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

from runtime.broker import connect


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


def test_shipped_model_is_what_the_script_generates_from_installed_botocore() -> None:
    assert reduce_connect_model.main(["--check", str(MODEL_FILE)]) == 0


def test_shipped_model_holds_exactly_the_shapes_the_operation_references(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    full = ServiceModel(installed, "connect").operation_model(OPERATION)
    assert set(shipped["shapes"]) == shape_names(full)


def test_every_shipped_shape_equals_the_installed_one(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    for name, definition in shipped["shapes"].items():
        assert definition == without_docs(installed["shapes"][name]), name


def test_shipped_operation_equals_the_installed_one(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    assert list(shipped["operations"]) == [OPERATION]
    assert shipped["operations"][OPERATION] == without_docs(installed["operations"][OPERATION])
    assert shipped["metadata"] == installed["metadata"]


def test_shipped_model_has_the_same_errors_and_traits(
    installed: dict[str, Any], shipped: dict[str, Any]
) -> None:
    full = ServiceModel(installed, "connect").operation_model(OPERATION)
    reduced = ServiceModel(shipped, "connect").operation_model(OPERATION)
    assert [s.name for s in reduced.error_shapes] == [s.name for s in full.error_shapes]
    assert {s.name: s.metadata for s in reduced.error_shapes} == {
        s.name: s.metadata for s in full.error_shapes
    }
    assert reduced.idempotent_members == full.idempotent_members == ["ClientToken"]
    assert reduced.http == full.http
    details = reduced.input_shape.members["ParticipantDetails"]
    assert set(details.members) == {"ParticipantRole", "DisplayName", "ParticipantCapabilities"}


def test_shipped_model_is_compact_json() -> None:
    text = MODEL_FILE.read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("}\n")
    assert ": " not in text and ", " not in text.replace('", "', "")
    assert len(text.encode()) < 6 * 1024


def test_client_loads_the_shipped_model(shared_client: Any) -> None:
    assert shared_client.meta.service_model.operation_names == [OPERATION]


def test_client_time_budget_fits_inside_api_gateway(shared_client: Any) -> None:
    config = shared_client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (1, 3)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    attempts = config.retries["total_max_attempts"]
    backoff = sum(min(2**i, 20) for i in range(attempts - 1))  # throttling scale: 1 s, 2 s
    worst = attempts * (config.connect_timeout + config.read_timeout) + backoff
    assert worst <= 15 < 20 < 29


# --- An old botocore, which does not know ParticipantCapabilities -----------------------------


@pytest.fixture
def old_botocore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: dict[str, Any]
) -> Iterator[None]:
    """Make every botocore Loader see built-in data whose Connect model predates capabilities.

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
    assert client.meta.service_model.operation_names == [OPERATION]
    connect.set_client(client)
    from runtime.broker import handler

    event = api_gateway_event({"displayName": "Ana", "capabilities": {"screenShare": "SEND"}})
    response = handler.handler(event, None)
    assert response["statusCode"] == 201, body_of(response)
    (payload,) = sent
    details = json.loads(payload)["ParticipantDetails"]
    assert details["ParticipantCapabilities"] == {"ScreenShare": "SEND"}
