"""Time whole synthesis processes against a floor app and write a Markdown report.

Usage (from the repo root, with the project's venv; ``make bench`` runs the defaults):

    .venv/bin/python tools/benchmark.py [--runs 5] [--output docs/benchmark.md]
        [--cases floor,default,regions,cli] [--regions 1,5,10,20] [--warmup 1]

Cases (each one a fresh process, with a fresh output folder, from spawn to exit):

* ``floor``: a bare cdktf app that this tool writes to a temp folder. It points jsii at the
  venv's node the way ``dualstack`` does, imports the three provider packages the stock
  (eager) way, and synthesizes one stack with an azurerm provider and one resource group.
  Every other case is reported as a ratio to it.
* ``default``: ``python main.py`` on ``config/default.yaml``.
* ``regions-N``: ``python main.py`` on a generated config with N regions (``--regions``);
  the marginal cost per added region is the least-squares slope over these.
* ``cli``: the pinned ``cdktf synth`` CLI on the default config (node CLI, then the app).
* ``cdktn``: the same on CDK Terrain, from its own venv (``make install FRAMEWORK=cdktn``):
  ``cdktn-floor`` (the floor app above, spelt with cdktn's package names; its azurerm package
  is lazy, so its stock import is cheap), ``cdktn-default`` and ``cdktn-cli``. They
  are reported, like every case, against the one floor (cdktf's), measured in the same rounds.

Method:

* One warm-up round is run and discarded, then ``--runs`` measured rounds. Each round runs
  the floor first and then every other case in a fixed order, so a drift in the machine's
  speed hits every case alike. Ratios are given twice: median(case) / median(floor), and
  the median of the per-round ratios case / floor-of-the-same-round (robust to drift).
* Wall time: ``time.perf_counter`` from spawn to reaped exit.
* Peak memory: a thread walks the process tree (the process and all its descendants: the
  python app and its jsii node child; for the CLI, node, the app and its node) every 20 ms,
  sums ``VmRSS`` from ``/proc/<pid>/status`` over the tree and keeps the maximum. A
  single-process figure (``wait4`` ``ru_maxrss``, the largest process of the tree that was
  reaped) is recorded too; it hides the node child, which is why it is not the main metric.
  Summing RSS counts pages shared between processes (shared libraries) more than once.
* Every run must exit 0 and leave every expected ``stacks/<stack>/cdk.tf.json`` (and, for
  the app, a ``manifest.json`` listing exactly the expected stacks) parseable as JSON, or
  the benchmark stops.

Nothing here asserts a time: the targets are reported as met or not met, never enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualstack.fastimport import CDKTF as CDKTF_FRAMEWORK
from dualstack.fastimport import CDKTN, Framework

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
PYTHON = BIN / "python"
NODE = BIN / "node"
CDKTF = REPO / "node_modules" / ".bin" / "cdktf"
# CDK Terrain's venv and CLI (make install FRAMEWORK=cdktn), for the cdktn-* cases.
CDKTN_BIN = REPO / CDKTN.home / ".venv" / "bin"
CDKTN_PYTHON = CDKTN_BIN / "python"
CDKTN_CLI = REPO / CDKTN.home / "node_modules" / ".bin" / CDKTN.cli
DEFAULT_CONFIG = REPO / "config" / "default.yaml"

MIB = 1024 * 1024
SAMPLE_INTERVAL_S = 0.02
RUN_TIMEOUT_S = 900
FLOOR_STACK = "floor"
DEFAULT_REGION_COUNTS = (1, 5, 10, 20)
CASE_GROUPS = ("floor", "default", "regions", "cli", "cdktn")

# The floor: what any app with these three provider packages pays, and nothing of ours. The
# same program for either framework, spelt with its package names.
FLOOR_TEMPLATE = '''\
"""Benchmark floor ({name}): import the three provider packages the stock way, synthesize one RG."""

import os
import sys
from pathlib import Path

_node = Path(sys.executable).parent / "node"
if _node.exists():
    os.environ.setdefault("JSII_NODE", str(_node))

import {azurerm}  # noqa: E402,F401
import {helm}  # noqa: E402,F401
import {kubernetes}  # noqa: E402,F401
from {core} import App, TerraformStack  # noqa: E402
from {azurerm}.provider import AzurermProvider, AzurermProviderFeatures  # noqa: E402
from {azurerm}.resource_group import ResourceGroup  # noqa: E402

app = App(outdir=sys.argv[1])
stack = TerraformStack(app, "floor")
AzurermProvider(stack, "azurerm", features=[AzurermProviderFeatures()])
ResourceGroup(stack, "rg", name="rg-bench-floor", location="eastus2")
app.synth()
'''


def floor_app(framework: Framework) -> str:
    """The floor app's source for ``framework``."""
    return FLOOR_TEMPLATE.format(name=framework.name, core=framework.core, **framework.providers)


