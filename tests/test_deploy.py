"""``python -m dualstack.deploy`` (``make deploy``, ``make plan``, ``make outputs``) against fake
``terraform``, ``dig`` and ``az`` executables on ``PATH`` that record every call and answer like
the real ones: the order of a first deploy, resuming, the delegation stop, a failed stack,
approvals, planning before anything exists.

The fake ``terraform`` keeps a stack's "state" as a file in the stack's folder: ``plan`` exits 2
(changes) until the stack is applied, then 0; ``FAKE_CHANGED`` names stacks that always have
changes and ``FAKE_FAIL`` a stack whose apply fails. ``dig`` answers ``FAKE_PUBLIC_NS``. ``az``
knows which images it has imported.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from synthhelp import CONFIG_DIR, REPO, Synthesized

from dualstack import deploy
from dualstack.config.loader import load_config
from dualstack.workloads.stack import image_catalog

AZURE_NS = [
    "ns1-01.azure-dns.com.",
    "ns2-01.azure-dns.net.",
    "ns3-01.azure-dns.org.",
    "ns4-01.azure-dns.info.",
]

FAKE_TERRAFORM = """\
import json, os, sys, pathlib
args = sys.argv[1:]
folder = pathlib.Path(args[0].split("=", 1)[1])
stack = folder.name
command = args[1]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(f"terraform {stack} {command}\\n")
applied = folder / ".fake-state"
# As strict as the real one: only init, plan and apply take -input.
if "-input=false" in args and command not in ("init", "plan", "apply"):
    print("Error parsing command-line flags: flag provided but not defined: -input", file=sys.stderr)
    sys.exit(1)
if command == "plan":
    if applied.exists() and stack not in os.environ.get("FAKE_CHANGED", "").split():
        sys.exit(0)
    (folder / "plan.tfplan").write_text("plan")
    sys.exit(2)
if command == "show":
    print("Terraform will perform the following actions:\\n\\nPlan: 3 to add, 0 to change, 0 to destroy.")
elif command == "apply":
    if stack == os.environ.get("FAKE_FAIL"):
        print("Error: something Azure refused", file=sys.stderr)
        sys.exit(1)
    applied.write_text("applied")
elif command == "state":
    if not applied.exists():
        print("No state file was found!", file=sys.stderr)
        sys.exit(1)
    print("azurerm_resource_group.something")
elif command == "output":
    outputs = {"cross-stack-output-x": {"value": "hidden", "sensitive": True}}
    if stack == "global":
        outputs["name_servers"] = {"value": json.loads(os.environ["FAKE_AZURE_NS"]), "sensitive": False}
        outputs["app_url"] = {"value": "https://app.example/", "sensitive": False}
    print(json.dumps(outputs if applied.exists() else {}))
"""

FAKE_DIG = """\
import os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write("dig " + " ".join(sys.argv[1:]) + "\\n")
for ns in os.environ.get("FAKE_PUBLIC_NS", "").split():
    print(ns)
"""

FAKE_AZ = """\
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write("az " + " ".join(args[:2]) + "\\n")
state = os.environ["FAKE_AZ_STATE"]
have = set(open(state).read().split()) if os.path.exists(state) else set()
digests = json.loads(os.environ.get("FAKE_DIGESTS", "{}"))
if args[:3] == ["acr", "repository", "show"]:
    ref = args[args.index("--image") + 1]
    if ref not in have:
        sys.exit(3)
    print(digests.get(ref, "sha256:" + "0" * 64))
elif args[:2] == ["acr", "import"]:
    with open(state, "a") as f:
        f.write(args[args.index("--image") + 1] + "\\n")
