"""The wheel is a complete product: a user who only installs it gets a working broker.

One module-scoped build: the project is copied to a temp dir, built into a wheel without
build isolation (no network), installed with ``--no-deps`` into a fresh virtualenv that
reuses this environment's dependencies, and a five-line app is synthesized with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

APP = """\
import sys, aws_cdk as cdk, constructs_lib
from constructs_lib import ParticipantBroker
app = cdk.App(outdir=sys.argv[1])
ParticipantBroker(cdk.Stack(app, "WheelStack"), "Broker", instance_id="i-0123456789")
app.synth(); print(constructs_lib.__file__)
"""


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in ("constructs_lib", "runtime"):
        shutil.copytree(REPO / package, src / package, ignore=ignore)
    dist = tmp_path_factory.mktemp("dist")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        dist,
        src,
        cwd=src,
    )
    (built,) = dist.glob("connect_participant_broker-*.whl")
    return built


@pytest.fixture(scope="module")
def installed_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=venv
        ).strip()
    )
    # Reuse this environment's installed dependencies (aws-cdk-lib is large) without its
    # editable hook: a plain path line in a .pth does not run the other .pth files there.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=venv,
    )
    return python


def test_wheel_ships_runtime_asset_and_contract(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "constructs_lib/__init__.py",
        "constructs_lib/py.typed",
        "constructs_lib/_runtime/broker/handler.py",
        "constructs_lib/_runtime/broker/contract.schema.json",
        "constructs_lib/_runtime/broker/problems.json",
        "constructs_lib/_runtime/broker/data/connect/2017-08-08/service-2.json",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    checkout = {
        f"constructs_lib/_runtime/{path.relative_to(REPO / 'runtime').as_posix()}"
        for path in (REPO / "runtime").rglob("*")
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts
    }
    assert checkout <= names, f"missing from the wheel: {sorted(checkout - names)}"


def test_wheel_installs_no_top_level_package_but_its_own(
    wheel: Path, installed_python: Path
) -> None:
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"constructs_lib"}
    shown = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        installed_python,
        "show",
        "-f",
        "connect-participant-broker",
        cwd=installed_python.parent,
    )
    files = [line.strip() for line in shown.split("Files:", 1)[1].splitlines() if line.strip()]
    assert files and not [f for f in files if f.startswith("runtime/")]


def test_wheel_ships_no_tests_or_caches(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert [n for n in names if n.startswith("tests/") or "__pycache__" in n] == []


def test_installed_wheel_synthesizes_a_broker(installed_python: Path, tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP)
    outdir = tmp_path / "out"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    printed = _run(installed_python, app, outdir, cwd=tmp_path, env=env)

    # Imported from the installed wheel, not from the source tree.
    imported_from = Path(printed.strip().splitlines()[-1]).resolve()
    assert installed_python.parent.parent.resolve() in imported_from.parents
    assert REPO not in imported_from.parents

    template = json.loads((outdir / "WheelStack.template.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    handlers = {f["Properties"].get("Handler") for f in functions}
    assert "broker.handler.handler" in handlers
    asset_dirs = [p for p in outdir.glob("asset.*") if (p / "broker" / "handler.py").is_file()]
    assert asset_dirs, "the synthesized assembly holds no asset with broker/handler.py"
