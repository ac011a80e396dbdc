"""Where synth time goes: the jsii round trips and the CPU time of an in-process synth.

``python -m benchmarks.synthprofile [--brokers 25] [--stacks 5] [--no-validation] [--top 40]
[--node-profile DIR]`` builds ``benchmarks.brokers_app``'s app in this process, as ``python
app.py`` or a test suite does, and prints per phase (the kernel's start, the import of the
construct, the first broker, each further broker, the synthesis) the wall time, this process's
CPU time, the CPU time of the jsii kernel (the Node.js process that runs aws-cdk-lib) and the
round trips (every request Python sends to the kernel, callback answers included); then the
round trips of the first broker and of one further broker by the function of
``constructs_lib`` that made them. ``--no-validation`` sets ``CDK_VALIDATION=false``
(aws-cdk-lib's built-in CloudFormation validation off); ``--node-profile DIR`` has the kernel
write a V8 CPU profile there and prints where its time went, in the whole run or, with
``--node-phase``, in one phase (Linux: the profile's clock is ``time.monotonic``'s). A
diagnostic, not a figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from .common import ROOT, tool_env

_LIB = str(ROOT / "constructs_lib") + os.sep
#: The phases, in the order they run.
_PHASES = ("kernel start", "import construct", "first broker", "further brokers", "synth")


@dataclass
class _Calls:
    """Round trips to the kernel: per phase, and per (phase, caller, request)."""

    phase: str = "start"
    per_phase: Counter[str] = field(default_factory=Counter)
    detail: Counter[tuple[str, str, str]] = field(default_factory=Counter)


_CALLS = _Calls()


def _request_name(request: dict[str, Any]) -> str:
    """``create Fqn``, ``invoke .method()``, ``get .property``, ``sinvoke Fqn.method()``..."""
    api = str(request.get("api", next(iter(request), "?")))
    if api == "create":
        return f"create {request['fqn']}"
    if api in ("get", "set"):
        return f"{api} .{request['property']}"
    if api == "invoke":
        return f"invoke .{request['method']}()"
    if api in ("sget", "sset"):
        return f"{api} {request['fqn']}.{request['property']}"
    if api == "sinvoke":
        return f"sinvoke {request['fqn']}.{request['method']}()"
    return api


def _caller() -> str:
    """The innermost function of ``constructs_lib`` on the stack, ``module.function``."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_LIB):
            module = filename[len(_LIB) :].removesuffix(".py").replace(os.sep, ".")
            return f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back
    return "(not constructs_lib)"


def _count_round_trips() -> None:
    """Count every request the Python side sends to the jsii kernel (imported before aws_cdk)."""
    from jsii._kernel.providers import process as jsii_process

    send: Callable[..., Any] = jsii_process._NodeProcess.send

    def counting_send(self: Any, request: Any, response_type: Any) -> Any:
        name = _request_name(self._serializer.unstructure(request))
        _CALLS.per_phase[_CALLS.phase] += 1
        _CALLS.detail[(_CALLS.phase, _caller(), name)] += 1
        return send(self, request, response_type)

    jsii_process._NodeProcess.send = counting_send  # type: ignore[method-assign]


def _kernel_pids() -> Iterator[int]:
    """The kernel's process and its descendants (``node`` may be a wrapper that starts node)."""
    from jsii._kernel import Kernel

    todo = [int(Kernel().provider._process._process.pid)]  # type: ignore[attr-defined]
    while todo:
        pid = todo.pop()
        yield pid
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            todo += [int(child) for child in task.read_text().split()]