FLOOR_APP = floor_app(CDKTF_FRAMEWORK)


# --- generated configs ---------------------------------------------------------------------


def region_names(count: int) -> list[str]:
    """The first ``count`` zonal regions in alphabetical order."""
    from dualstack.regions import ZONAL_REGIONS

    names = sorted(ZONAL_REGIONS)
    if not 1 <= count <= len(names):
        raise ValueError(f"region count must be between 1 and {len(names)}, got {count}")
    return names[:count]


def region_config(count: int) -> dict[str, Any]:
    """A valid config with ``count`` regions and non-overlapping VNets.

    Region i gets 10.(10+i).0.0/16, which stays clear of the default service range
    (10.0.0.0/16) and pod range (10.244.0.0/16), and fd8e:4a1f:2c00:(i+1)00::/56.
    """
    regions = {
        name: {
            "address_space": {
                "ipv4": f"10.{10 + i}.0.0/16",
                "ipv6": f"fd8e:4a1f:2c00:{i + 1:x}00::/56",
            }
        }
        for i, name in enumerate(region_names(count))
    }
    return {
        "project": "bench",
        "regions": regions,
        "ingress": {"mode": "nat64"},
        "dns": {"zone_name": "bench.example.com"},
        "global": {"location": next(iter(regions))},
    }


def write_region_config(count: int, directory: Path) -> Path:
    """Write :func:`region_config` as YAML into ``directory``; return the file."""
    import yaml

    path = directory / f"regions-{count}.yaml"
    path.write_text(yaml.safe_dump(region_config(count), sort_keys=False), encoding="utf-8")
    return path


