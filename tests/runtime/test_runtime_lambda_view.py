"""The handler loaded as Lambda loads it: a fresh interpreter with only the asset directory
and botocore's site-packages on ``sys.path`` (not the repository; the function must not import
it), serving one request against a local endpoint that speaks Connect's wire protocol
(rest-json, SigV4-signed).

Two asset directories: a copy of ``runtime/`` made with the construct's exclude list and
stripped as its bundling strips it, and the asset directory of a synthesized cloud assembly
(exactly what ``cdk deploy`` would zip).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import botocore
import pytest
from cdk_support import app_with
from runtime_support import API_REQUEST_ID, TOKEN, api_gateway_event, client_token

ROOT = Path(__file__).resolve().parents[2]
BOTOCORE_SITE = Path(botocore.__file__).resolve().parents[1]
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
IDEMPOTENCY_KEY = "retry-safe-key-1"

CHILD = r"""
import json, sys
asset, site, event_file = sys.argv[1:4]
sys.path.insert(0, asset)
sys.path.append(site)
import broker.handler as module

class Context:
    aws_request_id = "lambda-request-1"

with open(event_file, encoding="utf-8") as handle:
    event = json.load(handle)
response = module.handler(event, Context())
unwanted = ("boto3", "botocore", "runtime", "urllib3", "s3transfer")
loaded = sorted(name for name in sys.modules if name.split(".")[0] in unwanted)
sys.stderr.write(json.dumps({
    "response": response,
    "handlerFile": module.__file__,
    "unwantedModules": loaded,
    "botocoreImportable": __import__("importlib.util").util.find_spec("botocore") is not None,
}) + "\n")
"""


#: DescribeContact's answer for an ongoing WebRTC call whose agent has connected (a subset of
#: what Connect sends, with members the broker does not read).
CONTACT = {
    "Contact": {
        "Id": "c0ffee00-1234-4abc-8def-0123456789ab",
        "Channel": "VOICE",
        "InitiationMethod": "WEBRTC_API",
        "InitiationTimestamp": 1795657280.123,
        "AgentInfo": {"Id": "agent-1", "ConnectedToAgentTimestamp": 1795657286.5},
        "SegmentAttributes": {"connect:Subtype": {"ValueString": "connect:WebRTC"}},
        "CustomerEndpoint": {"Type": "VOIP", "Address": "customer-address"},
        "Attributes": {"greeting": "played"},
    }
}


class FakeConnect(BaseHTTPRequestHandler):
    """Answers DescribeContact and CreateParticipant as Connect does; records each request."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def do_GET(self) -> None:
        self.requests.append({"path": self.path, "headers": dict(self.headers), "body": None})
        self._answer(CONTACT)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
        )
        self._answer(
            {
                "ParticipantCredentials": {
                    "ParticipantToken": TOKEN,
                    "Expiry": "2026-11-26T02:41:28.172Z",
                },
                "ParticipantId": "participant-1",
            }
        )

    def _answer(self, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-RequestId", "connect-request-1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture
def connect_endpoint() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    FakeConnect.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeConnect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", FakeConnect.requests
    finally:
        server.shutdown()
        server.server_close()


def copy_runtime(target: Path, *, stripped: bool = True, invitations: bool = True) -> Path:
    """``runtime/`` as the construct packages it (by default for a broker with invitations): the
    asset's files, stripped as the construct's bundling strips them unless ``stripped`` is off."""
    from constructs_lib.broker import bundling

    source = ROOT / "runtime"
    files = bundling.asset_files(source, invitations=invitations)
    if stripped:
        bundling.stage(source, target, files)
        return target
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target / name)
    return target


