"""``make deploy``, ``make plan``, ``make outputs``: the synthesized stacks, in the order a first
deploy needs, with Terraform itself (each stack is planned to a file and that file applied).

``deploy``, after ``make synth``:

1. ``global`` (zones, registry, vault, workspace, the edge's global part);
2. the images into the registry (``python -m dualstack.images import``: every workloads stack
   pulls only from it, so a release would wait for its timeout without them);
3. the delegation check: the zone's public name servers (what resolvers find, ``dig NS``) must
   be the Azure DNS ones the ``global`` stack outputs; if not, it stops and prints the NS records
   to add at the parent zone or registrar (cert-manager's DNS-01 and Front Door's domain
   validation stall without them);
4. the region stacks, in parallel (``--parallel``);
5. the workloads stacks, in parallel;
6. with Front Door, ``edge`` (its route needs every region's origins).

Every stack is planned (``terraform plan -detailed-exitcode``); a stack whose plan is empty is
skipped and said so, so a re-run resumes where a failed run stopped. A plan with changes is
shown as its summary line and applied once approved (``--auto-approve`` for unattended runs;
without a terminal it refuses to guess). Each line says what happens to which stack and how
long it took.

``plan`` plans every stack that can be planned, in the same order, and names those that cannot
yet (a stack whose dependencies have no state: a workloads stack before its region exists).
``outputs`` prints every stack's outputs (the zone's name servers, the app's URL, the edge's
names, each region's ingress addresses and how to get its cluster's credentials).

Credentials come from the environment only, as for Terraform (docs/deploy.md). The external
programs (``terraform``, ``dig``, ``az``) are found on ``PATH``; the tests put recording fakes
there (tests/test_deploy.py).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX

EXIT_FAILED = 1
_PRINT = threading.Lock()
EXIT_USAGE = 2


class DeployError(Exception):
    """A step that cannot go on; its message says what to do."""


@dataclass
class Tools:
    """Runs the external programs with one environment (``PATH`` decides which ones)."""

    env: dict[str, str]

    def run(self, args: Sequence[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=cwd, env=self.env, capture_output=True, text=True, check=False)


# --- the stacks and their order ---------------------------------------------------------------


def read_manifest(outdir: Path) -> dict[str, list[str]]:
    """``{stack: [stacks it depends on]}`` from cdktf's ``manifest.json``."""
    path = outdir / "manifest.json"
    if not path.is_file():
        raise DeployError(f"{path} does not exist; synthesize first (make synth)")
    stacks = json.loads(path.read_text(encoding="utf-8"))["stacks"]
    return {name: list(body.get("dependencies", [])) for name, body in stacks.items()}


def waves(stacks: dict[str, list[str]]) -> list[list[str]]:
    """The stacks in deploy order, as waves whose members may run in parallel: ``global``, the
    region stacks, the workloads stacks, ``edge``."""
    names = sorted(stacks)
    regions = [n for n in names if n not in (GLOBAL_STACK, EDGE_STACK) and not n.endswith(WORKLOADS_SUFFIX)]
    workloads = [n for n in names if n.endswith(WORKLOADS_SUFFIX)]
    out = [[GLOBAL_STACK], regions, workloads, [EDGE_STACK] if EDGE_STACK in stacks else []]
    assert sorted(s for wave in out for s in wave) == names, "every stack in one wave"
    return [wave for wave in out if wave]


# --- Terraform ----------------------------------------------------------------------------------

_TAKES_INPUT = frozenset({"init", "plan", "apply"})
_SUMMARY = re.compile(r"^(Plan: .*|No changes\..*)$", re.MULTILINE)