def _kernel_cpu() -> float:
    """CPU seconds of the kernel's processes so far (Linux ``/proc``; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        for pid in _kernel_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except OSError:
        return 0.0
    return total / ticks


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class _Phase:
    name: str
    wall: float
    own_cpu: float
    kernel_cpu: float
    round_trips: int
    window: tuple[float, float]
    """``time.monotonic()`` at its start and end."""


class _Clock:
    """Wall and CPU time between marks, and the round trips of each phase."""

    def __init__(self) -> None:
        self.phases: list[_Phase] = []
        self._last = (time.perf_counter(), _own_cpu(), 0.0)
        self._started = time.monotonic()

    def start(self, phase: str) -> None:
        _CALLS.phase = phase
        self._started = time.monotonic()

    def stop(self, kernel: bool = True) -> None:
        window = (self._started, time.monotonic())
        now = (time.perf_counter(), _own_cpu(), _kernel_cpu() if kernel else 0.0)
        wall, own, node = (a - b for a, b in zip(now, self._last, strict=True))
        phase = _CALLS.phase
        self.phases.append(_Phase(phase, wall, own, node, _CALLS.per_phase[phase], window))
        self._last = now


def _print_phases(phases: list[_Phase], further: int) -> None:
    print(f"{'phase':<22} {'wall s':>7} {'python CPU s':>13} {'kernel CPU s':>13} {'trips':>6}")
    for phase in phases:
        name, share = phase.name, 1
        if name == "further brokers" and further:
            name, share = "each further broker", further
        print(
            f"{name:<22} {phase.wall / share:7.3f} {phase.own_cpu / share:13.3f} "
            f"{phase.kernel_cpu / share:13.3f} {phase.round_trips / share:6.1f}"
        )


def _print_callers(phase: str, brokers: int, top: int) -> None:
    """Round trips of one broker of ``phase``, by the function that made them, then by
    request."""
    if not brokers:
        return
    by_caller: Counter[str] = Counter()
    by_request: Counter[tuple[str, str]] = Counter()
    for (made_in, caller, name), count in _CALLS.detail.items():
        if made_in == phase:
            by_caller[caller] += count
            by_request[(caller, name)] += count
    one = "the first broker" if phase == "first broker" else "one further broker"
    print(f"\nround trips of {one}: {sum(by_caller.values()) / brokers:.1f}")
    for caller, count in by_caller.most_common():
        requests = sorted(
            ((name, n) for (c, name), n in by_request.items() if c == caller), key=lambda x: -x[1]
        )
        shown = ", ".join(f"{n / brokers:g}x {name}" for name, n in requests[:top])
        print(f"{count / brokers:6.1f}  {caller}: {shown}")


def _print_node_profile(directory: Path, top: int, phase: _Phase | None = None) -> None:
    """Inclusive time of the kernel's heaviest aws-cdk-lib functions, from its V8 profile: in
    the whole run, or in ``phase`` only."""
    profiles = sorted(directory.glob("*.cpuprofile"), key=lambda path: path.stat().st_size)
    if not profiles:
        print(f"\nno V8 profile in {directory}")
        return
    profile = json.loads(profiles[-1].read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    start, end = (-math.inf, math.inf) if phase is None else phase.window
    self_us: Counter[int] = Counter()
    at = float(profile["startTime"])  # microseconds, on time.monotonic()'s clock
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        at += delta
        if start * 1e6 <= at <= end * 1e6:
            self_us[sample] += delta
    inclusive: Counter[str] = Counter()
    for node_id, micros in self_us.items():
        seen: set[str] = set()
        current: int | None = node_id
        while current is not None:
            frame = nodes[current]["callFrame"]
            url = str(frame["url"])
            label = f"{frame['functionName'] or '(anonymous)'} {url.rsplit('/lib/', 1)[-1]}"
            if "aws-cdk-lib" in url and label not in seen:
                inclusive[label] += micros
                seen.add(label)
            current = parent.get(current)
    total = sum(self_us.values()) / 1e6
    where = "" if phase is None else f" in {phase.name}"
    print(f"\nkernel V8 profile {profiles[-1].name}: {total:.2f} s sampled{where}")
    print("aws-cdk-lib functions, inclusive time:")
    for label, micros in inclusive.most_common(top):
        print(f"{micros / 1e6:8.3f} s  {label}")


def main(argv: list[str] | None = None) -> None:
    """Build and synthesize the app in this process, printing where the time went."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthprofile", description=__doc__)
    parser.add_argument("--brokers", type=int, default=25)
    parser.add_argument("--stacks", type=int, default=5)
    parser.add_argument("--no-validation", action="store_true", help="CDK_VALIDATION=false")
    parser.add_argument("--top", type=int, default=40, help="rows of the V8 profile")
    parser.add_argument("--node-profile", type=Path, help="write the kernel's V8 profile here")
    parser.add_argument(
        "--node-phase",
        choices=_PHASES,
        help="summarize the V8 profile over this phase only (default: the whole run)",
    )
    args = parser.parse_args(argv)
    environment = tool_env({"CDK_VALIDATION": "false"} if args.no_validation else None)
    if args.node_profile:
        args.node_profile.mkdir(parents=True, exist_ok=True)
        environment["NODE_OPTIONS"] = f"--cpu-prof --cpu-prof-dir={args.node_profile.resolve()}"
    os.environ.clear()
    os.environ.update(environment)
    _count_round_trips()
    clock = _Clock()
    clock.start("kernel start")
    import aws_cdk  # noqa: F401  (starts the kernel and loads aws-cdk-lib into it)

    clock.stop()
    clock.start("import construct")
    from . import brokers_app

    clock.stop()
    further = max(args.brokers - 1, 0)
    with tempfile.TemporaryDirectory(prefix="synthprofile-") as outdir:
        clock.start("first broker")
        app = brokers_app.new_app(outdir)
        stacks = brokers_app.add_stacks(app, args.stacks)
        brokers_app.add_broker(stacks, 0)
        clock.stop()
        clock.start("further brokers")
        for index in range(1, args.brokers):
            brokers_app.add_broker(stacks, index)
        clock.stop()
        clock.start("synth")
        app.synth()
        clock.stop()
    validation = "off" if args.no_validation else "on"
    print(
        f"{args.brokers} broker(s) in {args.stacks} stack(s), CloudFormation validation "
        f"{validation}, kernel CPU so far {_kernel_cpu():.2f} s"
    )
    _print_phases(clock.phases, further)
    _print_callers("first broker", min(args.brokers, 1), top=8)
    _print_callers("further brokers", further, top=8)
    if args.node_profile:
        from jsii._kernel import Kernel

        Kernel().provider._process.stop()  # type: ignore[attr-defined]  # writes the profile
        chosen = [phase for phase in clock.phases if phase.name == args.node_phase]
        _print_node_profile(args.node_profile, args.top, chosen[0] if chosen else None)


if __name__ == "__main__":
    main()