# --- statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    median: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no values")
        return cls(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class Fit:
    slope: float
    intercept: float
    r2: float


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    """Ordinary least squares ``y = slope * x + intercept`` (needs two distinct x)."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    if len(set(xs)) < 2:
        raise ValueError("a fit needs at least two distinct x values")
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    ss_res = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = 1.0 - ss_res / ss_tot if ss_tot else 1.0
    return Fit(slope, intercept, r2)


# --- cases and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    argv: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    stacks: tuple[str, ...]
    manifest: bool = True
    regions: int | None = None
    output_flag: str | None = None
    """How the output folder is passed: None = ``CDKTF_OUTDIR``; ``"argv"`` = last argument;
    otherwise a flag followed by the folder."""


@dataclass(frozen=True)
class Run:
    wall_s: float
    peak_rss: int
    """Peak of the summed RSS of the whole process tree, bytes."""
    largest_rss: int
    """``wait4`` ``ru_maxrss`` of the spawned process: its largest reaped process, bytes."""
    samples: int


@dataclass
class CaseResult:
    name: str
    description: str
    regions: int | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> Spread:
        return Spread.of([r.wall_s for r in self.runs])

    @property
    def peak(self) -> Spread:
        return Spread.of([r.peak_rss / MIB for r in self.runs])

    @property
    def largest(self) -> Spread:
        return Spread.of([r.largest_rss / MIB for r in self.runs])


@dataclass(frozen=True)
class Ratio:
    of_medians: float
    per_round: float
    """Median over rounds of case / floor of the same round."""


def _metric(run: Run, metric: str) -> float:
    if metric == "wall":
        return run.wall_s
    if metric == "peak":
        return float(run.peak_rss)
    raise ValueError(f"unknown metric {metric!r}")


def ratio(case: CaseResult, floor: CaseResult, metric: str) -> Ratio:
    """``case`` against ``floor`` on ``metric`` (``wall`` or ``peak``); rounds pair up by index."""
    cases = [_metric(r, metric) for r in case.runs]
    floors = [_metric(r, metric) for r in floor.runs]
    per_round = [c / f for c, f in zip(cases, floors, strict=True)]
    return Ratio(statistics.median(cases) / statistics.median(floors), statistics.median(per_round))


@dataclass(frozen=True)
class Machine:
    cpus: int
    cpus_usable: int
    cpu_model: str
    memory_total: str
    kernel: str
    python: str
    node: str
    date: str
    load_before: str
    load_after: str = ""


@dataclass
class Report:
    machine: Machine
    floor: CaseResult
    cases: list[CaseResult]
    rounds: int
    warmup: int
    order: list[str]
    total_s: float = 0.0


@dataclass(frozen=True)
class Target:
    label: str
    limit: str
    measured: str
    verdict: str


def marginal_fits(report: Report) -> tuple[Fit, Fit] | None:
    """Per added region: fits of median wall (s) and median peak (MiB) against N."""
    points = sorted((c.regions, c) for c in report.cases if c.regions is not None)
    if len({n for n, _ in points}) < 2:
        return None
    xs = [float(n) for n, _ in points]
    return fit_line(xs, [c.wall.median for _, c in points]), fit_line(xs, [c.peak.median for _, c in points])


def _verdict(values: Sequence[float], limit: float) -> str:
    if all(v <= limit for v in values):
        return "met"
    if all(v > limit for v in values):
        return "not met"
    return "mixed (met by one measure only)"


def evaluate_targets(report: Report) -> list[Target]:
    """The issue's targets, each with the measured figure and met / not met."""
    by_name = {c.name: c for c in report.cases}
    targets: list[Target] = []

    def ratio_target(case_name: str, metric: str, limit: float, label: str) -> None:
        case = by_name.get(case_name)
        if case is None:
            targets.append(Target(label, f"≤ {limit:.2f}x floor", "not run", "n/a"))
            return
        r = ratio(case, report.floor, metric)
        measured = f"{r.of_medians:.2f}x (medians) / {r.per_round:.2f}x (per-round)"
        targets.append(
            Target(label, f"≤ {limit:.2f}x floor", measured, _verdict([r.of_medians, r.per_round], limit))
        )

    ratio_target("default", "wall", 0.85, "`python main.py`, default config: median wall")
    ratio_target("default", "peak", 1.10, "`python main.py`, default config: peak memory")
    fits = marginal_fits(report)
    if fits is None:
        targets.append(Target("Marginal wall per added region", "≤ 0.25 s", "not run", "n/a"))
        targets.append(Target("Marginal peak memory per added region", "≤ 30 MiB", "not run", "n/a"))
    else:
        wall_fit, peak_fit = fits
        targets.append(
            Target(
                "Marginal wall per added region",
                "≤ 0.25 s",
                f"{wall_fit.slope:.3f} s",
                _verdict([wall_fit.slope], 0.25),
            )
        )
        targets.append(
            Target(
                "Marginal peak memory per added region",
                "≤ 30 MiB",
                f"{peak_fit.slope:.1f} MiB",
                _verdict([peak_fit.slope], 30.0),
            )
        )
    ratio_target("regions-20", "wall", 1.5, "20 regions: median wall")
    return targets


# --- Markdown ------------------------------------------------------------------------------


def _spread(s: Spread, digits: int) -> str:
    return f"{s.median:.{digits}f} [{s.min:.{digits}f}-{s.max:.{digits}f}]"


def _ratio_cell(r: Ratio | None) -> str:
    return "1 (reference)" if r is None else f"{r.of_medians:.2f} / {r.per_round:.2f}"


def render_markdown(report: Report) -> str:
    m = report.machine
    lines = [
        "# Synthesis benchmark",
        "",
        "Written by `tools/benchmark.py` (`make bench`). Whole processes, timed from spawn to exit;",
        "see the tool's docstring for the method. The machine is shared, so figures drift between",
        "runs; the ratios to the floor, measured in the same rounds, are what to compare.",
        "",
        "## Machine",
        "",
        f"- CPUs: {m.cpus} ({m.cpus_usable} usable by this process), {m.cpu_model}",
        f"- Memory: {m.memory_total}",
        f"- Kernel: {m.kernel}; Python {m.python}; Node {m.node}",
        f"- Date: {m.date}; load average before / after: {m.load_before} / {m.load_after}",
        f"- Rounds: {report.warmup} warm-up (discarded) + {report.rounds} measured; "
        f"order within a round: {', '.join(report.order)}",
        f"- Total benchmark time: {report.total_s / 60:.1f} min",
        "",
        "## Results",
        "",
        "Ratios: median(case) / median(floor), then the median of the per-round ratios.",
        "Peak RSS is the peak of the **summed RSS of the whole process tree** (python + its jsii",
        "node child; for the CLI also the node CLI), sampled every 20 ms. The last column is the",
        "largest single process (`wait4` `ru_maxrss`), which misses the other processes' memory.",
        "",
        "| Case | Runs | Wall median [min-max] (s) | Wall ÷ floor | Peak RSS median [min-max] (MiB) "
        "| Peak ÷ floor | Largest process median (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case in [report.floor, *report.cases]:
        is_floor = case is report.floor
        wall_r = None if is_floor else ratio(case, report.floor, "wall")
        peak_r = None if is_floor else ratio(case, report.floor, "peak")
        lines.append(
            f"| {case.name} | {len(case.runs)} | {_spread(case.wall, 2)} | {_ratio_cell(wall_r)} "
            f"| {_spread(case.peak, 0)} | {_ratio_cell(peak_r)} | {case.largest.median:.0f} |"
        )
    lines += ["", "Cases:", ""]
    lines += [f"- `{c.name}`: {c.description}" for c in [report.floor, *report.cases]]
    lines.append("")
    fits = marginal_fits(report)
    if fits is not None:
        wall_fit, peak_fit = fits
        counts = ", ".join(str(c.regions) for c in report.cases if c.regions is not None)
        lines += [
            "## Marginal cost per added region",
            "",
            f"Least-squares fit of the medians over N = {counts} regions:",
            "",
            f"- Wall: **{wall_fit.slope:+.3f} s per region** "
            f"(intercept {wall_fit.intercept:.2f} s, R² {wall_fit.r2:.2f})",
            f"- Peak RSS: **{peak_fit.slope:+.1f} MiB per region** "
            f"(intercept {peak_fit.intercept:.0f} MiB, R² {peak_fit.r2:.2f})",
            "",
        ]
    lines += [
        "## Targets",
        "",
        "Stated for 2 cores"
        + ("." if m.cpus_usable == 2 else f"; this run had {m.cpus_usable} usable CPUs.")
        + ' "mixed" means one ratio meets the limit and the other does not.',
        "",
        "| Target | Limit | Measured | Result |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t.label} | {t.limit} | {t.measured} | {t.verdict} |" for t in evaluate_targets(report)]
    return "\n".join(lines) + "\n"


# --- measuring -----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(p) for p in handle.read().split())
    return found


def _process_tree_pids(root: int) -> list[int]:
    """``root`` and every process below it."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(_children(pid))
    return pids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0  # gone, or a zombie (no VmRSS)


class TreeSampler(threading.Thread):
    """Keeps the peak of the summed RSS of ``root`` and all its descendants."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, sum(_rss(pid) for pid in _process_tree_pids(self.root)))
            self.samples += 1
            self._stop_event.wait(SAMPLE_INTERVAL_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


class BenchmarkError(Exception):
    pass


def check_output(case: Case, outdir: Path) -> None:
    """Every expected stack file exists and parses; the manifest lists exactly those stacks."""
    try:
        for stack in case.stacks:
            json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text(encoding="utf-8"))
        if case.manifest:
            manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
            listed = set(manifest.get("stacks", {}))
            if listed != set(case.stacks):
                raise BenchmarkError(f"manifest lists {sorted(listed)}, expected {sorted(case.stacks)}")
    except (OSError, ValueError) as exc:
        raise BenchmarkError(f"{case.name}: bad output in {outdir}: {exc}") from exc


def run_once(case: Case, workdir: Path) -> Run:
    outdir = workdir / "out"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    argv = list(case.argv)
    env = dict(case.env)
    if case.output_flag is None:
        env["CDKTF_OUTDIR"] = str(outdir)
    elif case.output_flag == "argv":
        argv.append(str(outdir))
    else:
        argv += [case.output_flag, str(outdir)]
    log_path = workdir / "log.txt"
    with log_path.open("wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=case.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        watchdog = threading.Timer(RUN_TIMEOUT_S, _kill_group, args=(proc.pid,))
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        finally:
            watchdog.cancel()
            sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise BenchmarkError(f"{case.name}: exit {proc.returncode} (timeout {RUN_TIMEOUT_S} s)\n{tail}")
    check_output(case, outdir)
    shutil.rmtree(workdir, ignore_errors=True)
    return Run(wall, sampler.peak, usage.ru_maxrss * 1024, sampler.samples)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # the group of the process this tool spawned


# --- setup ---------------------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that changes what the app does."""
    drop = {
        "DUALSTACK_CONFIG",
        "CDKTF_OUTDIR",
        "DUALSTACK_EAGER_IMPORTS",
        "DUALSTACK_FRAMEWORK",
        "JSII_NODE",
        "NODE_OPTIONS",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["CHECKPOINT_DISABLE"] = "1"
    env.update(extra)
    return env


def _config_stacks(path: Path) -> tuple[str, ...]:
    from dualstack.config.loader import load_config

    return tuple(load_config(path).stack_names())


def build_cases(groups: Sequence[str], counts: Sequence[int], tmp: Path) -> tuple[Case, list[Case]]:
    floor_script = tmp / "floor_app.py"
    floor_script.write_text(FLOOR_APP, encoding="utf-8")
    floor = Case(
        name="floor",
        description="bare app: the three provider packages imported the stock (eager) way, "
        "one stack with an azurerm provider and one resource group",
        argv=(str(PYTHON), str(floor_script)),
        cwd=tmp,
        env=child_env(),
        stacks=(FLOOR_STACK,),
        manifest=False,
        output_flag="argv",
    )
    default_stacks = _config_stacks(DEFAULT_CONFIG)
    cases: list[Case] = []
    if "default" in groups:
        cases.append(
            Case(
                name="default",
                description=f"`python main.py` on config/default.yaml ({len(default_stacks)} stacks)",
                argv=(str(PYTHON), "main.py"),
                cwd=REPO,
                env=child_env(),
                stacks=default_stacks,
            )
        )
    if "regions" in groups:
        for count in counts:
            path = write_region_config(count, tmp)
            cases.append(
                Case(
                    name=f"regions-{count}",
                    description=f"`python main.py` on a generated nat64 config with {count} region(s) "
                    f"({2 * count + 1} stacks)",
                    argv=(str(PYTHON), "main.py"),
                    cwd=REPO,
                    env=child_env(DUALSTACK_CONFIG=str(path)),
                    stacks=_config_stacks(path),
                    regions=count,
                )
            )
    if "cli" in groups:
        cases.append(
            Case(
                name="cli",
                description="`cdktf synth --output <dir>` (pinned CLI, CI=1) from the repo root on "
                "config/default.yaml: node CLI, then `python main.py` and its jsii node",
                argv=(str(CDKTF), "synth"),
                cwd=REPO,
                env=child_env(CI="1", DISABLE_VERSION_CHECK="1"),
                stacks=default_stacks,
                output_flag="--output",
            )
        )
    if "cdktn" in groups:
        cases += cdktn_cases(tmp, default_stacks)
    return floor, cases


def cdktn_cases(tmp: Path, default_stacks: tuple[str, ...]) -> list[Case]:
    """The floor app, the default config and the CLI on CDK Terrain, from its own venv."""
    floor_script = tmp / "floor_app_cdktn.py"
    floor_script.write_text(floor_app(CDKTN), encoding="utf-8")
    env = child_env(
        DUALSTACK_FRAMEWORK=CDKTN.name, PATH=f"{CDKTN_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    return [
        Case(
            name="cdktn-floor",
            description="the floor app on CDK Terrain (its azurerm package loads submodules lazily, the others eagerly)",
            argv=(str(CDKTN_PYTHON), str(floor_script)),
            cwd=tmp,
            env=env,
            stacks=(FLOOR_STACK,),
            manifest=False,
            output_flag="argv",
        ),
        Case(
            name="cdktn-default",
            description=f"`python main.py` on config/default.yaml on CDK Terrain ({len(default_stacks)} stacks)",
            argv=(str(CDKTN_PYTHON), "main.py"),
            cwd=REPO,
            env=env,
            stacks=default_stacks,
        ),
        Case(
            name="cdktn-cli",
            description="`cdktn synth --app '<its venv's python> main.py' --output <dir>` (pinned CLI, CI=1) "
            "on config/default.yaml",
            argv=(str(CDKTN_CLI), "synth", "--app", f"{CDKTN_PYTHON} main.py"),
            cwd=REPO,
            env={**env, "CI": "1", "DISABLE_VERSION_CHECK": "1"},
            stacks=default_stacks,
            output_flag="--output",
        ),
    ]


def _first_line(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60).stdout
    except OSError:
        return "unknown"
    return out.strip().splitlines()[0] if out.strip() else "unknown"


def _load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def machine_info() -> Machine:
    model = "unknown"
    memory = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        model = next(
            (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model
        )
    with contextlib.suppress(OSError), open("/proc/meminfo") as handle:
        kib = next((int(line.split()[1]) for line in handle if line.startswith("MemTotal:")), None)
        if kib is not None:
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    return Machine(
        cpus=os.cpu_count() or 0,
        cpus_usable=len(os.sched_getaffinity(0)),
        cpu_model=model,
        memory_total=memory,
        kernel=f"{platform.system()} {platform.release()}",
        python=_first_line([str(PYTHON), "-c", "import platform; print(platform.python_version())"]),
        node=_first_line([str(NODE), "--version"]),
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        load_before=_load_average(),
    )


# --- main ----------------------------------------------------------------------------------


def parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded warm-up rounds (default 1)")
    parser.add_argument("--output", type=Path, help="write the Markdown report here too")
    parser.add_argument(
        "--cases",
        default=",".join(CASE_GROUPS),
        help=f"comma-separated subset of {','.join(CASE_GROUPS)} (floor always runs)",
    )
    parser.add_argument(
        "--regions",
        default=",".join(map(str, DEFAULT_REGION_COUNTS)),
        help="region counts of the generated configs (default 1,5,10,20)",
    )
    args = parser.parse_args(argv)
    args.cases = parse_list(args.cases)
    unknown = set(args.cases) - set(CASE_GROUPS)
    if unknown:
        parser.error(f"unknown case(s) {sorted(unknown)}; choose from {', '.join(CASE_GROUPS)}")
    try:
        args.regions = sorted({int(n) for n in parse_list(args.regions)})
        region_names(max(args.regions, default=1))
        region_names(min(args.regions, default=1))
    except ValueError as exc:
        parser.error(f"--regions: {exc}")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    return args


@contextlib.contextmanager
def _tempdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="dualstack-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def benchmark(args: argparse.Namespace) -> Report:
    for needed in (PYTHON, NODE) + ((CDKTF,) if "cli" in args.cases else ()):
        if not needed.exists():
            raise BenchmarkError(f"{needed} is missing; run `make install` first")
    for needed in (CDKTN_PYTHON, CDKTN_CLI) if "cdktn" in args.cases else ():
        if not needed.exists():
            raise BenchmarkError(f"{needed} is missing; run `make install FRAMEWORK=cdktn` first")
    started = time.perf_counter()
    machine = machine_info()
    with _tempdir() as tmp:
        floor_case, cases = build_cases(args.cases, args.regions, tmp)
        order = [floor_case, *cases]
        results = {c.name: CaseResult(c.name, c.description, c.regions) for c in order}
        total_rounds = args.warmup + args.runs
        for round_no in range(total_rounds):
            warm = round_no < args.warmup
            label = "warm-up" if warm else f"round {round_no - args.warmup + 1}/{args.runs}"
            for case in order:
                run = run_once(case, tmp / "run")
                print(
                    f"[{label}] {case.name:<13} {run.wall_s:6.2f} s  {run.peak_rss / MIB:6.0f} MiB tree  "
                    f"{run.largest_rss / MIB:5.0f} MiB largest  ({run.samples} samples)",
                    file=sys.stderr,
                    flush=True,
                )
                if not warm:
                    results[case.name].runs.append(run)
    machine = Machine(**{**machine.__dict__, "load_after": _load_average()})
    return Report(
        machine=machine,
        floor=results[floor_case.name],
        cases=[results[c.name] for c in cases],
        rounds=args.runs,
        warmup=args.warmup,
        order=[c.name for c in order],
        total_s=time.perf_counter() - started,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = benchmark(args)
    except BenchmarkError as exc:
        print(f"benchmark aborted: {exc}", file=sys.stderr)
        return 1
    text = render_markdown(report)
    print(text, end="")
    if args.output:
        out = args.output if args.output.is_absolute() else Path.cwd() / args.output
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