@dataclass
class Terraform:
    """Terraform in each stack's folder of the synthesized output."""

    tools: Tools
    outdir: Path

    def folder(self, stack: str) -> Path:
        return self.outdir / "stacks" / stack

    def _run(self, stack: str, *args: str) -> subprocess.CompletedProcess[str]:
        # Flags before the positional arguments (a plan file), as Terraform requires, and
        # -input=false only where Terraform takes it (show, output and state refuse it).
        head = 2 if args[0] == "state" else 1
        flags = ["-input=false", "-no-color"] if args[0] in _TAKES_INPUT else ["-no-color"]
        options = [a for a in args[head:] if a.startswith("-")]
        positional = [a for a in args[head:] if not a.startswith("-")]
        command = ["terraform", f"-chdir={self.folder(stack)}", *args[:head], *flags, *options, *positional]
        return self.tools.run(command)

    def _must(self, stack: str, *args: str) -> str:
        run = self._run(stack, *args)
        if run.returncode != 0:
            raise DeployError(f"terraform {args[0]} failed in stack {stack}:\n{_tail(run)}")
        return run.stdout

    def init(self, stack: str) -> None:
        self._must(stack, "init")

    def show(self, stack: str) -> str:
        """The saved plan as text (``terraform show``)."""
        return self._must(stack, "show", "plan.tfplan")

    def plan(self, stack: str) -> str | None:
        """Plan into ``plan.tfplan``; the plan's summary line, or None when nothing changes."""
        run = self._run(stack, "plan", "-lock-timeout=10m", "-detailed-exitcode", "-out=plan.tfplan")
        if run.returncode == 0:
            return None
        if run.returncode != 2:
            raise DeployError(f"terraform plan failed in stack {stack}:\n{_tail(run)}")
        shown = self._must(stack, "show", "plan.tfplan")
        found = _SUMMARY.findall(shown)
        return found[-1] if found else "changes planned"

    def apply(self, stack: str) -> None:
        self._must(stack, "apply", "-lock-timeout=10m", "plan.tfplan")

    def has_state(self, stack: str) -> bool:
        run = self._run(stack, "state", "list")
        if run.returncode != 0 and "No state file was found" in run.stdout + run.stderr:
            return False
        if run.returncode != 0:
            raise DeployError(f"terraform state list failed in stack {stack}:\n{_tail(run)}")
        return bool(run.stdout.strip())

    def outputs(self, stack: str) -> dict[str, Any]:
        """The stack's outputs (``terraform output -json``), its cross-stack plumbing left out."""
        found: dict[str, Any] = json.loads(self._must(stack, "output", "-json") or "{}")
        return {k: v for k, v in found.items() if not k.startswith("cross-stack-output-")}


def _tail(run: subprocess.CompletedProcess[str], lines: int = 30) -> str:
    return "\n".join((run.stdout + run.stderr).strip().splitlines()[-lines:])


# --- the delegation check -----------------------------------------------------------------------


def _names(values: Sequence[str]) -> set[str]:
    return {v.strip().lower().rstrip(".") for v in values if v.strip()}


def delegation_problem(zone: str, azure: Sequence[str], public: Sequence[str]) -> str | None:
    """Why the zone is not delegated to its Azure name servers yet (None: it is)."""
    wanted, found = _names(azure), _names(public)
    if not wanted:
        return (
            f"the global stack has no name_servers output for {zone}: apply global first "
            "(make deploy applies it before this check)"
        )
    if found == wanted:
        return None
    records = "\n".join(f"  {zone}. 3600 IN NS {ns}." for ns in sorted(wanted))
    seen = ", ".join(sorted(found)) or "no NS records"
    return (
        f"the zone {zone} is not delegated to Azure DNS yet: resolvers find {seen}. "
        f"Add these NS records at the parent zone or registrar, wait for them to resolve "
        f"(dig +short NS {zone}), then run make deploy again:\n{records}"
    )


# --- deploy, plan, outputs ----------------------------------------------------------------------


