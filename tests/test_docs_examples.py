"""Every Python block of README.md and docs/*.md runs here, so the examples cannot rot.

The blocks of one page run in order in one namespace: a later block may use what an earlier
one made (``broker``, ``participant``). What the prose leaves to the reader is filled in here:

* ``self``: a new ``cdk.Stack`` for each block (examples are written as the body of a stack's
  ``__init__``); a ``Stack`` subclass a block defines is instantiated, so its constructor runs;
* ``ParticipantBroker`` and the package's other public names (imported as the quickstart
  shows); ``instance_id``: an instance ID;
  ``contact_id``: a contact of the simulated Connect; ``user_pool``: a Cognito user pool in
  the block's stack; ``log``: a logger;
* a broker URL (``https://<api>.execute-api.<region>.amazonaws.com/v1/``) becomes the URL of a
  local broker backed by the simulated Connect, with invitations on, so client examples make
  real requests;
* ``outputs.json`` (``cdk deploy --outputs-file``) is written for a stack ``Contacts`` holding
  a broker ``Broker``.

A block that cannot run as it stands fails with its page and line; give it what it needs here
(a name above), not a copy of the example.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_BROKER_URL = re.compile(r"https://[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com/v1/?")


def blocks(page: Path) -> list[tuple[int, str]]:
    """The page's Python blocks with the line each starts on."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def pages_with_blocks() -> list[Path]:
    return [page for page in PAGES if blocks(page)]


@pytest.fixture(scope="module")
def local_url() -> Iterator[str]:
    from constructs_lib.local import LocalBroker, LocalBrokerConfig
    from constructs_lib.local.fake_connect import FakeConnect

    config = LocalBrokerConfig(log_level="ERROR", connect_max_attempts=1, invitations=True)
    with FakeConnect() as connect, LocalBroker(config=config, connect=connect) as broker:
        yield broker.url


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_url: str) -> dict[str, Any]:
    """The working directory and AWS environment the examples run in."""
    from constructs_lib._outputs import endpoint_output_key

    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty"
    empty.touch()
    for name, value in {
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "example-secret",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    deployed = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1/"
    outputs = {"Contacts": {endpoint_output_key("Broker"): deployed}}
    (tmp_path / "outputs.json").write_text(json.dumps(outputs), encoding="utf-8")
    return {"url": local_url}


def run_block(
    page: Path, line: int, source: str, namespace: dict[str, Any], app: Any, url: str
) -> None:
    import aws_cdk as cdk
    from aws_cdk import aws_cognito as cognito

    stack = cdk.Stack(app, f"Line{line}")
    import constructs_lib

    for name in constructs_lib.__all__:
        namespace.setdefault(name, getattr(constructs_lib, name))
    namespace.update(self=stack, instance_id=INSTANCE_ID, log=logging.getLogger("example"))
    if "user_pool" in source:
        namespace["user_pool"] = cognito.UserPool(stack, "ExampleUserPool")
    namespace.setdefault("contact_id", "c0ffee00-1234-4abc-8def-0123456789ab")
    before = set(namespace)
    code = compile(_BROKER_URL.sub(url + "/", source), f"{page.name}:{line}", "exec")
    exec(code, namespace)
    for name in set(namespace) - before:
        value = namespace[name]
        if isinstance(value, type) and issubclass(value, cdk.Stack) and value is not cdk.Stack:
            value(app, f"{name}Line{line}")


@pytest.mark.parametrize("page", pages_with_blocks(), ids=lambda p: p.name)
def test_every_python_block_runs(page: Path, sandbox: dict[str, Any], app_factory: Any) -> None:
    app = app_factory()
    namespace: dict[str, Any] = {"__name__": f"example_{page.stem}"}
    for line, source in blocks(page):
        try:
            run_block(page, line, source, namespace, app, sandbox["url"])
        except Exception as error:
            raise AssertionError(
                f"{page.name}, the Python block at line {line}, fails: "
                f"{type(error).__name__}: {error}"
            ) from error


def test_the_harness_finds_the_examples() -> None:
    assert blocks(ROOT / "README.md")
    assert sum(len(blocks(page)) for page in PAGES) >= 8
