"""What the redeem route's first request pays to create its DynamoDB client, per model choice.

Each child is a fresh isolated interpreter with the asset on ``sys.path`` (as in the cold-start
benchmark) that creates the Connect client as the function's initialisation does, then times
one DynamoDB client creation, three ways, alternating run by run:

* ``shipped``: the runtime's own ``dynamodb.create_client`` on the asset as synthesized, whose
  data path holds the reduced DynamoDB model (three operations);
* ``botocore``: the same call on a copy of the asset without that model, so botocore loads its
  own full DynamoDB model (what shipping no model would cost);
* ``new session``: a client from a new botocore session with botocore's model (what
  ``boto3.client("dynamodb")`` beside the Connect client's session would cost).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .assets import Asset
from .common import Figure, lambda_env, median, python_exe

_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1]); sys.path.append(sys.argv[2])
from broker import connect, dynamodb
connect.get_client("us-east-1")
start = time.perf_counter()
if sys.argv[3] == "new session":
    import botocore.session
    botocore.session.Session().create_client("dynamodb", region_name="us-east-1")
else:
    dynamodb.create_client("us-east-1")
print((time.perf_counter() - start) * 1e3)
"""
WAYS = ("shipped", "botocore", "new session")


def _one_run(code_dir: Path, sdk: str, way: str, endpoint: str) -> float:
    """One fresh interpreter; the milliseconds its DynamoDB client creation took."""
    proc = subprocess.run(
        [python_exe(), "-I", "-S", "-B", "-c", _CHILD, str(code_dir), sdk, way],
        env=lambda_env(endpoint),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"DynamoDB client child failed:\n{proc.stderr[-3000:]}")
    return float(proc.stdout.split()[-1])


def bench_dynamodb_model(asset: Asset, sdk: str, endpoint: str, runs: int) -> list[Figure]:
    """Median client creation time of each way over ``runs`` alternating rounds."""
    samples: dict[str, list[float]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory(prefix="bench-ddb-model-") as tmp:
        without = Path(tmp) / "asset"
        shutil.copytree(asset.directory, without)
        shutil.rmtree(without / "broker" / "data" / "dynamodb")
        dirs = {"shipped": asset.directory, "botocore": without, "new session": without}
        for index in range(runs + 1):
            order = WAYS if index % 2 == 0 else tuple(reversed(WAYS))
            for way in order:
                elapsed = _one_run(dirs[way], sdk, way, endpoint)
                if index:  # the first round warms the page cache, discarded
                    samples[way].append(elapsed)
    shipped, full, alone = (median(samples[way]) for way in WAYS)
    return [
        Figure(
            "invitations on: DynamoDB client creation, shipped reduced model",
            shipped,
            "ms",
            "reported",
            None,
            f"botocore's own model: {full:.1f} ms; a new session with it: {alone:.1f} ms "
            f"(median of {runs} fresh interpreters each, after the Connect client)",
        )
    ]
