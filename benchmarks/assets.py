"""Find the broker's Lambda asset as the CDK synthesizes it, and measure its zip."""

from __future__ import annotations

import fnmatch
import io
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import ROOT, python_exe, run, tool_env

#: Used only when the construct cannot be synthesized yet: what ``Code.from_asset`` leaves out.
FALLBACK_EXCLUDES = ("__pycache__", "*.pyc", "*.pyo", "tests", ".mypy_cache", ".pytest_cache")


@dataclass(frozen=True)
class Asset:
    """The Lambda code directory and handler the benchmarks load."""

    directory: Path
    module: str
    function: str
    source: str  # "synthesized" or "runtime/ (fallback)"


def synthesize_asset(workdir: Path, invitations: bool = False) -> Asset:
    """Synthesize one broker in-process (``App(outdir=...).synth()``) and locate its asset dir.

    Falls back to a copy of ``runtime/`` (with ``FALLBACK_EXCLUDES``) when the construct cannot be
    synthesized, and says so in ``Asset.source``.
    """
    outdir = workdir / ("assembly-invitations" if invitations else "assembly")
    try:
        run(
            [
                python_exe(),
                "-m",
                "benchmarks.brokers_app",
                "1",
                "--outdir",
                str(outdir),
                *(["--invitations"] if invitations else []),
            ],
            env=tool_env(),
        )
        return _find_broker_asset(outdir)
    except (RuntimeError, LookupError) as error:
        target = workdir / ("runtime-copy-invitations" if invitations else "runtime-copy")
        _copy_runtime(target)
        return Asset(
            directory=target,
            module="broker.handler",
            function="handler",
            source=f"runtime/ (fallback: synth failed: {str(error).splitlines()[0]})",
        )


def _copy_runtime(target: Path) -> None:
    def ignore(_directory: str, names: list[str]) -> set[str]:
        return {n for n in names if any(fnmatch.fnmatch(n, p) for p in FALLBACK_EXCLUDES)}

    shutil.copytree(ROOT / "runtime", target, ignore=ignore)


def _find_broker_asset(outdir: Path) -> Asset:
    """The asset directory and handler of the function whose environment has ``INSTANCE_ID``."""
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    for artifact in manifest["artifacts"].values():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_file = artifact["properties"]["templateFile"]
        template = json.loads((outdir / template_file).read_text(encoding="utf-8"))
        for resource in template.get("Resources", {}).values():
            if resource.get("Type") != "AWS::Lambda::Function":
                continue
            props = resource["Properties"]
            variables = props.get("Environment", {}).get("Variables", {})
            if "INSTANCE_ID" not in variables:
                continue
            directory = _asset_dir_for(outdir, props["Code"])
            module, _, function = props["Handler"].rpartition(".")
            return Asset(
                directory=directory, module=module, function=function, source="synthesized"
            )
    raise LookupError(f"no broker function found in the cloud assembly {outdir}")


def _asset_dir_for(outdir: Path, code: Any) -> Path:
    """The ``asset.<hash>`` directory whose hash names the function's S3 key."""
    key = json.dumps(code)
    for candidate in sorted(outdir.glob("asset.*")):
        digest = candidate.name.removeprefix("asset.")
        if candidate.is_dir() and digest in key:
            return candidate
    raise LookupError(f"no asset directory in {outdir} matches the function code {key}")


@dataclass(frozen=True)
class ZipReport:
    """The deterministic zip of an asset directory."""

    size: int
    files: int
    biggest: list[tuple[str, int, int]]  # (path, size, compressed size)


def zip_directory(directory: Path) -> ZipReport:
    """Zip ``directory`` as the CDK does for a ``zip`` asset (DEFLATED, sorted, fixed times)."""
    buffer = io.BytesIO()
    entries: list[tuple[str, int, int]] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = path.relative_to(directory).as_posix()
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
        for info in archive.infolist():
            entries.append((info.filename, info.file_size, info.compress_size))
    entries.sort(key=lambda entry: entry[2], reverse=True)
    return ZipReport(size=len(buffer.getvalue()), files=len(entries), biggest=entries[:10])
