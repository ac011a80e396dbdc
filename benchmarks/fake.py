"""Run the simulated Connect (``constructs_lib.local.fake_connect``), and for the invitation
benchmarks moto's DynamoDB (``constructs_lib.local.dynamodb``), each in a process of its own.

A separate process keeps the server's threads from competing for the GIL with the handler
being measured. The server answers with ``TCP_NODELAY`` (see ``fake_connect``): without it,
every call would take about 40 ms on loopback and drown the broker's overhead.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from .common import ROOT, python_exe

_SERVE = """
import sys
from constructs_lib.local.fake_connect import FakeConnect
fake = FakeConnect(require_signature=True).start()
print(fake.url, flush=True)
sys.stdin.read()
fake.stop()
"""


#: One invitation with (practically) unlimited uses, so every benchmark request redeems it.
_SERVE_TABLE = """
import sys
from constructs_lib.local.dynamodb import LocalDynamoDB
from runtime.broker import invitation_store as store
from runtime.broker import invitation_tokens as tokens
dynamodb = LocalDynamoDB().start()
table = sys.argv[2]
dynamodb.create_invitation_table(table)
invitation_id, secret = tokens.new_secret()
invitation = store.Invitation(
    invitation_id=invitation_id, contact_id=sys.argv[1], role="CUSTOMER",
    display_name="Benchmark Guest", capabilities={}, uses=10**9, uses_left=10**9,
    expires_at=4_000_000_000, created_at=0, created_by="",
)
store.InvitationStore(dynamodb.client(), table).put(invitation, tokens.secret_hash(secret))
print(dynamodb.url, invitation_id, secret, flush=True)
sys.stdin.read()
dynamodb.stop()
"""


@contextmanager
def fake_connect() -> Iterator[str]:
    """Start the fake Connect in a child process; yield its endpoint URL; stop it on exit."""
    with _child(_SERVE) as line:
        yield line[0]


@contextmanager
def fake_invitation_table(contact_id: str, table: str) -> Iterator[tuple[str, str, str]]:
    """Start moto's DynamoDB in a child process holding one invitation of ``contact_id``;
    yield its endpoint URL, the invitation ID and the secret."""
    with _child(_SERVE_TABLE, contact_id, table) as line:
        url, invitation_id, secret = line
        yield url, invitation_id, secret


@contextmanager
def _child(script: str, *args: str) -> Iterator[list[str]]:
    """Run ``script``; yield the words of the first line it prints (a URL first)."""
    proc = subprocess.Popen(
        [python_exe(), "-c", script, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if not line or not line[0].startswith("http://127.0.0.1:"):
            raise RuntimeError(f"a fake service did not start (printed {line!r})")
        yield line
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