@dataclass
class Deploy:
    terraform: Terraform
    out: TextIO
    approve: Callable[[str, str, Callable[[], str]], bool]
    """``(stack, summary line, the plan's text on demand) -> apply it?``"""
    parallel: int = 4
    clock: Callable[[], float] = time.monotonic
    failed: list[str] = field(default_factory=list)

    def say(self, stack: str, text: str) -> None:
        with _PRINT:  # whole lines, whichever thread prints
            print(f"[{stack}] {text}", file=self.out, flush=True)

    def plan_wave(self, wave: list[str]) -> dict[str, str | None]:
        def one(stack: str) -> str | None:
            start = self.clock()
            self.say(stack, "planning")
            self.terraform.init(stack)
            summary = self.terraform.plan(stack)
            self.say(stack, f"{summary or 'no changes'} ({_elapsed(self.clock() - start)})")
            return summary

        return dict(zip(wave, self._each(wave, one), strict=True))

    def apply_wave(self, wave: list[str]) -> None:
        plans = self.plan_wave(wave)
        approved = []
        for stack, summary in plans.items():
            if summary is None:
                self.say(stack, "up to date: skipped")
            elif self.approve(stack, summary, functools.partial(self.terraform.show, stack)):
                approved.append(stack)
            else:
                raise DeployError(f"stack {stack}: not approved; nothing after it was applied")

        def one(stack: str) -> None:
            start = self.clock()
            self.say(stack, "applying")
            self.terraform.apply(stack)
            self.say(stack, f"applied in {_elapsed(self.clock() - start)}")

        self._each(approved, one)

    def _each(self, stacks: list[str], work: Callable[[str], Any]) -> list[Any]:
        """``work`` on every stack, ``parallel`` at a time; every error is reported, then raised."""
        results: list[Any] = []
        errors: list[str] = []
        with ThreadPoolExecutor(max_workers=max(1, self.parallel)) as pool:
            futures = [pool.submit(work, stack) for stack in stacks]
            for stack, future in zip(stacks, futures, strict=True):
                try:
                    results.append(future.result())
                except Exception as exc:  # every stack's outcome is reported, whatever failed
                    self.say(stack, f"FAILED: {exc}")
                    errors.append(stack)
        if errors:
            self.failed += errors
            raise DeployError(
                f"failed: {', '.join(errors)}; fix it and run again (applied stacks are skipped)"
            )
        return results


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def deploy(run: Deploy, zone: str, images: Callable[[], None], public_ns: Callable[[str], list[str]]) -> None:
    """Every stack, in order (module docstring)."""
    all_waves = waves(read_manifest(run.terraform.outdir))
    run.apply_wave(all_waves[0])
    run.say("images", "importing every image into the registry (make images)")
    images()
    check_delegation(run, zone, public_ns)
    for wave in all_waves[1:]:
        run.apply_wave(wave)


def check_delegation(run: Deploy, zone: str, public_ns: Callable[[str], list[str]]) -> None:
    """Raise, with the NS records to add, unless public DNS answers with the zone's Azure name
    servers (the ``global`` stack's ``name_servers`` output)."""
    azure = run.terraform.outputs(GLOBAL_STACK).get("name_servers", {}).get("value", [])
    problem = delegation_problem(zone, azure, public_ns(zone))
    if problem:
        raise DeployError(problem)
    run.say("delegation", f"{zone} is delegated to {', '.join(sorted(_names(azure)))}")


def plan_all(run: Deploy) -> list[str]:
    """Plan every stack that can be planned; the stacks that cannot yet, with the reason."""
    tf = run.terraform
    stacks = read_manifest(tf.outdir)
    deployed: dict[str, bool] = {}
    waiting = []
    for wave in waves(stacks):
        ready = []
        for stack in wave:
            missing = [d for d in stacks[stack] if not _deployed(tf, d, deployed)]
            if missing:
                waiting.append(stack)
                run.say(stack, f"cannot be planned yet: {', '.join(missing)} not deployed (make deploy)")
            else:
                ready.append(stack)
        run.plan_wave(ready)
    return waiting


def _deployed(tf: Terraform, stack: str, known: dict[str, bool]) -> bool:
    if stack not in known:
        tf.init(stack)
        known[stack] = tf.has_state(stack)
    return known[stack]


def print_outputs(tf: Terraform, out: TextIO) -> None:
    for wave in waves(read_manifest(tf.outdir)):
        for stack in wave:
            tf.init(stack)
            for name, output in sorted(tf.outputs(stack).items()):
                value = "(sensitive)" if output.get("sensitive") else output.get("value")
                if isinstance(value, list):
                    value = " ".join(str(v) for v in value)
                print(f"{stack}  {name} = {value}", file=out)


# --- the command line ---------------------------------------------------------------------------


def destroy_problem(prevent_destroy: bool, stacks: str) -> str | None:
    """Why ``make destroy`` must not start (None: it may). Without ``STACKS`` it destroys every
    stack, and while the config protects anything Terraform would refuse only after it had
    destroyed every workloads stack: so it refuses before anything runs."""
    if stacks.strip() or not prevent_destroy:
        return None
    return (
        "make destroy without STACKS destroys the whole environment, and the config protects its "
        "zones, addresses, registry, vault and workspace (prevent_destroy: true): set "
        "prevent_destroy: false in the config, review that change, then run make destroy; to retire "
        'one drained region, name its stacks: make destroy STACKS="<region>-workloads <region>"'
    )