"""


@dataclass
class Fakes:
    bin: Path
    log: Path
    env: dict[str, str]

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


def _fakes(tmp_path: Path, config_file: Path) -> Fakes:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, source in (
        ("terraform", FAKE_TERRAFORM),
        ("dig", FAKE_DIG),
        ("az", FAKE_AZ),
        ("kubelogin", "import sys\nsys.exit(0)\n"),  # checked for, run by the providers only
    ):
        path = bin_dir / name
        path.write_text(f"#!{sys.executable}\n{source}")
        path.chmod(0o755)
    config = load_config(config_file)
    echo = image_catalog(config).image("echo")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "FAKE_AZ_STATE": str(tmp_path / "az-state"),
        "FAKE_AZURE_NS": json.dumps(AZURE_NS),
        "FAKE_PUBLIC_NS": " ".join(AZURE_NS),
        "FAKE_DIGESTS": json.dumps({f"{echo.repository}:{echo.tag}": echo.digest}),
        "DUALSTACK_CONFIG": str(config_file),
    }
    return Fakes(bin_dir, tmp_path / "calls.log", env)


def _outdir(synth: Synthesized, tmp_path: Path) -> Path:
    """A copy of the synthesized output's manifest and stack folders (the fake writes state there)."""
    out = tmp_path / "cdktf.out"
    (out / "stacks").mkdir(parents=True)
    (out / "manifest.json").write_text((synth.outdir / "manifest.json").read_text())
    for name in synth.stacks:
        (out / "stacks" / name).mkdir()
    return out