def serve_one(
    asset: Path, endpoint: str, tmp_path: Path, extra_env: dict[str, str] | None = None
) -> tuple[dict[str, Any], str]:
    """Run the child interpreter on ``asset``; return its report and its stdout."""
    event = api_gateway_event(
        {"displayName": "Ana Silva", "capabilities": {"video": "SEND"}},
        headers={"Idempotency-Key": IDEMPOTENCY_KEY},
    )
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    env = {
        "HOME": str(tmp_path),
        "INSTANCE_ID": INSTANCE_ID,
        "ALLOWED_ROLES": "CUSTOMER",
        "DEFAULT_ROLE": "CUSTOMER",
        "ALLOW_VIDEO": "true",
        "ALLOW_SCREEN_SHARE": "true",
        "LOG_LEVEL": "INFO",
        "METRICS_NAMESPACE": "ConnectParticipantBroker",
        "AWS_LAMBDA_FUNCTION_NAME": "broker-fn",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_CONNECT": endpoint,
        "AWS_ACCESS_KEY_ID": "AKIDLOCALLOCALLOCAL0",
        "AWS_SECRET_ACCESS_KEY": "local-secret",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        **(extra_env or {}),
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-B",
            "-c",
            CHILD,
            str(asset),
            str(BOTOCORE_SITE),
            str(event_file),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stderr.strip().splitlines()[-1])
    return report, completed.stdout