def _ask(stack: str, summary: str, plan_text: Callable[[], str]) -> bool:
    """Show the whole plan, then ask (nothing is applied unless the answer is yes)."""
    print(plan_text())
    answer = input(f"[{stack}] {summary} Apply? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


REQUIRED_TOOLS = {"terraform": "the Terraform CLI", "az": "the Azure CLI", "dig": "dig (dnsutils)"}
"""Programs ``deploy`` runs; ``kubelogin`` is run by the Kubernetes provider (workloads stacks)."""


def missing_tools(path: str | None, names: Sequence[str]) -> list[str]:
    """The programs of ``names`` that ``PATH`` does not have."""
    return [name for name in names if shutil.which(name, path=path) is None]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dualstack.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["deploy", "plan", "outputs", "check-destroy", "check-delegation"])
    parser.add_argument("--outdir", type=Path, default=Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out"))
    parser.add_argument("--auto-approve", action="store_true", help="apply every plan without asking")
    parser.add_argument("--parallel", type=int, default=4, help="stacks planned and applied at once")
    return parser


def _preflight(command: str, auto_approve: bool, path: str | None) -> list[str]:
    """What stops a command before anything runs: a missing program, no way to ask."""
    needed = {
        "deploy": [*REQUIRED_TOOLS, "kubelogin"],
        "check-delegation": ["terraform", "dig"],
    }.get(command, ["terraform"])
    problems = [
        f"{name} is not on PATH ({REQUIRED_TOOLS.get(name, name)}); see docs/first-deploy.md"
        for name in missing_tools(path, needed)
    ]
    if command == "deploy" and not auto_approve and not sys.stdin.isatty():
        problems.append(
            "no terminal to ask for approval: review the plans (make plan), then pass --auto-approve "
            "(DEPLOY_FLAGS=--auto-approve)"
        )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    from dualstack.config.loader import ConfigError, config_path_from_env, load_config

    args = _parser().parse_args(argv)
    try:
        config = load_config(config_path_from_env())
    except ConfigError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "check-destroy":
        problem = destroy_problem(config.prevent_destroy, os.environ.get("STACKS", ""))
        if problem:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE if problem else 0
    tools = Tools(dict(os.environ, TF_IN_AUTOMATION="1"))
    problems = _preflight(args.command, args.auto_approve, tools.env.get("PATH"))
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    # With a hub, every region stack peers with the same hub VNet: one at a time (Azure refuses
    # concurrent changes to one VNet's peerings).
    parallel = 1 if config.network.hub is not None else args.parallel
    approve = (lambda _s, _p, _t: True) if args.auto_approve else _ask
    run = Deploy(Terraform(tools, args.outdir), sys.stdout, approve, parallel)
    try:
        _dispatch(args.command, run, config.dns.zone_name, tools)
    except DeployError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _dispatch(command: str, run: Deploy, zone: str, tools: Tools) -> None:
    public_ns = functools.partial(_public_ns, tools)
    if command == "outputs":
        print_outputs(run.terraform, sys.stdout)
    elif command == "check-delegation":
        run.terraform.init(GLOBAL_STACK)
        check_delegation(run, zone, public_ns)
    elif command == "plan":
        waiting = plan_all(run)
        if waiting:
            print(f"not planned yet: {', '.join(waiting)}")
    else:
        deploy(run, zone, functools.partial(_images, tools), public_ns)
        print(f"deployed: all {len(read_manifest(run.terraform.outdir))} stacks are up to date")


def _images(tools: Tools) -> None:
    run = tools.run([sys.executable, "-m", "dualstack.images", "import"])
    print(run.stdout, end="")
    if run.returncode != 0:
        raise DeployError(f"importing the images failed:\n{_tail(run)}")


def _public_ns(tools: Tools, zone: str) -> list[str]:
    """The zone's NS records as public resolvers answer them."""
    run = tools.run(["dig", "+short", "NS", zone])
    if run.returncode != 0:
        raise DeployError(f"dig could not look up the zone's NS records (is dig installed?):\n{_tail(run)}")
    return run.stdout.split()


if __name__ == "__main__":
    sys.exit(main())