def _run(fakes: Fakes, outdir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualstack.deploy", *args, "--outdir", str(outdir)],
        cwd=REPO,
        env={**fakes.env, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _index(calls: list[str], prefix: str) -> list[int]:
    return [i for i, c in enumerate(calls) if c.startswith(prefix)]


@pytest.fixture
def default_run(default_synth: Synthesized, tmp_path: Path) -> tuple[Fakes, Path]:
    return _fakes(tmp_path, CONFIG_DIR / "default.yaml"), _outdir(default_synth, tmp_path)


@pytest.mark.slow(3)
def test_a_first_deploy_runs_in_order(default_run: tuple[Fakes, Path]) -> None:
    """global, then the images, then the delegation check, then the regions, then the workloads."""
    fakes, outdir = default_run
    run = _run(fakes, outdir, "deploy", "--auto-approve")
    assert run.returncode == 0, run.stdout + run.stderr
    calls = fakes.calls()
    applied = [c.split()[1] for c in calls if c.endswith(" apply")]
    assert applied[0] == "global"
    assert set(applied[1:3]) == {"eastus2", "swedencentral"}
    assert set(applied[3:]) == {"eastus2-workloads", "swedencentral-workloads"}
    first_import, dig = _index(calls, "az acr import")[0], _index(calls, "dig")[0]
    global_apply = calls.index("terraform global apply")
    region_plans = [calls.index(f"terraform {r} plan") for r in ("eastus2", "swedencentral")]
    assert global_apply < first_import < dig < min(region_plans)
    n_images = len(image_catalog(load_config(CONFIG_DIR / "default.yaml")).images)
    assert len(_index(calls, "az acr import")) == n_images, "every image, once"
    assert "dig +short NS dualstack.contoso.com" in calls
    for stack in ("eastus2", "swedencentral"):
        assert calls.index(f"terraform {stack} apply") < calls.index(f"terraform {stack}-workloads plan")
    # Each stack says what happens and how long it took.
    assert "[global] Plan: 3 to add, 0 to change, 0 to destroy. (" in run.stdout
    assert "[eastus2] applied in " in run.stdout
    assert "[delegation] dualstack.contoso.com is delegated to ns1-01.azure-dns.com" in run.stdout


@pytest.mark.slow(3)
def test_a_front_door_deploy_applies_the_edge_last(frontdoor_synth: Synthesized, tmp_path: Path) -> None:
    fakes, outdir = _fakes(tmp_path, CONFIG_DIR / "frontdoor.yaml"), _outdir(frontdoor_synth, tmp_path)
    run = _run(fakes, outdir, "deploy", "--auto-approve")
    assert run.returncode == 0, run.stdout + run.stderr
    applied = [c.split()[1] for c in fakes.calls() if c.endswith(" apply")]
    assert applied[0] == "global" and applied[-1] == "edge"
    assert {s for s in applied[1:3]} == {"westeurope", "northeurope"}
    assert {s for s in applied[3:5]} == {"westeurope-workloads", "northeurope-workloads"}


def test_a_rerun_resumes_and_skips_what_is_applied(default_run: tuple[Fakes, Path]) -> None:
    fakes, outdir = default_run
    first = _run(fakes, outdir, "deploy", "--auto-approve", FAKE_FAIL="swedencentral")
    assert first.returncode == deploy.EXIT_FAILED
    assert "[swedencentral] FAILED: terraform apply failed in stack swedencentral" in first.stdout
    assert "Error: something Azure refused" in first.stdout
    calls = fakes.calls()
    assert "terraform eastus2 apply" in calls, "the other region of the wave still applied"
    assert not [c for c in calls if "-workloads apply" in c], "nothing after a failed wave"
    fakes.log.unlink()
    second = _run(fakes, outdir, "deploy", "--auto-approve")
    assert second.returncode == 0, second.stdout + second.stderr
    applied = [c.split()[1] for c in fakes.calls() if c.endswith(" apply")]
    assert applied[0] == "swedencentral" and set(applied[1:]) == {
        "eastus2-workloads",
        "swedencentral-workloads",
    }
    assert "[global] up to date: skipped" in second.stdout
    assert "[eastus2] up to date: skipped" in second.stdout
    assert "present   " in second.stdout, "the images were already imported"


def test_a_missing_delegation_stops_before_any_region_and_prints_the_records(
    default_run: tuple[Fakes, Path],
) -> None:
    fakes, outdir = default_run
    run = _run(fakes, outdir, "deploy", "--auto-approve", FAKE_PUBLIC_NS="ns1.registrar.example.")
    assert run.returncode == deploy.EXIT_FAILED
    calls = fakes.calls()
    assert "terraform global apply" in calls
    assert not [c for c in calls if c.startswith(("terraform eastus2", "terraform swedencentral"))]
    for ns in AZURE_NS:
        assert f"  dualstack.contoso.com. 3600 IN NS {ns}\n" in run.stderr + "\n"
    assert "resolvers find ns1.registrar.example" in run.stderr


def test_deploy_without_a_terminal_or_approval_refuses(default_run: tuple[Fakes, Path]) -> None:
    fakes, outdir = default_run
    run = _run(fakes, outdir, "deploy")
    assert run.returncode == deploy.EXIT_USAGE
    assert "no terminal to ask for approval" in run.stderr
    assert fakes.calls() == [], "nothing ran"


def test_plan_plans_what_it_can_and_names_what_it_cannot_yet(default_run: tuple[Fakes, Path]) -> None:
    fakes, outdir = default_run
    run = _run(fakes, outdir, "plan")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[global] Plan: 3 to add" in run.stdout
    for stack in ("eastus2", "swedencentral"):
        assert f"[{stack}] cannot be planned yet: global not deployed (make deploy)" in run.stdout
    assert "[eastus2-workloads] cannot be planned yet: eastus2 not deployed" in run.stdout
    assert not [c for c in fakes.calls() if c.endswith(" apply")], "plan applies nothing"
    assert run.stdout.rstrip().endswith(
        "not planned yet: eastus2, swedencentral, eastus2-workloads, swedencentral-workloads"
    )


def test_outputs_print_every_stacks_outputs_without_the_plumbing(default_run: tuple[Fakes, Path]) -> None:
    fakes, outdir = default_run
    assert _run(fakes, outdir, "deploy", "--auto-approve").returncode == 0
    run = _run(fakes, outdir, "outputs")
    assert run.returncode == 0, run.stderr
    assert f"global  name_servers = {' '.join(AZURE_NS)}" in run.stdout
    assert "global  app_url = https://app.example/" in run.stdout
    assert "cross-stack" not in run.stdout


def test_the_waves_and_the_delegation_rule() -> None:
    stacks: dict[str, list[str]] = {
        "global": [],
        "b": ["global"],
        "a": ["global"],
        "a-workloads": ["a"],
        "edge": ["a", "b", "global"],
    }
    assert deploy.waves(stacks) == [["global"], ["a", "b"], ["a-workloads"], ["edge"]]
    assert deploy.delegation_problem("z.example", ["NS1.x.", "ns2.x"], ["ns2.x.", "ns1.x"]) is None
    problem = deploy.delegation_problem("z.example", ["ns1.x.", "ns2.x."], ["ns1.x."])
    assert problem is not None and "  z.example. 3600 IN NS ns2.x." in problem


@pytest.fixture
def frontdoor_synth(synthesized_configs: dict[str, Synthesized]) -> Any:
    return synthesized_configs["frontdoor"]


def test_make_destroy_without_stacks_refuses_while_the_config_protects_anything(tmp_path: Path) -> None:
    assert deploy.destroy_problem(True, "eastus2-workloads eastus2") is None
    assert deploy.destroy_problem(False, "") is None
    problem = deploy.destroy_problem(True, "  ")
    assert problem is not None and "set prevent_destroy: false" in problem and "STACKS=" in problem
    run = subprocess.run(
        [sys.executable, "-m", "dualstack.deploy", "check-destroy"],
        cwd=REPO,
        env={**os.environ, "DUALSTACK_CONFIG": str(CONFIG_DIR / "default.yaml"), "STACKS": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == deploy.EXIT_USAGE
    assert run.stderr.startswith("error: make destroy without STACKS destroys the whole environment")


# --- the real Terraform CLI -----------------------------------------------------------------------


def _real_stack(outputs: dict[str, Any] | None = None) -> str:
    """A stack of Terraform's built-in ``terraform_data`` with local state (no provider to
    download), standing in for one synthesized stack."""
    doc: dict[str, Any] = {
        "terraform": {"backend": {"local": {"path": "terraform.tfstate"}}},
        "resource": {"terraform_data": {"stand_in": {"input": "x"}}},
    }
    if outputs:
        doc["output"] = {k: {"value": v} for k, v in outputs.items()}
    return json.dumps(doc)


@pytest.mark.slow(6)
@pytest.mark.skipif(shutil.which("terraform") is None, reason="the Terraform CLI is a prerequisite")
def test_the_orchestrator_drives_the_real_terraform_cli(tmp_path: Path) -> None:
    """The commands and flags the orchestrator gives Terraform, and how it reads the answers
    (detailed exit codes, the plan summary, no state yet, outputs), against Terraform itself on
    stand-in stacks: plan before anything exists, a first deploy, a resumed one, the outputs."""
    fakes = _fakes(tmp_path, CONFIG_DIR / "default.yaml")
    (fakes.bin / "terraform").unlink()  # the real one, from PATH
    out = tmp_path / "cdktf.out"
    stacks = {"global": [], "eastus2": ["global"], "eastus2-workloads": ["eastus2"]}
    manifest = {"stacks": {n: {"name": n, "dependencies": d} for n, d in stacks.items()}}
    (out / "stacks").mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps(manifest))
    for name in stacks:
        (out / "stacks" / name).mkdir()
        outputs = {"name_servers": AZURE_NS} if name == "global" else None
        (out / "stacks" / name / "cdk.tf.json").write_text(_real_stack(outputs))
    env = {"TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}
    planned = _run(fakes, out, "plan", **env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "[global] Plan: 1 to add, 0 to change, 0 to destroy." in planned.stdout
    assert "[eastus2] cannot be planned yet: global not deployed" in planned.stdout
    first = _run(fakes, out, "deploy", "--auto-approve", **env)
    assert first.returncode == 0, first.stdout + first.stderr
    for name in stacks:
        assert (out / "stacks" / name / "terraform.tfstate").is_file(), name
        assert f"[{name}] applied in " in first.stdout
    again = _run(fakes, out, "deploy", "--auto-approve", **env)
    assert again.returncode == 0, again.stdout + again.stderr
    for name in stacks:
        assert f"[{name}] up to date: skipped" in again.stdout
    shown = _run(fakes, out, "outputs", **env)
    assert f"global  name_servers = {' '.join(AZURE_NS)}" in shown.stdout


# --- the orchestrator in-process: approvals, parallelism, failures --------------------------------


class RecordingTerraform(deploy.Terraform):
    """Terraform stand-in in-process: every stack has changes; records how many run at once."""

    def __init__(self, outdir: Path, *, fail_plan: str = "") -> None:
        super().__init__(deploy.Tools({}), outdir)
        self.fail_plan, self.running, self.most = fail_plan, 0, 0
        self.applied: list[str] = []
        self.lock = threading.Lock()

    def init(self, stack: str) -> None:
        pass

    def plan(self, stack: str) -> str | None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.2)
        with self.lock:
            self.running -= 1
        if stack == self.fail_plan:
            raise deploy.DeployError(f"terraform plan failed in stack {stack}:\nError: invalid")
        return "Plan: 1 to add, 0 to change, 0 to destroy."

    def show(self, stack: str) -> str:
        return f"# terraform_data.{stack} will be created"

    def apply(self, stack: str) -> None:
        self.applied.append(stack)


def _in_process(
    tmp_path: Path, approve: Any, parallel: int = 4, fail_plan: str = ""
) -> tuple[deploy.Deploy, Any]:
    out = tmp_path / "out"
    out.mkdir(parents=True)
    out.joinpath("manifest.json").write_text(
        json.dumps(
            {"stacks": {"global": {}, "a": {"dependencies": ["global"]}, "b": {"dependencies": ["global"]}}}
        )
    )
    tf = RecordingTerraform(out, fail_plan=fail_plan)
    text = io.StringIO()
    return deploy.Deploy(tf, text, approve, parallel), text


def test_the_plan_is_shown_and_nothing_applies_without_a_yes(tmp_path: Path) -> None:
    seen = []

    def approve(stack: str, summary: str, plan_text: Any) -> bool:
        seen.append((stack, summary, plan_text()))
        return stack == "a"

    run, _ = _in_process(tmp_path, approve)
    with pytest.raises(deploy.DeployError, match="stack b: not approved; nothing after it was applied"):
        run.apply_wave(["a", "b"])
    assert ("a", "Plan: 1 to add, 0 to change, 0 to destroy.", "# terraform_data.a will be created") in seen
    assert run.terraform.applied == [], "a wave applies only once every stack of it is approved"  # type: ignore[attr-defined]


def test_a_wave_runs_in_parallel_up_to_the_limit(tmp_path: Path) -> None:
    run, _ = _in_process(tmp_path, lambda *_: True, parallel=2)
    run.apply_wave(["a", "b"])
    assert run.terraform.most == 2  # type: ignore[attr-defined]
    one, _ = _in_process(tmp_path / "one", lambda *_: True, parallel=1)
    one.apply_wave(["a", "b"])
    assert one.terraform.most == 1  # type: ignore[attr-defined]


def test_a_failed_plan_is_reported_per_stack_and_stops_the_run(tmp_path: Path) -> None:
    run, text = _in_process(tmp_path, lambda *_: True, fail_plan="b")
    with pytest.raises(deploy.DeployError, match="failed: b"):
        run.apply_wave(["a", "b"])
    assert "[b] FAILED: terraform plan failed in stack b:\nError: invalid" in text.getvalue()
    assert run.terraform.applied == []  # type: ignore[attr-defined]


def test_no_name_servers_output_is_no_delegation() -> None:
    problem = deploy.delegation_problem("z.example", [], [])
    assert problem is not None and "no name_servers output" in problem


def test_a_missing_program_stops_the_deploy_before_anything_runs(default_run: tuple[Fakes, Path]) -> None:
    fakes, outdir = default_run
    (fakes.bin / "dig").unlink()
    path = f"{fakes.bin}{os.pathsep}/usr/bin{os.pathsep}/bin"
    run = _run(fakes, outdir, "deploy", "--auto-approve", PATH=path)
    if shutil.which("dig", path="/usr/bin:/bin"):
        pytest.skip("this machine has dig in /usr/bin")
    assert run.returncode == deploy.EXIT_USAGE
    assert "error: dig is not on PATH (dig (dnsutils))" in run.stderr
    assert fakes.calls() == []


def test_make_destroy_checks_before_cdktf_destroys() -> None:
    recipe = (REPO / "Makefile").read_text().split("\ndestroy: synth\n", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in recipe.splitlines()]
    assert lines[0].endswith("-m dualstack.deploy check-destroy")
    assert "$(CLI) destroy $(APP)" in lines[1]  # cdktf destroy, or cdktn destroy --app ...