def assert_served(report: dict[str, Any], stdout: str, asset: Path, requests: list[Any]) -> None:
    """The child served 201 from the asset's code: it described the contact (contact checks are
    on unless the environment turns them off), then sent Connect the right request."""
    response = report["response"]
    assert response["statusCode"] == 201, response
    assert json.loads(response["body"]) == {
        "participantId": "participant-1",
        "participantToken": TOKEN,
        "expiry": "2026-11-26T02:41:28.172Z",
        "role": "CUSTOMER",
    }
    assert Path(report["handlerFile"]).resolve().is_relative_to(asset.resolve())
    assert report["unwantedModules"] == []
    assert report["botocoreImportable"]
    described, request = requests
    assert described["path"] == f"/contacts/{INSTANCE_ID}/c0ffee00-1234-4abc-8def-0123456789ab"
    assert described["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert request["path"] == "/contact/create-participant"
    assert request["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/eu-west-1/connect/aws4_request" in request["headers"]["Authorization"]
    assert request["body"] == {
        "InstanceId": INSTANCE_ID,
        "ContactId": "c0ffee00-1234-4abc-8def-0123456789ab",
        "ClientToken": client_token(IDEMPOTENCY_KEY, capabilities={"video": "SEND"}),
        "ParticipantDetails": {
            "ParticipantRole": "CUSTOMER",
            "DisplayName": "Ana Silva",
            "ParticipantCapabilities": {"Video": "SEND"},
        },
    }
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert any(line.get("message") == "participant created" for line in lines)
    assert any("_aws" in line and line["ParticipantsCreated"] == 1 for line in lines)
    assert all(line["apiRequestId"] == API_REQUEST_ID for line in lines)
    assert TOKEN not in stdout


def test_copied_asset_serves_a_request_in_isolation(
    tmp_path: Path, connect_endpoint: tuple[str, list[dict[str, Any]]]
) -> None:
    asset = copy_runtime(tmp_path / "asset")
    endpoint, requests = connect_endpoint
    report, stdout = serve_one(asset, endpoint, tmp_path)
    assert_served(report, stdout, asset, requests)


@pytest.fixture(scope="module")
def synthesized_asset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lambda asset directory of a synthesized stack holding one ParticipantBroker."""
    import aws_cdk as cdk

    from constructs_lib import ConnectInstance, ParticipantBroker

    outdir = tmp_path_factory.mktemp("cdk-out")
    app = app_with(outdir, {})
    stack = cdk.Stack(app, "AssetView")
    ParticipantBroker(
        stack,
        "Broker",
        instance=ConnectInstance.from_id(INSTANCE_ID),
        alarms=False,
        dashboard=False,
    )
    assembly = app.synth()
    template = assembly.get_stack_by_name("AssetView").template
    functions = [
        resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
        and resource["Properties"].get("Handler") == "broker.handler.handler"
    ]
    (function,) = functions
    key = function["Properties"]["Code"]["S3Key"]
    asset = outdir / f"asset.{key.removesuffix('.zip')}"
    assert asset.is_dir()
    return asset


def test_synthesized_asset_holds_only_what_lambda_needs(synthesized_asset: Path) -> None:
    files = sorted(
        str(path.relative_to(synthesized_asset))
        for path in synthesized_asset.rglob("*")
        if path.is_file()
    )
    assert all(name.endswith((".py", ".json")) for name in files), files
    assert {"broker/aws/connect.json", "broker/aws/partitions.json"} <= set(files)
    assert "broker/__init__.py" in files and "__init__.py" not in files
    assert "broker/aws/__init__.py" in files
    # A broker without invitations ships no invitation code, nor DynamoDB's client or table.
    assert not any("invitation" in name or "dynamodb" in name for name in files), files
    assert not any("__pycache__" in name or name.startswith("tests") for name in files)


def test_synthesized_asset_serves_a_request_in_isolation(
    synthesized_asset: Path, tmp_path: Path, connect_endpoint: tuple[str, list[dict[str, Any]]]
) -> None:
    endpoint, requests = connect_endpoint
    report, stdout = serve_one(synthesized_asset, endpoint, tmp_path)
    assert_served(report, stdout, synthesized_asset, requests)


def zipped_size(asset: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(asset.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(asset))
    return len(buffer.getvalue())


#: What the asset zips to at most (bytes), stripped of docstrings, comments and blank lines; to be
#: cut to 24 KiB and 36 KiB (see docs/performance.md).
DEFAULT_ASSET_LIMIT = 39 * 1024
INVITATIONS_ASSET_LIMIT = 53 * 1024


def test_synthesized_asset_zips_within_its_limit(synthesized_asset: Path) -> None:
    assert zipped_size(synthesized_asset) <= DEFAULT_ASSET_LIMIT


def test_asset_with_invitations_zips_within_its_limit(tmp_path: Path) -> None:
    """The construct's exclude list without the invitation files' (a broker with invitations)."""
    asset = copy_runtime(tmp_path / "asset")
    assert (asset / "broker" / "aws" / "dynamodb.py").is_file()
    assert (asset / "broker" / "invitations.py").is_file()
    assert zipped_size(asset) <= INVITATIONS_ASSET_LIMIT


def test_the_limits_hold_only_for_the_stripped_asset(tmp_path: Path) -> None:
    """Unstripped, neither file set zips within its limit: the limits hold the stripping."""
    default = copy_runtime(tmp_path / "default", stripped=False, invitations=False)
    assert zipped_size(default) > DEFAULT_ASSET_LIMIT
    assert zipped_size(copy_runtime(tmp_path / "all", stripped=False)) > INVITATIONS_ASSET_LIMIT


def test_the_synthesized_asset_is_the_stripped_runtime(
    synthesized_asset: Path, tmp_path: Path
) -> None:
    """The construct's bundling and ``copy_runtime`` give the same files, byte for byte."""
    copy = copy_runtime(tmp_path / "copy", invitations=False)
    files = sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(synthesized_asset) for p in synthesized_asset.rglob("*") if p.is_file()
    )
    for relative in files:
        assert (synthesized_asset / relative).read_bytes() == (copy / relative).read_bytes()


def test_sampled_invocation_traces_the_connect_call(
    tmp_path: Path, connect_endpoint: tuple[str, list[dict[str, Any]]]
) -> None:
    # Lambda with active tracing: the trace header and the daemon's address in the environment.
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(5)
    trace = "Root=1-6745a6a0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
    env = {
        "_X_AMZN_TRACE_ID": trace,
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}",
    }
    endpoint, requests = connect_endpoint
    asset = copy_runtime(tmp_path / "asset")
    with daemon:
        report, stdout = serve_one(asset, endpoint, tmp_path, env)
        assert_served(report, stdout, asset, requests)
        # One subsegment per Connect call: the contact checks' DescribeContact, then this.
        datagrams = [daemon.recv(65536).partition(b"\n") for _ in range(2)]
    described, (header, _, document) = (json.loads(d[2]) for d in datagrams[:1]), datagrams[1]
    assert [item["aws"]["operation"] for item in described] == ["DescribeContact"]
    subsegment = json.loads(document)
    assert json.loads(header) == {"format": "json", "version": 1}
    assert (subsegment["trace_id"], subsegment["parent_id"], subsegment["type"]) == (
        "1-6745a6a0-0123456789abcdef01234567",
        "53995c3f42cd8ad8",
        "subsegment",
    )
    assert subsegment["aws"] == {
        "operation": "CreateParticipant",
        "region": "eu-west-1",
        "request_id": "connect-request-1",
        "retries": 0,
    }
    assert subsegment["http"] == {"response": {"status": 200}}
